import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Term } from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import type { EmbeddedStore } from '../../../src/store/embedded.js';

/**
 * A real loopback SPARQL 1.1 Protocol server (query operation only) over an EmbeddedStore, for
 * tests of HTTP clients: GET `?query=` and form-encoded POST; SELECT/ASK as SPARQL JSON results,
 * CONSTRUCT/DESCRIBE as N-Triples (or Turtle), with content negotiation; query errors → 400 with
 * the engine's message. The default graph is the union of all graphs unless the query has FROM.
 * `POST application/sparql-query` is refused with 415 (provml must never send it: it hangs
 * Virtuoso). Paths under `/hang` never answer.
 */

export interface LoopbackRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  query: string | undefined;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT/sparql` */
  url: string;
  origin: string;
  requests: LoopbackRequest[];
  close(): Promise<void>;
}

export interface LoopbackOptions {
  /** Required `Authorization` header value; other requests get 401. */
  authorization?: string;
  /** Emit Virtuoso-style `typed-literal` for typed literals. */
  typedLiteral?: boolean;
}

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

function jsonTerm(t: Term, typedLiteral: boolean): Record<string, string> {
  switch (t.termType) {
    case 'NamedNode':
      return { type: 'uri', value: t.value };
    case 'BlankNode':
      return { type: 'bnode', value: t.value };
    case 'Literal':
      if (t.language) return { type: 'literal', value: t.value, 'xml:lang': t.language };
      if (t.datatype.value === XSD_STRING || t.datatype.value === RDF_LANG_STRING) return { type: 'literal', value: t.value };
      return { type: typedLiteral ? 'typed-literal' : 'literal', value: t.value, datatype: t.datatype.value };
    default:
      throw new Error(`cannot serialize ${t.termType}`);
  }
}

function queryForm(query: string): string {
  const body = query.replace(/#[^\n]*/g, ' ').replace(/^\s*(?:(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*/i, '');
  return (/^\s*(\w+)/.exec(body)?.[1] ?? '').toUpperCase();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Start the server on 127.0.0.1, random port. */
export async function startSparqlServer(store: EmbeddedStore, options: LoopbackOptions = {}): Promise<LoopbackServer> {
  const requests: LoopbackRequest[] = [];
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoopbackRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, query: undefined };
    requests.push(entry);
    if (url.pathname.startsWith('/hang')) return; // never answers
    if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
      send(res, 401, 'text/plain', 'Unauthorized');
      return;
    }
    let query: string | null = null;
    if (req.method === 'GET') query = url.searchParams.get('query');
    else if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      const body = await readBody(req);
      if (!type.startsWith('application/x-www-form-urlencoded')) {
        send(res, 415, 'text/plain', `unsupported content type ${type}`);
        return;
      }
      query = new URLSearchParams(body).get('query');
    } else {
      send(res, 405, 'text/plain', 'Method Not Allowed');
      return;
    }
    if (!query) {
      send(res, 400, 'text/plain', 'Missing query parameter');
      return;
    }
    entry.query = query;
    const accept = req.headers.accept ?? '*/*';
    const form = queryForm(query);
    // The default graph is the union of named graphs, unless the query names its dataset (FROM).
    const dataset = { unionDefaultGraph: !/\bFROM\s+(NAMED\s+)?</i.test(query) };
    try {
      if (form === 'SELECT' || form === 'ASK') {
        if (!accept.includes('application/sparql-results+json') && !accept.includes('*/*')) {
          send(res, 406, 'text/plain', `cannot produce ${accept}`);
          return;
        }
        let json: unknown;
        if (form === 'ASK') json = { head: {}, boolean: await store.ask(query, dataset) };
        else {
          const rows = await store.select(query, dataset);
          const vars = [...new Set(rows.flatMap((r) => Object.keys(r)))];
          const bindings = rows.map((r) =>
            Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonTerm(v, options.typedLiteral ?? false)])),
          );
          json = { head: { vars }, results: { bindings } };
        }
        send(res, 200, 'application/sparql-results+json', JSON.stringify(json));
      } else if (form === 'CONSTRUCT' || form === 'DESCRIBE') {
        const type = accept.includes('application/n-triples') ? 'application/n-triples' : accept.includes('text/turtle') ? 'text/turtle' : undefined;
        if (!type) {
          send(res, 406, 'text/plain', `cannot produce ${accept}`);
          return;
        }
        const quads = await store.construct(query, dataset);
        const writer = new Writer({ format: type === 'text/turtle' ? 'Turtle' : 'N-Triples' });
        const text = await new Promise<string>((resolve, reject) => {
          writer.addQuads(quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object)));
          writer.end((err, out: string) => (err ? reject(err) : resolve(out)));
        });
        send(res, 200, `${type}; charset=utf-8`, text);
      } else {
        send(res, 400, 'text/plain', `Unsupported query form: ${form || '(none)'}`);
      }
    } catch (err) {
      send(res, 400, 'text/plain', `Query parse error: ${(err as Error).message}`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/sparql`,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
