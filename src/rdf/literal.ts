/**
 * Literal encoding and decoding: JavaScript values ⇄ typed RDF literals.
 *
 * One table maps each XSD datatype to a codec. The code generator uses it to choose field types
 * (`tsTypeOf`), the generated classes use it at run time (`encodeLiteral` / `decodeLiteral`), so the
 * TypeScript type of a field and the literals written for it can never disagree.
 *
 * | codec      | TypeScript | datatypes                                                   | lexical form written |
 * |------------|------------|-------------------------------------------------------------|----------------------|
 * | `string`   | `string`   | xsd:string, xsd:anyURI, and XSD types without a JS peer     | as given             |
 * | `integer`  | `number`   | xsd:integer, long, int, short, byte, (non)negative…, unsigned… | `42` (integers only) |
 * | `double`   | `number`   | xsd:double, xsd:float                                       | `0.5`, `NaN`, `INF`, `-INF` |
 * | `decimal`  | `number`   | xsd:decimal                                                 | `0.5` (finite only)  |
 * | `boolean`  | `boolean`  | xsd:boolean                                                 | `true` / `false`     |
 * | `dateTime` | `Date`     | xsd:dateTime, xsd:dateTimeStamp                             | ISO 8601, UTC (`toISOString`) |
 * | `any`      | `string \| number \| boolean` | rdfs:Literal or no range             | by value: xsd:string, xsd:double, xsd:boolean |
 */
import type { Literal } from '@rdfjs/types';
import { DataFactory } from 'n3';

/** The XML Schema datatype namespace. */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';
const RDFS_LITERAL = 'http://www.w3.org/2000/01/rdf-schema#Literal';

/** A JavaScript value a literal field can hold. */
export type LiteralValue = string | number | boolean | Date;

/** How a datatype's values are represented in JavaScript. */
export type Codec = 'string' | 'integer' | 'double' | 'decimal' | 'boolean' | 'dateTime' | 'any';

const INTEGER_TYPES = [
  'integer', 'long', 'int', 'short', 'byte', 'nonNegativeInteger', 'positiveInteger', 'nonPositiveInteger',
  'negativeInteger', 'unsignedLong', 'unsignedInt', 'unsignedShort', 'unsignedByte',
];
const CODECS: ReadonlyMap<string, Codec> = new Map<string, Codec>([
  ...INTEGER_TYPES.map((t): [string, Codec] => [XSD_NS + t, 'integer']),
  [`${XSD_NS}double`, 'double'],
  [`${XSD_NS}float`, 'double'],
  [`${XSD_NS}decimal`, 'decimal'],
  [`${XSD_NS}boolean`, 'boolean'],
  [`${XSD_NS}dateTime`, 'dateTime'],
  [`${XSD_NS}dateTimeStamp`, 'dateTime'],
  [RDFS_LITERAL, 'any'],
]);

/** The codec for a field's datatype; `null` (no range) means any literal. */
export function codecOf(datatype: string | null): Codec {
  if (datatype === null) return 'any';
  return CODECS.get(datatype) ?? 'string';
}

/** The TypeScript type of one value of a datatype (used by the code generator). */
export function tsTypeOf(datatype: string | null): string {
  switch (codecOf(datatype)) {
    case 'integer':
    case 'double':
    case 'decimal':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'dateTime':
      return 'Date';
    case 'any':
      return 'string | number | boolean';
    default:
      return 'string';
  }
}

/** Lexical form of a double: `NaN`, `INF`, `-INF`, `-0`, or JavaScript's shortest round-trip form. */
export function doubleLexical(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'INF';
  if (n === Number.NEGATIVE_INFINITY) return '-INF';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Parses an xsd:double / xsd:float lexical form (including `NaN`, `INF`, `+INF`, `-INF`). */
export function parseDouble(lexical: string): number {
  const s = lexical.trim();
  if (s === 'NaN') return Number.NaN;
  if (s === 'INF' || s === '+INF') return Number.POSITIVE_INFINITY;
  if (s === '-INF') return Number.NEGATIVE_INFINITY;
  const n = s === '' ? Number.NaN : Number(s);
  if (Number.isNaN(n)) throw new TypeError(`not an xsd:double: "${lexical}"`);
  return n;
}

function integerLexical(n: number): string {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new TypeError(`expected an integer, got ${describe(n)}`);
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

function decimalLexical(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`expected a finite number, got ${describe(n)}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return Number.isInteger(n) ? BigInt(n).toString() : n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : value instanceof Date ? 'a Date' : `${typeof value} ${String(value)}`;
}

const { literal, namedNode } = DataFactory;

/**
 * Encodes a value as a literal of `datatype` (`null` = choose by value).
 * Throws a `TypeError` when the value does not fit the datatype (e.g. 1.5 for xsd:integer).
 */
export function encodeLiteral(value: LiteralValue, datatype: string | null): Literal {
  const codec = codecOf(datatype);
  const typed = (lexical: string): Literal => literal(lexical, namedNode(datatype!));
  switch (codec) {
    case 'integer':
      return typed(integerLexical(value as number));
    case 'double':
      if (typeof value !== 'number') throw new TypeError(`expected a number, got ${describe(value)}`);
      return typed(doubleLexical(value));
    case 'decimal':
      return typed(decimalLexical(value as number));
    case 'boolean':
      if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, got ${describe(value)}`);
      return typed(String(value));
    case 'dateTime':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError(`expected a valid Date, got ${describe(value)}`);
      return typed(value.toISOString());
    case 'string':
      if (typeof value !== 'string') throw new TypeError(`expected a string, got ${describe(value)}`);
      return datatype === `${XSD_NS}string` ? literal(value) : typed(value);
    case 'any':
      if (typeof value === 'string') return literal(value);
      if (typeof value === 'number') return literal(doubleLexical(value), namedNode(`${XSD_NS}double`));
      if (typeof value === 'boolean') return literal(String(value), namedNode(`${XSD_NS}boolean`));
      if (value instanceof Date) return encodeLiteral(value, `${XSD_NS}dateTime`);
      throw new TypeError(`expected a string, number or boolean, got ${describe(value)}`);
  }
}

/**
 * Decodes a literal for a field of `datatype` (`null` = by the literal's own datatype).
 * Throws a `TypeError` when the lexical form cannot be read as that type.
 */
export function decodeLiteral(term: Literal, datatype: string | null): LiteralValue {
  const codec = codecOf(datatype);
  const lexical = term.value;
  switch (codec) {
    case 'integer': {
      const n = Number(lexical.trim());
      if (lexical.trim() === '' || !Number.isInteger(n)) throw new TypeError(`not an integer: "${lexical}"`);
      return n;
    }
    case 'double':
      return parseDouble(lexical);
    case 'decimal': {
      const n = lexical.trim() === '' ? Number.NaN : Number(lexical);
      if (!Number.isFinite(n)) throw new TypeError(`not an xsd:decimal: "${lexical}"`);
      return n;
    }
    case 'boolean':
      if (lexical === 'true' || lexical === '1') return true;
      if (lexical === 'false' || lexical === '0') return false;
      throw new TypeError(`not an xsd:boolean: "${lexical}"`);
    case 'dateTime': {
      const d = new Date(lexical);
      if (Number.isNaN(d.getTime())) throw new TypeError(`not an xsd:dateTime: "${lexical}"`);
      return d;
    }
    case 'string':
      return lexical;
    case 'any': {
      const own = codecOf(term.datatype.value);
      return own === 'string' || own === 'dateTime' || own === 'any' ? lexical : decodeLiteral(term, term.datatype.value);
    }
  }
}
