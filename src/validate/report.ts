import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { ShaclPathStep, ShaclResult } from 'shacl-engine';
import type { TermResult } from './results.js';
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
 * A path parsed by shacl-engine as RDF (`sh:resultPath`): a predicate IRI, or a blank node with
 * the triples of its structure (the way shacl-engine writes its own reports).
 *
 * @example
 * ```ts
 * const { node, quads } = enginePathToRdf(result.path!);
 * ```
 */
export function enginePathToRdf(path: readonly ShaclPathStep[]): { node: Term; quads: Quad[] } {
  const { blankNode, namedNode, quad } = DataFactory;
  const quads: Quad[] = [];
  const list = (items: readonly Term[]): Term => {
    let head: Term = namedNode(`${RDF}nil`);
    for (const item of [...items].reverse()) {
      const cell = blankNode();
      quads.push(quad(cell, namedNode(`${RDF}first`), item as Quad['object']), quad(cell, namedNode(`${RDF}rest`), head as Quad['object']));
      head = cell;
    }
    return head;
  };
  const step = (s: ShaclPathStep): Term => {
    const wrap = (p: string, o: Term) => {
      const b = blankNode();
      quads.push(quad(b, namedNode(SH + p), o as Quad['object']));
      return b;
    };
    if (s.quantifier === 'one') {
      if (s.predicates.length > 1) return wrap('alternativePath', list(s.predicates));
      return s.start === 'object' ? wrap('inversePath', s.predicates[0]!) : s.predicates[0]!;
    }
    return wrap(`${s.quantifier}Path`, s.predicates[0]!);
  };
  const node = path.length === 1 ? step(path[0]!) : list(path.map(step));
  return { node, quads };
}

/** shacl-engine's own debug and trace severities (`shn:Debug`, `shn:Trace`): not validation results. */
const ENGINE_INTERNAL = 'https://schemas.link/shacl-next#';

/**
 * A shacl-engine result as a {@link TermResult} (`undefined` for its debug/trace results). Any
 * severity a shape gives is kept — a custom `sh:severity` is a result too (SHACL §3.6.1).
 *
 *
 * @example
 * ```ts
 * const results = engineReport.results.map(fromEngineResult).filter((r) => r !== undefined);
 * ```
 */
export function fromEngineResult(r: ShaclResult): TermResult | undefined {
  if (r.severity.value.startsWith(ENGINE_INTERNAL)) return undefined;
  const shape = r.shape.ptr.term;
  const focus = r.focusNode.term;
  if (!shape || !focus) return undefined;
  const result: TermResult = {
    severity: r.severity,
    focusNode: focus,
    messages: r.message,
    sourceShape: shape,
    constraint: r.constraintComponent,
  };
  if (r.path && r.path.length > 0) {
    result.path = renderEnginePath(r.path);
    const { node, quads } = enginePathToRdf(r.path);
    result.pathNode = node;
    if (quads.length > 0) result.pathQuads = quads;
  }
  const value = r.value?.term;
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
