/**
 * Conditions for `where()`: what a field's operators return, combined with {@link and},
 * {@link or} and {@link not}. A condition is a sparqljs expression plus the fields it requires
 * (compared fields must have a value) and the nodes it mentions (`exists()` needs its node).
 */
import type { Expression, OperationExpression, Pattern } from 'sparqljs';
import { literalTerm } from '../sparql.js';
import type { Field } from './field.js';
import type { AnyNode } from './node.js';

/** An operation expression (`=`, `&&`, `regex`, `exists`…). */
export function op(operator: string, ...args: (Expression | Pattern)[]): OperationExpression {
  return { type: 'operation', operator, args };
}


/**
 * A condition for `where()`: made by a field's operators and combined with {@link and},
 * {@link or} and {@link not}. `Id` lists the fields it requires.
 *
 * @example
 * ```ts
 * const fast: Condition = q.root.get('durationMs').lt(100);
 * q.where(or(fast, q.root.get('status').eq('failed')));
 * ```
 */
export class Condition<Id extends string = string> {
  /** @internal Phantom: the fields this condition requires. */
  declare readonly requires?: Id;

  /** @internal */
  constructor(
    /** @internal */ readonly expression: Expression,
    /** @internal Fields that must have a value for the condition to hold. */ readonly fields: readonly Field<unknown>[],
    /** @internal Nodes the condition mentions without requiring a field. */ readonly nodes: readonly AnyNode[],
  ) {}
}

/**
 * The field identities a condition (or a `groupBy()` key) requires: `never` for none, and for
 * nodes, which are always bound.
 *
 * @example
 * ```ts
 * type R = RequiredBy<Condition<'$.durationMs'>>; // '$.durationMs'
 * ```
 */
export type RequiredBy<X> = X extends Condition<infer I> ? I : X extends Field<unknown, infer I> ? I : never;

function combine(operator: '&&' | '||', conditions: readonly Condition<string>[], empty: boolean): Condition<never> {
  for (const c of conditions) if (!(c instanceof Condition)) throw new TypeError(`provml query: not a condition: ${describe(c)}`);
  const fields = conditions.flatMap((c) => c.fields);
  const nodes = conditions.flatMap((c) => c.nodes);
  if (conditions.length === 0) return new Condition(literalTerm(empty), [], []);
  const expression = conditions.map((c) => c.expression).reduce((a, b) => op(operator, a, b));
  return new Condition(expression, fields, nodes);
}

/**
 * All conditions hold (what `where(a, b)` does too). No conditions: true.
 *
 * @example
 * ```ts
 * q.where(or(and(dur.lt(10), status.eq('completed')), status.eq('failed')));
 * ```
 */
export function and<Cs extends readonly Condition<string>[]>(...conditions: Cs): Condition<RequiredBy<Cs[number]>> {
  return combine('&&', conditions, true) as Condition<RequiredBy<Cs[number]>>;
}

/**
 * At least one condition holds. No conditions: false. Fields compared in any branch are still
 * required, so a node without one of them never matches; test absence with `notExists()`.
 *
 * @example
 * ```ts
 * q.where(or(q.root.get('status').eq('failed'), q.root.get('durationMs').gt(60_000)));
 * ```
 */
export function or<Cs extends readonly Condition<string>[]>(...conditions: Cs): Condition<RequiredBy<Cs[number]>> {
  return combine('||', conditions, false) as Condition<RequiredBy<Cs[number]>>;
}

/**
 * The condition does not hold (its fields stay required).
 *
 * @example
 * ```ts
 * q.where(not(q.root.get('status').in(['completed', 'running'])));
 * ```
 */
export function not<Id extends string>(condition: Condition<Id>): Condition<Id> {
  if (!(condition instanceof Condition)) throw new TypeError(`provml query: not a condition: ${describe(condition)}`);
  return new Condition(op('!', condition.expression), condition.fields, condition.nodes);
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
