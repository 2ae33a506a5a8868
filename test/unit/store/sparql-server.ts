import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Term } from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import type { EmbeddedStore } from '../../../src/store/embedded.js';
import { termToJson } from '../../../src/store/server-format.js';

/**
 * A real loopback SPARQL 1.1 server over an EmbeddedStore, for tests of HTTP clients (and, via
 * its fault injection, of the transport's retry / journal / dead-letter logic).
 *
 * - Query (`/sparql`, any path not below): GET `?query=` and form-encoded POST; SELECT/ASK as
 *   SPARQL JSON results, CONSTRUCT/DESCRIBE as N-Triples (or Turtle); query errors → 400. The
 *   default graph is the union of all graphs unless the query has FROM. `POST
 *   application/sparql-query` is refused with 415 (provml must never send it: it hangs Virtuoso).
 * - Update: POST `application/sparql-update` (any query path) → `store.update`; errors → 400.
 * - Graph Store Protocol POST with an N-Triples body: `/gsp?graph=<G>` (or `?default`), and
 *   Virtuoso-style `/sparql-graph-crud?graph-uri=<G>`.
 * - Auth: `auth` (basic, bearer or digest with MD5 + qop=auth, nonces checked) or a literal
 *   `authorization` header value; anything else gets 401.
 * - Faults: `failNext(n, status, { body, headers })` answers the next n requests with that status;
 *   `hangNext(n)` never answers the next n; `down = true` resets every connection; paths under
 *   `/hang` never answer.
 */

export interface LoopbackRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** What the request was (set once it passed auth and faults). */
  kind: 'query' | 'update' | 'gsp' | 'fault' | 'unauthorized' | 'other';
  query: string | undefined;
  /** Body of update and GSP requests. */
  body?: string;
  /** GSP target graph (`''` for the default graph). */
  graph?: string;
}

export type LoopbackAuth =
  | { type: 'basic'; user: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'digest'; user: string; password: string; realm?: string };

export interface LoopbackServer {
  /** `http://127.0.0.1:PORT/sparql` */
  url: string;
  origin: string;
  /** Standard GSP URL: `http://127.0.0.1:PORT/gsp` */
  gspUrl: string;
  /** Virtuoso-style GSP URL: `http://127.0.0.1:PORT/sparql-graph-crud` */
  virtuosoGspUrl: string;
  requests: LoopbackRequest[];
  /** Requests of one kind that reached the store. */
  count(kind: LoopbackRequest['kind']): number;
  /** Answer the next `n` requests with `status` (default body `injected <status>`). */
  failNext(n: number, status: number, options?: { body?: string; headers?: Record<string, string> }): void;
  /** Answer every request whose body matches with `status`, for good (a "poison" request the server always fails on). */
  failWhen(match: (body: string) => boolean, status: number, options?: { body?: string }): void;
  /** Never answer the next `n` requests. */
  hangNext(n: number): void;
  /** While true, every connection is reset (an endpoint that is down). */
  down: boolean;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  /** Required credentials; other requests get 401 (digest: with a challenge). */
  auth?: LoopbackAuth;
  /** Required `Authorization` header value; other requests get 401. */
  authorization?: string;
  /** Emit Virtuoso-style `typed-literal` for typed literals. */
  typedLiteral?: boolean;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** SPARQL JSON term via the server's own writer; `typedLiteral` mimics Virtuoso's legacy form. */
function jsonTerm(t: Term, typedLiteral: boolean): Record<string, unknown> {
  const json = termToJson(t);
  if (typedLiteral && json.type === 'literal' && json.datatype !== undefined) json.type = 'typed-literal';
  return json;
}

function queryForm(query: string): string {
  const body = query.replace(/#[^\n]*/g, ' ').replace(/^\s*(?:(?:PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*/i, '');
  return (/^\s*(\w+)/.exec(body)?.[1] ?? '').toUpperCase();
}

const bodies = new WeakMap<IncomingMessage, Promise<string>>();

/** The request body (read once: a poison check may have read it already). */
function readBody(req: IncomingMessage): Promise<string> {
  let body = bodies.get(req);
  if (body === undefined) bodies.set(req, (body = readOnce(req)));
  return body;
}

async function readOnce(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]+))/gi)) out[m[1]!.toLowerCase()] = m[2] ?? m[3]!;
  return out;
}

/**
 * Start the server on 127.0.0.1, random port: `startSparqlServer({ store, auth })`, or the older
 * `startSparqlServer(store, options)`.
 */
export async function startSparqlServer(
  storeOrOptions: EmbeddedStore | (LoopbackOptions & { store: EmbeddedStore }),
  legacy: LoopbackOptions = {},
): Promise<LoopbackServer> {
  const { store, ...options }: LoopbackOptions & { store: EmbeddedStore } =
    'store' in storeOrOptions && typeof (storeOrOptions as { loadNQuads?: unknown }).loadNQuads !== 'function'
      ? storeOrOptions
      : { store: storeOrOptions as EmbeddedStore, ...legacy };
  const requests: LoopbackRequest[] = [];
  const faults: { status: number; body?: string; headers?: Record<string, string> }[] = [];
  const poisons: { match: (body: string) => boolean; status: number; body?: string }[] = [];
  let hang = 0;
  const nonces = new Map<string, number>(); // nonce → highest nc seen
  const realm = options.auth?.type === 'digest' ? (options.auth.realm ?? 'SPARQL') : 'SPARQL';

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, 'text/plain', String(err)));
  });

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (options.authorization !== undefined) return header === options.authorization;
    const auth = options.auth;
    if (!auth) return true;
    if (auth.type === 'basic') return header === `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    if (auth.type === 'bearer') return header === `Bearer ${auth.token}`;
    if (!header?.startsWith('Digest ')) return false;
    const p = digestParams(header);
    const seen = p.nonce !== undefined ? nonces.get(p.nonce) : undefined;
    if (seen === undefined || p.username !== auth.user || p.realm !== realm || p.uri !== req.url || p.qop !== 'auth') return false;
    const nc = parseInt(p.nc ?? '0', 16);
    if (!(nc > seen)) return false; // replayed nonce count
    const ha1 = md5(`${auth.user}:${realm}:${auth.password}`);
    const ha2 = md5(`${req.method}:${p.uri}`);
    if (p.response !== md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`)) return false;
    nonces.set(p.nonce!, nc);
    return true;
  }

  function unauthorized(res: ServerResponse): void {
    const headers: Record<string, string> = {};
    if (options.auth?.type === 'digest') {
      const nonce = randomBytes(12).toString('hex');
      nonces.set(nonce, 0);
      headers['www-authenticate'] = `Digest realm="${realm}", domain="/", nonce="${nonce}", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop="auth", algorithm="MD5"`;
    } else if (options.auth?.type === 'basic') headers['www-authenticate'] = 'Basic realm="SPARQL"';
    send(res, 401, 'text/plain', 'Unauthorized', headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoopbackRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, kind: 'other', query: undefined };
    requests.push(entry);
    if (state.down) {
      req.socket.destroy();
      return;
    }
    if (url.pathname.startsWith('/hang')) return; // never answers
    if (hang > 0) {
      hang--;
      return;
    }
    if (poisons.length > 0) {
      const body = await readBody(req);
      const poison = poisons.find((p) => p.match(body));
      if (poison) {
        entry.kind = 'fault';
        send(res, poison.status, 'text/plain', poison.body ?? `injected ${poison.status}`);
        return;
      }
    }
    const fault = faults.shift();
    if (fault) {
      await readBody(req);
      entry.kind = 'fault';
      send(res, fault.status, 'text/plain', fault.body ?? `injected ${fault.status}`, fault.headers);
      return;
    }
    if (!authorized(req)) {
      await readBody(req);
      entry.kind = 'unauthorized';
      unauthorized(res);
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && (url.pathname === '/gsp' || url.pathname.startsWith('/sparql-graph-crud'))) {
      const virtuoso = url.pathname !== '/gsp';
      const graph = virtuoso ? url.searchParams.get('graph-uri') : url.searchParams.has('default') ? '' : url.searchParams.get('graph');
      const body = await readBody(req);
      if (graph === null) return send(res, 400, 'text/plain', 'missing graph parameter');
      if (!/^(application\/n-triples|text\/plain)/.test(type)) return send(res, 415, 'text/plain', `unsupported content type ${type}`);
      Object.assign(entry, { kind: 'gsp', body, graph });
      try {
        store.loadNQuads(body, graph === '' ? undefined : graph);
      } catch (err) {
        return send(res, 400, 'text/plain', `N-Triples parse error: ${(err as Error).message}`);
      }
      return send(res, 201, 'text/plain', 'Created');
    }
    let query: string | null = null;
    if (req.method === 'GET') query = url.searchParams.get('query');
    else if (req.method === 'POST') {
      const body = await readBody(req);
      if (type.startsWith('application/sparql-update')) {
        Object.assign(entry, { kind: 'update', body });
        try {
          await store.update(body);
        } catch (err) {
          return send(res, 400, 'text/plain', `Update parse error: ${(err as Error).message}`);
        }
        return send(res, 204, 'text/plain', '');
      }
      if (!type.startsWith('application/x-www-form-urlencoded')) return send(res, 415, 'text/plain', `unsupported content type ${type}`);
      query = new URLSearchParams(body).get('query');
    } else {
      return send(res, 405, 'text/plain', 'Method Not Allowed');
    }
    if (!query) return send(res, 400, 'text/plain', 'Missing query parameter');
    entry.query = query;
    entry.kind = 'query';
    const accept = req.headers.accept ?? '*/*';
    const form = queryForm(query);
    // The default graph is the union of named graphs, unless the query names its dataset (FROM).
    const dataset = { unionDefaultGraph: !/\bFROM\s+(NAMED\s+)?</i.test(query) };
    try {
      if (form === 'SELECT' || form === 'ASK') {
        if (!accept.includes('application/sparql-results+json') && !accept.includes('*/*')) {
          return send(res, 406, 'text/plain', `cannot produce ${accept}`);
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
        const rdfType = accept.includes('application/n-triples') ? 'application/n-triples' : accept.includes('text/turtle') ? 'text/turtle' : undefined;
        if (!rdfType) return send(res, 406, 'text/plain', `cannot produce ${accept}`);
        const quads = await store.construct(query, dataset);
        const writer = new Writer({ format: rdfType === 'text/turtle' ? 'Turtle' : 'N-Triples' });
        const text = await new Promise<string>((resolve, reject) => {
          writer.addQuads(quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object)));
          writer.end((err, out: string) => (err ? reject(err) : resolve(out)));
        });
        send(res, 200, `${rdfType}; charset=utf-8`, text);
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
  const state: LoopbackServer = {
    url: `${origin}/sparql`,
    origin,
    gspUrl: `${origin}/gsp`,
    virtuosoGspUrl: `${origin}/sparql-graph-crud`,
    requests,
    down: false,
    count: (kind) => requests.filter((r) => r.kind === kind).length,
    failNext(n, status, o = {}) {
      for (let i = 0; i < n; i++) faults.push({ status, ...o });
    },
    failWhen(match, status, o = {}) {
      poisons.push({ match, status, ...o });
    },
    hangNext(n) {
      hang += n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
