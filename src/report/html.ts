/**
 * HTML building blocks of the report. Every piece of text that comes from the store (names, IRIs,
 * values, error messages) goes through {@link escapeHtml} before it reaches the page; markup is
 * only ever written by this module and its callers as fixed strings.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text made safe for HTML element content *and* for double- or single-quoted attribute values
 * (the same escaping serves both, also inside inline SVG): `& < > " '` become character
 * references; C0 control characters other than tab, line feed and carriage return, and unpaired
 * UTF-16 surrogates, which HTML cannot carry, become U+FFFD. `null`/`undefined` give `''`.
 *
 * @example
 * ```ts
 * escapeHtml('<b> & "x"'); // '&lt;b&gt; &amp; &quot;x&quot;'
 * ```
 */
export function escapeHtml(text: unknown): string {
  if (text === undefined || text === null) return '';
  return String(text)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Surrogate}/gu, '\uFFFD');
}

/** A cell that holds only a number (as {@link num} writes it) is right-aligned. */
const NUMERIC_CELL = /^(-?\d+(\.\d+)?(e-?\d+)?|NaN|−?∞)$/;

/** One HTML fragment: text already escaped, or markup written by report code. */
export type Html = string;

/**
 * A table with a header row. `rows` hold cells already rendered as HTML (use {@link escapeHtml}
 * or {@link code}); `empty` is shown, escaped, in place of a table without rows.
 *
 * @example
 * ```ts
 * table(['name', 'value'], [[escapeHtml('lr'), num(0.1)]], { empty: 'no hyperparameters' });
 * ```
 */
export function table(head: readonly string[], rows: readonly (readonly Html[])[], options: { empty?: string; className?: string; rowClass?: (i: number) => string | undefined } = {}): Html {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(options.empty ?? '(none)')}</p>`;
  const cls = options.className ? ` class="${escapeHtml(options.className)}"` : '';
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r, i) => {
      const rc = options.rowClass?.(i);
      return `<tr${rc ? ` class="${escapeHtml(rc)}"` : ''}>${r.map((c) => (NUMERIC_CELL.test(c) ? `<td class="num">${c}</td>` : `<td>${c}</td>`)).join('')}</tr>`;
    })
    .join('\n');
  return `<div class="scroll"><table${cls}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * An IRI or other identifier in monospace, escaped, with the full text as its tooltip. Never a
 * link: the report loads and links to nothing outside itself.
 *
 * @example
 * ```ts
 * code('urn:provml:execution:0190…'); // '<code title="urn:…">urn:…</code>'
 * ```
 */
export function code(text: string | undefined): Html {
  if (text === undefined || text === '') return '';
  return `<code title="${escapeHtml(text)}">${escapeHtml(text)}</code>`;
}

/**
 * A number for reading: integers as they are, others to 4 significant digits; NaN and ±∞ spelt
 * out. Returns escaped HTML (plain text).
 *
 * @example
 * ```ts
 * num(0.333333); // '0.3333'
 * ```
 */
export function num(n: number | undefined): Html {
  if (n === undefined) return '';
  return escapeHtml(formatNumber(n));
}

/**
 * A number as short text (see {@link num}); shared by tables and chart ticks.
 *
 * @example
 * ```ts
 * formatNumber(1234567); // '1234567'
 * formatNumber(0.000012345); // '1.235e-5'
 * ```
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return n.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(n.toPrecision(4)));
}

/**
 * A duration in milliseconds as text: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
 *
 * @example
 * ```ts
 * formatDuration(65_000); // '1 min 05 s'
 * ```
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${formatNumber(Number(ms.toPrecision(3)))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toPrecision(3))} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(sec).padStart(2, '0')} s`;
}

/**
 * A fragment identifier made from arbitrary text: ASCII letters, digits and `-` kept, every other
 * character written as `_` and its hex code point, so two different names never share an id.
 *
 * @example
 * ```ts
 * slug('val loss'); // 'val_20loss'
 * ```
 */
export function slug(text: string): string {
  return [...text].map((c) => (/^[A-Za-z0-9-]$/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}`)).join('');
}

/**
 * A section with an id (for the table of contents), a heading and its content.
 *
 * @example
 * ```ts
 * section('runs', 'Runs', table(['run'], rows));
 * ```
 */
export function section(id: string, heading: string, content: Html, intro?: string): Html {
  const p = intro ? `\n<p class="intro">${escapeHtml(intro)}</p>` : '';
  return `<section id="${escapeHtml(id)}">\n<h2>${escapeHtml(heading)}</h2>${p}\n${content}\n</section>`;
}

/**
 * A note that a part of the report could not be computed, with the reason (escaped).
 *
 * @example
 * ```ts
 * problem('lineage', new Error('timeout')); // '<p class="problem">lineage: timeout</p>'
 * ```
 */
export function problem(what: string, err: unknown): Html {
  const message = err instanceof Error ? err.message : String(err);
  return `<p class="problem">${escapeHtml(`${what}: ${message}`)}</p>`;
}
