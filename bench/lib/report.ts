/** Turns section results into console tables and the summary of targets. */
import { formatRatio, formatValue, markdownTable, textTable } from './format.js';
import type { BenchTable, TargetCheck } from './types.js';

/** Header and cells of a table: the label, every metric column, then every ratio column. */
export function tableCells(table: BenchTable): { header: string[]; rows: string[][] } {
  const metricKeys = unionKeys(table.rows.map((r) => r.metrics));
  const ratioKeys = unionKeys(table.rows.map((r) => r.ratios ?? {}));
  const header = ['', ...metricKeys, ...ratioKeys];
  const rows = table.rows.map((r) => [
    r.label,
    ...metricKeys.map((k) => formatValue(r.metrics[k], table.digits?.[k])),
    ...ratioKeys.map((k) => formatRatio(r.ratios?.[k])),
  ]);
  return { header, rows };
}

export function renderTable(table: BenchTable, markdown = false): string {
  const { header, rows } = tableCells(table);
  const body = markdown ? markdownTable(header, rows) : textTable(header, rows);
  const notes = (table.notes ?? []).map((n) => (markdown ? `\n${n}` : `  ${n}`));
  return [markdown ? `**${table.title}**\n` : table.title, body, ...notes].join('\n');
}

export function renderTargets(targets: (TargetCheck & { section: string })[], markdown = false): string {
  const header = ['target', 'measured', 'result'];
  const rows = targets.map((t) => [
    `${t.target} (${t.section})`,
    t.measured,
    (t.pass === null ? 'not decided' : t.pass ? 'PASS' : 'FAIL') + (t.note ? ` — ${t.note}` : ''),
  ]);
  return markdown ? markdownTable(header, rows) : textTable(header, rows);
}

function unionKeys(records: Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return keys;
}
