import type { Quad, Term } from '@rdfjs/types';
import { Parser, Writer } from 'n3';
import type { Bindings } from './endpoint.js';

/**
 * Wire formats of `provml serve` (see `server.ts`): the query form of a request, SPARQL JSON
 * results, RDF serializations chosen by `Accept`, and Graph Store request bodies.
 */

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

/**
 * The form of a SPARQL query — `SELECT`, `CONSTRUCT`, `DESCRIBE` or `ASK` — read after the
 * prologue (comments, `PREFIX` and `BASE` declarations, whose IRIs may contain `#`); `undefined`
 * when the text does not start like a query (e.g. it is an update).
 *
 * @example
 * ```ts
 * queryForm('PREFIX ex: <http://ex.org/#>\n# rows\nselect * { ?s ?p ?o }'); // 'SELECT'
 * queryForm('INSERT DATA { <urn:a> <urn:b> <urn:c> }');                       // undefined
 * ```
 */
export function queryForm(query: string): 'SELECT' | 'CONSTRUCT' | 'DESCRIBE' | 'ASK' | undefined {
  const decl = /^(?:PREFIX\s*[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)/i;
  let rest = query;
  for (;;) {
    rest = rest.trimStart();
    if (rest.startsWith('#')) {
      const eol = rest.indexOf('\n');
      rest = eol < 0 ? '' : rest.slice(eol + 1);
      continue;
    }
    const m = decl.exec(rest);
    if (!m) break;
    rest = rest.slice(m[0].length);
  }
  const word = /^[A-Za-z]+/.exec(rest)?.[0].toUpperCase();
  return word === 'SELECT' || word === 'CONSTRUCT' || word === 'DESCRIBE' || word === 'ASK' ? word : undefined;
}

/**
 * One RDF/JS term in the SPARQL 1.1 Query Results JSON format (quoted triples as `triple`).
 *
 * @example
 * ```ts
 * import { DataFactory } from 'n3';
 * termToJson(DataFactory.literal('3', DataFactory.namedNode('http://www.w3.org/2001/XMLSchema#integer')));
 * // { type: 'literal', value: '3', datatype: 'http://www.w3.org/2001/XMLSchema#integer' }
 * ```
 */
export function termToJson(t: Term): Record<string, unknown> {
  switch (t.termType) {
    case 'NamedNode':
      return { type: 'uri', value: t.value };
    case 'BlankNode':
      return { type: 'bnode', value: t.value };
    case 'Literal':
      if (t.language) return { type: 'literal', value: t.value, 'xml:lang': t.language };
      if (t.datatype.value === XSD_STRING || t.datatype.value === RDF_LANG_STRING) return { type: 'literal', value: t.value };
      return { type: 'literal', value: t.value, datatype: t.datatype.value };
    case 'Quad':
      return { type: 'triple', value: { subject: termToJson(t.subject), predicate: termToJson(t.predicate), object: termToJson(t.object) } };
    default:
      throw new TypeError(`cannot write a ${t.termType} as a SPARQL JSON term`);
  }
}

/**
 * The object of a SPARQL 1.1 Query Results JSON document for SELECT rows: every value is a string
 * with its `type` (and `datatype` or `xml:lang`), so doubles such as `NaN` and `INF` keep their
 * lexical form. `head.vars` is `vars` when given (the query's projection, unbound variables
 * included), else the variables in the order they first appear in the rows.
 *
 * @example
 * ```ts
 * selectResults(await store.select('SELECT ?s ?x WHERE { ?s ?p ?o }'), ['s', 'x']);
 * // { head: { vars: ['s', 'x'] }, results: { bindings: [{ s: { type: 'uri', value: 'urn:a' } }] } }
 * ```
 */
export function selectResults(rows: readonly Bindings[], vars?: readonly string[]): { head: { vars: string[] }; results: { bindings: Record<string, unknown>[] } } {
  const seen = new Set<string>(vars ?? []);
  const bindings = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (v === undefined) continue;
      seen.add(k);
      out[k] = termToJson(v);
    }
    return out;
  });
  return { head: { vars: [...seen] }, results: { bindings } };
}

/**
 * SELECT rows as a SPARQL 1.1 Query Results JSON document (see {@link selectResults}).
 *
 * @example
 * ```ts
 * selectResultsJson(await store.select('SELECT ?s WHERE { ?s ?p ?o }'));
 * // '{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:a"}}]}}'
 * ```
 */
export function selectResultsJson(rows: readonly Bindings[], vars?: readonly string[]): string {
  return JSON.stringify(selectResults(rows, vars));
}

/**
 * An ASK answer as a SPARQL 1.1 Query Results JSON document.
 *
 * @example
 * ```ts
 * askResultJson(true); // '{"head":{},"boolean":true}'
 * ```
 */
export function askResultJson(answer: boolean): string {
  return JSON.stringify({ head: {}, boolean: answer });
}

/**
 * An RDF syntax provml serve reads and writes: its media type and n3's format name.
 *
 * @example
 * ```ts
 * const nt: RdfSyntax = { mediaType: 'application/n-triples', n3Format: 'N-Triples' };
 * ```
 */
export interface RdfSyntax {
  mediaType: string;
  n3Format: 'N-Triples' | 'N-Quads' | 'Turtle' | 'TriG';
}

const SYNTAXES: readonly RdfSyntax[] = [
  { mediaType: 'application/n-triples', n3Format: 'N-Triples' },
  { mediaType: 'application/n-quads', n3Format: 'N-Quads' },
  { mediaType: 'text/turtle', n3Format: 'Turtle' },
  { mediaType: 'application/trig', n3Format: 'TriG' },
];

/**
 * The syntax of a request body from its `Content-Type` (`text/plain` counts as N-Triples, as in
 * SPARQL 1.0 days); `undefined` for anything else.
 *
 * @example
 * ```ts
 * syntaxOfContentType('text/turtle; charset=utf-8')?.n3Format; // 'Turtle'
 * ```
 */
export function syntaxOfContentType(contentType: string | undefined): RdfSyntax | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/plain') return SYNTAXES[0];
  return SYNTAXES.find((s) => s.mediaType === type);
}

/**
 * The RDF syntax to answer with, by `Accept` (q-values honoured, wildcards allowed; `quads`
 * allows N-Quads and TriG). N-Triples when nothing matches or nothing is asked.
 *
 * @example
 * ```ts
 * negotiateRdf('text/turtle;q=0.9, application/n-triples;q=0.5').n3Format; // 'Turtle'
 * ```
 */
export function negotiateRdf(accept: string | undefined, quads = false): RdfSyntax {
  const offered = SYNTAXES.filter((s) => quads || (s.n3Format !== 'N-Quads' && s.n3Format !== 'TriG'));
  let best: { syntax: RdfSyntax; q: number } | undefined;
  for (const part of (accept ?? '').split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const match =
      range === 'text/plain'
        ? offered[0]
        : offered.find((s) => range === s.mediaType || range === '*/*' || range === `${s.mediaType.split('/')[0]}/*`);
    if (match && (!best || q > best.q)) best = { syntax: match, q };
  }
  return best?.syntax ?? SYNTAXES[0]!;
}

/**
 * Serialize quads in `syntax` (graph names are dropped for N-Triples and Turtle).
 *
 * @example
 * ```ts
 * writeRdf(quads, negotiateRdf('text/turtle'));
 * ```
 */
export function writeRdf(quads: readonly Quad[], syntax: RdfSyntax): string {
  if (quads.length === 0) return '';
  return new Writer({ format: syntax.n3Format }).quadsToString(quads as Quad[]);
}

/**
 * A Graph Store request body as N-Quads text for the embedded store's bulk loader. N-Triples and
 * N-Quads pass through untouched (the loader puts default-graph triples into the target graph);
 * Turtle and TriG are parsed with n3, relative IRIs resolved against `baseIri`. Throws a
 * SyntaxError-like Error with the parser's line on bad input.
 *
 * @example
 * ```ts
 * bodyToNQuads('<a> <urn:p> "x" .', syntaxOfContentType('text/turtle')!, 'urn:graph:1');
 * ```
 */
export function bodyToNQuads(body: string, syntax: RdfSyntax, baseIri: string | undefined): string {
  if (syntax.n3Format === 'N-Triples' || syntax.n3Format === 'N-Quads') return body;
  const quads = new Parser({ format: syntax.n3Format, ...(baseIri ? { baseIRI: baseIri } : {}) }).parse(body);
  return quads.length === 0 ? '' : new Writer({ format: 'N-Quads' }).quadsToString(quads);
}

/**
 * Whether `iri` can be pasted into SPARQL as `<iri>`: absolute, and free of the characters the
 * IRIREF production forbids (so no injection through a Graph Store `graph` parameter).
 *
 * @example
 * ```ts
 * isSafeIri('urn:provml:run:1');        // true
 * isSafeIri('urn:x> } ; DROP ALL #');    // false
 * ```
 */
export function isSafeIri(iri: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\u0000-\u0020<>"{}|^`\\]*$/.test(iri);
}
