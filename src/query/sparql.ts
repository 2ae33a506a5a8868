/**
 * The one place where query code turns values into SPARQL: RDF/JS terms built here go into a
 * sparqljs AST, and the sparqljs generator writes the text. Nothing in `src/query/` pastes a user
 * value into a query string, so a value can never change a query's shape.
 *
 * - {@link iriTerm} checks an IRI and throws a `TypeError` naming the offending value.
 * - {@link literalTerm} types a JS value (number → xsd:integer or xsd:double, Date →
 *   xsd:dateTime, boolean → xsd:boolean, string → plain literal).
 * - {@link toSparql} generates the text with the provml prefixes.
 * - {@link termValue} reads a result term back as a JS value.
 */
import type { Literal, NamedNode, Term, Variable } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { Generator, type SparqlQuery } from 'sparqljs';

const { namedNode, literal, variable } = DataFactory;

/** Namespaces every provml query may use, by prefix. */
export const PREFIXES = {
  provml: 'https://w3id.org/prov-ml#',
  prov: 'http://www.w3.org/ns/prov#',
  mls: 'http://www.w3.org/ns/mls#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

const XSD = PREFIXES.xsd;
const IRI_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u0020]*$/;

/**
 * An IRI as an RDF/JS term, checked first: an absolute IRI with none of the characters IRIs may not
 * contain. Throws a `TypeError` naming the value otherwise.
 *
 * @example
 * ```ts
 * iriTerm('urn:provml:execution:0190…'); // NamedNode
 * iriTerm('x> } DROP ALL #');             // throws TypeError: provml: not a valid IRI: "x> } DROP ALL #"
 * ```
 */
export function iriTerm(iri: string, what = 'IRI'): NamedNode {
  if (typeof iri !== 'string' || !IRI_RE.test(iri)) throw new TypeError(`provml: not a valid ${what}: ${JSON.stringify(iri)}`);
  return namedNode(iri);
}

/** A JS value a query can compare with. */
export type LiteralInput = string | number | boolean | bigint | Date;

/**
 * A JS value as a typed literal. Numbers become `xsd:integer` when they are safe integers, else
 * `xsd:double`; `datatype` (an IRI) overrides the choice.
 *
 * @example
 * ```ts
 * literalTerm(0.5);          // "0.5"^^xsd:double
 * literalTerm('a"}\n');      // a plain literal holding exactly those characters
 * literalTerm(new Date(0));  // "1970-01-01T00:00:00.000Z"^^xsd:dateTime
 * ```
 */
export function literalTerm(value: LiteralInput, datatype?: string): Literal {
  if (datatype !== undefined) {
    const text = lexical(value);
    checkText(text);
    return literal(text, iriTerm(datatype, 'datatype IRI'));
  }
  switch (typeof value) {
    case 'string':
      checkText(value);
      return literal(value);
    case 'boolean':
      return literal(String(value), namedNode(`${XSD}boolean`));
    case 'bigint':
      return literal(value.toString(), namedNode(`${XSD}integer`));
    case 'number':
      if (Number.isNaN(value)) return literal('NaN', namedNode(`${XSD}double`));
      if (!Number.isFinite(value)) return literal(value > 0 ? 'INF' : '-INF', namedNode(`${XSD}double`));
      return Number.isSafeInteger(value) ? literal(String(value), namedNode(`${XSD}integer`)) : literal(String(value), namedNode(`${XSD}double`));
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError('provml: invalid Date in a query value');
        return literal(value.toISOString(), namedNode(`${XSD}dateTime`));
      }
      throw new TypeError(`provml: cannot use ${JSON.stringify(value)} as a query value`);
  }
}

function lexical(value: LiteralInput): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'INF' : '-INF';
  return String(value);
}

/**
 * A SPARQL variable term.
 *
 * @example
 * ```ts
 * varTerm('run'); // ?run
 * ```
 */
export function varTerm(name: string): Variable {
  return variable(name);
}

/**
 * An IRI in one of the provml {@link PREFIXES} as a term: `term('prov', 'used')`.
 *
 * @example
 * ```ts
 * term('provml', 'partOf'); // <https://w3id.org/prov-ml#partOf>
 * ```
 */
export function term(prefix: keyof typeof PREFIXES, local: string): NamedNode {
  return namedNode(PREFIXES[prefix] + local);
}

const generator = new Generator({ prefixes: { ...PREFIXES } });

/** The parts of sparqljs's (untyped) inner generator that {@link toSparql} hooks. */
interface GeneratorInternals {
  toQuery(query: SparqlQuery): string;
  toEntity(value: unknown): string;
  encodeIRI(iri: string): string;
}

/**
 * SPARQL text of a sparqljs query AST, with the provml prefixes declared.
 *
 * Terms are written by this module rather than by sparqljs alone: every IRI is checked again (a
 * term made elsewhere cannot smuggle `>` or a space into the text) and literals are escaped so
 * that every engine reads back exactly the value — control characters as `\uXXXX` (a raw NUL ends
 * a string for Virtuoso's parser), U+2028/U+2029 too (sparqljs indents after them as if they were
 * line breaks, which would change the value), a `u` after an escaped backslash as `\u0075` (so an engine that
 * decodes `\u` escapes before parsing, as SPARQL 1.1 §19.2 allows, cannot turn `\\u0022` into a
 * quote), and unpaired UTF-16 surrogates, which no engine can store, refused with a TypeError.
 *
 * @example
 * ```ts
 * toSparql({ type: 'query', queryType: 'ASK', prefixes: {}, where: [] }); // 'PREFIX provml: … ASK { }'
 * ```
 */
export function toSparql(query: SparqlQuery): string {
  const inner = generator.createGenerator() as GeneratorInternals;
  const toEntity = inner.toEntity;
  inner.toEntity = function (this: GeneratorInternals, value: unknown): string {
    const t = value as Partial<Term> | null;
    if (t?.termType === 'Literal') return literalSource(t as Literal, this);
    if (t?.termType === 'NamedNode') iriTerm(t.value as string);
    return toEntity.call(this, value);
  };
  return inner.toQuery({ ...query, prefixes: { ...PREFIXES } } as SparqlQuery);
}

/** A literal in SPARQL syntax (see {@link toSparql} for the escaping rules). */
function literalSource(lit: Literal, g: GeneratorInternals): string {
  const text = `"${escapeString(lit.value)}"`;
  if (lit.language) {
    if (!/^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/.test(lit.language)) throw new TypeError(`provml: not a valid language tag: ${JSON.stringify(lit.language)}`);
    return `${text}@${lit.language}`;
  }
  const dt = lit.datatype?.value;
  if (dt === undefined || dt === `${XSD}string`) return text;
  if (dt === `${XSD}integer` && /^\d+$/.test(lit.value)) return `${lit.value} `; // as sparqljs writes it
  return `${text}^^${g.encodeIRI(iriTerm(dt, 'datatype IRI').value)}`;
}

const ECHAR: Record<string, string> = { '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** The body of a `"…"` string literal holding exactly `value`. */
function escapeString(value: string): string {
  checkText(value);
  return value.replace(/\\([uU])?|["\n\r\t\b\f]|[\u0000-\u001f\u2028\u2029]/g, (m: string, u: string | undefined) => {
    if (m[0] === '\\') return u === undefined ? '\\\\' : `\\\\${uEscape(u)}`;
    return ECHAR[m] ?? uEscape(m);
  });
}

function uEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Throws a TypeError for a string no SPARQL engine can hold: one with an unpaired surrogate. */
function checkText(value: string): void {
  if (/\p{Surrogate}/u.test(value)) throw new TypeError(`provml: string has an unpaired UTF-16 surrogate: ${JSON.stringify(value)}`);
}

/**
 * A result term as a JS value: numeric XSD types → number, `xsd:boolean` → boolean (also Virtuoso's
 * 1/0 for EXISTS), other literals and IRIs → their string value. `undefined` for an unbound term.
 *
 * @example
 * ```ts
 * const [row] = await endpoint.select('SELECT (1.5 AS ?x) {}');
 * termValue(row!.x); // 1.5
 * ```
 */
export function termValue(t: Term | undefined): string | number | boolean | undefined {
  if (t === undefined) return undefined;
  if (t.termType !== 'Literal') return t.value;
  const dt = t.datatype.value;
  if (dt.startsWith(XSD)) {
    const local = dt.slice(XSD.length);
    if (NUMERIC.has(local)) {
      const n = Number(t.value === 'INF' ? 'Infinity' : t.value === '-INF' ? '-Infinity' : t.value);
      return Number.isNaN(n) && t.value !== 'NaN' ? t.value : n;
    }
    if (local === 'boolean') return t.value === 'true' || t.value === '1';
  }
  return t.value;
}

/**
 * A result term as a number (`undefined` when unbound or not numeric).
 *
 * @example
 * ```ts
 * termNumber(row.loss); // 0.31
 * ```
 */
export function termNumber(t: Term | undefined): number | undefined {
  const v = termValue(t);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

const NUMERIC = new Set([
  'integer', 'decimal', 'double', 'float', 'long', 'int', 'short', 'byte', 'nonNegativeInteger',
  'positiveInteger', 'negativeInteger', 'nonPositiveInteger', 'unsignedLong', 'unsignedInt',
  'unsignedShort', 'unsignedByte',
]);
