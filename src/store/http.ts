import { createHash } from 'node:crypto';
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import { Pool } from 'undici';
import type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';
import { authSecrets, DigestAuthenticator, parseAuth, parseDigestChallenge, scrubSecrets, type HttpAuth } from './http-auth.js';
import { parseRetryAfter, redactUrl, SparqlHttpError } from './http-error.js';
import { jsonTermToRdfjs, rdfFormat, type SparqlJsonTerm } from './http-results.js';
import { chunk, DEFAULT_GRAPH, groupTriplesByGraph, insertDataRequests } from './http-write.js';

export { parseAuth, type HttpAuth } from './http-auth.js';
export { isRetryable, parseRetryAfter, redactUrl, SparqlHttpError, type SparqlHttpErrorCode } from './http-error.js';
export { jsonTermToRdfjs, type SparqlJsonTerm } from './http-results.js';

/**
 * A remote SPARQL 1.1 endpoint over HTTP (undici). Queries go out as GET `?query=` or, when the
 * URL would be long, as a form-encoded POST — never as a `Content-Type: application/sparql-query`
 * POST, which hangs on Virtuoso (ARCHITECTURE.md, "Store"). Updates are `application/sparql-update`
 * POSTs; bulk inserts use the Graph Store Protocol when configured, else chunked `INSERT DATA`.
 */

const JSON_RESULTS = 'application/sparql-results+json';
const RDF_ACCEPT = 'application/n-triples, application/n-quads;q=0.9, text/turtle;q=0.8, text/plain;q=0.5';
const MAX_SERVER_MESSAGE = 500;
/** Requests remembered by the repeated-500 guard (oldest forgotten first). */
const MAX_REMEMBERED_FAILURES = 256;

/**
 * The start of a server's answer for an error message: secrets scrubbed from the whole answer
 * *first*, then cut to `max` characters (cutting first could leave the head of a secret that
 * straddles the cut, which scrubbing then no longer recognises).
 *
 * @example
 * ```ts
 * serverMessageOf('  denied: password=s3cret ', ['s3cret'], 12); // 'denied: pass'
 * ```
 */
export function serverMessageOf(text: string, secrets: readonly string[], max: number = MAX_SERVER_MESSAGE): string {
  // The whole answer is scrubbed: scrubbing only a prefix is not enough, since replacing secrets
  // by `***` shortens the text and pulls what lay beyond that prefix into the first `max` characters.
  return scrubSecrets(text.trim(), secrets).slice(0, max);
}

/**
 * A SPARQL 1.1 Graph Store HTTP Protocol endpoint for bulk inserts: `standard` posts to
 * `url?graph=<G>`, `virtuoso` to `url?graph-uri=<G>` (Virtuoso's `/sparql-graph-crud`, or
 * `/sparql-graph-crud-auth` with digest auth).
 *
 * @example
 * ```ts
 * const gsp: GraphStoreOptions = { url: 'http://localhost:8890/sparql-graph-crud', style: 'virtuoso' };
 * ```
 */
export interface GraphStoreOptions {
  url: string;
  style: 'standard' | 'virtuoso';
  /** Most triples per POST (default 10 000). */
  maxTriplesPerRequest?: number;
}

/**
 * Options of {@link HttpSparqlEndpoint}.
 *
 * @example
 * ```ts
 * const options: HttpSparqlEndpointOptions = {
 *   url: 'http://localhost:8890/sparql',
 *   gsp: { url: 'http://localhost:8890/sparql-graph-crud', style: 'virtuoso' },
 *   auth: { type: 'basic', user: 'dba', password: 'dba' },
 *   timeoutMs: 10_000,
 * };
 * ```
 */
export interface HttpSparqlEndpointOptions {
  /** The SPARQL query URL. Userinfo (`http://user:pass@host/sparql`) becomes Basic auth and is never shown in messages. */
  url: string;
  /** Where SPARQL updates go (default: `url`). */
  updateUrl?: string;
  /** Graph Store Protocol endpoint for `insertQuads` (default `false`: chunked `INSERT DATA` updates). */
  gsp?: GraphStoreOptions | false;
  /** Credentials; override the URL's userinfo. Used for every URL of this endpoint. */
  auth?: HttpAuth;
  /** Longest wait for a whole request — connect, headers and body (default 60 000 ms). */
  timeoutMs?: number;
  /** Most concurrent connections per origin (default 8). */
  connections?: number;
  /** Most triples per `INSERT DATA` request (default 1000: Virtuoso fails above that). */
  maxTriplesPerUpdate?: number;
  /** Requests whose GET URL would be longer than this go as form-encoded POST (default 2048). */
  maxGetUrlLength?: number;
  /** `default-graph-uri` protocol parameter(s) sent with every query. */
  defaultGraphUri?: string | readonly string[];
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * After this many HTTP 500 answers with the same message to the same request (same method, URL
   * and body) while the server answers other requests, that answer is no longer retryable
   * (`retryable: false`): the server fails on the request itself, not on a passing condition, so
   * the transport dead-letters the batch instead of sending it again forever. During an outage
   * (every request fails) 500s stay retryable (default 3; `Infinity` keeps every 500 retryable).
   */
  maxIdenticalServerErrors?: number;
}

interface JsonResults {
  head?: { vars?: string[] };
  results?: { bindings: Record<string, SparqlJsonTerm>[] };
  boolean?: boolean;
}

interface Answer {
  text: string;
  contentType: string;
}

function parseUrl(url: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`provml: not a valid ${what} URL: ${JSON.stringify(redactUrl(url))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`provml: ${what} URL must be http(s): ${redactUrl(url)}`);
  return u;
}

function strip(u: URL): URL {
  const c = new URL(u.href);
  c.username = '';
  c.password = '';
  return c;
}

/**
 * A remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, `provml serve`…) over one undici
 * `Pool` per origin, with capped connections and a timeout per request. Response bodies are
 * always consumed. SELECT/ASK ask for SPARQL JSON results, CONSTRUCT/DESCRIBE for N-Triples;
 * results are RDF/JS (n3) terms. Writes: `update()` POSTs `application/sparql-update`;
 * `insertQuads()` groups quads by graph and POSTs N-Triples to the Graph Store endpoint (≤ 10 000
 * triples each) or, without one, sends `INSERT DATA` updates of ≤ `maxTriplesPerUpdate` triples.
 * Auth: Basic, bearer or Digest (challenge cached). Failures are {@link SparqlHttpError}s that say
 * whether retrying can help.
 *
 * `QueryOptions.unionDefaultGraph` is ignored: the server decides what the default graph is
 * (Virtuoso: the union of all graphs), unless `defaultGraphUri` names it.
 *
 * @example
 * ```ts
 * const endpoint = new HttpSparqlEndpoint({
 *   url: 'http://localhost:8890/sparql',
 *   gsp: { url: 'http://localhost:8890/sparql-graph-crud', style: 'virtuoso' },
 * });
 * await endpoint.insertQuads('<urn:s> <urn:p> "o" <urn:g> .\n');
 * const rows = await endpoint.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }');
 * await endpoint.close();
 * ```
 */
export class HttpSparqlEndpoint implements SparqlEndpoint {
  /** The query URL, credentials stripped (safe to print). */
  readonly url: string;
  /** The update URL, credentials stripped. */
  readonly updateUrl: string;
  /** The Graph Store endpoint (URL credentials stripped), if any. */
  readonly gsp: Readonly<GraphStoreOptions> | undefined;
  readonly #target: URL;
  readonly #updateTarget: URL;
  readonly #gspTarget: URL | undefined;
  readonly #pools = new Map<string, Pool>();
  readonly #connections: number;
  readonly #timeoutMs: number;
  readonly #maxGet: number;
  readonly #maxUpdate: number;
  readonly #defaultGraphs: readonly string[];
  readonly #headers: Record<string, string>;
  readonly #secrets: string[];
  readonly #digest: DigestAuthenticator | undefined;
  readonly #maxIdentical500: number;
  /** Repeated-500 guard: request fingerprint → the last 500 message and how often it came in a row. */
  readonly #failures = new Map<string, { message: string; count: number; okBefore: number }>();
  /** Successful requests so far: a 500 is the request's own fault only if the server answered others meanwhile. */
  #successes = 0;
  #closed: Promise<void> | undefined;

  constructor(options: HttpSparqlEndpointOptions) {
    const target = parseUrl(options.url, 'endpoint');
    const auth =
      options.auth ??
      (target.username || target.password
        ? { type: 'basic' as const, user: decodeURIComponent(target.username), password: decodeURIComponent(target.password) }
        : undefined);
    this.#target = strip(target);
    this.url = this.#target.href;
    this.#updateTarget = options.updateUrl ? strip(parseUrl(options.updateUrl, 'update endpoint')) : this.#target;
    this.updateUrl = this.#updateTarget.href;
    if (options.gsp) {
      this.#gspTarget = strip(parseUrl(options.gsp.url, 'Graph Store endpoint'));
      if (options.gsp.style !== 'standard' && options.gsp.style !== 'virtuoso') {
        throw new TypeError(`provml: gsp.style must be 'standard' or 'virtuoso'`);
      }
      this.gsp = Object.freeze({ ...options.gsp, url: this.#gspTarget.href });
    }
    this.#connections = options.connections ?? 8;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxGet = options.maxGetUrlLength ?? 2048;
    this.#maxUpdate = options.maxTriplesPerUpdate ?? 1000;
    const identical = options.maxIdenticalServerErrors ?? 3;
    if (!(identical >= 1)) throw new TypeError('provml: maxIdenticalServerErrors must be at least 1');
    this.#maxIdentical500 = identical;
    const graphs = options.defaultGraphUri;
    this.#defaultGraphs = graphs === undefined ? [] : typeof graphs === 'string' ? [graphs] : [...graphs];
    this.#headers = { 'user-agent': 'provml', ...options.headers };
    this.#secrets = authSecrets(auth);
    if (auth?.type === 'basic') {
      this.#headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    } else if (auth?.type === 'bearer') {
      this.#headers.authorization = `Bearer ${auth.token}`;
    } else if (auth?.type === 'digest') {
      this.#digest = new DigestAuthenticator(auth.user, auth.password);
    }
  }

  /**
   * An endpoint from the environment, undefined when `PROVML_ENDPOINT` is unset:
   * `PROVML_ENDPOINT` (query URL), `PROVML_UPDATE_ENDPOINT`, `PROVML_GSP_ENDPOINT` with
   * `PROVML_GSP_STYLE` (`standard`|`virtuoso`; default `virtuoso` when the URL contains
   * `sparql-graph-crud`, else `standard`), `PROVML_AUTH` (`basic:USER:PASSWORD`,
   * `digest:USER:PASSWORD` or `bearer:TOKEN`) and `PROVML_TIMEOUT_MS`.
   *
   * @example
   * ```ts
   * // PROVML_ENDPOINT=http://localhost:8890/sparql-auth PROVML_AUTH=digest:dba:dba
   * // PROVML_GSP_ENDPOINT=http://localhost:8890/sparql-graph-crud-auth
   * const endpoint = HttpSparqlEndpoint.fromEnv();
   * ```
   */
  static fromEnv(
    env: Record<string, string | undefined> = process.env,
    options: Omit<HttpSparqlEndpointOptions, 'url'> = {},
  ): HttpSparqlEndpoint | undefined {
    const o = HttpSparqlEndpoint.optionsFromEnv(env, options);
    return o ? new HttpSparqlEndpoint(o) : undefined;
  }

  /**
   * The options {@link HttpSparqlEndpoint.fromEnv} would use (undefined without `PROVML_ENDPOINT`):
   * plain data, so a worker thread can build the same endpoint.
   *
   * @example
   * ```ts
   * const o = HttpSparqlEndpoint.optionsFromEnv({ PROVML_ENDPOINT: 'http://localhost:8890/sparql' });
   * ```
   */
  static optionsFromEnv(
    env: Record<string, string | undefined> = process.env,
    options: Omit<HttpSparqlEndpointOptions, 'url'> = {},
  ): HttpSparqlEndpointOptions | undefined {
    const url = env.PROVML_ENDPOINT;
    if (!url) return undefined;
    const auth = options.auth ?? (env.PROVML_AUTH ? parseAuth(env.PROVML_AUTH) : undefined);
    const o: HttpSparqlEndpointOptions = { ...options, url, ...(auth ? { auth } : {}) };
    if (env.PROVML_UPDATE_ENDPOINT && !o.updateUrl) o.updateUrl = env.PROVML_UPDATE_ENDPOINT;
    if (env.PROVML_GSP_ENDPOINT && o.gsp === undefined) {
      const style = (env.PROVML_GSP_STYLE ?? (env.PROVML_GSP_ENDPOINT.includes('sparql-graph-crud') ? 'virtuoso' : 'standard')).toLowerCase();
      if (style !== 'standard' && style !== 'virtuoso') throw new Error('provml: PROVML_GSP_STYLE must be "standard" or "virtuoso"');
      o.gsp = { url: env.PROVML_GSP_ENDPOINT, style };
    }
    if (env.PROVML_TIMEOUT_MS && o.timeoutMs === undefined) {
      const t = Number(env.PROVML_TIMEOUT_MS);
      if (!Number.isFinite(t) || t <= 0) throw new Error('provml: PROVML_TIMEOUT_MS must be a positive number of milliseconds');
      o.timeoutMs = t;
    }
    return o;
  }

  /** Run a SELECT query (answers as SPARQL JSON results); one record per solution. */
  async select(query: string, _options?: QueryOptions): Promise<Bindings[]> {
    const json = await this.#json(query);
    if (!json.results || !Array.isArray(json.results.bindings)) {
      throw new TypeError('select() needs a SELECT query');
    }
    return json.results.bindings.map((row) => {
      const out: Bindings = {};
      for (const [k, v] of Object.entries(row)) out[k] = jsonTermToRdfjs(v);
      return out;
    });
  }

  /** Run an ASK query. */
  async ask(query: string, _options?: QueryOptions): Promise<boolean> {
    const json = await this.#json(query);
    if (typeof json.boolean !== 'boolean') throw new TypeError('ask() needs an ASK query');
    return json.boolean;
  }

  /** Run a CONSTRUCT or DESCRIBE query (answers as N-Triples, N-Quads or Turtle). */
  async construct(query: string, _options?: QueryOptions): Promise<Quad[]> {
    const { text, contentType } = await this.#query(query, RDF_ACCEPT);
    const format = rdfFormat(contentType);
    if (!format) throw this.#unreadable(`an RDF answer (N-Triples, N-Quads or Turtle), got ${contentType || 'no content type'}`);
    try {
      return new Parser({ format }).parse(text);
    } catch (err) {
      throw this.#unreadable(`${format}: ${this.#parseError(err, text)}`);
    }
  }

  /** Run a SPARQL 1.1 Update: one `POST` with `Content-Type: application/sparql-update` to `updateUrl`. */
  async update(sparqlUpdate: string): Promise<void> {
    await this.#send(this.#updateTarget, this.#updateTarget.pathname + this.#updateTarget.search, 'POST', {
      'content-type': 'application/sparql-update',
      accept: '*/*',
    }, sparqlUpdate);
  }

  /**
   * Bulk-insert quads (RDF/JS quads or N-Quads text), grouped by graph; default-graph quads go to
   * `graph` when given. With a Graph Store endpoint: one N-Triples POST per graph and ≤ 10 000
   * triples; otherwise `INSERT DATA` updates of ≤ `maxTriplesPerUpdate` triples. Requests go one
   * after the other; a failure rejects (earlier chunks stay inserted — harmless: graphs are sets).
   */
  async insertQuads(quads: readonly Quad[] | string, graph?: string): Promise<void> {
    const groups = groupTriplesByGraph(quads, graph);
    const gsp = this.gsp;
    const target = this.#gspTarget;
    if (gsp && target) {
      const max = gsp.maxTriplesPerRequest ?? 10_000;
      const rest = new Map<string, string[]>();
      for (const [g, lines] of groups) {
        if (lines.length === 0) continue;
        if (g === DEFAULT_GRAPH && gsp.style === 'virtuoso') {
          rest.set(g, lines); // Virtuoso's GSP needs a graph: use an update
          continue;
        }
        const params = new URLSearchParams(target.search);
        if (g !== DEFAULT_GRAPH) params.append(gsp.style === 'virtuoso' ? 'graph-uri' : 'graph', g);
        const query = params.toString();
        const path = `${target.pathname}?${g === DEFAULT_GRAPH ? (query ? `${query}&default` : 'default') : query}`;
        for (const part of chunk(lines, max)) {
          await this.#send(target, path, 'POST', { 'content-type': 'application/n-triples', accept: '*/*' }, part.join(''));
        }
      }
      for (const u of insertDataRequests(rest, this.#maxUpdate)) await this.update(u);
      return;
    }
    for (const u of insertDataRequests(groups, this.#maxUpdate)) await this.update(u);
  }

  /** Closes the connection pools (waits for requests in flight). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= Promise.all([...this.#pools.values()].map((p) => p.close().catch(() => undefined))).then(() => undefined);
    return this.#closed;
  }

  async #json(query: string): Promise<JsonResults> {
    const { text, contentType } = await this.#query(query, JSON_RESULTS);
    if (!contentType.includes('json')) throw this.#unreadable(`SPARQL JSON results, got ${contentType || 'no content type'}`);
    try {
      return JSON.parse(text) as JsonResults;
    } catch (err) {
      throw this.#unreadable(`SPARQL JSON results: ${this.#parseError(err, text)}`);
    }
  }

  /**
   * A parser's complaint about an answer, for a message. Parsers quote a cut piece of the text
   * (JSON.parse: `"abc"... is not valid JSON`), which could be the head of an echoed credential
   * that scrubbing no longer recognises: when the answer holds a secret, the quote is withheld.
   */
  #parseError(err: unknown, text: string): string {
    const message = (err as Error).message ?? String(err);
    return this.#secrets.some((s) => text.includes(s)) ? 'the answer does not parse (details withheld: it echoes a credential)' : message;
  }

  #unreadable(what: string): SparqlHttpError {
    return new SparqlHttpError(`SPARQL endpoint ${this.url}: expected ${what}`, { endpoint: this.url, code: 'response' });
  }

  #query(query: string, accept: string): Promise<Answer> {
    const params = new URLSearchParams(this.#target.search);
    params.append('query', query);
    for (const g of this.#defaultGraphs) params.append('default-graph-uri', g);
    const form = params.toString();
    const getPath = `${this.#target.pathname}?${form}`;
    if (this.#target.origin.length + getPath.length <= this.#maxGet) return this.#send(this.#target, getPath, 'GET', { accept });
    return this.#send(this.#target, this.#target.pathname, 'POST', { accept, 'content-type': 'application/x-www-form-urlencoded' }, form);
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.#connections,
        connectTimeout: this.#timeoutMs,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** One request with auth (answering one Digest challenge), errors explained without secrets. */
  async #send(target: URL, path: string, method: 'GET' | 'POST', extra: Record<string, string>, body?: string): Promise<Answer> {
    if (this.#closed) throw new Error(`provml: HttpSparqlEndpoint ${this.url} is closed`);
    const where = target.href;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...this.#headers, ...extra };
      if (this.#digest?.ready) headers.authorization = this.#digest.authorization(method, path);
      const signal = AbortSignal.timeout(this.#timeoutMs);
      let status: number;
      let text: string;
      let resHeaders: Record<string, string | string[] | undefined>;
      try {
        const res = await this.#pool(target.origin).request({ path, method, headers, ...(body !== undefined ? { body } : {}), signal });
        text = await res.body.text(); // always consume the body
        status = res.statusCode;
        resHeaders = res.headers;
      } catch (err) {
        throw this.#explain(err, signal, where);
      }
      if (status === 401 && this.#digest && attempt === 0) {
        const challenge = parseDigestChallenge(resHeaders['www-authenticate']);
        if (challenge) {
          try {
            this.#digest.accept(challenge);
          } catch (err) {
            throw new SparqlHttpError(`SPARQL endpoint ${where}: ${(err as Error).message}`, { endpoint: where, code: 'status', status, retryable: false });
          }
          continue;
        }
      }
      const ct = resHeaders['content-type'];
      const contentType = (Array.isArray(ct) ? ct[0] : ct)?.toLowerCase() ?? '';
      if (status >= 200 && status < 300) {
        this.#successes++;
        if (this.#failures.size > 0) this.#failures.delete(this.#fingerprint(method, target, path, body));
        return { text, contentType };
      }
      const serverMessage = serverMessageOf(text, this.#secrets);
      const retryAfterMs = parseRetryAfter(resHeaders['retry-after']);
      const repeated = status === 500 ? this.#repeated500(method, target, path, body, serverMessage) : 0;
      const permanent = repeated >= this.#maxIdentical500;
      if (permanent) this.#failures.delete(this.#fingerprint(method, target, path, body)); // given up on: a later resend counts afresh
      const detail = serverMessage ? `: ${serverMessage}` : '';
      throw new SparqlHttpError(
        permanent
          ? `SPARQL endpoint ${where} answered HTTP ${status} ${repeated} times in a row to the same request, so it is treated as permanent${detail}`
          : `SPARQL endpoint ${where} answered HTTP ${status}${detail}`,
        {
          endpoint: where,
          code: 'status',
          status,
          serverMessage,
          ...(permanent ? { retryable: false } : {}),
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
      );
    }
  }

  /** Identifies a request for the repeated-500 guard: method, URL and a digest of the body. */
  #fingerprint(method: string, target: URL, path: string, body: string | undefined): string {
    const digest = body === undefined ? '' : createHash('sha256').update(body).digest('base64');
    return `${method} ${target.origin}${path} ${digest}`;
  }

  /**
   * Count an HTTP 500 for this request: how many came in a row with this same message (1 for a
   * new request or a different message) — repeats count only once the server has answered some
   * OTHER request successfully since this one first failed (a "poison" request); during an outage,
   * when every request fails, it stays 1 and the request stays retryable. Only failing requests are remembered, at most
   * {@link MAX_REMEMBERED_FAILURES}; a success, or giving up, forgets the request (so successful
   * requests pay for a body digest only while some request is between retries).
   */
  #repeated500(method: string, target: URL, path: string, body: string | undefined, message: string): number {
    const key = this.#fingerprint(method, target, path, body);
    const last = this.#failures.get(key);
    const same = last !== undefined && last.message === message;
    // The first failure counts; later ones only once the server has answered some other request
    // successfully since this one first failed (it is alive: the fault is this request's own).
    const okBefore = same ? last.okBefore : this.#successes;
    const count = !same ? 1 : this.#successes > okBefore ? last.count + 1 : last.count;
    this.#failures.delete(key); // re-insert: the map's order is the forgetting order
    this.#failures.set(key, { message, count, okBefore });
    if (this.#failures.size > MAX_REMEMBERED_FAILURES) this.#failures.delete(this.#failures.keys().next().value!);
    return count;
  }

  #explain(err: unknown, signal: AbortSignal, where: string): Error {
    if (err instanceof SparqlHttpError) return err;
    const e = err as { name?: string; code?: string; message?: string };
    const timedOut = signal.aborted || /Timeout/.test(`${e.name ?? ''} ${e.code ?? ''}`);
    if (timedOut) {
      return new SparqlHttpError(`SPARQL endpoint ${where} did not answer within ${this.#timeoutMs} ms`, { endpoint: where, code: 'timeout' });
    }
    if (this.#closed) return new Error(`provml: HttpSparqlEndpoint ${this.url} is closed`);
    const message = e.message ?? String(err);
    const reason = scrubSecrets(e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message, this.#secrets);
    return new SparqlHttpError(`cannot reach SPARQL endpoint ${where}: ${reason.replaceAll(/\/\/[^/\s@]*@/g, '//')}`, {
      endpoint: where,
      code: 'connection',
    });
  }
}
