/**
 * The fluent query builder: `query(Class)` → `where` / `groupBy` / `select` / `orderBy` /
 * `limit` / `offset` → `toSparql()`, `run(endpoint)` or `instances(endpoint)`.
 *
 * The builder is mutable (each call records and returns it) and typed as it goes: `select()` fixes
 * the row shape, `where()` and `groupBy()` record which fields are required, so a field only
 * selected reads `T | undefined` and a field also filtered or grouped on reads `T`. Chain the
 * calls (or reassign) to keep that precision. Queries run with the union of all named graphs as
 * default graph (provml writes one named graph per run).
 */
import type { Term } from '@rdfjs/types';
import type { SparqlQuery } from 'sparqljs';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { toSparql } from '../sparql.js';
import { Aggregate } from './aggregate.js';
import { instancesQuery, selectQuery, type QueryState, type Selectable } from './compile.js';
import { Condition, describe, type RequiredBy } from './condition.js';
import { Field } from './field.js';
import { QueryNode, Scope, type AnyNode } from './node.js';
import { readInstances, readTerm } from './read.js';
import { classSpec, type ClassName, type Instance } from './schema.js';

/**
 * What `select()` takes: result name → field, node (read as its IRI) or aggregate. Names are
 * SPARQL variable names: a letter, then letters, digits or `_`.
 *
 * @example
 * ```ts
 * const selection: Selection = { run: q.root, started: q.root.get('startedAtTime'), n: count() };
 * ```
 */
export type Selection = Readonly<Record<string, Selectable>>;

/**
 * The JavaScript type of one selected value in a row, given the required fields `R`: a node's
 * IRI, a field's value (`| undefined` unless required), an aggregate's result.
 *
 * @example
 * ```ts
 * type N = RowCell<Aggregate<number>, never>; // number
 * ```
 */
export type RowCell<X, R extends string> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  X extends QueryNode<any, any>
    ? string
    : X extends Aggregate<infer T, infer Id>
      ? [Id] extends [never]
        ? T
        : [Id] extends [R]
          ? T
          : T | undefined
      : X extends Field<infer T, infer Id>
        ? [Id] extends [R]
          ? T
          : T | undefined
        : never;

/**
 * One result row of a query selecting `S`, where the fields in `R` are required: nodes read as
 * IRIs, fields as their value type (`| undefined` unless required), counts as numbers.
 *
 * @example
 * ```ts
 * const rows: Row<{ n: Aggregate<number> }, never>[] = await query('EpochExecution').select({ n: count() }).run(store);
 * ```
 */
export type Row<S extends Selection, R extends string> = { -readonly [K in keyof S]: RowCell<S[K], R> };

const ALIAS = /^[A-Za-z][A-Za-z0-9_]*$/;

function count(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TypeError(`provml query: ${what}() takes a non-negative integer, got ${describe(n)}`);
  return n;
}

/**
 * A typed query over PROV-ML data, started by {@link query}. `C` is the class of the root node,
 * `S` what is selected, `R` which fields are required (filtered or grouped on).
 *
 * @example
 * ```ts
 * const q = query('BatchExecution');
 * const epoch = q.root.out('partOf', 'EpochExecution');
 * const rows = await q
 *   .where(epoch.get('iterationIndex').gte(1))
 *   .groupBy(epoch.get('iterationIndex'))
 *   .select({ epoch: epoch.get('iterationIndex'), avgMs: avg(q.root.get('durationMs')), n: count(q.root) })
 *   .orderBy('epoch')
 *   .run(store); // { epoch: number; avgMs: number | undefined; n: number }[]
 * ```
 */
export class Query<C extends ClassName, S extends Selection = Record<never, never>, R extends string = never> {
  /** The node the query is about: instances of `C` (or its subclasses). */
  readonly root: QueryNode<C, '$'>;
  /** @internal */
  readonly state: QueryState;

  /** @internal Use {@link query}. */
  constructor(className: C) {
    classSpec(className);
    this.root = new QueryNode(new Scope(), className, undefined);
    this.state = { root: this.root, conditions: [], groups: [], selection: {}, order: [], limit: undefined, offset: undefined, distinct: false };
  }

  /**
   * Keep only results where every condition holds. May be called again (conditions add up).
   * Fields compared here are required.
   *
   * @example
   * ```ts
   * q.where(q.root.get('durationMs').between(0, 100), q.root.get('status').in(['ok', 'failed']));
   * ```
   */
  where<Cs extends readonly Condition<string>[]>(...conditions: Cs): Query<C, S, R | RequiredBy<Cs[number]>> {
    for (const c of conditions) if (!(c instanceof Condition)) throw new TypeError(`provml query: where() takes conditions (field.eq(…), …), got ${describe(c)}`);
    this.state.conditions.push(...conditions);
    return this as unknown as Query<C, S, R | RequiredBy<Cs[number]>>;
  }

  /**
   * Group results by fields or nodes; select the keys and aggregates of each group. Fields
   * grouped on are required.
   *
   * @example
   * ```ts
   * q.groupBy(epoch.get('iterationIndex')).select({ epoch: epoch.get('iterationIndex'), n: count() });
   * ```
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  groupBy<Ks extends readonly (Field<any, string> | AnyNode)[]>(...keys: Ks): Query<C, S, R | RequiredBy<Ks[number]>> {
    for (const k of keys) if (!(k instanceof Field || k instanceof QueryNode)) throw new TypeError(`provml query: groupBy() takes fields or nodes, got ${describe(k)}`);
    this.state.groups.push(...(keys as readonly (Field<unknown> | AnyNode)[]));
    return this as unknown as Query<C, S, R | RequiredBy<Ks[number]>>;
  }

  /**
   * What each result row holds: name → field, node (its IRI) or aggregate. Replaces an earlier
   * selection and its `orderBy()`. Fields only selected are optional: `undefined` when the node
   * has no value. With `groupBy()` or an aggregate, every other value must be a group key.
   *
   * @example
   * ```ts
   * q.select({ batch: q.root, ms: q.root.get('durationMs'), epoch: epoch.get('iterationIndex') });
   * ```
   */
  select<S2 extends Selection>(selection: S2): Query<C, S2, R> {
    if (typeof selection !== 'object' || selection === null) throw new TypeError(`provml query: select() takes an object, got ${describe(selection)}`);
    for (const [alias, value] of Object.entries(selection)) {
      if (!ALIAS.test(alias)) throw new TypeError(`provml query: select() name ${JSON.stringify(alias)} must start with a letter and hold only letters, digits and _`);
      if (!(value instanceof Field || value instanceof QueryNode || value instanceof Aggregate)) {
        throw new TypeError(`provml query: select() value "${alias}" must be a field, a node or an aggregate, got ${describe(value)}`);
      }
    }
    this.state.selection = { ...selection };
    this.state.order.length = 0;
    return this as unknown as Query<C, S2, R>;
  }

  /**
   * Sort by a selected name (call again for tie-breakers). Default ascending.
   *
   * @example
   * ```ts
   * q.select({ epoch: …, avgMs: … }).orderBy('avgMs', 'desc').orderBy('epoch');
   * ```
   */
  orderBy(key: keyof S & string, direction: 'asc' | 'desc' = 'asc'): this {
    if (!Object.hasOwn(this.state.selection, key)) throw new TypeError(`provml query: orderBy(${JSON.stringify(key)}): not a selected name (select() it first)`);
    if (direction !== 'asc' && direction !== 'desc') throw new TypeError(`provml query: orderBy() direction must be 'asc' or 'desc', got ${describe(direction)}`);
    this.state.order.push({ alias: key, descending: direction === 'desc' });
    return this;
  }

  /**
   * At most `n` rows (or instances).
   *
   * @example
   * ```ts
   * q.orderBy('started', 'desc').limit(10);
   * ```
   */
  limit(n: number): this {
    this.state.limit = count(n, 'limit');
    return this;
  }

  /**
   * Skip the first `n` rows (or instances).
   *
   * @example
   * ```ts
   * q.orderBy('started').limit(10).offset(20); // page 3
   * ```
   */
  offset(n: number): this {
    this.state.offset = count(n, 'offset');
    return this;
  }

  /**
   * Drop duplicate rows (`SELECT DISTINCT`).
   *
   * @example
   * ```ts
   * q.select({ status: q.root.get('status') }).distinct();
   * ```
   */
  distinct(): this {
    this.state.distinct = true;
    return this;
  }

  /**
   * The query as a sparqljs AST: the SELECT `run()` sends, or with `'instances'` the CONSTRUCT
   * `instances()` sends.
   *
   * @example
   * ```ts
   * const ast = q.toAst();
   * ast.queryType; // 'SELECT'
   * ```
   */
  toAst(form: 'select' | 'instances' = 'select'): SparqlQuery {
    return form === 'instances' ? instancesQuery(this.state) : selectQuery(this.state);
  }

  /**
   * The SPARQL text `run()` sends (or, with `'instances'`, the text `instances()` sends).
   *
   * @example
   * ```ts
   * console.log(query('EpochExecution').select({ epoch: query('EpochExecution').root }).toSparql());
   * ```
   */
  toSparql(form: 'select' | 'instances' = 'select'): string {
    return toSparql(this.toAst(form));
  }

  /**
   * Run the SELECT and read the rows as typed JavaScript values.
   *
   * @example
   * ```ts
   * const rows = await q.select({ run: q.root, started: q.root.get('startedAtTime') }).run(store);
   * rows[0]?.started?.toISOString();
   * ```
   */
  async run(endpoint: SparqlEndpoint): Promise<Row<S, R>[]> {
    const text = this.toSparql();
    const selection = Object.entries(this.state.selection);
    const bindings = await endpoint.select(text, { unionDefaultGraph: true });
    return bindings.map((b) => {
      const row: Record<string, unknown> = {};
      for (const [alias, s] of selection) row[alias] = readCell(s, b[alias]);
      return row as Row<S, R>;
    });
  }

  /**
   * The matching root nodes as generated class instances (`provml/model`), in IRI order (UUIDv7
   * execution IRIs sort by time), honouring `where()`, `limit()` and `offset()`; a subclass
   * instance comes back as its own class. `select()`, `groupBy()` and `orderBy()` do not apply.
   *
   * @example
   * ```ts
   * const epochs = await query('EpochExecution').where(…).instances(store);
   * epochs[0]?.iterationIndex; // typed EpochExecution fields
   * ```
   */
  async instances(endpoint: SparqlEndpoint): Promise<Instance<C>[]> {
    const quads = await endpoint.construct(this.toSparql('instances'), { unionDefaultGraph: true });
    return readInstances(classSpec(this.root.className), quads) as Instance<C>[];
  }
}

function readCell(s: Selectable, t: Term | undefined): unknown {
  if (s instanceof Aggregate) return s.read(t);
  if (s instanceof Field) return readTerm(s.spec, t);
  return t?.value;
}

/**
 * Start a typed query about instances of a generated PROV-ML class (or its subclasses).
 *
 * @example
 * ```ts
 * import { query, avg, count } from 'provml/query';
 *
 * const q = query('BatchExecution');
 * const epoch = q.root.out('partOf', 'EpochExecution');
 * const rows = await q
 *   .groupBy(epoch.get('iterationIndex'))
 *   .select({ epoch: epoch.get('iterationIndex'), avgMs: avg(q.root.get('durationMs')), n: count(q.root) })
 *   .orderBy('epoch')
 *   .run(store);
 * ```
 */
export function query<C extends ClassName>(className: C): Query<C> {
  return new Query(className);
}
