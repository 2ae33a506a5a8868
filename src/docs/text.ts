/**
 * Escaping and small text helpers for the HTML page and the SVG diagram. Every string that comes
 * from an input file goes through {@link escapeHtml} (or {@link richText}) before it reaches markup.
 */
import type { DocModel } from './model.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and (double- or single-quoted) attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Escapes text for XML (SVG) content and attributes; the same rules as {@link escapeHtml}, and
 * drops the control characters XML 1.0 forbids.
 *
 * @example
 * ```ts
 * escapeXml('<Study>'); // '&lt;Study&gt;'
 * ```
 */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return escapeHtml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ''));
}

const URL_RE = /\bhttps?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/g;

/**
 * Free text (a comment, a description) as HTML: escaped, blank-line-separated paragraphs become
 * `<p>` elements, and `http(s)` URLs become links.
 *
 * @example
 * ```ts
 * richText('See https://example.org/a?b&c.\n\nSecond <para>.');
 * // '<p>See <a href="https://example.org/a?b&amp;c">https://example.org/a?b&amp;c</a>.</p>\n<p>Second &lt;para&gt;.</p>'
 * ```
 */
export function richText(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para !== '')
    .map((para) => `<p>${linkify(para)}</p>`)
    .join('\n');
}

/**
 * Escapes a line of text and turns its `http(s)` URLs into links.
 *
 * @example
 * ```ts
 * linkify('doi: https://doi.org/10.1/x'); // 'doi: <a href="https://doi.org/10.1/x">https://doi.org/10.1/x</a>'
 * ```
 */
export function linkify(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    out += escapeHtml(text.slice(last, m.index));
    out += `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

/**
 * The compact form of an IRI (`prov:Entity`) using the model's prefixes, longest namespace first;
 * the full IRI in angle brackets when no prefix fits.
 *
 * @example
 * ```ts
 * curieOf(model, 'http://www.w3.org/ns/prov#Entity'); // 'prov:Entity'
 * ```
 */
export function curieOf(model: Pick<DocModel, 'prefixes'>, iri: string): string {
  let best: { prefix: string; iri: string } | undefined;
  for (const p of model.prefixes) {
    if (iri.startsWith(p.iri) && iri.length > p.iri.length && (best === undefined || p.iri.length > best.iri.length)) best = p;
  }
  const local = best === undefined ? '' : iri.slice(best.iri.length);
  return best === undefined || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(local) ? `<${iri}>` : `${best.prefix}:${local}`;
}
