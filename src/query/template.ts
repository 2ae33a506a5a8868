/**
 * Reviewed SPARQL templates with typed parameters.
 *
 * A template is fixed SPARQL text that holds no user value. It is parsed once (sparqljs), and each
 * call binds parameters *in the AST*: `values` adds a `VALUES ?var { … }` block at the head of the
 * WHERE clause; `constants` replaces every occurrence of a variable with a term; `expressions`
 * replaces a variable inside FILTER and BIND with an expression tree (built from such terms, for
 * conditions whose shape depends on the call, e.g. one numeric range per parameter). Terms come
 * from `iriTerm`/`literalTerm` (src/query/sparql.ts), and the sparqljs generator writes the text,
 * so a parameter is always encoded as IRIs and literals and can never change the query's shape
 * beyond what the calling code built.
 */
import type { Term } from '@rdfjs/types';
import { Parser, type Expression, type Pattern, type SparqlQuery, type ValuesPattern } from 'sparqljs';
import { PREFIXES, toSparql } from './sparql.js';

const HEADER = Object.entries(PREFIXES)
  .map(([p, ns]) => `PREFIX ${p}: <${ns}>`)
  .join('\n');

/** Parameters of one rendering. */
export interface TemplateParams {
  /** Variable → its allowed values (one `VALUES` row per term). */
  values?: Record<string, readonly Term[]>;
  /** Several variables bound together: `{ vars: ['name', 'wanted'], rows: [[n1, v1], [n2, v2]] }`. */
  tuples?: { vars: readonly string[]; rows: readonly (readonly Term[])[] };
  /** Variable → the constant term that replaces it everywhere. */
  constants?: Record<string, Term>;
  /**
   * Variable → the expression that replaces it inside FILTER and BIND expressions (e.g. the
   * template holds `FILTER(?match)` and the call supplies the condition). Its leaves must be terms.
   */
  expressions?: Record<string, Expression>;
}

/**
 * A parsed SPARQL query with typed parameters.
 *
 * @example
 * ```ts
 * const byRun = new SparqlTemplate('SELECT ?epoch WHERE { ?epoch provml:partOf ?run }');
 * const text = byRun.render({ values: { run: [iriTerm(runIri)] } });
 * ```
 */
export class SparqlTemplate {
  readonly #ast: SparqlQuery;
  readonly #variables: ReadonlySet<string>;

  /** Parse `text` (the provml prefixes are declared for it). Throws on a syntax error. */
  constructor(text: string) {
    this.#ast = new Parser().parse(`${HEADER}\n${text}`) as SparqlQuery;
    this.#variables = collectVariables(this.#ast);
  }

  /** The query text with parameters bound. Throws when a parameter names no variable of the template. */
  render(params: TemplateParams = {}): string {
    const ast = structuredClone(this.#ast) as SparqlQuery & { where?: Pattern[] };
    const constants = params.constants ?? {};
    const expressions = params.expressions ?? {};
    for (const name of [...Object.keys(params.values ?? {}), ...Object.keys(constants), ...Object.keys(expressions), ...(params.tuples?.vars ?? [])]) {
      if (!this.#variables.has(name)) throw new Error(`provml: template has no variable ?${name}`);
    }
    if (Object.keys(expressions).length > 0) substituteExpressions(ast, expressions);
    if (Object.keys(constants).length > 0) substitute(ast, constants);
    const blocks: [string[], ValuesPattern][] = Object.entries(params.values ?? {}).map(([name, terms]) => [
      [name],
      { type: 'values', values: terms.map((t) => ({ [`?${name}`]: t }) as ValuesPattern['values'][number]) },
    ]);
    if (params.tuples) {
      const { vars, rows } = params.tuples;
      if (rows.some((r) => r.length !== vars.length)) throw new Error('provml: every tuple needs one term per variable');
      const values = rows.map((r) => Object.fromEntries(vars.map((v, i) => [`?${v}`, r[i]!])) as ValuesPattern['values'][number]);
      blocks.push([[...vars], { type: 'values', values }]);
    }
    for (const [vars, block] of blocks) place(ast, vars, block);
    return toSparql(ast);
  }
}

type WithWhere = { type?: string; queryType?: string; where?: Pattern[] };

/**
 * Put a VALUES block at the head of the innermost (sub-)query whose WHERE mentions all `vars` —
 * the outer query for ordinary parameters, a sub-SELECT for variables only it uses.
 */
function place(query: WithWhere, vars: readonly string[], block: ValuesPattern): void {
  const inner = subQueries(query.where ?? []).find((q) => {
    const seen = collectVariables(q.where ?? []);
    return vars.every((v) => seen.has(v));
  });
  if (inner) place(inner, vars, block);
  else query.where = [block, ...(query.where ?? [])];
}

function subQueries(node: unknown, out: WithWhere[] = []): WithWhere[] {
  if (Array.isArray(node)) for (const x of node) subQueries(x, out);
  else if (typeof node === 'object' && node !== null && !isTerm(node)) {
    const n = node as WithWhere;
    if (n.type === 'query') out.push(n);
    else for (const v of Object.values(n)) subQueries(v, out);
  }
  return out;
}

function isTerm(x: unknown): x is Term {
  return typeof x === 'object' && x !== null && typeof (x as Term).termType === 'string' && typeof (x as Term).value === 'string';
}

function collectVariables(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const x of node) collectVariables(x, out);
  else if (isTerm(node)) {
    if (node.termType === 'Variable') out.add(node.value);
  } else if (typeof node === 'object' && node !== null) {
    for (const v of Object.values(node)) collectVariables(v, out);
  }
  return out;
}

/** Replace variables by terms in place (terms stay immutable: they are swapped, not edited). */
function substitute(node: unknown, constants: Record<string, Term>): void {
  if (typeof node !== 'object' || node === null) return;
  const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
  for (const [k, v] of entries) {
    if (isTerm(v)) {
      if (v.termType === 'Variable' && Object.hasOwn(constants, v.value)) (node as Record<string | number, unknown>)[k] = constants[v.value];
    } else substitute(v, constants);
  }
}

/** Replace variables inside FILTER and BIND expressions by expression trees (see `expressions`). */
function substituteExpressions(node: unknown, expressions: Record<string, Expression>): void {
  if (Array.isArray(node)) {
    for (const x of node) substituteExpressions(x, expressions);
    return;
  }
  if (typeof node !== 'object' || node === null || isTerm(node)) return;
  const n = node as { type?: string; expression?: unknown };
  if ((n.type === 'filter' || n.type === 'bind') && n.expression !== undefined) {
    const replace = (e: unknown): unknown => {
      if (isTerm(e)) return e.termType === 'Variable' && Object.hasOwn(expressions, e.value) ? expressions[e.value] : e;
      if (Array.isArray(e)) return e.map(replace);
      if (typeof e === 'object' && e !== null) {
        for (const [k, v] of Object.entries(e)) (e as Record<string, unknown>)[k] = replace(v);
      }
      return e;
    };
    n.expression = replace(n.expression);
    return;
  }
  for (const v of Object.values(n)) substituteExpressions(v, expressions);
}
