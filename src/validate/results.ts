import type { Literal, Quad, Term } from '@rdfjs/types';
import { DataFactory, Store } from 'n3';
import { RDF, SH } from './report.js';
import type { ValidationResult } from './types.js';

const { namedNode, blankNode, literal, quad } = DataFactory;

/**
 * One validation result with its RDF terms: what both the flattened {@link ValidationResult}
 * and the SHACL validation report graph (`sh:ValidationResult`, used by the W3C test suite) are
 * made from.
 *
 * @example
 * ```ts
 * const r: TermResult = { severity: sh('Violation'), focusNode, messages: [], sourceShape, constraint };
 * ```
 */
export interface TermResult {
  /** `sh:resultSeverity`: `sh:Violation`, `sh:Warning`, `sh:Info` or any other IRI the shape gives. */
  severity: Term;
  focusNode: Term;
  /** The property path as reports render it (e.g. `prov:used`). */
  path?: string;
  /** `sh:resultPath`: a predicate IRI, or a blank node of the shapes graph (or of `pathQuads`). */
  pathNode?: Term;
  /** The structure of a blank `pathNode` that is not in the shapes graph. */
  pathQuads?: Quad[];
  value?: Term;
  /** `sh:resultMessage` literals (templates already substituted). */
  messages: Literal[];
  sourceShape: Term;
  /** `sh:sourceConstraintComponent`. */
  constraint: Term;
  /** `sh:sourceConstraint`: the `sh:sparql` constraint node of a SPARQL-based constraint. */
  sourceConstraint?: Term;
}

const SEVERITIES = new Map<string, ValidationResult['severity']>([
  [`${SH}Violation`, 'Violation'],
  [`${SH}Warning`, 'Warning'],
  [`${SH}Info`, 'Info'],
]);

/**
 * The report severity of a `sh:resultSeverity` term: `Violation`, `Warning` or `Info` for the
 * three SHACL severities; any other severity IRI is kept as given (SHACL §3.6.1).
 *
 * @example
 * ```ts
 * severityName(namedNode('urn:x:MySeverity')); // 'urn:x:MySeverity'
 * ```
 */
export function severityName(t: Term): ValidationResult['severity'] {
  return SEVERITIES.get(t.value) ?? t.value;
}

/**
 * A {@link TermResult} flattened to the strings of {@link ValidationResult}.
 *
 * @example
 * ```ts
 * report.results = termResults.map(toValidationResult);
 * ```
 */
export function toValidationResult(r: TermResult): ValidationResult {
  const out: ValidationResult = {
    severity: severityName(r.severity),
    focusNode: r.focusNode.value,
    message: r.messages.map((m) => m.value).join('\n'),
    sourceShape: r.sourceShape.value,
    constraint: r.constraint.value,
  };
  if (r.path !== undefined) out.path = r.path;
  if (r.value !== undefined) out.value = r.value.value;
  return out;
}

/** A path node copied out of the shapes graph: its blank nodes (lists, inverse, alternatives…) and their triples. */
function copyPath(shapes: Store | undefined, node: Term, out: Quad[], fresh: Map<string, Term>): Term {
  if (node.termType !== 'BlankNode' || !shapes) return node;
  let copy = fresh.get(node.value);
  if (copy) return copy;
  copy = blankNode();
  fresh.set(node.value, copy);
  for (const q of shapes.getQuads(node, null, null, null)) {
    out.push(quad(copy as Quad['subject'], q.predicate, copyPath(shapes, q.object, out, fresh) as Quad['object']));
  }
  return copy;
}

/**
 * The SHACL validation report graph of a list of results (SHACL §3.6): one `sh:ValidationReport`
 * with `sh:conforms` and one `sh:ValidationResult` per result; complex result paths are copied
 * from the shapes graph.
 *
 * @example
 * ```ts
 * const quads = reportGraph(termResults, shapesStore);
 * ```
 */
export function reportGraph(results: readonly TermResult[], shapes?: Store): Quad[] {
  const out: Quad[] = [];
  const report = blankNode();
  const sh = (l: string) => namedNode(SH + l);
  out.push(quad(report, namedNode(`${RDF}type`), sh('ValidationReport')));
  out.push(quad(report, sh('conforms'), literal(String(results.length === 0), namedNode('http://www.w3.org/2001/XMLSchema#boolean'))));
  for (const r of results) {
    const node = blankNode();
    const add = (p: string, o: Term) => out.push(quad(node, sh(p), o as Quad['object']));
    out.push(quad(report, sh('result'), node));
    out.push(quad(node, namedNode(`${RDF}type`), sh('ValidationResult')));
    add('focusNode', r.focusNode);
    add('resultSeverity', r.severity);
    add('sourceShape', r.sourceShape);
    add('sourceConstraintComponent', r.constraint);
    if (r.sourceConstraint) add('sourceConstraint', r.sourceConstraint);
    if (r.value !== undefined) add('value', r.value);
    if (r.pathNode !== undefined) add('resultPath', copyPath(r.pathQuads ? new Store(r.pathQuads) : shapes, r.pathNode, out, new Map()));
    for (const m of r.messages) add('resultMessage', m);
  }
  return out;
}
