import type { Literal, Quad, Term } from '@rdfjs/types';
import { DataFactory, type Store } from 'n3';
import { Generator, Parser, type AskQuery, type Pattern, type SelectQuery, type Triple, type VariableTerm } from 'sparqljs';
import type { Bindings } from '../store/endpoint.js';
import { readPath, renderPath, toSparqljsPath } from './paths.js';
import { RDF, RDFS, renderIri, SH } from './report.js';
import type { TermResult } from './results.js';
import { checkSupported, planQuery, prebindThis, SHAPES_GRAPH, substitute, UnsupportedShapesError, variablesIn, type QueryPlan } from './sparql-rewrite.js';
import type { SparqlTarget } from './sparql-store.js';

const { namedNode, variable, literal } = DataFactory;
const XSD_BOOLEAN = 'http://www.w3.org/2001/XMLSchema#boolean';

/**
 * A SPARQL-based constraint compiled for provml's own evaluation: a `sh:sparql` constraint
 * (SHACL §5) or a shape's use of a SPARQL-based constraint component (SHACL §6). Its query is
 * checked (what SHACL forbids is refused), has `$PATH`, `$currentShape`, `$shapesGraph` and the
 * component's parameters substituted, and is planned: the `joined` path runs ONE query over all
 * focus nodes, the `per-focus` path one per focus node (see {@link QueryPlan}).
 *
 * @example
 * ```ts
 * const { constraints } = extractSparqlConstraints(shapesStore);
 * for (const c of constraints) console.log(c.label, c.plan.mode, c.plan.reason ?? '');
 * ```
 */
export interface SparqlConstraint {
  /** How errors and plans name it, e.g. `the sh:sparql constraint of <urn:s>`. */
  label: string;
  sourceShape: Term;
  /** The `sh:sparql` node (`sh:sourceConstraint`); absent for constraint components. */
  sourceConstraint?: Term;
  /** `sh:SPARQLConstraintComponent`, or the IRI of the SPARQL-based constraint component. */
  component: Term;
  /** `sh:message` templates (`{?var}` / `{$var}` placeholders). */
  messages: Literal[];
  severity: Term;
  path?: string;
  pathNode?: Term;
  isNodeShape: boolean;
  /** A pattern binding `?this` to every focus node of the shape. */
  targets: Pattern;
  /** The checked query, variables substituted, `$this` not yet pre-bound. */
  query: SelectQuery;
  plan: QueryPlan;
  /** The query reads `$shapesGraph`: the shapes graph must be loaded next to the data. */
  usesShapesGraph: boolean;
  /** Parameter values, for message templates. */
  parameters: Record<string, Term>;
}

const sh = (local: string) => namedNode(SH + local);
const TYPE = namedNode(`${RDF}type`);
const TARGETS = ['targetClass', 'targetNode', 'targetSubjectsOf', 'targetObjectsOf'] as const;
const NESTING = ['node', 'and', 'or', 'xone', 'not', 'qualifiedValueShape'] as const;
const ALWAYS_PREBOUND = ['this', 'currentShape', 'shapesGraph'];

function objects(store: Store, s: Term, p: Term): Term[] {
  return store.getObjects(s, p as Quad['predicate'], null);
}

function isTrue(t: Term | undefined): boolean {
  return t?.termType === 'Literal' && (t.value === 'true' || t.value === '1');
}

const deactivated = (store: Store, s: Term) => isTrue(objects(store, s, sh('deactivated'))[0]);
const v = (name: string): VariableTerm => variable(name) as VariableTerm;
const THIS = v('this');
const name = (t: Term) => (t.termType === 'NamedNode' ? `<${t.value}>` : `_:${t.value}`);

/** Is `node` a SHACL instance of `cls` in the shapes graph (rdf:type/rdfs:subClassOf*)? */
function instanceOf(store: Store, node: Term, cls: string): boolean {
  const seen = new Set<string>();
  const queue = objects(store, node, TYPE);
  while (queue.length > 0) {
    const c = queue.pop()!;
    if (c.value === cls) return true;
    if (seen.has(c.value)) continue;
    seen.add(c.value);
    queue.push(...objects(store, c, namedNode(`${RDFS}subClassOf`)));
  }
  return false;
}

/** Implicit class target (SHACL §2.1.3.1): a shape that is also an `rdfs:Class` in the shapes graph. */
export function isImplicitClassTarget(store: Store, shape: Term): boolean {
  return shape.termType === 'NamedNode' && instanceOf(store, shape, `${RDFS}Class`);
}

const hasOwnTargets = (store: Store, s: Term) =>
  TARGETS.some((t) => objects(store, s, sh(t)).length > 0) || isImplicitClassTarget(store, s);

/** The union of target patterns binding `?this` (SHACL §2.1.3; classes with data-graph subclasses). */
function targetAlternatives(store: Store, shape: Term): Pattern[] {
  const alts: Pattern[] = [];
  const classes = objects(store, shape, sh('targetClass'));
  if (isImplicitClassTarget(store, shape)) classes.push(shape);
  if (classes.length > 0) {
    const typePath = toSparqljsPath({ seq: [{ iri: `${RDF}type` }, { mod: '*', path: { iri: `${RDFS}subClassOf` } }] });
    alts.push({
      type: 'group',
      patterns: [
        { type: 'values', values: classes.map((c) => ({ '?provml_targetClass': c as never })) },
        { type: 'bgp', triples: [{ subject: THIS, predicate: typePath, object: v('provml_targetClass') } as Triple] },
      ],
    });
  }
  const nodes = objects(store, shape, sh('targetNode')).filter((n) => n.termType !== 'BlankNode');
  if (nodes.length > 0) alts.push({ type: 'values', values: nodes.map((n) => ({ '?this': n as never })) });
  for (const p of objects(store, shape, sh('targetSubjectsOf'))) {
    alts.push({ type: 'bgp', triples: [{ subject: THIS, predicate: p, object: v('provml_o') } as Triple] });
  }
  for (const p of objects(store, shape, sh('targetObjectsOf'))) {
    alts.push({ type: 'bgp', triples: [{ subject: v('provml_s'), predicate: p, object: THIS } as Triple] });
  }
  return alts;
}

/** How a shape is reached other than by targets or as a property shape of a targeted shape, if it is. */
function nestedVia(store: Store, shape: Term): string | undefined {
  for (const p of NESTING) if (store.getSubjects(sh(p), shape as Quad['object'], null).length > 0) return `sh:${p}`;
  if (store.getSubjects(namedNode(`${RDF}first`), shape as Quad['object'], null).length > 0) return 'sh:and/sh:or/sh:xone';
  return undefined;
}

/**
 * The shapes whose targets give a SPARQL-constrained shape its focus nodes: itself when it has
 * targets, else the (active) shapes that hold it as `sh:property`. A shape reached through
 * `sh:node` or a logical constraint (directly or via its parent) is refused: provml evaluates
 * SPARQL-based constraints on targeted shapes and their property shapes only. A shape reached by
 * nothing (or only through deactivated shapes) is not evaluated, as SHACL says.
 */
function targetShapes(store: Store, shape: Term, what: string): Term[] {
  const refuse = (via: string) =>
    new UnsupportedShapesError(
      `provml: ${what} is only reachable through ${via}; provml evaluates SPARQL-based constraints on shapes with targets and on property shapes of shapes with targets`,
    );
  const own = hasOwnTargets(store, shape) ? [shape] : [];
  const via = nestedVia(store, shape);
  if (via) throw refuse(via);
  const parents: Term[] = [];
  for (const parent of store.getSubjects(sh('property'), shape as Quad['object'], null)) {
    const parentVia = nestedVia(store, parent);
    if (parentVia) throw refuse(`${parentVia} (its parent ${name(parent)})`);
    if (objects(store, parent, sh('path')).length > 0) throw refuse(`sh:property of the property shape ${name(parent)}`);
    if (!deactivated(store, parent) && hasOwnTargets(store, parent)) parents.push(parent);
  }
  return [...own, ...parents];
}

/** `sh:prefixes` → `sh:declare` (following `owl:imports`), as a prefix map for the parser. */
function prefixesOf(store: Store, node: Term): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  const visit = (n: Term) => {
    if (seen.has(n.value)) return;
    seen.add(n.value);
    for (const i of objects(store, n, namedNode('http://www.w3.org/2002/07/owl#imports'))) visit(i);
    for (const d of objects(store, n, sh('declare'))) {
      const prefix = objects(store, d, sh('prefix'))[0]?.value;
      const ns = objects(store, d, sh('namespace'))[0]?.value;
      if (prefix !== undefined && ns !== undefined) out[prefix] = ns;
    }
  };
  for (const p of objects(store, node, sh('prefixes'))) visit(p);
  return out;
}

function parseQuery(store: Store, node: Term, text: string, kind: 'SELECT' | 'ASK', what: string): SelectQuery | AskQuery {
  let parsed;
  try {
    parsed = new Parser({ prefixes: prefixesOf(store, node) }).parse(text);
  } catch (err) {
    throw new UnsupportedShapesError(`provml: cannot parse the query of ${what}: ${(err as Error).message}`);
  }
  if (parsed.type !== 'query' || parsed.queryType !== kind) throw new UnsupportedShapesError(`provml: the query of ${what} is not an ${kind} query`);
  return parsed as SelectQuery | AskQuery;
}

interface ShapeContext {
  store: Store;
  shape: Term;
  what: string;
  parameters: Record<string, Term>;
}

/** Substitutes `$PATH`, `$currentShape`, `$shapesGraph` and the parameters; checks what SHACL forbids. */
function prepare(ctx: ShapeContext, parsed: SelectQuery | AskQuery, prebound: Set<string>): { query: SelectQuery | AskQuery; usesShapesGraph: boolean; pathNode?: Term } {
  checkSupported(parsed as SelectQuery, prebound, ctx.what);
  const used = variablesIn(parsed);
  const replace = new Map<string, unknown>();
  const pathNode = objects(ctx.store, ctx.shape, sh('path'))[0];
  if (used.has('PATH')) {
    if (!pathNode) throw new UnsupportedShapesError(`provml: ${ctx.what} uses $PATH but its shape has no sh:path`);
    replace.set('PATH', toSparqljsPath(readPath(ctx.store, pathNode)));
  }
  if (used.has('currentShape')) {
    if (ctx.shape.termType !== 'NamedNode') {
      throw new UnsupportedShapesError(`provml: ${ctx.what} reads $currentShape, which provml cannot pre-bind to a blank-node shape; give the shape an IRI`);
    }
    replace.set('currentShape', ctx.shape);
  }
  if (used.has('shapesGraph')) replace.set('shapesGraph', namedNode(SHAPES_GRAPH));
  for (const [param, value] of Object.entries(ctx.parameters)) {
    if (!used.has(param)) continue;
    if (value.termType === 'BlankNode') throw new UnsupportedShapesError(`provml: ${ctx.what}: the blank-node value of parameter $${param} cannot be pre-bound`);
    replace.set(param, value);
  }
  const query = substitute(parsed, replace);
  return { query, usesShapesGraph: used.has('shapesGraph'), ...(pathNode ? { pathNode } : {}) };
}

function targetsPattern(store: Store, targetShapeList: readonly Term[]): Pattern {
  const alternatives = targetShapeList.flatMap((t) => targetAlternatives(store, t));
  const select: SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    distinct: true,
    variables: [THIS],
    prefixes: {},
    where: alternatives.length === 1 ? alternatives : [{ type: 'union', patterns: alternatives }],
  };
  return { type: 'group', patterns: [select] };
}

function finish(
  ctx: ShapeContext,
  query: SelectQuery,
  targets: readonly Term[],
  extra: Pick<SparqlConstraint, 'component' | 'messages' | 'usesShapesGraph'> & { sourceConstraint?: Term; pathNode?: Term },
): SparqlConstraint {
  const severity = objects(ctx.store, ctx.shape, sh('severity'))[0] ?? sh('Violation');
  const pathNode = extra.pathNode;
  return {
    label: ctx.what,
    sourceShape: ctx.shape,
    ...(extra.sourceConstraint ? { sourceConstraint: extra.sourceConstraint } : {}),
    component: extra.component,
    messages: extra.messages,
    severity,
    ...(pathNode ? { path: renderPath(readPath(ctx.store, pathNode)), pathNode } : {}),
    isNodeShape: pathNode === undefined,
    targets: targetsPattern(ctx.store, targets),
    query,
    plan: planQuery(query),
    usesShapesGraph: extra.usesShapesGraph,
    parameters: ctx.parameters,
  };
}

const literals = (ts: Term[]) => ts.filter((t): t is Literal => t.termType === 'Literal');

/** The `sh:sparql` constraints of the shapes graph (SHACL §5). */
function sparqlConstraints(store: Store, strip: Quad[]): SparqlConstraint[] {
  const out: SparqlConstraint[] = [];
  for (const q of strip) {
    const shape = q.subject;
    const constraint = q.object;
    if (deactivated(store, shape) || deactivated(store, constraint)) continue;
    const what = `the sh:sparql constraint of shape ${name(shape)}`;
    const targets = targetShapes(store, shape, what);
    if (targets.length === 0) continue;
    const select = objects(store, constraint, sh('select'))[0]?.value;
    if (!select) throw new UnsupportedShapesError(`provml: ${what} has no sh:select`);
    const ctx: ShapeContext = { store, shape, what, parameters: {} };
    const prepared = prepare(ctx, parseQuery(store, constraint, select, 'SELECT', what), new Set(ALWAYS_PREBOUND));
    let messages = literals(objects(store, constraint, sh('message')));
    if (messages.length === 0) messages = literals(objects(store, shape, sh('message')));
    out.push(
      finish(ctx, prepared.query as SelectQuery, targets, {
        component: sh('SPARQLConstraintComponent'),
        sourceConstraint: constraint,
        messages,
        usesShapesGraph: prepared.usesShapesGraph,
        ...(prepared.pathNode ? { pathNode: prepared.pathNode } : {}),
      }),
    );
  }
  return out;
}

const localName = (iri: string) => /[^#/:]+$/.exec(iri)?.[0] ?? iri;

interface Parameter {
  path: Term;
  name: string;
  optional: boolean;
}

/** Every combination of parameter values a shape gives (one constraint each). */
function combinations(store: Store, shape: Term, params: readonly Parameter[]): Record<string, Term>[] {
  let out: Record<string, Term>[] = [{}];
  for (const p of params) {
    const values = objects(store, shape, p.path);
    if (values.length === 0) {
      if (!p.optional) return [];
      continue;
    }
    out = out.flatMap((c) => values.map((val) => ({ ...c, [p.name]: val })));
  }
  return out;
}

function isShape(store: Store, node: Term): boolean {
  return (
    instanceOf(store, node, `${SH}NodeShape`) ||
    instanceOf(store, node, `${SH}PropertyShape`) ||
    objects(store, node, sh('path')).length > 0 ||
    hasOwnTargets(store, node) ||
    store.getSubjects(sh('property'), node as Quad['object'], null).length > 0 ||
    nestedVia(store, node) !== undefined
  );
}

/** The uses of SPARQL-based constraint components in the shapes graph (SHACL §6). */
function componentConstraints(store: Store): SparqlConstraint[] {
  const out: SparqlConstraint[] = [];
  const components = new Map<string, Term>();
  for (const q of store.getQuads(null, TYPE, null, null)) {
    if (instanceOf(store, q.subject, `${SH}ConstraintComponent`)) components.set(q.subject.value, q.subject);
  }
  for (const component of components.values()) {
    const params: Parameter[] = objects(store, component, sh('parameter')).flatMap((p) => {
      const path = objects(store, p, sh('path'))[0];
      return path?.termType === 'NamedNode' ? [{ path, name: localName(path.value), optional: isTrue(objects(store, p, sh('optional'))[0]) }] : [];
    });
    if (params.length === 0) continue;
    const candidates = new Map<string, Term>();
    for (const p of params) for (const s of store.getSubjects(p.path as Quad['predicate'], null, null)) candidates.set(`${s.termType}:${s.value}`, s);
    for (const shape of candidates.values()) {
      if (!isShape(store, shape) || deactivated(store, shape)) continue;
      for (const parameters of combinations(store, shape, params)) {
        if (Object.keys(parameters).length === 0) continue;
        const isProperty = objects(store, shape, sh('path')).length > 0;
        const validator =
          objects(store, component, sh(isProperty ? 'propertyValidator' : 'nodeValidator'))[0] ?? objects(store, component, sh('validator'))[0];
        if (!validator) continue;
        const what = `the constraint component ${name(component)} of shape ${name(shape)}`;
        const targets = targetShapes(store, shape, what);
        if (targets.length === 0) continue;
        const ctx: ShapeContext = { store, shape, what, parameters };
        const prebound = new Set([...ALWAYS_PREBOUND, ...Object.keys(parameters)]);
        const select = objects(store, validator, sh('select'))[0]?.value;
        const ask = objects(store, validator, sh('ask'))[0]?.value;
        let query: SelectQuery;
        let usesShapesGraph: boolean;
        let pathNode: Term | undefined;
        if (select !== undefined) {
          ({ query, usesShapesGraph, pathNode } = prepare(ctx, parseQuery(store, validator, select, 'SELECT', what), prebound) as {
            query: SelectQuery;
            usesShapesGraph: boolean;
            pathNode?: Term;
          });
        } else if (ask !== undefined) {
          prebound.add('value');
          const prepared = prepare(ctx, parseQuery(store, validator, ask, 'ASK', what), prebound);
          ({ usesShapesGraph, pathNode } = prepared);
          query = askAsSelect(prepared.query as AskQuery, pathNode ? readPath(store, pathNode) : undefined);
        } else {
          throw new UnsupportedShapesError(`provml: the validator of ${what} has neither sh:select nor sh:ask`);
        }
        let messages = literals(objects(store, shape, sh('message')));
        if (messages.length === 0) messages = literals(objects(store, validator, sh('message')));
        if (messages.length === 0) messages = literals(objects(store, component, sh('message')));
        out.push(finish(ctx, query, targets, { component, messages, usesShapesGraph, ...(pathNode ? { pathNode } : {}) }));
      }
    }
  }
  return out;
}

/**
 * An ASK validator (true = the value node conforms) as one SELECT of the failing (focus, value)
 * pairs: the value nodes of the shape (the focus node itself, or the path's values), minus those
 * for which the ASK holds — evaluated by `NOT EXISTS`, which pre-binds `$this` and `$value`.
 */
function askAsSelect(ask: AskQuery, path: ReturnType<typeof readPath> | undefined): SelectQuery {
  const VALUE = v('value');
  const values: Pattern = path
    ? { type: 'bgp', triples: [{ subject: THIS, predicate: toSparqljsPath(path), object: VALUE } as Triple] }
    : { type: 'bind', variable: VALUE, expression: THIS };
  return {
    type: 'query',
    queryType: 'SELECT',
    distinct: true,
    variables: [THIS, VALUE],
    prefixes: {},
    where: [values, { type: 'filter', expression: { type: 'operation', operator: 'notexists', args: [{ type: 'group', patterns: ask.where ?? [] }] } }],
  };
}

/**
 * Finds the SPARQL-based constraints in a shapes graph — `sh:sparql` constraints and uses of
 * SPARQL-based constraint components — and compiles each; returns them with the `sh:sparql`
 * triples to strip before the graph goes to shacl-engine.
 *
 * @throws {UnsupportedShapesError} For a query SHACL forbids or provml cannot evaluate (the message names it).
 *
 * @example
 * ```ts
 * const { constraints, strip } = extractSparqlConstraints(new Store(shapeQuads));
 * ```
 */
export function extractSparqlConstraints(store: Store): { constraints: SparqlConstraint[]; strip: Quad[] } {
  const strip = store.getQuads(null, sh('sparql'), null, null);
  return { constraints: [...sparqlConstraints(store, strip), ...componentConstraints(store)], strip };
}

/** The query text for one set of focus nodes (`targets`), inside `GRAPH <graph>` for an endpoint's named graph. */
function queryText(c: SparqlConstraint, targets: Pattern, graph?: string): string {
  const q = prebindThis(c.query, targets, targets === c.targets);
  const scoped: SelectQuery = graph === undefined ? q : { ...q, where: [{ type: 'graph', name: namedNode(graph) as never, patterns: q.where ?? [] }] };
  return new Generator().stringify(scoped);
}

/**
 * The SPARQL text of a compiled constraint on its `joined` path, optionally restricted to one
 * named graph (the whole pattern goes inside `GRAPH <graph> { … }`; FROM is not used since some
 * stores ignore it).
 *
 * @example
 * ```ts
 * await endpoint.select(sparqlText(constraint, 'urn:provml:graph:run-1'));
 * ```
 */
export function sparqlText(c: SparqlConstraint, graph?: string): string {
  return queryText(c, c.targets, graph);
}

function substituteMessage(template: Literal, row: Bindings, parameters: Record<string, Term>): Literal {
  const text = template.value.replace(/\{[?$]([A-Za-z_][\w]*)\}/g, (whole, n: string) => row[n]?.value ?? parameters[n]?.value ?? whole);
  return template.language ? literal(text, template.language) : literal(text);
}

function toResult(c: SparqlConstraint, row: Bindings, focus: Term): TermResult {
  const failure = row.failure;
  if (failure && failure.equals(literal('true', namedNode(XSD_BOOLEAN)))) {
    throw new Error(`provml: ${c.label} reported a failure (?failure true)`);
  }
  const result: TermResult = {
    severity: c.severity,
    focusNode: focus,
    messages:
      c.messages.length > 0
        ? c.messages.map((m) => substituteMessage(m, row, c.parameters))
        : [literal(`SPARQL constraint of ${renderIri(c.sourceShape.value)} violated`)],
    sourceShape: c.sourceShape,
    constraint: c.component,
  };
  if (c.sourceConstraint) result.sourceConstraint = c.sourceConstraint;
  if (row.path?.termType === 'NamedNode') {
    result.path = renderIri(row.path.value);
    result.pathNode = row.path;
  } else if (c.pathNode) {
    result.path = c.path!;
    result.pathNode = c.pathNode;
  }
  const value = row.value ?? (c.isNodeShape ? focus : undefined);
  if (value !== undefined) result.value = value;
  return result;
}

/**
 * Runs compiled constraints on `target`: a `joined` constraint as one SELECT over all its focus
 * nodes, a `per-focus` one as one SELECT per focus node; every solution is one result.
 *
 * @example
 * ```ts
 * const results = await runSparqlConstraints(constraints, ValidationStore.load(data));
 * ```
 */
export async function runSparqlConstraints(constraints: readonly SparqlConstraint[], target: SparqlTarget): Promise<TermResult[]> {
  const results: TermResult[] = [];
  for (const c of constraints) {
    if (c.usesShapesGraph && target.shapesGraph === undefined) {
      throw new UnsupportedShapesError(`provml: ${c.label} reads $shapesGraph, which provml supports on files and datasets, not on SPARQL endpoints`);
    }
    const run = async (text: string): Promise<Bindings[]> => {
      try {
        return await target.select(text);
      } catch (err) {
        throw new Error(`provml: ${c.label} failed: ${(err as Error).message}\n${text}`, { cause: err });
      }
    };
    if (c.plan.mode === 'joined') {
      for (const row of await run(queryText(c, c.targets, target.graph))) {
        if (row.this) results.push(toResult(c, row, row.this));
      }
      continue;
    }
    const focusQuery: SelectQuery = { type: 'query', queryType: 'SELECT', distinct: true, variables: [THIS], prefixes: {}, where: [c.targets] };
    const scoped = target.graph === undefined ? focusQuery : { ...focusQuery, where: [{ type: 'graph', name: namedNode(target.graph), patterns: [c.targets] } as Pattern] };
    for (const { this: focus } of await run(new Generator().stringify(scoped))) {
      if (!focus) continue;
      for (const row of await run(queryText(c, target.focusPattern(focus), target.graph))) results.push(toResult(c, row, focus));
    }
  }
  return results;
}
