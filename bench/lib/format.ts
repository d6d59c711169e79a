/** Number formatting and plain-text tables for the console report. */

/**
 * A readable number: integers and anything from 100 up whole with thousands separators, one decimal from 10, three significant
 * digits below. `digits` fixes the decimals instead (e.g. 4 for recall).
 */
export function formatNumber(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (digits !== undefined) return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const a = Math.abs(v);
  if (Number.isInteger(v) || a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a === 0) return '0';
  return v.toPrecision(3);
}

export function formatValue(v: unknown, digits?: number): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v, digits);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function formatRatio(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '–';
  return `${Math.abs(v) >= 100 ? formatNumber(v) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2)}×`;
}

/** Left-aligned first column, right-aligned numbers, two spaces between columns. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as Markdown, for pasting into the README. */
export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function bytesMb(bytes: number | null | undefined): number | null {
  return bytes == null ? null : bytes / 1e6;
}
