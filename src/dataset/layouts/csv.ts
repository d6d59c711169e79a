import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';

/** Reads a CSV with a header row into records keyed by (trimmed, lower-cased) column name. */
export async function readCsv(path: string): Promise<Record<string, string>[]> {
  const text = await readFile(path, 'utf8');
  const rows = parse(text, {
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  }) as Record<string, string>[];
  return rows;
}

export function optional(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
