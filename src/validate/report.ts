import type { ShaclPathStep, ShaclResult } from 'shacl-engine';
import type { ValidationReport, ValidationResult } from './types.js';

/**
 * SHACL namespace.
 *
 * @example
 * ```ts
 * const minCount = `${SH}MinCountConstraintComponent`;
 * ```
 */
export const SH = 'http://www.w3.org/ns/shacl#';
/**
 * RDF namespace.
 *
 * @example
 * ```ts
 * const type = `${RDF}type`;
 * ```
 */
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
/**
 * RDFS namespace.
 *
 * @example
 * ```ts
 * const subClassOf = `${RDFS}subClassOf`;
 * ```
 */
export const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';

const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['provml', 'https://w3id.org/prov-ml#'],
  ['prov', 'http://www.w3.org/ns/prov#'],
  ['mls', 'http://www.w3.org/ns/mls#'],
  ['rdf', RDF],
  ['rdfs', RDFS],
  ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
  ['sh', SH],
];

const SEVERITIES = new Map<string, ValidationResult['severity']>([
  [`${SH}Violation`, 'Violation'],
  [`${SH}Warning`, 'Warning'],
  [`${SH}Info`, 'Info'],
]);

/**
 * The report severity of a `sh:severity` IRI (`undefined` = the default, `Violation`).
 *
 * @example
 * ```ts
 * severityOf('http://www.w3.org/ns/shacl#Warning'); // 'Warning'
 * ```
 */
export function severityOf(iri: string | undefined): ValidationResult['severity'] | undefined {
  return iri === undefined ? 'Violation' : SEVERITIES.get(iri);
}

/**
 * An IRI compacted with provml's well-known prefixes, else `<iri>`.
 *
 * @example
 * ```ts
 * renderIri('http://www.w3.org/ns/prov#used'); // 'prov:used'
 * renderIri('urn:x'); // '<urn:x>'
 * ```
 */
export function renderIri(iri: string): string {
  for (const [prefix, ns] of PREFIXES) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return `<${iri}>`;
}

function renderStep(step: ShaclPathStep): string {
  const preds = step.predicates.map((p) => renderIri(p.value));
  let s = preds.length > 1 ? `(${preds.join('|')})` : (preds[0] ?? '');
  if (step.start === 'object') s = `^${s}`;
  const suffix = { one: '', zeroOrMore: '*', oneOrMore: '+', zeroOrOne: '?' }[step.quantifier];
  return suffix && step.start === 'object' ? `(${s})${suffix}` : `${s}${suffix}`;
}

/**
 * Renders a path parsed by shacl-engine as a SPARQL property path (steps joined by `/`).
 *
 * @example
 * ```ts
 * renderEnginePath(result.path!); // 'prov:wasGeneratedBy/provml:partOf*'
 * ```
 */
export function renderEnginePath(path: readonly ShaclPathStep[]): string {
  return path.map(renderStep).join('/');
}

/**
 * A shacl-engine result as a {@link ValidationResult} (`undefined` for its debug/trace results).
 *
 * @example
 * ```ts
 * const results = engineReport.results.map(fromEngineResult).filter((r) => r !== undefined);
 * ```
 */
export function fromEngineResult(r: ShaclResult): ValidationResult | undefined {
  const severity = SEVERITIES.get(r.severity.value);
  if (!severity) return undefined;
  const result: ValidationResult = {
    severity,
    focusNode: r.focusNode.term?.value ?? '',
    message: r.message.map((m) => m.value).join('\n'),
    sourceShape: r.shape.ptr.term?.value ?? '',
    constraint: r.constraintComponent.value,
  };
  if (r.path && r.path.length > 0) result.path = renderEnginePath(r.path);
  const value = r.value?.term?.value;
  if (value !== undefined) result.value = value;
  return result;
}

/**
 * Assembles the final report: `conforms`, per-shape counts, size and duration.
 *
 * @example
 * ```ts
 * const report = buildReport(results, data.size, performance.now() - started);
 * ```
 */
export function buildReport(results: ValidationResult[], triples: number, durationMs: number): ValidationReport {
  const countsByShape: Record<string, number> = {};
  for (const r of results) countsByShape[r.sourceShape] = (countsByShape[r.sourceShape] ?? 0) + 1;
  return { conforms: results.length === 0, results, countsByShape, triples, durationMs: Math.round(durationMs) };
}
