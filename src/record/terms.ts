import type { ValueSummary } from '../capture/events.js';
import { XSD } from '../generated/vocab.js';

/**
 * N-Quads term text for the recorder. The record step writes N-Quads directly — one string per
 * batch, no per-quad objects and no second serialization pass — because every sink wants text
 * (Oxigraph's bulk `load`, the journal, HTTP bulk inserts); sinks that want RDF/JS quads parse
 * the text lazily.
 *
 * IRIs written here are safe by construction: vocabulary constants, IRIs under a validated base
 * with percent-encoded name segments, UUIDs and hex digests. User text only ever appears inside
 * literals, escaped by {@link lit}.
 */

/** An RDF term in N-Quads syntax, e.g. `<urn:a>` or `"1"^^<…#integer>`. */
export type NTerm = string;

/** `<iri>`. */
export function iri(value: string): NTerm {
  return `<${value}>`;
}

const DT = {
  integer: `^^<${XSD.integer}>`,
  long: `^^<${XSD.long}>`,
  double: `^^<${XSD.double}>`,
  boolean: `^^<${XSD.boolean}>`,
  dateTime: `^^<${XSD.dateTime}>`,
  anyURI: `^^<${XSD.anyURI}>`,
};

// N-Quads literals: `"` `\` LF CR must be escaped; other C0 controls and DEL are escaped as \u00XX
// so every consumer (Oxigraph, Virtuoso, journals read line by line) sees one quad per line.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f]/;
const ESCAPES = /["\\\u0000-\u001f\u007f]/g;
function escapeChar(c: string): string {
  switch (c) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  }
}

/** A plain (`xsd:string`) literal, escaped. */
export function lit(s: string): NTerm {
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(ESCAPES, escapeChar)}"` : `"${s}"`;
}

/** Alias kept for readability at call sites: a plain string literal. */
export const str = lit;

// The ISO text of a whole millisecond is cached: events of one batch share most milliseconds.
let lastWholeMs = Number.NaN;
let lastIsoPrefix = '';

/** An `xsd:dateTime` literal with microsecond precision from fractional epoch milliseconds. */
export function dateTime(ms: number): NTerm {
  const whole = Math.floor(ms);
  if (whole !== lastWholeMs) {
    lastWholeMs = whole;
    lastIsoPrefix = new Date(whole).toISOString().slice(0, -1); // …sss
  }
  const micros = Math.floor((ms - whole) * 1000);
  return `"${lastIsoPrefix}${micros < 10 ? '00' : micros < 100 ? '0' : ''}${micros}Z"${DT.dateTime}`;
}

/** An `xsd:dateTime` literal from a Date. */
export function dateLiteral(d: Date): NTerm {
  return `"${d.toISOString()}"${DT.dateTime}`;
}

/** `xsd:double`, with the lexical forms XSD uses for NaN and infinities. */
export function double(n: number): NTerm {
  return `"${Number.isNaN(n) ? 'NaN' : n === Infinity ? 'INF' : n === -Infinity ? '-INF' : String(n)}"${DT.double}`;
}

/** `xsd:integer`. */
export function integer(n: number): NTerm {
  return `"${Math.trunc(n)}"${DT.integer}`;
}

/** `xsd:long`. */
export function long(n: number): NTerm {
  return `"${Math.trunc(n)}"${DT.long}`;
}

/** `xsd:anyURI` (escaped like any literal: a URI given by the user is data). */
export function anyURI(u: string): NTerm {
  return `${lit(u)}${DT.anyURI}`;
}

/**
 * The literal for a captured value: numbers as xsd:integer (safe integers) or xsd:double, booleans,
 * strings; structured summaries (tensor shape, array fingerprint, object fields…) as their JSON text.
 */
export function valueLiteral(v: ValueSummary): NTerm {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? integer(v) : double(v);
    case 'boolean':
      return `"${v}"${DT.boolean}`;
    case 'string':
      return lit(v);
    default:
      if (v === null) return '"null"';
      if (v.$ === 'ref') return anyURI(v.uri);
      return lit(safeJson(v));
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  } catch {
    return String(v);
  }
}

/** Accumulates one batch of N-Quads lines. */
export class NQuadsOut {
  text = '';
  count = 0;

  /** Append `s p o g .` (all four already in N-Quads term syntax). */
  add(s: NTerm, p: NTerm, o: NTerm, g: NTerm): void {
    this.text += `${s} ${p} ${o} ${g} .\n`;
    this.count++;
  }
}
