import type { Quad } from '@rdfjs/types';
import { DataFactory, Parser, Writer } from 'n3';

/**
 * The write side's pure helpers: group quads by named graph as N-Triples lines, cut them into
 * chunks, and build `INSERT DATA` requests. No I/O here.
 */

/** Key of the default graph in {@link groupTriplesByGraph}'s result. */
export const DEFAULT_GRAPH = '';

/**
 * Group quads (RDF/JS, or N-Quads text) by graph IRI, each as N-Triples lines (`s p o .\n`).
 * Quads in the default graph go to `graph` when given, else under the key `''`
 * ({@link DEFAULT_GRAPH}). N-Quads text in provml's canonical form (one quad per line) is split
 * line by line without parsing; anything else is parsed with n3.
 *
 * @example
 * ```ts
 * const groups = groupTriplesByGraph('<urn:s> <urn:p> "o" <urn:g> .\n');
 * groups.get('urn:g'); // ['<urn:s> <urn:p> "o" .\n']
 * ```
 */
export function groupTriplesByGraph(input: readonly Quad[] | string, graph?: string): Map<string, string[]> {
  if (typeof input === 'string') {
    const fast = splitNQuadsText(escapeControls(input), graph);
    if (fast) return fast;
    return groupQuads(new Parser({ format: 'N-Quads' }).parse(input), graph);
  }
  return groupQuads(input, graph);
}

/**
 * Raw control characters other than tab, LF and CR may only stand inside literals; write them as
 * `\uXXXX`. (n3's Writer leaves U+001A–U+001F raw, and Virtuoso's N-Triples loader then stores a
 * literal holding one after an escape as an empty string.)
 */
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
function escapeControls(text: string): string {
  RAW_CONTROL.lastIndex = 0;
  if (!RAW_CONTROL.test(text)) return text;
  return text.replace(RAW_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

function groupQuads(quads: readonly Quad[], graph: string | undefined): Map<string, string[]> {
  const byGraph = new Map<string, Quad[]>();
  for (const q of quads) {
    let key: string;
    if (q.graph.termType === 'DefaultGraph') key = graph ?? DEFAULT_GRAPH;
    else if (q.graph.termType === 'NamedNode') key = q.graph.value;
    else throw new TypeError(`provml: cannot insert into a ${q.graph.termType} graph over HTTP (graphs must be IRIs)`);
    let list = byGraph.get(key);
    if (!list) byGraph.set(key, (list = []));
    list.push(DataFactory.quad(q.subject, q.predicate, q.object));
  }
  const out = new Map<string, string[]>();
  for (const [key, list] of byGraph) {
    const text = escapeControls(new Writer({ format: 'N-Triples' }).quadsToString(list));
    out.set(
      key,
      text.split('\n').filter((l) => l.length > 0).map((l) => `${l}\n`),
    );
  }
  return out;
}

/** End of the RDF term starting at `i`, or -1. */
function termEnd(line: string, i: number, literalOk: boolean): number {
  const c = line[i];
  if (c === '<') {
    const j = line.indexOf('>', i + 1);
    return j === -1 ? -1 : j + 1;
  }
  if (c === '_' && line[i + 1] === ':') {
    let j = i + 2;
    while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
    return j;
  }
  if (c === '"' && literalOk) {
    let j = i + 1;
    while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
    if (j >= line.length) return -1;
    j++;
    if (line.startsWith('^^<', j)) {
      const k = line.indexOf('>', j + 3);
      return k === -1 ? -1 : k + 1;
    }
    if (line[j] === '@') {
      j++;
      while (j < line.length && /[A-Za-z0-9-]/.test(line[j]!)) j++;
    }
    return j;
  }
  return -1;
}

function skipWs(line: string, i: number): number {
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

function unescapeIri(token: string): string {
  return token.slice(1, -1).replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})/g, (_m, a: string | undefined, b: string | undefined) =>
    String.fromCodePoint(parseInt(a ?? b ?? '0', 16)),
  );
}

/** Line-by-line split of canonical N-Quads; undefined when a line is not understood. */
function splitNQuadsText(text: string, graph: string | undefined): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    const line = text.slice(start, nl).replace(/\r$/, '');
    start = nl + 1;
    let i = skipWs(line, 0);
    if (i >= line.length || line[i] === '#') continue;
    i = termEnd(line, i, false);
    if (i === -1 || (line[i] !== ' ' && line[i] !== '\t')) return undefined;
    i = termEnd(line, skipWs(line, i), false);
    if (i === -1) return undefined;
    const objEnd = termEnd(line, skipWs(line, i), true);
    if (objEnd === -1) return undefined;
    i = skipWs(line, objEnd);
    let key = graph ?? DEFAULT_GRAPH;
    if (line[i] === '<') {
      const g = termEnd(line, i, false);
      if (g === -1) return undefined;
      key = unescapeIri(line.slice(i, g));
      i = skipWs(line, g);
    } else if (line[i] === '_') {
      return undefined; // blank-node graph: let the parser report it
    }
    if (line[i] !== '.') return undefined;
    const rest = line.slice(i + 1).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(`${line.slice(0, objEnd)} .\n`);
  }
  return out;
}

/**
 * Cut an array into consecutive slices of at most `size` elements.
 *
 * @example
 * ```ts
 * chunk([1, 2, 3, 4, 5], 2); // [[1, 2], [3, 4], [5]]
 * ```
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/**
 * An IRI as a SPARQL `IRIREF` (`<…>`), with characters IRIREF forbids written as `\u` escapes.
 *
 * @example
 * ```ts
 * sparqlIri('urn:provml:run:1'); // '<urn:provml:run:1>'
 * ```
 */
export function sparqlIri(iri: string): string {
  return `<${iri.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}>`;
}

const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';
/** The NaN literals whose triples {@link insertDataRequests} writes with `STRDT` (see there), and their variables. */
const NAN_OBJECTS: ReadonlyArray<readonly [suffix: string, variable: string, datatype: string]> = [
  [`"NaN"^^<${XSD_NS}double> .\n`, '?provmlNaNd', `${XSD_NS}double`],
  [`"NaN"^^<${XSD_NS}float> .\n`, '?provmlNaNf', `${XSD_NS}float`],
];

/** The NaN variable replacing a triple line's object, or undefined when its object is not a NaN literal. */
function nanObject(line: string): readonly [suffix: string, variable: string, datatype: string] | undefined {
  if (line.charCodeAt(line.length - 4) !== 0x3e /* > */) return undefined; // fast exit: not a typed literal
  for (const n of NAN_OBJECTS) {
    const at = line.length - n[0].length;
    if (at > 0 && line.endsWith(n[0]) && (line[at - 1] === ' ' || line[at - 1] === '\t')) return n;
  }
  return undefined;
}

/**
 * `INSERT DATA` requests for grouped triples, each carrying at most `maxTriples` triples (several
 * `GRAPH` blocks may share one request). N-Triples lines are valid SPARQL triples as they are.
 *
 * Triples whose object is `"NaN"^^xsd:double` (or xsd:float) go into a second operation of the
 * same request, `INSERT { … ?nan } WHERE { BIND(STRDT("NaN", xsd:double) AS ?nan) }`: the same
 * RDF term on every SPARQL 1.1 store, but Virtuoso 7.2 turns a NaN constant of `INSERT DATA` into
 * a native double NaN, which breaks its sort of the inserted rows (HTTP 500 "out of seg data",
 * and "items being sorted look to have changed during sort" in its log), while a `STRDT` value
 * is stored as a typed literal, exactly as its Graph Store loader stores NaN — and reads back as
 * `"NaN"^^xsd:double`. (INF and -INF need nothing: Virtuoso accepts them in `INSERT DATA`.)
 *
 * @example
 * ```ts
 * insertDataRequests(new Map([['urn:g', ['<urn:s> <urn:p> "o" .\n']]]), 1000);
 * // ['INSERT DATA {\nGRAPH <urn:g> {\n<urn:s> <urn:p> "o" .\n}\n}']
 * ```
 */
export function insertDataRequests(groups: ReadonlyMap<string, readonly string[]>, maxTriples: number): string[] {
  const max = Math.max(1, Math.floor(maxTriples));
  const out: string[] = [];
  let body = '';
  let nanBody = '';
  const nanTypes = new Set<readonly [string, string, string]>();
  let count = 0;
  const emit = () => {
    if (count === 0) return;
    const ops: string[] = [];
    if (body !== '') ops.push(`INSERT DATA {\n${body}}`);
    if (nanBody !== '') {
      const binds = [...nanTypes].map(([, v, dt]) => `BIND(STRDT("NaN", <${dt}>) AS ${v})`).join(' ');
      ops.push(`INSERT {\n${nanBody}} WHERE { ${binds} }`);
    }
    out.push(ops.join(' ;\n'));
    body = '';
    nanBody = '';
    nanTypes.clear();
    count = 0;
  };
  const block = (graph: string, triples: string) => (graph === DEFAULT_GRAPH ? triples : `GRAPH ${sparqlIri(graph)} {\n${triples}}\n`);
  for (const [graph, lines] of groups) {
    let i = 0;
    while (i < lines.length) {
      const take = Math.min(max - count, lines.length - i);
      let triples = '';
      let nanTriples = '';
      for (let k = i; k < i + take; k++) {
        const line = lines[k]!;
        const nan = nanObject(line);
        if (nan === undefined) {
          triples += line;
        } else {
          nanTypes.add(nan);
          nanTriples += `${line.slice(0, line.length - nan[0].length)}${nan[1]} .\n`;
        }
      }
      if (triples !== '') body += block(graph, triples);
      if (nanTriples !== '') nanBody += block(graph, nanTriples);
      count += take;
      i += take;
      if (count >= max) emit();
    }
  }
  emit();
  return out;
}
