import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, type Store } from 'n3';
import { Generator, Parser, type Pattern, type SelectQuery, type Triple, type VariableTerm } from 'sparqljs';
import type { Bindings, SparqlEndpoint } from '../store/endpoint.js';
import { readPath, renderPath, toSparqljsPath, type ShaclPath } from './paths.js';
import { RDF, RDFS, renderIri, severityOf, SH } from './report.js';
import type { ValidationResult } from './types.js';

const { namedNode, variable, literal } = DataFactory;
const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';

/**
 * A `sh:sparql` constraint compiled to ONE SELECT over all focus nodes of its shape: the shape's
 * targets are joined into the constraint's top-level group (pre-binding `$this`), `$PATH` is the
 * shape's path, `$currentShape` the shape.
 *
 * @example
 * ```ts
 * const { constraints } = extractSparqlConstraints(shapesStore);
 * console.log(sparqlText(constraints[0]!));
 * ```
 */
export interface SparqlConstraint {
  /** The shape the constraint belongs to (its IRI or blank node label). */
  sourceShape: string;
  /** The generated query, without a dataset clause. */
  query: SelectQuery;
  /** `sh:message` templates of the constraint (else of the shape). */
  messages: string[];
  severity: ValidationResult['severity'];
  /** Rendered `sh:path` of a property shape. */
  path?: string;
  isNodeShape: boolean;
}

const sh = (local: string) => namedNode(SH + local);
const TARGETS = ['targetClass', 'targetNode', 'targetSubjectsOf', 'targetObjectsOf'] as const;
const NESTING = ['node', 'and', 'or', 'xone', 'not', 'qualifiedValueShape'] as const;

function objects(store: Store, s: Term, p: Term): Term[] {
  return store.getObjects(s, p as Quad['predicate'], null);
}

function isTrue(t: Term | undefined): boolean {
  return t?.termType === 'Literal' && (t.value === 'true' || t.value === '1');
}

const v = (name: string): VariableTerm => variable(name) as VariableTerm;
const THIS = v('this');

/** The union of target patterns binding `?this` (SHACL §2.1.3; classes with data-graph subclasses). */
function targetAlternatives(store: Store, shape: Term): Pattern[] {
  const alts: Pattern[] = [];
  const classes = objects(store, shape, sh('targetClass'));
  const types = objects(store, shape, namedNode(`${RDF}type`));
  if (types.some((t) => t.value === `${RDFS}Class`) && shape.termType === 'NamedNode') classes.push(shape);
  if (classes.length > 0) {
    const cls = v('provml_targetClass');
    const typePath = toSparqljsPath({ seq: [{ iri: `${RDF}type` }, { mod: '*', path: { iri: `${RDFS}subClassOf` } }] });
    alts.push({
      type: 'group',
      patterns: [
        { type: 'values', values: classes.map((c) => ({ '?provml_targetClass': c as never })) },
        { type: 'bgp', triples: [{ subject: THIS, predicate: typePath, object: cls } as Triple] },
      ],
    });
  }
  const nodes = objects(store, shape, sh('targetNode'));
  if (nodes.length > 0) alts.push({ type: 'values', values: nodes.map((n) => ({ '?this': n as never })) });
  for (const p of objects(store, shape, sh('targetSubjectsOf'))) {
    alts.push({ type: 'bgp', triples: [{ subject: THIS, predicate: p, object: v('provml_o') } as Triple] });
  }
  for (const p of objects(store, shape, sh('targetObjectsOf'))) {
    alts.push({ type: 'bgp', triples: [{ subject: v('provml_s'), predicate: p, object: THIS } as Triple] });
  }
  return alts;
}

/** Shapes whose targets define a property shape's focus nodes: itself, else its `sh:property` parents. */
function targetShapes(store: Store, shape: Term): Term[] {
  const hasOwn = (s: Term) =>
    TARGETS.some((t) => objects(store, s, sh(t)).length > 0) ||
    objects(store, s, namedNode(`${RDF}type`)).some((t) => t.value === `${RDFS}Class`);
  if (hasOwn(shape)) return [shape];
  const parents = store.getSubjects(sh('property'), shape as Quad['object'], null).filter(hasOwn);
  if (parents.length > 0) return parents;
  for (const p of NESTING) {
    const nested = store.getSubjects(sh(p), shape as Quad['object'], null).length > 0 || isInList(store, shape);
    if (nested) {
      throw new Error(
        `provml: the sh:sparql constraint of shape ${shape.value} is only reachable through sh:${p}/logical ` +
          'constraints; provml evaluates sh:sparql on shapes with targets and on property shapes of targeted shapes',
      );
    }
  }
  return [];
}

function isInList(store: Store, shape: Term): boolean {
  return store.getSubjects(namedNode(`${RDF}first`), shape as Quad['object'], null).length > 0;
}

/** `sh:prefixes` → `sh:declare` (following `owl:imports`), as a prefix map for the parser. */
function prefixesOf(store: Store, constraint: Term): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const visit = (node: Term) => {
    if (seen.has(node.value)) return;
    seen.add(node.value);
    for (const i of objects(store, node, namedNode('http://www.w3.org/2002/07/owl#imports'))) visit(i);
    for (const d of objects(store, node, sh('declare'))) {
      const prefix = objects(store, d, sh('prefix'))[0]?.value;
      const ns = objects(store, d, sh('namespace'))[0]?.value;
      if (prefix !== undefined && ns !== undefined) out[prefix] = ns;
    }
  };
  for (const p of objects(store, constraint, sh('prefixes'))) visit(p);
  return out;
}

/** Deep copy of a sparqljs AST with variables replaced (`$PATH`, `$currentShape`). */
function substitute<T>(node: T, replace: ReadonlyMap<string, unknown>): T {
  if (Array.isArray(node)) return node.map((n) => substitute(n, replace)) as T;
  if (node === null || typeof node !== 'object') return node;
  const term = node as { termType?: string; value?: string };
  if (term.termType === 'Variable' && replace.has(term.value!)) return replace.get(term.value!) as T;
  if (term.termType !== undefined) return node;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(node)) out[k] = substitute(val, replace);
  return out as T;
}

/** Names of all variables mentioned in a sparqljs AST fragment. */
function variablesIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) variablesIn(n, out);
  else if (node !== null && typeof node === 'object') {
    const t = node as { termType?: string; value?: string };
    if (t.termType === 'Variable') out.add(t.value!);
    else if (t.termType === undefined) for (const v of Object.values(node)) variablesIn(v, out);
  }
  return out;
}

/**
 * Rewrites top-level `FILTER NOT EXISTS { P }` into `MINUS { P }` where both mean the same: P is a
 * basic graph pattern (plus FILTERs over its own variables only), and every variable P shares
 * with the rest of the query is certainly bound there ($this, or a top-level triple pattern's).
 * Oxigraph re-evaluates a multi-triple NOT EXISTS per row (~10 s for 800 epochs × 8000
 * evaluations) but runs MINUS as one anti-join (~60 ms) — the common "focus node lacks X" shape.
 */
function notExistsToMinus(where: Pattern[]): Pattern[] {
  const outer = variablesIn(where.filter((p) => p.type !== 'filter'));
  const bound = variablesIn(where.filter((p) => p.type === 'bgp'));
  bound.add('this');
  return where.map((p) => {
    if (p.type !== 'filter') return p;
    const e = p.expression as { type?: string; operator?: string; args?: unknown[] };
    if (e.type !== 'operation' || e.operator !== 'notexists') return p;
    const inner = e.args![0] as Pattern;
    const parts = inner.type === 'group' ? inner.patterns : [inner];
    if (!parts.every((x) => x.type === 'bgp' || x.type === 'filter')) return p;
    const own = variablesIn(parts.filter((x) => x.type === 'bgp'));
    const filters = parts.filter((x) => x.type === 'filter');
    if (JSON.stringify(filters).includes('exists') || ![...variablesIn(filters)].every((x) => own.has(x))) return p;
    const shared = [...own].filter((x) => outer.has(x));
    if (shared.length === 0 || !shared.every((x) => bound.has(x))) return p;
    return { type: 'minus', patterns: parts } as Pattern;
  });
}

function compile(store: Store, shape: Term, constraint: Term, targets: Term[], path: ShaclPath | undefined): SparqlConstraint {
  const select = objects(store, constraint, sh('select'))[0]?.value;
  const name = shape.termType === 'NamedNode' ? shape.value : `_:${shape.value}`;
  if (!select) throw new Error(`provml: the sh:sparql constraint of shape ${name} has no sh:select`);
  let parsed;
  try {
    parsed = new Parser({ prefixes: prefixesOf(store, constraint) }).parse(select);
  } catch (err) {
    throw new Error(`provml: cannot parse the sh:select of shape ${name}: ${(err as Error).message}`, { cause: err });
  }
  if (parsed.type !== 'query' || parsed.queryType !== 'SELECT') throw new Error(`provml: sh:select of ${name} is not a SELECT`);
  if (JSON.stringify(parsed).includes('"value":"shapesGraph"')) {
    throw new Error(`provml: $shapesGraph (in the sh:select of ${name}) is not supported`);
  }
  const replace = new Map<string, unknown>();
  if (path) replace.set('PATH', toSparqljsPath(path));
  if (shape.termType === 'NamedNode') replace.set('currentShape', shape);
  const query = { ...substitute(parsed, replace), variables: parsed.variables };
  const alternatives = targets.flatMap((t) => targetAlternatives(store, t));
  const targetQuery: SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    distinct: true,
    variables: [THIS],
    prefixes: {},
    where: alternatives.length === 1 ? alternatives : [{ type: 'union', patterns: alternatives }],
  };
  // Joined inside the constraint's own top-level group, so its FILTERs see $this bound.
  query.where = notExistsToMinus([{ type: 'group', patterns: [targetQuery] }, ...(query.where ?? [])]);
  let messages = objects(store, constraint, sh('message')).map((m) => m.value);
  if (messages.length === 0) messages = objects(store, shape, sh('message')).map((m) => m.value);
  const severityIri = objects(store, shape, sh('severity'))[0]?.value;
  return {
    sourceShape: shape.value,
    query,
    messages,
    severity: severityOf(severityIri) ?? 'Violation',
    ...(path ? { path: renderPath(path) } : {}),
    isNodeShape: path === undefined,
  };
}

/**
 * Finds the `sh:sparql` constraints in a shapes graph and compiles each to one query; returns
 * them with the `sh:sparql` triples to strip before the graph goes to shacl-engine.
 *
 * @example
 * ```ts
 * const { constraints, strip } = extractSparqlConstraints(new Store(shapeQuads));
 * ```
 */
export function extractSparqlConstraints(store: Store): { constraints: SparqlConstraint[]; strip: Quad[] } {
  const strip = store.getQuads(null, sh('sparql'), null, null);
  const constraints: SparqlConstraint[] = [];
  for (const q of strip) {
    const shape = q.subject;
    const constraint = q.object;
    if (isTrue(objects(store, shape, sh('deactivated'))[0]) || isTrue(objects(store, constraint, sh('deactivated'))[0])) continue;
    const targets = targetShapes(store, shape);
    if (targets.length === 0) continue;
    const pathNode = objects(store, shape, sh('path'))[0];
    constraints.push(compile(store, shape, constraint, targets, pathNode ? readPath(store, pathNode) : undefined));
  }
  return { constraints, strip };
}

/**
 * The SPARQL text of a compiled constraint, optionally restricted to one named graph (the whole
 * pattern goes inside `GRAPH <graph> { … }`; FROM is not used since some stores ignore it).
 *
 * @example
 * ```ts
 * await endpoint.select(sparqlText(constraint, 'urn:provml:graph:run-1'));
 * ```
 */
export function sparqlText(c: SparqlConstraint, graph?: string): string {
  const q: SelectQuery =
    graph === undefined
      ? c.query
      : { ...c.query, where: [{ type: 'graph', name: namedNode(graph) as never, patterns: c.query.where ?? [] }] };
  return new Generator().stringify(q);
}

function substituteMessage(template: string, row: Bindings): string {
  return template.replace(/\{[?$]([A-Za-z_][\w]*)\}/g, (whole, name: string) => row[name]?.value ?? whole);
}

function toResults(c: SparqlConstraint, rows: Bindings[]): ValidationResult[] {
  return rows.map((row) => {
    const failure = row.failure;
    if (failure && failure.equals(literal('true', namedNode(XSD_BOOLEAN)))) {
      throw new Error(`provml: the SPARQL constraint of shape ${c.sourceShape} reported a failure (?failure true)`);
    }
    const focus = row.this?.value ?? '';
    const result: ValidationResult = {
      severity: c.severity,
      focusNode: focus,
      message: c.messages.length > 0 ? c.messages.map((m) => substituteMessage(m, row)).join('\n') : `SPARQL constraint of ${renderIri(c.sourceShape)} violated`,
      sourceShape: c.sourceShape,
      constraint: `${SH}SPARQLConstraintComponent`,
    };
    const path = row.path?.termType === 'NamedNode' ? renderIri(row.path.value) : c.path;
    if (path !== undefined) result.path = path;
    const value = row.value?.value ?? (c.isNodeShape ? focus : undefined);
    if (value !== undefined) result.value = value;
    return result;
  });
}

/**
 * Runs each compiled constraint as one SELECT on `endpoint`; every solution is one result.
 * `mapTerm` post-processes solution terms (e.g. to undo skolemized blank nodes).
 *
 * @example
 * ```ts
 * const results = await runSparqlConstraints(constraints, EmbeddedStore.create());
 * ```
 */
export async function runSparqlConstraints(
  constraints: readonly SparqlConstraint[],
  endpoint: SparqlEndpoint,
  graph?: string,
  mapTerm?: (t: Term) => Term,
): Promise<ValidationResult[]> {
  const results: ValidationResult[] = [];
  for (const c of constraints) {
    const text = sparqlText(c, graph);
    let rows: Bindings[];
    try {
      rows = await endpoint.select(text);
    } catch (err) {
      throw new Error(`provml: the SPARQL constraint of shape ${c.sourceShape} failed: ${(err as Error).message}\n${text}`, { cause: err });
    }
    if (mapTerm) for (const row of rows) for (const k of Object.keys(row)) row[k] = mapTerm(row[k]!);
    results.push(...toResults(c, rows));
  }
  return results;
}
