import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Parser } from 'n3';
import type { EmbeddedStore } from './embedded.js';
import {
  askResultJson,
  bodyToNQuads,
  isSafeIri,
  negotiateRdf,
  queryForm,
  selectResultsJson,
  syntaxOfContentType,
  writeRdf,
} from './server-format.js';

/**
 * `provml serve`'s HTTP face: the embedded store behind the SPARQL 1.1 Protocol (query and
 * update) and the SPARQL 1.1 Graph Store HTTP Protocol, on loopback by default.
 */

/**
 * A change the server applied to the store, in order — what a durability hook must journal to
 * replay the store exactly (`provml serve` appends it to `DIR/journal.nq`).
 *
 * @example
 * ```ts
 * const w: StoreWrite = { kind: 'insert', nquads: '<urn:a> <urn:p> "x" .\n', graph: 'urn:g' };
 * ```
 */
export type StoreWrite = { kind: 'insert'; nquads: string; graph?: string } | { kind: 'update'; update: string };

/**
 * What {@link SparqlServerOptions.onRequest} hears once per finished request.
 *
 * @example
 * ```ts
 * const log = (r: SparqlServerRequestInfo) => console.log(r.method, r.path, r.status, `${r.ms} ms`);
 * ```
 */
export interface SparqlServerRequestInfo {
  method: string;
  /** Path without the query string (no data leaks into logs). */
  path: string;
  /** `'query'`, `'update'`, `'graph-store'` or `'other'`. */
  operation: 'query' | 'update' | 'graph-store' | 'other';
  status: number;
  ms: number;
  /** The plain-text message of a 4xx/5xx answer. */
  error?: string;
}

/**
 * Options of {@link startSparqlServer}.
 *
 * @example
 * ```ts
 * const options: SparqlServerOptions = { store: EmbeddedStore.create(), port: 7878 };
 * ```
 */
export interface SparqlServerOptions {
  /** The store to serve. Queries see the union of named graphs as default graph when the store says so. */
  store: EmbeddedStore;
  /** Interface to bind (default `127.0.0.1`: loopback only). */
  host?: string;
  /** TCP port (default 0: any free port; read it from the returned `url`). */
  port?: number;
  /** Called after every request. */
  onRequest?: (info: SparqlServerRequestInfo) => void;
  /**
   * Called after each change is applied, in order, before the client hears success; a rejection
   * answers 500 (the change stays in memory). `provml serve` journals here.
   */
  onWrite?: (write: StoreWrite) => void | Promise<void>;
  /** Largest accepted request body (default 64 MiB); larger → 413. */
  maxBodyBytes?: number;
  /**
   * Refuse every change — SPARQL Update and Graph Store POST/PUT/DELETE — with HTTP 403; queries
   * and Graph Store GET/HEAD still answer (default false). `provml serve` is read-only unless
   * started with `--update`, so no local process can `DROP ALL` by accident.
   */
  readOnly?: boolean;
}

/**
 * A running server. `queryUrl` and `updateUrl` are the same `/sparql` endpoint; `gspUrl` is
 * the Graph Store endpoint (`?graph=IRI` or `?default`; `?graph-uri=` is accepted too).
 *
 * @example
 * ```ts
 * const server = await startSparqlServer({ store });
 * console.log(server.queryUrl); // http://127.0.0.1:40123/sparql
 * await server.close();
 * ```
 */
export interface SparqlServer {
  /** Base URL, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  queryUrl: string;
  updateUrl: string;
  gspUrl: string;
  /** Stop accepting connections, end idle ones and wait for requests in flight. Idempotent. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const FORM = 'application/x-www-form-urlencoded';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new HttpError(413, `request body larger than ${limit} bytes`, { connection: 'close' }));
    const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (enc !== 'identity') return reject(new HttpError(415, `Content-Encoding ${enc} is not supported`, { connection: 'close' }));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `request body larger than ${limit} bytes`, { connection: 'close' }));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/** Protocol dataset (`default-graph-uri`, `named-graph-uri`) → FROM / FROM NAMED in the query text. */
async function withDataset(query: string, params: URLSearchParams): Promise<string> {
  const defaults = params.getAll('default-graph-uri');
  const named = params.getAll('named-graph-uri');
  if (defaults.length + named.length === 0) return query;
  for (const g of [...defaults, ...named]) if (!isSafeIri(g)) throw new HttpError(400, `not an absolute IRI: ${g}`);
  const sparqljs = await import('sparqljs');
  const { DataFactory } = await import('n3');
  const parsed = new sparqljs.Parser().parse(query);
  if (parsed.type !== 'query') throw new HttpError(400, 'default-graph-uri/named-graph-uri apply to queries only');
  parsed.from = { default: defaults.map((g) => DataFactory.namedNode(g)), named: named.map((g) => DataFactory.namedNode(g)) };
  return new sparqljs.Generator().stringify(parsed);
}

/**
 * Serve `store` over HTTP: the SPARQL 1.1 Protocol at `/sparql` (also `/query`, `/update`) —
 * queries by GET `?query=`, form POST or `application/sparql-query` POST; SELECT/ASK answered as
 * `application/sparql-results+json`, CONSTRUCT/DESCRIBE as N-Triples, N-Quads or Turtle by
 * `Accept`; updates by `application/sparql-update` or form `update=` POST — and the SPARQL 1.1
 * Graph Store HTTP Protocol at `/data` (also `/sparql-graph-crud`): GET, POST (N-Triples,
 * N-Quads, Turtle, TriG), PUT, DELETE on `?graph=IRI` or `?default`.
 *
 * Bad input answers 400 (413 for oversized bodies, 404 for unknown graphs) with a plain-text
 * message; nothing a client sends can crash the server. With `readOnly`, updates and Graph Store
 * writes answer 403. Requests whose `Host` is not a loopback
 * name (DNS rebinding) or that carry a foreign `Origin` (a web page) are refused with 403 when
 * the server is bound to loopback.
 *
 * @example
 * ```ts
 * import { EmbeddedStore } from 'provml';
 * const server = await startSparqlServer({ store: EmbeddedStore.create(), port: 7878 });
 * // curl -X POST -H 'content-type: application/n-triples' --data-binary @x.nt 'http://127.0.0.1:7878/data?graph=urn:g'
 * // curl 'http://127.0.0.1:7878/sparql?query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D'
 * await server.close();
 * ```
 */
export async function startSparqlServer(options: SparqlServerOptions): Promise<SparqlServer> {
  const { store, onRequest, onWrite } = options;
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const loopbackOnly = host === '127.0.0.1' || host === '::1' || host === 'localhost';
  const readOnly = options.readOnly === true;
  let writes: Promise<unknown> = Promise.resolve();

  /** 403 on a read-only server, before a write request's body is even read. */
  function writable(what: string): void {
    if (readOnly) throw new HttpError(403, `read-only endpoint: ${what} refused (start provml serve with --update to accept writes)`);
  }

  /** Apply changes one request at a time, each followed by its durability hook, in order. */
  function write(changes: readonly StoreWrite[], apply: () => void | Promise<void>): Promise<void> {
    const next = writes.then(async () => {
      await apply();
      for (const change of changes) {
        try {
          await onWrite?.(change);
        } catch (err) {
          throw new HttpError(500, `applied in memory but not made durable: ${(err as Error).message}`);
        }
      }
    });
    writes = next.catch(() => undefined);
    return next;
  }

  async function update(text: string, params: URLSearchParams): Promise<void> {
    if (params.has('using-graph-uri') || params.has('using-named-graph-uri')) {
      throw new HttpError(400, 'using-graph-uri / using-named-graph-uri are not supported; write USING in the update');
    }
    writable('SPARQL Update');
    if (text.trim() === '') throw new HttpError(400, 'empty update');
    await write([{ kind: 'update', update: text }], () => store.update(text));
  }

  async function query(text: string, params: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = queryForm(text);
    if (!form) throw new HttpError(400, 'not a SPARQL query (expected SELECT, CONSTRUCT, DESCRIBE or ASK); updates go by POST');
    const q = await withDataset(text, params);
    // A protocol dataset replaces the union default graph.
    const opts = q === text ? undefined : { unionDefaultGraph: false };
    if (form === 'SELECT') send(res, 200, selectResultsJson(await store.select(q, opts)), 'application/sparql-results+json; charset=utf-8');
    else if (form === 'ASK') send(res, 200, askResultJson(await store.ask(q, opts)), 'application/sparql-results+json; charset=utf-8');
    else {
      const syntax = negotiateRdf(req.headers.accept);
      send(res, 200, writeRdf(await store.construct(q, opts), syntax), `${syntax.mediaType}; charset=utf-8`);
    }
  }

  async function protocol(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<'query' | 'update'> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (params.has('update')) throw new HttpError(405, 'updates must be POSTed', { allow: 'POST' });
      const q = params.get('query');
      if (q === null) {
        send(res, 200, `provml serve: SPARQL 1.1 Protocol endpoint. Send ?query=…${readOnly ? ' (read-only: updates are refused)' : ', or POST an update'}.\n`, 'text/plain; charset=utf-8');
        return 'query';
      }
      await query(q, params, req, res);
      return 'query';
    }
    if (req.method !== 'POST') throw new HttpError(405, `method ${req.method} not allowed`, { allow: 'GET, POST' });
    const type = mediaType(req);
    if (type === 'application/sparql-update') writable('SPARQL Update');
    const body = await readBody(req, limit);
    if (type === FORM) {
      const form = new URLSearchParams(body);
      for (const [k, v] of params) form.append(k, v);
      const q = form.get('query');
      const u = form.get('update');
      if ((q === null) === (u === null)) throw new HttpError(400, 'a form POST needs exactly one of query= or update=');
      if (q !== null) await query(q, form, req, res);
      else await update(u!, form);
      if (u !== null) send(res, 204, '', 'text/plain');
      return q !== null ? 'query' : 'update';
    }
    if (type === 'application/sparql-query') {
      await query(body, params, req, res);
      return 'query';
    }
    if (type === 'application/sparql-update') {
      await update(body, params);
      send(res, 204, '', 'text/plain');
      return 'update';
    }
    throw new HttpError(415, `unsupported Content-Type ${JSON.stringify(type)}: use application/sparql-query, application/sparql-update or ${FORM}`);
  }

  async function graphStore(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const named = params.get('graph') ?? params.get('graph-uri');
    const isDefault = params.has('default');
    if ((named === null) === !isDefault) throw new HttpError(400, 'name one graph: ?graph=IRI or ?default');
    if (named !== null && !isSafeIri(named)) throw new HttpError(400, `not an absolute IRI: ${named}`);
    const target = named === null ? 'DEFAULT' : `GRAPH <${named}>`;
    const exists = async () => named === null || (await store.ask(`ASK { GRAPH <${named}> { ?s ?p ?o } }`));
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        if (!(await exists())) throw new HttpError(404, `no graph ${named}`);
        const quads =
          named === null
            ? await store.construct('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }', { unionDefaultGraph: false })
            : await store.construct(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${named}> { ?s ?p ?o } }`);
        const syntax = negotiateRdf(req.headers.accept);
        send(res, 200, req.method === 'HEAD' ? '' : writeRdf(quads, syntax), `${syntax.mediaType}; charset=utf-8`);
        return;
      }
      case 'POST':
      case 'PUT': {
        writable(`Graph Store ${req.method}`);
        const syntax = syntaxOfContentType(req.headers['content-type']);
        if (!syntax) throw new HttpError(415, 'send application/n-triples, application/n-quads, text/turtle or application/trig');
        const body = await readBody(req, limit);
        let nquads: string;
        try {
          nquads = bodyToNQuads(body, syntax, named ?? undefined);
          // PUT clears first, so N-Triples/N-Quads (loaded unparsed) are checked before anything changes.
          if (req.method === 'PUT' && nquads === body) new Parser({ format: syntax.n3Format }).parse(body);
        } catch (err) {
          throw new HttpError(400, `${syntax.n3Format}: ${(err as Error).message}`);
        }
        const created = !(await exists());
        const insert: StoreWrite = { kind: 'insert', nquads, ...(named === null ? {} : { graph: named }) };
        const clear = `CLEAR SILENT ${target}`;
        const changes: StoreWrite[] = req.method === 'PUT' ? [{ kind: 'update', update: clear }, insert] : [insert];
        await write(changes, async () => {
          if (req.method === 'PUT') await store.update(clear);
          try {
            store.loadNQuads(nquads, named ?? undefined);
          } catch (err) {
            throw new HttpError(400, `${syntax.n3Format}: ${(err as Error).message}`);
          }
        });
        send(res, created && named !== null ? 201 : 204, '', 'text/plain');
        return;
      }
      case 'DELETE': {
        writable('Graph Store DELETE');
        if (!(await exists())) throw new HttpError(404, `no graph ${named}`);
        const drop = named === null ? 'CLEAR DEFAULT' : `DROP GRAPH <${named}>`;
        await write([{ kind: 'update', update: drop }], () => store.update(drop));
        send(res, 204, '', 'text/plain');
        return;
      }
      default:
        throw new HttpError(405, `method ${req.method} not allowed`, { allow: 'GET, HEAD, POST, PUT, DELETE' });
    }
  }

  function refuse(req: IncomingMessage): string | undefined {
    if (!loopbackOnly) return undefined;
    const hostHeader = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    if (!LOOPBACK_NAMES.has(hostHeader) && hostHeader !== host) return `Host ${hostHeader || '(none)'} is not a loopback name`;
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    let originHost = '';
    try {
      originHost = new URL(origin).hostname.toLowerCase();
    } catch {
      // 'null' (opaque origin) or garbage: refused below
    }
    return LOOPBACK_NAMES.has(originHost) ? undefined : `cross-origin request from ${origin}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let operation: SparqlServerRequestInfo['operation'] = 'other';
    let error: string | undefined;
    let path = '/';
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      path = url.pathname;
      const refusal = refuse(req);
      if (refusal) throw new HttpError(403, refusal);
      if (path === '/sparql' || path === '/query' || path === '/update') {
        operation = req.method === 'GET' ? 'query' : 'update';
        operation = await protocol(req, res, url.searchParams);
      } else if (path === '/data' || path === '/sparql-graph-crud') {
        operation = 'graph-store';
        await graphStore(req, res, url.searchParams);
      } else if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        const mode = readOnly ? '  read-only: updates and Graph Store writes are refused (start with --update to allow them)\n' : '';
        send(res, 200, `provml serve\n  query/update: /sparql\n  graph store:  /data?graph=IRI | /data?default\n${mode}`, 'text/plain; charset=utf-8');
      } else throw new HttpError(404, `no such endpoint: ${path} (try /sparql or /data)`);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(400, (err as Error)?.message ?? String(err));
      error = e.message;
      send(res, e.status, `${e.message}\n`, 'text/plain; charset=utf-8', e.headers);
    } finally {
      if (!res.writableEnded) res.end();
      onRequest?.({ method: req.method ?? '?', path, operation, status: res.statusCode, ms: performance.now() - started, ...(error ? { error } : {}) });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url: base,
    queryUrl: `${base}sparql`,
    updateUrl: `${base}sparql`,
    gspUrl: `${base}data`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }).then(() => writes.then(() => undefined));
      return closing;
    },
  };
}
