import type { Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { Expression, Grouping, Pattern, SelectQuery, Variable, VariableTerm } from 'sparqljs';

const { literal, namedNode, variable } = DataFactory;

/** Named graph holding the shapes graph next to the data, for `$shapesGraph`. */
export const SHAPES_GRAPH = 'urn:provml:validate:shapes-graph';
const TRUE = literal('true', namedNode('http://www.w3.org/2001/XMLSchema#boolean'));

/**
 * A SPARQL query in a shapes graph that SHACL says must be refused (SHACL §5.2.1, §6.3:
 * MINUS, VALUES, SERVICE, a sub-SELECT that does not return `$this`, re-binding a pre-bound
 * variable), or that provml cannot evaluate; the message names the feature and the shape.
 *
 * @example
 * ```ts
 * try { await validate(data, { shapes }); } catch (e) { if (e instanceof UnsupportedShapesError) console.error(e.message); }
 * ```
 */
export class UnsupportedShapesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedShapesError';
  }
}

/**
 * How a compiled constraint runs:
 * - `joined`: ONE query over all focus nodes — the shape's targets are joined into the query's
 *   top-level group and into every nested scope that reads `$this` (UNION branches, nested groups
 *   with FILTER/BIND on `$this`, sub-SELECTs), which is exactly SHACL's pre-binding there;
 * - `per-focus`: one query per focus node (the targets pattern is then a single node), where one
 *   query over all focus nodes would be wrong: `LIMIT`/`OFFSET`, aggregates not grouped by
 *   `$this`, `$this` read inside a `GRAPH` block.
 *
 * @example
 * ```ts
 * const plan: QueryPlan = { mode: 'per-focus', reason: 'LIMIT/OFFSET apply per focus node' };
 * ```
 */
export interface QueryPlan {
  mode: 'joined' | 'per-focus';
  /** Why the constraint cannot take the joined path. */
  reason?: string;
}

type Node = Record<string, unknown>;
const isVar = (x: unknown, name?: string): x is VariableTerm =>
  typeof x === 'object' && x !== null && (x as Term).termType === 'Variable' && (name === undefined || (x as Term).value === name);

/** Names of all variables mentioned in a sparqljs AST fragment (patterns, expressions, sub-queries). */
export function variablesIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) variablesIn(n, out);
  else if (node !== null && typeof node === 'object') {
    const t = node as { termType?: string; value?: string };
    if (t.termType === 'Variable') out.add(t.value!);
    else if (t.termType === undefined) for (const v of Object.values(node)) variablesIn(v, out);
  }
  return out;
}

const isSubSelect = (p: Pattern): p is SelectQuery => (p as { type: string }).type === 'query';
/** A `{ SELECT … }` group: sparqljs wraps every sub-query in a group of its own. */
const subSelectOf = (p: Pattern): SelectQuery | undefined =>
  p.type === 'group' && p.patterns.length === 1 && isSubSelect(p.patterns[0]!) ? (p.patterns[0] as SelectQuery) : undefined;

/** Patterns nested in an expression (EXISTS / NOT EXISTS). */
function patternsInExpression(e: unknown, out: Pattern[] = []): Pattern[] {
  if (Array.isArray(e)) for (const x of e) patternsInExpression(x, out);
  else if (e !== null && typeof e === 'object' && (e as Term).termType === undefined) {
    const op = e as { type?: string; operator?: string; args?: unknown[] };
    if (op.type === 'operation' && (op.operator === 'exists' || op.operator === 'notexists')) out.push(op.args![0] as Pattern);
    else for (const v of Object.values(e)) patternsInExpression(v, out);
  }
  return out;
}

function hasAggregate(e: unknown): boolean {
  if (Array.isArray(e)) return e.some(hasAggregate);
  if (e === null || typeof e !== 'object' || (e as Term).termType !== undefined) return false;
  if ((e as { type?: string }).type === 'aggregate') return true;
  return Object.values(e).some(hasAggregate);
}

function projects(q: SelectQuery, name: string): boolean {
  return (q.variables as unknown[]).some((v) => isVar(v, name));
}

/** Variables a group certainly binds: its triple patterns', its nested groups', its sub-SELECTs' projections. */
function certainlyBound(patterns: readonly Pattern[], out = new Set<string>()): Set<string> {
  for (const p of patterns) {
    if (p.type === 'bgp') variablesIn(p.triples, out);
    else if (p.type === 'group') {
      const sub = subSelectOf(p);
      if (sub) {
        const inner = certainlyBound(sub.where ?? []);
        for (const v of sub.variables as unknown[]) if (isVar(v) && inner.has(v.value)) out.add(v.value);
      } else certainlyBound(p.patterns, out);
    }
  }
  return out;
}

/**
 * Refuses what SHACL forbids in SPARQL-based constraints and validators (SHACL §5.2.1, §6.3):
 * MINUS, VALUES (inline or trailing), SERVICE, BIND or `AS` onto a pre-bound variable, and
 * sub-SELECTs that do not return `$this` (and `$value` in an ASK validator).
 *
 * @param query - The parsed query (SELECT or ASK).
 * @param prebound - Names of the pre-bound variables (`this`, `currentShape`, `shapesGraph`, parameters…).
 * @param where - How error messages name the constraint, e.g. `the sh:sparql constraint of <urn:s>`.
 * @throws {UnsupportedShapesError} Naming the feature.
 *
 * @example
 * ```ts
 * checkSupported(parsed, new Set(['this', 'currentShape', 'shapesGraph']), 'the sh:sparql constraint of <urn:s>');
 * ```
 */
export function checkSupported(query: SelectQuery | { where?: Pattern[]; values?: unknown[] }, prebound: ReadonlySet<string>, where: string): void {
  const fail = (what: string) => {
    throw new UnsupportedShapesError(`provml: ${what} in ${where} is not allowed in a SHACL SPARQL constraint (SHACL §5.2.1)`);
  };
  const visitQuery = (q: { where?: Pattern[]; values?: unknown[]; variables?: unknown[] }, top: boolean) => {
    if (q.values && q.values.length > 0) fail('VALUES');
    if (!top && q.variables) {
      const sub = q as SelectQuery;
      const wildcard = (sub.variables as unknown[]).some((v) => (v as { termType?: string }).termType === 'Wildcard');
      const returns = (name: string) => (wildcard ? certainlyBound(sub.where ?? []).has(name) : projects(sub, name));
      if (!returns('this')) fail('a sub-SELECT that does not return $this');
      if (prebound.has('value') && variablesIn(sub.where).has('value') && !returns('value')) fail('a sub-SELECT that does not return $value');
    }
    for (const v of (q.variables ?? []) as unknown[]) {
      const e = v as { expression?: unknown; variable?: VariableTerm };
      if (e.variable && prebound.has(e.variable.value)) fail(`(… AS $${e.variable.value})`);
      if (e.expression) visitExpression(e.expression);
    }
    for (const x of [...((q as SelectQuery).having ?? []), ...((q as SelectQuery).group ?? []).map((g) => g.expression)]) visitExpression(x);
    visitPatterns(q.where ?? []);
  };
  const visitExpression = (e: unknown) => {
    for (const p of patternsInExpression(e)) visitPatterns([p]);
  };
  const visitPatterns = (patterns: readonly Pattern[]) => {
    for (const p of patterns) {
      if (isSubSelect(p)) {
        visitQuery(p, false);
        continue;
      }
      switch (p.type) {
        case 'minus':
          fail('MINUS');
          break;
        case 'values':
          fail('VALUES');
          break;
        case 'service':
          fail('SERVICE');
          break;
        case 'bind':
          if (prebound.has(p.variable.value)) fail(`BIND (… AS $${p.variable.value})`);
          visitExpression(p.expression);
          break;
        case 'filter':
          visitExpression(p.expression);
          break;
        case 'bgp':
          break;
        default:
          visitPatterns((p as { patterns: Pattern[] }).patterns);
      }
    }
  };
  visitQuery(query as SelectQuery, true);
}

/**
 * Replaces variables by constants (parameters, `$currentShape`, `$shapesGraph`) or a path
 * (`$PATH`), everywhere: `BOUND(?x)` of a replaced variable becomes `true`, and a projected one
 * becomes `(<constant> AS ?x)`.
 *
 * @example
 * ```ts
 * const q = substitute(parsed, new Map([['currentShape', shapeIri]]));
 * ```
 */
export function substitute<T>(node: T, replace: ReadonlyMap<string, unknown>): T {
  if (Array.isArray(node)) return node.map((n) => substitute(n, replace)) as T;
  if (node === null || typeof node !== 'object') return node;
  const term = node as { termType?: string; value?: string };
  if (term.termType === 'Variable' && replace.has(term.value!)) return replace.get(term.value!) as T;
  if (term.termType !== undefined) return node;
  const n = node as Node;
  if (n.type === 'operation' && n.operator === 'bound') {
    const arg = (n.args as unknown[])[0];
    if (isVar(arg) && replace.has(arg.value)) return TRUE as T;
  }
  const out: Node = {};
  for (const [k, val] of Object.entries(n)) {
    if (k === 'variables' && n.type === 'query' && Array.isArray(val)) {
      out[k] = val.map((v: unknown) =>
        isVar(v) && replace.has(v.value) ? { expression: replace.get(v.value), variable: v } : substitute(v, replace),
      );
    } else if (k === 'variable' && (n.type === 'bind' || 'expression' in n)) out[k] = val;
    else out[k] = substitute(val, replace);
  }
  return out as T;
}

/** Does an expression (or a FILTER/BIND pattern) read `$this`, inside EXISTS patterns too? */
const readsThis = (e: unknown) => variablesIn(e).has('this');

/**
 * Does this scope need the targets joined into it? When it evaluates an expression on `$this`
 * (FILTER, BIND, or the FILTER of a directly nested OPTIONAL) without binding `$this` by a
 * triple pattern of its own: evaluated on its own, the expression would see `$this` unbound.
 */
function needsTargets(patterns: readonly Pattern[]): boolean {
  if (certainlyBound(patterns).has('this')) return false;
  return patterns.some(
    (p) =>
      ((p.type === 'filter' || p.type === 'bind') && readsThis(p)) ||
      (p.type === 'optional' && p.patterns.some((x) => x.type === 'filter' && readsThis(x))),
  );
}

interface RewriteState {
  targets: Pattern;
  /** Set when `$this` must be pre-bound inside a GRAPH block (only the per-focus path can). */
  insideGraph: boolean;
  reasons: string[];
}

/**
 * A nested group can be merged into its parent when it holds only triple patterns and FILTERs
 * whose variables it binds itself (or `$this`): filtering before or after the join is then the
 * same, and the group's FILTERs see `$this` from the parent's targets.
 */
function mergeable(patterns: readonly Pattern[]): boolean {
  if (!patterns.every((p) => p.type === 'bgp' || p.type === 'filter')) return false;
  const bound = certainlyBound(patterns);
  bound.add('this');
  return patterns.every((p) => p.type !== 'filter' || [...variablesIn(p.expression)].every((v) => bound.has(v)));
}

function withTargets(patterns: Pattern[], s: RewriteState, graph: boolean): Pattern[] {
  if (!needsTargets(patterns)) return patterns;
  if (graph) s.insideGraph = true;
  return [s.targets, ...patterns];
}

function rewriteSubSelect(q: SelectQuery, s: RewriteState, graph: boolean): SelectQuery {
  if (q.limit !== undefined || q.offset !== undefined) s.reasons.push('a sub-SELECT with LIMIT/OFFSET (applies per focus node)');
  const aggregated = q.group !== undefined || hasAggregate(q.variables) || q.having !== undefined;
  if (aggregated && !(q.group ?? []).some((g: Grouping) => isVar(g.expression, 'this'))) {
    s.reasons.push('a sub-SELECT aggregating without GROUP BY $this');
  }
  return { ...q, where: withTargets(rewriteScope(q.where ?? [], s, graph), s, graph) };
}

function rewriteScope(patterns: readonly Pattern[], s: RewriteState, graph: boolean): Pattern[] {
  const out: Pattern[] = [];
  for (const p of patterns) {
    const sub = subSelectOf(p);
    if (sub) {
      out.push({ type: 'group', patterns: [rewriteSubSelect(sub, s, graph)] });
      continue;
    }
    switch (p.type) {
      case 'group': {
        const inner = rewriteScope(p.patterns, s, graph);
        if (mergeable(inner)) out.push(...inner);
        else out.push({ type: 'group', patterns: withTargets(inner, s, graph) });
        break;
      }
      case 'union':
        out.push({
          type: 'union',
          patterns: p.patterns.map((b) => ({
            type: 'group',
            patterns: withTargets(rewriteScope(b.type === 'group' && !subSelectOf(b) ? b.patterns : [b], s, graph), s, graph),
          })),
        });
        break;
      case 'optional': {
        // Its own FILTERs are the left join's condition and see the left side's $this; its BINDs do not.
        const inner = rewriteScope(p.patterns, s, graph);
        const binds = inner.some((x) => x.type === 'bind' && readsThis(x)) && !certainlyBound(inner).has('this');
        if (binds && graph) s.insideGraph = true;
        out.push({ type: 'optional', patterns: binds ? [s.targets, ...inner] : inner });
        break;
      }
      case 'graph':
        out.push({ ...p, patterns: withTargets(rewriteScope(p.patterns, s, true), s, true) });
        break;
      default:
        out.push(p);
    }
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

/**
 * The query with `$this` pre-bound to the focus nodes `targets` binds: the targets pattern is
 * joined first into the top-level group (so OPTIONAL, BIND and FILTER there see `$this`) and into
 * every nested scope that reads `$this` without binding it; nested groups of triple patterns and
 * FILTERs are merged into their parent instead (the usual `{ ?other ex:p ?v FILTER(?other != $this) }`).
 * On the joined path `$this` is added to the projection.
 *
 * @param query - A checked query (see {@link checkSupported}), variables already substituted.
 * @param targets - A pattern binding `?this`: all focus nodes (joined path) or one (per-focus path).
 * @param project - Add `$this` to the projection (the joined path needs it to tell focus nodes apart).
 *
 * @example
 * ```ts
 * const q = prebindThis(query, { type: 'values', values: [{ '?this': focus }] });
 * ```
 */
export function prebindThis(query: SelectQuery, targets: Pattern, project = true): SelectQuery {
  const s: RewriteState = { targets, insideGraph: false, reasons: [] };
  const where = notExistsToMinus([targets, ...rewriteScope(query.where ?? [], s, false)]);
  const variables = query.variables as unknown[];
  const wildcard = variables.some((v) => (v as { termType?: string }).termType === 'Wildcard');
  return {
    ...query,
    variables: (!project || wildcard || projects(query, 'this') ? variables : [variable('this'), ...variables]) as Variable[],
    where,
  };
}

/**
 * Decides whether a constraint's query may run once over all focus nodes ({@link prebindThis}
 * with all targets) or must run once per focus node.
 *
 * @example
 * ```ts
 * planQuery(new Parser().parse('SELECT $this WHERE { $this ex:p ?v } LIMIT 1') as SelectQuery);
 * // { mode: 'per-focus', reason: 'LIMIT/OFFSET apply per focus node' }
 * ```
 */
export function planQuery(query: SelectQuery): QueryPlan {
  const s: RewriteState = { targets: { type: 'bgp', triples: [] }, insideGraph: false, reasons: [] };
  rewriteScope(query.where ?? [], s, false);
  if (query.limit !== undefined || query.offset !== undefined) s.reasons.unshift('LIMIT/OFFSET apply per focus node');
  const aggregated = query.group !== undefined || hasAggregate(query.variables) || query.having !== undefined;
  if (aggregated && !(query.group ?? []).some((g) => isVar(g.expression, 'this'))) s.reasons.unshift('aggregates not grouped by $this');
  if (s.insideGraph) s.reasons.push('$this read inside a GRAPH block');
  return s.reasons.length === 0 ? { mode: 'joined' } : { mode: 'per-focus', reason: s.reasons.join('; ') };
}

/**
 * An expression as a FILTER pattern (helper for generated wrappers).
 *
 * @example
 * ```ts
 * filter({ type: 'operation', operator: 'notexists', args: [group] });
 * ```
 */
export function filter(expression: Expression): Pattern {
  return { type: 'filter', expression };
}
