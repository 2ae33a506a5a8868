import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { cli, type CliStream } from './io.js';

/**
 * Tabular output shared by the reading commands: `table` (console.table on a TTY-friendly layout),
 * `json` (an array of objects) and `csv` (RFC 4180: quoted when needed, `"` doubled, CRLF-free
 * values kept in quotes).
 */

/** Output formats of tabular commands. */
export type TableFormat = 'table' | 'json' | 'csv';

/** Formats accepted by `--format` on tabular commands. */
export const TABLE_FORMATS: readonly TableFormat[] = ['table', 'json', 'csv'];

type Cell = string | number | boolean | null | undefined | Date;

function cellText(v: Cell | object): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** One CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(v: Cell | object): string {
  const s = cellText(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text: a header with the union of keys in first-seen order, then one line per row. */
export function toCsv(objects: readonly object[]): string {
  const rows = objects as readonly Record<string, unknown>[];
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  const lines = [columns.map(csvField).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c] as Cell)).join(','));
  return `${lines.join('\n')}\n`;
}

/** `console.table`'s layout as text (written by the caller, not through the global console). */
export function tableText(rows: readonly object[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  new Console({ stdout: sink, colorMode: false }).table(rows);
  return text;
}

/** Write rows to the command's stdout (or `out`) in the given format. */
export function printRows(format: TableFormat, objects: readonly object[], out: CliStream = cli().stdout): void {
  const rows = objects as readonly Record<string, unknown>[];
  if (format === 'json') out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === 'csv') out.write(toCsv(rows));
  else if (rows.length === 0) out.write('(none)\n');
  else {
    const table = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'object' && v !== null && !(v instanceof Date) ? JSON.stringify(v) : v])));
    out.write(tableText(table));
  }
}
