/**
 * From a builder's state to a sparqljs AST (the text is then written by `toSparql`).
 *
 * Shape of every SELECT:
 *
 * ```sparql
 * SELECT [DISTINCT] (?_n1_iterationIndex AS ?epoch) (AVG(?_n0_durationMs) AS ?avgMs) …
 * WHERE { { SELECT DISTINCT ?_n0 ?_n1 ?_n1_iterationIndex ?_n0_durationMs WHERE {
 *   VALUES ?_n1 { <pinned> }                       # pins first: the most selective
 *   ?_n0 a provml:BatchExecution .                 # one accepted type
 *   ?_n0 provml:partOf ?_n1 .                      # links
 *   VALUES ?_t1 { … } ?_n1 a ?_t1 .                # several accepted types (class + subclasses)
 *   ?_n1 provml:iterationIndex ?_n1_iterationIndex # required fields
 *   FILTER(…)                                      # one per condition
 *   OPTIONAL { ?_n0 provml:durationMs ?_n0_durationMs }   # fields only selected
 * } } }
 * GROUP BY … ORDER BY … LIMIT … OFFSET …
 * ```
 *
 * The inner `SELECT DISTINCT` over the nodes and fields (not the type variables) is what keeps
 * results right on a union default graph: provml data lives in one named graph per run, and a
 * node written by two runs (a shared dataset) or typed twice must still count once. Everything
 * the caller gave is already a term or an expression; nothing here builds text.
 */
import type { Variable } from '@rdfjs/types';
import type { ConstructQuery, Expression, Grouping, Ordering, Pattern, SelectQuery, Triple, ValuePatternRow } from 'sparqljs';
import { iriTerm, term, varTerm } from '../sparql.js';
import { Aggregate } from './aggregate.js';
import type { Condition } from './condition.js';
import { Field } from './field.js';
import type { AnyNode } from './node.js';
import { classSpec } from './schema.js';

/**
 * What `select()` accepts as a value: a field, a node (its IRI) or an aggregate.
 *
 * @example
 * ```ts
 * const q = query('EpochExecution');
 * const cells: Record<string, Selectable> = { epoch: q.root, i: q.root.get('iterationIndex'), n: count(q.root) };
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Selectable = Field<any, string> | AnyNode | Aggregate<any, string>;

/** What a builder has been told. */
export interface QueryState {
  readonly root: AnyNode;
  readonly conditions: Condition<string>[];
  readonly groups: (Field<unknown> | AnyNode)[];
  selection: Readonly<Record<string, Selectable>>;
  readonly order: { readonly alias: string; readonly descending: boolean }[];
  limit: number | undefined;
  offset: number | undefined;
  distinct: boolean;
}

const RDF_TYPE = term('rdf', 'type');

function triple(subject: Variable, predicate: string, object: Triple['object']): Triple {
  return { subject, predicate: predicate === RDF_TYPE.value ? RDF_TYPE : iriTerm(predicate), object };
}

function values(variable: Variable, iris: readonly string[]): Pattern {
  return { type: 'values', values: iris.map((iri): ValuePatternRow => ({ [`?${variable.value}`]: iriTerm(iri) })) };
}

/** Appends a pattern, merging consecutive basic graph patterns. */
function push(patterns: Pattern[], p: Pattern): void {
  const last = patterns[patterns.length - 1];
  if (p.type === 'bgp' && last?.type === 'bgp') last.triples.push(...p.triples);
  else patterns.push(p.type === 'bgp' ? { type: 'bgp', triples: [...p.triples] } : p);
}

function own(state: QueryState, x: Field<unknown> | AnyNode): void {
  const node = x instanceof Field ? x.node : x;
  if (node.scope !== state.root.scope) throw new Error('provml query: a field or node of another query was used; build each query from its own q.root');
}

/** The graph pattern: which nodes and fields take part, and the patterns matching them. */
function match(state: QueryState, withSelection: boolean): { patterns: Pattern[]; variables: Variable[] } {
  const required = new Set<Field<unknown>>();
  const optional = new Set<Field<unknown>>();
  const used = new Set<AnyNode>([state.root]);
  for (const c of state.conditions) {
    for (const f of c.fields) required.add(f);
    for (const n of c.nodes) used.add(n);
  }
  for (const g of state.groups) {
    if (g instanceof Field) required.add(g);
    else used.add(g);
  }
  if (withSelection) {
    for (const s of Object.values(state.selection)) {
      const x = s instanceof Aggregate ? s.target : s;
      if (x instanceof Field) optional.add(x);
      else if (x !== undefined) used.add(x);
    }
  }
  for (const f of required) optional.delete(f);
  for (const f of [...required, ...optional]) used.add(f.node);
  for (const n of state.root.scope.nodes) if (n.pins.length > 0) used.add(n);
  for (const n of used) own(state, n);
  for (const n of [...used]) for (let p = n.link?.parent; p !== undefined; p = p.link?.parent) used.add(p);
  const nodes = state.root.scope.nodes.filter((n) => used.has(n));

  const patterns: Pattern[] = [];
  for (const n of nodes) if (n.pins.length > 0) push(patterns, values(n.variable, n.pins.map((p) => p.value)));
  for (const n of nodes) {
    const link = n.link;
    if (link !== undefined) {
      const [s, o] = link.direction === 'out' ? [link.parent.variable, n.variable] : [n.variable, link.parent.variable];
      push(patterns, { type: 'bgp', triples: [triple(s, link.spec.iri, o)] });
    }
    const accepted = classSpec(n.className).acceptedTypes;
    if (accepted.length === 1) {
      push(patterns, { type: 'bgp', triples: [triple(n.variable, RDF_TYPE.value, iriTerm(accepted[0]!))] });
    } else {
      const t = varTerm(n.variable.value.replace(/^_n/, '_t'));
      push(patterns, values(t, accepted));
      push(patterns, { type: 'bgp', triples: [triple(n.variable, RDF_TYPE.value, t)] });
    }
  }
  const fieldTriple = (f: Field<unknown>): Pattern => ({ type: 'bgp', triples: [triple(f.node.variable, f.spec.iri, f.variable)] });
  for (const n of nodes) for (const f of required) if (f.node === n) push(patterns, fieldTriple(f));
  for (const c of state.conditions) patterns.push({ type: 'filter', expression: c.expression });
  for (const n of nodes) for (const f of optional) if (f.node === n) patterns.push({ type: 'optional', patterns: [fieldTriple(f)] });

  const variables = [...nodes.map((n) => n.variable), ...[...required, ...optional].map((f) => f.variable)];
  return { patterns, variables };
}

function subquery(patterns: Pattern[], variables: Variable[], extra: Partial<SelectQuery> = {}): Pattern {
  const inner: SelectQuery = { type: 'query', queryType: 'SELECT', prefixes: {}, distinct: true, variables, where: patterns, ...extra };
  return { type: 'group', patterns: [inner] };
}

/** The SELECT of `run()` / `toSparql()`. */
export function selectQuery(state: QueryState): SelectQuery {
  const aliases = Object.keys(state.selection);
  if (aliases.length === 0) throw new Error('provml query: nothing selected; call select({ … }) first (or instances() for whole nodes)');
  for (const g of state.groups) own(state, g);
  const grouped = state.groups.length > 0 || Object.values(state.selection).some((s) => s instanceof Aggregate);
  const groupVars = new Set(state.groups.map((g) => g.variable.value));
  const variables = aliases.map((alias) => {
    const s = state.selection[alias]!;
    if (s instanceof Aggregate) {
      if (s.target !== undefined) own(state, s.target);
    } else if (grouped && !groupVars.has(s.variable.value)) {
      throw new Error(`provml query: "${alias}" is neither grouped nor an aggregate; add it to groupBy() or wrap it in count/min/max/avg/sum`);
    }
    const expression: Expression = s instanceof Aggregate ? s.expression : s.variable;
    return { expression, variable: varTerm(alias) };
  });
  const { patterns, variables: inner } = match(state, true);
  const query: SelectQuery = { type: 'query', queryType: 'SELECT', prefixes: {}, variables, where: [subquery(patterns, inner)] };
  if (state.distinct) query.distinct = true;
  if (state.groups.length > 0) query.group = state.groups.map((g): Grouping => ({ expression: g.variable }));
  if (state.order.length > 0) query.order = state.order.map((o): Ordering => ({ expression: varTerm(o.alias), ...(o.descending ? { descending: true } : {}) }));
  if (state.limit !== undefined) query.limit = state.limit;
  if (state.offset !== undefined) query.offset = state.offset;
  return query;
}

/** The CONSTRUCT of `instances()`: every triple of each matching root node. */
export function instancesQuery(state: QueryState): ConstructQuery {
  const { patterns } = match(state, false);
  const root = state.root.variable;
  const paging: Partial<SelectQuery> = {};
  if (state.limit !== undefined || state.offset !== undefined) paging.order = [{ expression: root }];
  if (state.limit !== undefined) paging.limit = state.limit;
  if (state.offset !== undefined) paging.offset = state.offset;
  const spo: Triple = { subject: root, predicate: varTerm('_p'), object: varTerm('_o') };
  return {
    type: 'query',
    queryType: 'CONSTRUCT',
    prefixes: {},
    template: [spo],
    where: [subquery(patterns, [root], paging), { type: 'bgp', triples: [spo] }],
  };
}
