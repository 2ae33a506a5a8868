/**
 * Aggregates for `select()`: `count`, `countDistinct`, `sum`, `avg`, `min`, `max`.
 *
 * With `groupBy()` they summarise each group; without, the whole result (one row). Each keeps
 * the field it reads so the row type can tell whether a result is always there: `count` always
 * is (0 for none); `sum`/`avg`/`min`/`max` of a field that is not required (not in `where()` or
 * `groupBy()`) may be `undefined` when no row of the group has a value (engines differ here:
 * Oxigraph answers 0 for `AVG`/`SUM` of nothing, Virtuoso leaves it unbound).
 */
import type { Term } from '@rdfjs/types';
import { Wildcard, type AggregateExpression } from 'sparqljs';
import { termNumber } from '../sparql.js';
import { describe } from './condition.js';
import { Field, ValueField } from './field.js';
import { QueryNode, type AnyNode } from './node.js';
import { readTerm } from './read.js';

/**
 * An aggregate value in a `select()`: `T` is its JavaScript type, `Id` the field it reads
 * (`never` for counts, which are always there).
 *
 * @example
 * ```ts
 * const n: Aggregate<number> = count();
 * ```
 */
export class Aggregate<T, Id extends string = never> {
  /** @internal Phantom: the value type. */
  declare readonly valueType?: T;
  /** @internal Phantom: the field read. */
  declare readonly fieldId?: Id;

  /** @internal */
  constructor(
    /** @internal */ readonly expression: AggregateExpression,
    /** @internal The field or node aggregated (`undefined`: every row). */ readonly target: Field<unknown> | AnyNode | undefined,
    /** @internal Turns the result term into `T`. */ readonly read: (term: Term | undefined) => T | undefined,
  ) {}
}

function operand(target: unknown, what: string): Field<unknown, string> | AnyNode {
  if (target instanceof Field || target instanceof QueryNode) return target;
  throw new TypeError(`provml query: ${what}() takes a field or a node, got ${describe(target)}`);
}

function valueField(target: unknown, what: string): ValueField<unknown> {
  if (target instanceof ValueField) return target;
  throw new TypeError(`provml query: ${what}() takes a value field (node.get('…') of a datatype property), got ${describe(target)}`);
}

function numeric(target: unknown, what: string): ValueField<unknown> {
  const f = valueField(target, what);
  if (f.spec.ts !== 'number' && f.spec.ts !== 'scalar') throw new TypeError(`provml query: ${what}() takes a numeric field; ${f.node.className}.${f.name} holds ${f.spec.ts} values`);
  return f;
}

function aggregation(aggregation: string, target: Field<unknown, string> | AnyNode | undefined, distinct = false): AggregateExpression {
  return { type: 'aggregate', aggregation, distinct, expression: target === undefined ? new Wildcard() : target.variable };
}

const toCount = (t: Term | undefined): number => termNumber(t) ?? 0;

/**
 * Number of rows (no argument), or of rows where a field has a value, or where a node is bound
 * (a node is always bound: it counts the matches, one per combination of the other nodes and
 * fields — use {@link countDistinct} for distinct nodes).
 *
 * @example
 * ```ts
 * const q = query('BatchExecution');
 * const epoch = q.root.out('partOf', 'EpochExecution');
 * q.groupBy(epoch).select({ epoch, batches: count(q.root) });
 * ```
 */
export function count(target?: Field<unknown, string> | AnyNode): Aggregate<number> {
  const t = target === undefined ? undefined : operand(target, 'count');
  return new Aggregate(aggregation('count', t), t, toCount);
}

/**
 * Number of distinct values of a field, or of distinct nodes.
 *
 * @example
 * ```ts
 * q.select({ runs: countDistinct(q.root.out('partOf', 'WorkflowExecution')) });
 * ```
 */
export function countDistinct(target: Field<unknown, string> | AnyNode): Aggregate<number> {
  const t = operand(target, 'countDistinct');
  return new Aggregate(aggregation('count', t, true), t, toCount);
}

/**
 * A value field whose values can be added up: numbers, or untyped values (`hasValue`).
 *
 * @example
 * ```ts
 * const q = query('EpochExecution');
 * const f: NumericField<string> = q.root.get('durationMs');
 * q.select({ mean: avg(f) });
 * ```
 */
export type NumericField<Id extends string> = ValueField<number, Id> | ValueField<string | number | boolean, Id>;

/**
 * Sum of a numeric field's values.
 *
 * @example
 * ```ts
 * q.select({ totalMs: sum(q.root.get('durationMs')) });
 * ```
 */
export function sum<Id extends string>(field: NumericField<Id>): Aggregate<number, Id> {
  const f = numeric(field, 'sum');
  return new Aggregate(aggregation('sum', f), f, termNumber);
}

/**
 * Mean of a numeric field's values.
 *
 * @example
 * ```ts
 * q.groupBy(epoch).select({ epoch, avgMs: avg(q.root.get('durationMs')) });
 * ```
 */
export function avg<Id extends string>(field: NumericField<Id>): Aggregate<number, Id> {
  const f = numeric(field, 'avg');
  return new Aggregate(aggregation('avg', f), f, termNumber);
}

/**
 * Smallest value of a field (numbers, dates, strings).
 *
 * @example
 * ```ts
 * q.select({ first: min(q.root.get('startedAtTime')) }); // a Date
 * ```
 */
export function min<T, Id extends string>(field: ValueField<T, Id>): Aggregate<T, Id> {
  const f = valueField(field, 'min');
  return new Aggregate(aggregation('min', f), f, (t) => readTerm(f.spec, t) as T | undefined);
}

/**
 * Largest value of a field (numbers, dates, strings).
 *
 * @example
 * ```ts
 * q.select({ last: max(q.root.get('endedAtTime')), longest: max(q.root.get('durationMs')) });
 * ```
 */
export function max<T, Id extends string>(field: ValueField<T, Id>): Aggregate<T, Id> {
  const f = valueField(field, 'max');
  return new Aggregate(aggregation('max', f), f, (t) => readTerm(f.spec, t) as T | undefined);
}
