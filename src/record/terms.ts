import { DataFactory } from 'n3';
import type { Literal, NamedNode } from '@rdfjs/types';
import type { ValueSummary } from '../capture/events.js';
import { XSD } from '../generated/vocab.js';

/**
 * Term construction for the recorder: named nodes are interned (one object per IRI), literals get
 * the XSD datatype a SPARQL user expects, and value summaries become literals without ever throwing.
 */
const { namedNode, literal } = DataFactory;

const interned = new Map<string, NamedNode>();

/** The interned NamedNode for an IRI. */
export function iri(value: string): NamedNode {
  let node = interned.get(value);
  if (node === undefined) {
    node = namedNode(value);
    if (interned.size < 100_000) interned.set(value, node);
  }
  return node;
}

const T = {
  integer: namedNode(XSD.integer),
  long: namedNode(XSD.long),
  double: namedNode(XSD.double),
  boolean: namedNode(XSD.boolean),
  dateTime: namedNode(XSD.dateTime),
  anyURI: namedNode(XSD.anyURI),
};

/** An `xsd:dateTime` literal with microsecond precision from fractional epoch milliseconds. */
export function dateTime(ms: number): Literal {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const iso = new Date(whole).toISOString(); // …sss Z
  return literal(`${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`, T.dateTime);
}

/** An `xsd:dateTime` literal from a Date. */
export function dateLiteral(d: Date): Literal {
  return literal(d.toISOString(), T.dateTime);
}

/** `xsd:double`, with the lexical forms XSD uses for NaN and infinities. */
export function double(n: number): Literal {
  return literal(Number.isNaN(n) ? 'NaN' : n === Infinity ? 'INF' : n === -Infinity ? '-INF' : String(n), T.double);
}

/** `xsd:integer`. */
export function integer(n: number): Literal {
  return literal(String(Math.trunc(n)), T.integer);
}

/** `xsd:long`. */
export function long(n: number): Literal {
  return literal(String(Math.trunc(n)), T.long);
}

/** `xsd:anyURI`. */
export function anyURI(u: string): Literal {
  return literal(u, T.anyURI);
}

/** A plain `xsd:string`. */
export function str(s: string): Literal {
  return literal(s);
}

/** True when a summary is a number (measures must be numeric to be a ModelEvaluation). */
export function isNumeric(v: ValueSummary): v is number {
  return typeof v === 'number';
}

/**
 * The literal for a captured value: numbers as xsd:integer (safe integers) or xsd:double, booleans,
 * strings; structured summaries (tensor shape, array fingerprint, object fields…) as their JSON text.
 */
export function valueLiteral(v: ValueSummary): Literal {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? integer(v) : double(v);
    case 'boolean':
      return literal(String(v), T.boolean);
    case 'string':
      return literal(v);
    default:
      if (v === null) return literal('null');
      if (v.$ === 'ref') return anyURI(v.uri);
      return literal(safeJson(v));
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  } catch {
    return String(v);
  }
}
