/**
 * Fields: what `node.get(field)` returns, and the operators that turn them into conditions.
 *
 * `node.get('durationMs')` gives a {@link ValueField}; its operators (`eq`, `lt`, `between`, `in`,
 * `regex`…) give {@link Condition}s. Every value a caller passes becomes an RDF/JS term through
 * `src/query/sparql.ts` (IRIs checked, literals typed) and lands in a sparqljs expression: no
 * value is ever pasted into query text. Fields compared in a condition are *required* (the node
 * must have the property); `exists()` / `notExists()` test for it without requiring it.
 *
 * Strings are compared by their text, `STR(?v) = "…"`, not `?v = "…"`: Virtuoso keeps a string
 * in one of several internal forms depending on how it was written (raw UTF-8 or `\u` escapes,
 * SPARQL Update or Graph Store upload), and `=` between two forms of the same string is false
 * (measured: `"aéb"` inserted as `a\u00e9b` is not `= "aéb"`, but its `STR()` is). For untyped
 * fields (`mls:hasValue`) a string also has to be an `xsd:string`, so `eq('0.5')` is not `0.5`.
 */
import type { Literal, NamedNode, Variable } from '@rdfjs/types';
import type { Expression, Pattern } from 'sparqljs';
import { iriTerm, literalTerm, varTerm } from '../sparql.js';
import { Condition, describe, op } from './condition.js';
import type { AnyNode } from './node.js';
import type { FieldSpec } from './schema.js';

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/**
 * A field of a node, e.g. `epoch.get('iterationIndex')`: something to compare, group by or
 * select. `T` is the JavaScript type of one value; `Id` names the field's place in the query
 * (the builder's types use it to know which fields are required).
 *
 * @example
 * ```ts
 * const q = query('EpochExecution');
 * const status = q.root.get('status');            // Field of strings
 * q.where(status.in(['completed', 'failed']));
 * ```
 */
export abstract class Field<T, Id extends string = string> {
  /** @internal Phantom: the value type. */
  declare readonly valueType?: T;
  /** @internal Phantom: the field's identity in its query. */
  declare readonly fieldId?: Id;
  /** @internal */
  readonly variable: Variable;

  /** @internal */
  constructor(
    /** @internal */ readonly node: AnyNode,
    /** @internal */ readonly name: string,
    /** @internal */ readonly spec: FieldSpec,
  ) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`provml query: unusable field name ${JSON.stringify(name)}`);
    this.variable = varTerm(`${node.variable.value}_${name}`);
  }

  /** @internal The value as a term of this field's kind (an IRI or a typed literal). */
  term(value: unknown): NamedNode | Literal {
    const where = `${this.node.className}.${this.name}`;
    if (this.spec.kind === 'iri') {
      if (typeof value !== 'string') throw new TypeError(`provml query: ${where} links to nodes; expected an IRI string, got ${describe(value)}`);
      return iriTerm(value, `IRI for ${where}`);
    }
    const ok =
      this.spec.ts === 'scalar'
        ? ['string', 'number', 'boolean'].includes(typeof value)
        : this.spec.ts === 'Date'
          ? value instanceof Date
          : typeof value === this.spec.ts;
    if (!ok) throw new TypeError(`provml query: ${where} holds ${this.spec.ts} values; got ${describe(value)}`);
    if (typeof value === 'string' && this.spec.datatype !== null && this.spec.datatype !== XSD_STRING) return literalTerm(value, this.spec.datatype);
    return literalTerm(value as string | number | boolean | Date);
  }

  /** `?v <operator> value`; for strings `STR(?v) <operator> "value"` (see the module comment). */
  private comparison(operator: '=' | '!=', value: unknown): Expression {
    const t = this.term(value);
    if (this.spec.kind === 'iri' || typeof value !== 'string') return op(operator, this.variable, t);
    const text = op(operator, op('str', this.variable), literalTerm(value));
    if (this.spec.ts !== 'scalar') return text;
    const typed = op('&&', op('=', op('str', this.variable), literalTerm(value)), op('=', op('datatype', this.variable), iriTerm(XSD_STRING)));
    return operator === '=' ? typed : op('!', typed);
  }

  private compare(operator: '=' | '!=', value: T): Condition<Id> {
    return new Condition(this.comparison(operator, value), [this], []);
  }

  /**
   * The field equals `value` (same value and type; numbers compare by value).
   *
   * @example
   * ```ts
   * q.where(q.root.get('status').eq('completed'));
   * ```
   */
  eq(value: T): Condition<Id> {
    return this.compare('=', value);
  }

  /**
   * The field has a value other than `value`.
   *
   * @example
   * ```ts
   * q.where(q.root.get('status').ne('failed'));
   * ```
   */
  ne(value: T): Condition<Id> {
    return this.compare('!=', value);
  }

  /**
   * The field equals one of `values` (none: never true).
   *
   * @example
   * ```ts
   * q.where(q.root.get('status').in(['completed', 'failed']));
   * ```
   */
  in(values: readonly T[]): Condition<Id> {
    if (!Array.isArray(values)) throw new TypeError(`provml query: in() takes an array of values, got ${describe(values)}`);
    if (values.length === 0) return new Condition(literalTerm(false), [this], []);
    // One `=` per value, never `IN (…)`: Virtuoso 7.2 drops rows for `?v IN (<a>, <b>)` on a class
    // or link variable, and `STR(?v) IN (…)` misses strings when the list mixes ASCII and non-ASCII.
    return new Condition(values.map((v) => this.comparison('=', v)).reduce((a, b) => op('||', a, b)), [this], []);
  }

  /**
   * The field's text matches a regular expression (XPath syntax, as SPARQL's `REGEX`; `flags`
   * among `s m i x q`). Numbers, dates and IRIs match on their lexical form.
   *
   * @example
   * ```ts
   * q.where(q.root.get('name').regex('^train', 'i'));
   * ```
   */
  regex(pattern: string, flags = ''): Condition<Id> {
    if (typeof pattern !== 'string') throw new TypeError(`provml query: regex() pattern must be a string, got ${describe(pattern)}`);
    if (typeof flags !== 'string' || !/^[smixq]*$/.test(flags)) throw new TypeError(`provml query: regex() flags must be among "smixq", got ${describe(flags)}`);
    const args: Expression[] = [op('str', this.variable), literalTerm(pattern)];
    if (flags !== '') args.push(literalTerm(flags));
    return new Condition(op('regex', ...args), [this], []);
  }

  /**
   * The node has at least one value for this field (does not make the field required elsewhere).
   *
   * @example
   * ```ts
   * q.where(q.root.get('errorMessage').exists());
   * ```
   */
  exists(): Condition<never> {
    return new Condition(op('exists', this.probe()), [], [this.node]);
  }

  /**
   * The node has no value for this field.
   *
   * @example
   * ```ts
   * q.where(q.root.get('endedAtTime').notExists()); // still running (or crashed)
   * ```
   */
  notExists(): Condition<never> {
    return new Condition(op('notexists', this.probe()), [], [this.node]);
  }

  private probe(): Pattern {
    const triple = { subject: this.node.variable, predicate: iriTerm(this.spec.iri), object: varTerm(`${this.variable.value}_e`) };
    return { type: 'bgp', triples: [triple] };
  }
}

/**
 * A field holding values (a datatype property): numbers, strings, booleans or dates. Adds the
 * ordering operators to {@link Field}'s.
 *
 * @example
 * ```ts
 * const q = query('BatchExecution');
 * q.where(q.root.get('durationMs').between(0, 100), q.root.get('startedAtTime').gte(new Date('2025-01-01')));
 * ```
 */
export class ValueField<T, Id extends string = string> extends Field<T, Id> {
  /** @internal Brand: a value field. */
  declare readonly fieldKind?: 'value';

  /**
   * Less than `value`.
   *
   * @example
   * ```ts
   * q.where(q.root.get('durationMs').lt(100));
   * ```
   */
  lt(value: T): Condition<Id> {
    return new Condition(op('<', this.variable, this.term(value)), [this], []);
  }

  /**
   * Less than or equal to `value`.
   *
   * @example
   * ```ts
   * q.where(q.root.get('iterationIndex').lte(3));
   * ```
   */
  lte(value: T): Condition<Id> {
    return new Condition(op('<=', this.variable, this.term(value)), [this], []);
  }

  /**
   * Greater than `value`.
   *
   * @example
   * ```ts
   * q.where(q.root.get('durationMs').gt(1000));
   * ```
   */
  gt(value: T): Condition<Id> {
    return new Condition(op('>', this.variable, this.term(value)), [this], []);
  }

  /**
   * Greater than or equal to `value`.
   *
   * @example
   * ```ts
   * q.where(q.root.get('startedAtTime').gte(new Date('2025-03-01T00:00:00Z')));
   * ```
   */
  gte(value: T): Condition<Id> {
    return new Condition(op('>=', this.variable, this.term(value)), [this], []);
  }

  /**
   * Between `low` and `high`, both included.
   *
   * @example
   * ```ts
   * q.where(q.root.get('iterationIndex').between(1, 5));
   * ```
   */
  between(low: T, high: T): Condition<Id> {
    return new Condition(op('&&', op('>=', this.variable, this.term(low)), op('<=', this.variable, this.term(high))), [this], []);
  }
}

/**
 * A field linking to other nodes (an object property): its values are IRIs. Compare it with IRI
 * strings (checked; an invalid one is a TypeError naming it), or follow it with `node.out()`.
 *
 * @example
 * ```ts
 * const q = query('EpochExecution');
 * q.where(q.root.get('partOf').eq('urn:provml:run:42:train'));
 * ```
 */
export class LinkField<Id extends string = string> extends Field<string, Id> {
  /** @internal Brand: a link field. */
  declare readonly fieldKind?: 'link';
}
