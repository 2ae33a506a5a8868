/**
 * The validation verdict: provml's SHACL shapes run over what the endpoint holds (src/validate),
 * shown as "conforms" or the number of results, the counts per shape and the first results.
 */
import type { SparqlEndpoint } from '../store/endpoint.js';
import { validate } from '../validate/validate.js';
import { code, escapeHtml, formatDuration, num, problem, section, table, type Html } from './html.js';

/** Results listed on the page; the counts per shape cover all of them. */
export const MAX_RESULTS = 20;

function shortShape(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return iri.slice(cut + 1) || iri;
}

/**
 * The validation section; `conforms` is undefined when validation was skipped or failed.
 *
 * @example
 * ```ts
 * const { html, conforms } = await validationSection(store, true, problems);
 * ```
 */
export async function validationSection(endpoint: SparqlEndpoint, run: boolean, problems: string[]): Promise<{ html: Html; conforms?: boolean }> {
  const intro = 'The store checked against provml\'s SHACL shapes (shapes/prov-ml.shapes.ttl): every run, not only the selected ones.';
  if (!run) return { html: section('validation', 'Validation', '<p class="empty">skipped (validate: false)</p>', intro) };
  try {
    const report = await validate({ endpoint }, { onWarning: () => {} });
    const facts = `<dl class="facts"><dt>triples</dt><dd>${num(report.triples)}</dd><dt>took</dt><dd>${escapeHtml(formatDuration(report.durationMs))}</dd></dl>`;
    if (report.conforms) {
      return { html: section('validation', 'Validation', `<p><span class="badge ok">conforms</span> no SHACL result of any severity.</p>${facts}`, intro), conforms: true };
    }
    const n = report.results.length;
    const verdict = `<p><span class="badge bad">does not conform</span> ${n} result${n === 1 ? '' : 's'}${n > MAX_RESULTS ? `; the first ${MAX_RESULTS} are listed` : ''}.</p>`;
    const counts = table(
      ['shape', 'results'],
      Object.entries(report.countsByShape)
        .sort((a, b) => b[1] - a[1])
        .map(([shape, count]) => [`<span title="${escapeHtml(shape)}">${escapeHtml(shortShape(shape))}</span>`, `<span class="num">${count}</span>`]),
    );
    const results = table(
      ['severity', 'focus node', 'path', 'value', 'message', 'shape'],
      report.results.slice(0, MAX_RESULTS).map((r) => [escapeHtml(r.severity), code(r.focusNode), code(r.path), code(r.value), escapeHtml(r.message), `<span title="${escapeHtml(r.sourceShape)}">${escapeHtml(shortShape(r.sourceShape))}</span>`]),
    );
    return { html: section('validation', 'Validation', `${verdict}${facts}\n<h3>Results per shape</h3>\n${counts}\n<h3>First results</h3>\n${results}`, intro), conforms: false };
  } catch (err) {
    problems.push(`validation: ${err instanceof Error ? err.message : String(err)}`);
    return { html: section('validation', 'Validation', problem('validation', err), intro) };
  }
}
