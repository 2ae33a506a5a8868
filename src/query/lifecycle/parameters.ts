/**
 * Parameter filters of Q5 and Q6: which transformation parameter values identify a preparation.
 *
 * A filter names parameters and gives each an exact value or a numeric range. It becomes one
 * SPARQL expression, built as a sparqljs tree from typed literals (never pasted text):
 *
 * - a **number** matches every value that is numerically equal, whatever its type: `100` matches
 *   `100`, `100.0`, `"1e2"^^xsd:double`, and also a plain string `"100"` (values captured from
 *   command-line arguments or environment variables are often strings);
 * - a **string** matches the same string; a string that reads as a number (`"100"`, `"1e-3"`) also
 *   matches numerically, as the number would;
 * - a **boolean** matches the same boolean;
 * - a **range** `{ min, max, gt, lt }` (numbers; `min`/`max` included, `gt`/`lt` excluded, any
 *   subset) matches numeric values and numeric strings within it.
 *
 * Booleans never count as numbers (Virtuoso's `isNumeric(true)` is true: excluded explicitly), and
 * every comparison is guarded by the value's type, because Virtuoso answers `"abc" >= 5` (and
 * `<iri> >= 5`) with true where SPARQL says type error.
 */
import type { Variable } from '@rdfjs/types';
import type { Expression } from 'sparqljs';
import { literalTerm, term } from '../sparql.js';
import type { Scalar } from './types.js';

/**
 * A numeric range for a parameter: `min` and `max` are included, `gt` and `lt` excluded. Give at
 * least one bound, at most one lower (`min` or `gt`) and one upper (`max` or `lt`).
 *
 * @example
 * ```ts
 * const lr: ParameterRange = { min: 0.001, max: 0.01 };   // 0.001 ≤ lr ≤ 0.01
 * const epochs: ParameterRange = { min: 10 };              // epochs ≥ 10
 * const share: ParameterRange = { gt: 0, lt: 0.5 };        // 0 < share < 0.5
 * ```
 */
export interface ParameterRange {
  min?: number;
  max?: number;
  gt?: number;
  lt?: number;
}

/**
 * What one parameter must be: an exact value or a numeric {@link ParameterRange}.
 *
 * @example
 * ```ts
 * const exact: ParameterCondition = 100;
 * const range: ParameterCondition = { min: 100, max: 300 };
 * ```
 */
export type ParameterCondition = Scalar | ParameterRange;

/**
 * Transformation parameters by name, each an exact value or a range, e.g.
 * `{ firstInline: 100, lastInline: { max: 300 } }`. An execution matches when it used a value of
 * *every* named parameter that satisfies its condition.
 *
 * @example
 * ```ts
 * const slices: ParameterFilter = { firstInline: 100, lastInline: 300 };
 * const around: ParameterFilter = { firstInline: { min: 50, max: 150 }, tileSize: '64' }; // '64' matches 64 too
 * ```
 */
export type ParameterFilter = Readonly<Record<string, ParameterCondition>>;

/** Text that reads as a number: what the CLI turns into numbers, and what string values may hold. */
export const NUMERIC_TEXT = /^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$/;
// The same pattern for SPARQL's REGEX (XPath syntax; the JavaScript source reads the same there).
const NUMERIC_TEXT_XPATH = NUMERIC_TEXT.source;

const BOUNDS = { min: '>=', gt: '>', max: '<=', lt: '<' } as const;
type Bound = keyof typeof BOUNDS;

/**
 * Whether a condition is a range (an object) rather than an exact value.
 *
 * @example
 * ```ts
 * isRange({ min: 1 }); // true
 * isRange(1);          // false
 * ```
 */
export function isRange(c: ParameterCondition): c is ParameterRange {
  return typeof c === 'object' && c !== null;
}

/** The bounds of a range, checked: numbers, at least one, one per side, low ≤ high. */
function rangeBounds(name: string, range: ParameterRange): [Bound, number][] {
  const keys = Object.keys(range);
  const unknown = keys.filter((k) => !Object.hasOwn(BOUNDS, k));
  const where = `parameter ${JSON.stringify(name)}`;
  if (unknown.length > 0) throw new TypeError(`provml: ${where}: a range takes min, max, gt and lt; got ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  const bounds: [Bound, number][] = [];
  for (const k of Object.keys(BOUNDS) as Bound[]) {
    const v = range[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`provml: ${where}: range bound ${k} must be a finite number, got ${JSON.stringify(v)}`);
    bounds.push([k, v]);
  }
  if (bounds.length === 0) throw new TypeError(`provml: ${where}: a range needs at least one of min, max, gt, lt`);
  if (range.min !== undefined && range.gt !== undefined) throw new TypeError(`provml: ${where}: give min or gt, not both`);
  if (range.max !== undefined && range.lt !== undefined) throw new TypeError(`provml: ${where}: give max or lt, not both`);
  const low = range.min ?? range.gt;
  const high = range.max ?? range.lt;
  if (low !== undefined && high !== undefined && low > high) throw new TypeError(`provml: ${where}: empty range (${low} > ${high})`);
  return bounds;
}

/**
 * A filter as text, for messages: `firstInline=100, lr=0.001..0.01, epochs>=10`.
 *
 * @example
 * ```ts
 * describeFilter({ lr: { min: 0.001, max: 0.01 }, epochs: { min: 10 } }); // 'lr=0.001..0.01, epochs>=10'
 * ```
 */
export function describeFilter(filter: ParameterFilter): string {
  return Object.entries(filter)
    .map(([name, c]) => {
      if (!isRange(c)) return `${name}=${typeof c === 'string' ? JSON.stringify(c) : String(c)}`;
      if (c.min !== undefined && c.max !== undefined) return `${name}=${c.min}..${c.max}`;
      return (Object.keys(BOUNDS) as Bound[]).filter((k) => c[k] !== undefined).map((k) => `${name}${BOUNDS[k]}${c[k]}`).join(', ');
    })
    .join(', ');
}

const op = (operator: string, ...args: Expression[]): Expression => ({ type: 'operation', operator, args });
const and = (...args: Expression[]): Expression => args.reduce((a, b) => op('&&', a, b));
const or = (...args: Expression[]): Expression => args.reduce((a, b) => op('||', a, b));
const XSD_STRING = term('xsd', 'string');
const XSD_BOOLEAN = term('xsd', 'boolean');

/** `test` holds for the value read as a number: a numeric literal, or a string that reads as one. */
function numeric(value: Variable, test: (x: Expression) => Expression): Expression {
  const asDouble: Expression = { type: 'functionCall', function: term('xsd', 'double'), args: [value], distinct: false };
  return or(
    and(op('isnumeric', value), op('!=', op('datatype', value), XSD_BOOLEAN), test(value)),
    and(op('=', op('datatype', value), XSD_STRING), op('regex', op('str', value), literalTerm(NUMERIC_TEXT_XPATH)), test(asDouble)),
  );
}

/** The condition on `value` for one parameter (see the module comment for the rules). */
function condition(name: string, c: ParameterCondition, value: Variable): Expression {
  if (isRange(c)) {
    const bounds = rangeBounds(name, c);
    return numeric(value, (x) => and(...bounds.map(([k, b]) => op(BOUNDS[k], x, literalTerm(b)))));
  }
  switch (typeof c) {
    case 'number':
      if (!Number.isFinite(c)) throw new TypeError(`provml: parameter ${JSON.stringify(name)} must be a finite number, got ${c}`);
      return numeric(value, (x) => op('=', x, literalTerm(c)));
    case 'boolean':
      return and(op('=', op('datatype', value), XSD_BOOLEAN), op('=', value, literalTerm(c)));
    case 'string': {
      // STR() and DATATYPE(), not `=`: Virtuoso keeps one string in several internal forms, and
      // `=` between two of them is false (see src/query/builder/field.ts).
      const text = and(op('=', op('datatype', value), XSD_STRING), op('=', op('str', value), literalTerm(c)));
      return NUMERIC_TEXT.test(c) ? or(text, numeric(value, (x) => op('=', x, literalTerm(Number(c))))) : text;
    }
    default:
      throw new TypeError(`provml: parameter ${JSON.stringify(name)} must be a string, number, boolean or range, got ${JSON.stringify(c)}`);
  }
}

/**
 * One SPARQL expression that holds when `?name` is one of the filter's parameter names and
 * `?value` satisfies that parameter's condition. Throws a TypeError for an empty filter or a bad
 * condition, naming the parameter.
 *
 * @example
 * ```ts
 * const match = parameterMatch({ firstInline: { min: 100 } }, varTerm('name'), varTerm('value'));
 * ```
 */
export function parameterMatch(filter: ParameterFilter, name: Variable, value: Variable): Expression {
  const entries = Object.entries(filter);
  if (entries.length === 0) throw new TypeError('provml: give at least one parameter, e.g. { firstInline: 100, lastInline: 300 }');
  return or(...entries.map(([n, c]) => and(op('=', op('str', name), literalTerm(n)), condition(n, c, value))));
}
