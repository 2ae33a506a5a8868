import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { Pool } from 'undici';
import type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';

/**
 * A remote SPARQL 1.1 endpoint over HTTP (undici): the query side of the SPARQL 1.1 Protocol.
 * Queries go out as GET `?query=` or, when the URL would be long, as a form-encoded POST — never
 * as a `Content-Type: application/sparql-query` POST, which hangs on Virtuoso (ARCHITECTURE.md,
 * "Store"). Writes (update, Graph Store bulk insert) arrive with the endpoint issue.
 */

const { namedNode, blankNode, literal, quad } = DataFactory;

const JSON_RESULTS = 'application/sparql-results+json';
const RDF_ACCEPT = 'application/n-triples, application/n-quads;q=0.9, text/turtle;q=0.8, text/plain;q=0.5';
const NOT_YET = 'not implemented yet: HTTP writes arrive with the endpoint issue';
const MAX_SERVER_MESSAGE = 500;

/**
 * Credentials sent with every request: HTTP Basic (user + password) or a bearer token.
 *
 * @example
 * ```ts
 * const basic: HttpAuth = { type: 'basic', user: 'dba', password: 'secret' };
 * const bearer: HttpAuth = { type: 'bearer', token: process.env.TOKEN! };
 * ```
 */
export type HttpAuth = { type: 'basic'; user: string; password: string } | { type: 'bearer'; token: string };

/**
 * Options of {@link HttpSparqlEndpoint}.
 *
 * @example
 * ```ts
 * const options: HttpSparqlEndpointOptions = {
 *   url: 'http://localhost:8890/sparql',
 *   auth: { type: 'basic', user: 'dba', password: 'dba' },
 *   timeoutMs: 10_000,
 * };
 * ```
 */
export interface HttpSparqlEndpointOptions {
  /** The SPARQL query URL. Userinfo (`http://user:pass@host/sparql`) becomes Basic auth and is never shown in messages. */
  url: string;
  /** Credentials; override the URL's userinfo. */
  auth?: HttpAuth;
  /** Longest wait for a whole request — connect, headers and body (default 60 000 ms). */
  timeoutMs?: number;
  /** Most concurrent connections to the endpoint's origin (default 8). */
  connections?: number;
  /** Requests whose GET URL would be longer than this go as form-encoded POST (default 2048). */
  maxGetUrlLength?: number;
  /** `default-graph-uri` protocol parameter(s) sent with every query. */
  defaultGraphUri?: string | readonly string[];
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/**
 * An HTTP failure talking to a SPARQL endpoint: a non-2xx answer (`status` and the server's
 * message), a refused connection, or a timeout (`code`). Messages name the endpoint without
 * credentials.
 *
 * @example
 * ```ts
 * try {
 *   await endpoint.select('SELEC nonsense');
 * } catch (err) {
 *   if (err instanceof SparqlHttpError && err.status === 400) console.error(err.serverMessage);
 * }
 * ```
 */
export class SparqlHttpError extends Error {
  /** HTTP status of the answer; undefined when no answer came. */
  readonly status: number | undefined;
  /** The endpoint URL, credentials stripped. */
  readonly endpoint: string;
  /** The start of the server's answer body (at most 500 characters), for non-2xx answers. */
  readonly serverMessage: string | undefined;
  /** `'timeout'`, `'connection'`, `'status'` or `'response'` (an answer provml could not read). */
  readonly code: 'timeout' | 'connection' | 'status' | 'response';

  constructor(message: string, details: { endpoint: string; code: SparqlHttpError['code']; status?: number; serverMessage?: string }) {
    super(message);
    this.name = 'SparqlHttpError';
    this.endpoint = details.endpoint;
    this.code = details.code;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
  }
}

/**
 * A URL without its userinfo (`http://user:pass@h/x` → `http://h/x`); non-URLs come back as
 * `<invalid URL>` so that nothing secret leaks into a message.
 *
 * @example
 * ```ts
 * redactUrl('http://dba:secret@localhost:8890/sparql'); // 'http://localhost:8890/sparql'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return '<invalid URL>';
  }
}

/**
 * Parse a `PROVML_AUTH` value: `basic:USER:PASSWORD` (the password may contain `:`) or
 * `bearer:TOKEN`. Throws an Error that does not repeat the value.
 *
 * @example
 * ```ts
 * parseAuth('basic:dba:s3:cret'); // { type: 'basic', user: 'dba', password: 's3:cret' }
 * parseAuth('bearer:abc');        // { type: 'bearer', token: 'abc' }
 * ```
 */
export function parseAuth(spec: string): HttpAuth {
  const [kind, ...rest] = spec.split(':');
  if (kind?.toLowerCase() === 'bearer' && rest.length > 0 && rest.join(':') !== '') {
    return { type: 'bearer', token: rest.join(':') };
  }
  if (kind?.toLowerCase() === 'basic' && rest.length >= 2 && rest[0] !== '') {
    return { type: 'basic', user: rest[0]!, password: rest.slice(1).join(':') };
  }
  throw new Error('provml: PROVML_AUTH must be "basic:USER:PASSWORD" or "bearer:TOKEN"');
}

/**
 * One RDF term in the SPARQL 1.1 Query Results JSON format (plus Virtuoso's `typed-literal` and
 * SPARQL-star `triple`).
 *
 * @example
 * ```ts
 * const t: SparqlJsonTerm = { type: 'literal', value: 'Lauf', 'xml:lang': 'de' };
 * ```
 */
export interface SparqlJsonTerm {
  type: 'uri' | 'literal' | 'typed-literal' | 'bnode' | 'triple';
  value: string | { subject: SparqlJsonTerm; predicate: SparqlJsonTerm; object: SparqlJsonTerm };
  datatype?: string;
  'xml:lang'?: string;
}

interface JsonResults {
  head?: { vars?: string[] };
  results?: { bindings: Record<string, SparqlJsonTerm>[] };
  boolean?: boolean;
}

/**
 * Convert one term of the SPARQL 1.1 Query Results JSON format to an RDF/JS term (n3
 * DataFactory). Understands Virtuoso's `typed-literal` and SPARQL-star `triple` terms.
 *
 * @example
 * ```ts
 * jsonTermToRdfjs({ type: 'literal', value: '3', datatype: 'http://www.w3.org/2001/XMLSchema#integer' });
 * ```
 */
export function jsonTermToRdfjs(t: SparqlJsonTerm): Term {
  switch (t.type) {
    case 'uri':
      return namedNode(String(t.value));
    case 'bnode':
      return blankNode(String(t.value));
    case 'literal':
    case 'typed-literal': {
      const lang = t['xml:lang'];
      if (lang) return literal(String(t.value), lang);
      return t.datatype ? literal(String(t.value), namedNode(t.datatype)) : literal(String(t.value));
    }
    case 'triple': {
      const v = t.value as { subject: SparqlJsonTerm; predicate: SparqlJsonTerm; object: SparqlJsonTerm };
      return quad(
        jsonTermToRdfjs(v.subject) as Quad['subject'],
        jsonTermToRdfjs(v.predicate) as Quad['predicate'],
        jsonTermToRdfjs(v.object) as Quad['object'],
      );
    }
    default:
      throw new TypeError(`unknown SPARQL JSON term type ${JSON.stringify((t as { type: unknown }).type)}`);
  }
}

function rdfFormat(contentType: string): string | undefined {
  if (contentType.includes('n-quads')) return 'N-Quads';
  if (contentType.includes('trig')) return 'TriG';
  if (contentType.includes('n-triples') || contentType.includes('text/plain')) return 'N-Triples';
  if (contentType.includes('turtle')) return 'Turtle';
  return undefined;
}

/**
 * The query side of a remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, `provml serve`…)
 * over one undici `Pool` for the endpoint's origin, with capped connections and a timeout per
 * request. Response bodies are always consumed. SELECT/ASK ask for SPARQL JSON results,
 * CONSTRUCT/DESCRIBE for N-Triples; results are RDF/JS (n3) terms.
 *
 * `QueryOptions.unionDefaultGraph` is ignored: the server decides what the default graph is
 * (Virtuoso: the union of all graphs), unless `defaultGraphUri` names it.
 *
 * @example
 * ```ts
 * const endpoint = new HttpSparqlEndpoint({ url: 'http://localhost:8890/sparql' });
 * const rows = await endpoint.select('SELECT ?run WHERE { ?run a <https://w3id.org/prov-ml#LearningProcessExecution> }');
 * console.log(rows.map((r) => r.run!.value));
 * await endpoint.close();
 * ```
 */
export class HttpSparqlEndpoint implements SparqlEndpoint {
  /** The query URL, credentials stripped (safe to print). */
  readonly url: string;
  readonly #target: URL;
  readonly #pool: Pool;
  readonly #timeoutMs: number;
  readonly #maxGet: number;
  readonly #defaultGraphs: readonly string[];
  readonly #headers: Record<string, string>;
  #closed: Promise<void> | undefined;

  constructor(options: HttpSparqlEndpointOptions) {
    let target: URL;
    try {
      target = new URL(options.url);
    } catch {
      throw new TypeError(`provml: not a valid endpoint URL: ${JSON.stringify(redactUrl(options.url))}`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new TypeError(`provml: endpoint URL must be http(s): ${redactUrl(options.url)}`);
    }
    const auth =
      options.auth ??
      (target.username || target.password
        ? { type: 'basic' as const, user: decodeURIComponent(target.username), password: decodeURIComponent(target.password) }
        : undefined);
    target.username = '';
    target.password = '';
    this.#target = target;
    this.url = target.href;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxGet = options.maxGetUrlLength ?? 2048;
    const graphs = options.defaultGraphUri;
    this.#defaultGraphs = graphs === undefined ? [] : typeof graphs === 'string' ? [graphs] : [...graphs];
    this.#headers = { 'user-agent': 'provml', ...options.headers };
    if (auth?.type === 'basic') {
      this.#headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    } else if (auth?.type === 'bearer') {
      this.#headers.authorization = `Bearer ${auth.token}`;
    }
    this.#pool = new Pool(target.origin, {
      connections: options.connections ?? 8,
      connectTimeout: this.#timeoutMs,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /**
   * An endpoint from the environment: `PROVML_ENDPOINT` (query URL) and optional `PROVML_AUTH`
   * (`basic:USER:PASSWORD` or `bearer:TOKEN`). Undefined when `PROVML_ENDPOINT` is unset.
   *
   * @example
   * ```ts
   * // PROVML_ENDPOINT=http://localhost:8890/sparql PROVML_AUTH=basic:dba:dba
   * const endpoint = HttpSparqlEndpoint.fromEnv();
   * ```
   */
  static fromEnv(
    env: Record<string, string | undefined> = process.env,
    options: Omit<HttpSparqlEndpointOptions, 'url'> = {},
  ): HttpSparqlEndpoint | undefined {
    const url = env.PROVML_ENDPOINT;
    if (!url) return undefined;
    const auth = options.auth ?? (env.PROVML_AUTH ? parseAuth(env.PROVML_AUTH) : undefined);
    return new HttpSparqlEndpoint({ ...options, url, ...(auth ? { auth } : {}) });
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
    const { text, contentType } = await this.#request(query, RDF_ACCEPT);
    const format = rdfFormat(contentType);
    if (!format) throw this.#unreadable(`an RDF answer (N-Triples, N-Quads or Turtle), got ${contentType || 'no content type'}`);
    try {
      return new Parser({ format }).parse(text);
    } catch (err) {
      throw this.#unreadable(`${format}: ${(err as Error).message}`);
    }
  }

  /** Not implemented yet: throws. HTTP writes arrive with the endpoint issue. */
  async update(_sparqlUpdate: string): Promise<void> {
    throw new Error(NOT_YET);
  }

  /** Not implemented yet: throws. HTTP writes arrive with the endpoint issue. */
  async insertQuads(_quads: readonly Quad[] | string, _graph?: string): Promise<void> {
    throw new Error(NOT_YET);
  }

  /** Closes the connection pool (waits for requests in flight). Idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.#pool.close().catch(() => undefined);
    return this.#closed;
  }

  async #json(query: string): Promise<JsonResults> {
    const { text, contentType } = await this.#request(query, JSON_RESULTS);
    if (!contentType.includes('json')) throw this.#unreadable(`SPARQL JSON results, got ${contentType || 'no content type'}`);
    try {
      return JSON.parse(text) as JsonResults;
    } catch (err) {
      throw this.#unreadable(`SPARQL JSON results: ${(err as Error).message}`);
    }
  }

  #unreadable(what: string): SparqlHttpError {
    return new SparqlHttpError(`SPARQL endpoint ${this.url}: expected ${what}`, { endpoint: this.url, code: 'response' });
  }

  async #request(query: string, accept: string): Promise<{ text: string; contentType: string }> {
    if (this.#closed) throw new Error(`provml: HttpSparqlEndpoint ${this.url} is closed`);
    const params = new URLSearchParams(this.#target.search);
    params.append('query', query);
    for (const g of this.#defaultGraphs) params.append('default-graph-uri', g);
    const form = params.toString();
    const getPath = `${this.#target.pathname}?${form}`;
    const useGet = this.#target.origin.length + getPath.length <= this.#maxGet;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const headers: Record<string, string> = { ...this.#headers, accept };
    if (!useGet) headers['content-type'] = 'application/x-www-form-urlencoded';
    try {
      const res = await this.#pool.request({
        path: useGet ? getPath : this.#target.pathname,
        method: useGet ? 'GET' : 'POST',
        headers,
        ...(useGet ? {} : { body: form }),
        signal,
      });
      const text = await res.body.text(); // always consume the body
      const ct = res.headers['content-type'];
      const contentType = (Array.isArray(ct) ? ct[0] : ct)?.toLowerCase() ?? '';
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const serverMessage = text.trim().slice(0, MAX_SERVER_MESSAGE);
        throw new SparqlHttpError(`SPARQL endpoint ${this.url} answered HTTP ${res.statusCode}${serverMessage ? `: ${serverMessage}` : ''}`, {
          endpoint: this.url,
          code: 'status',
          status: res.statusCode,
          serverMessage,
        });
      }
      return { text, contentType };
    } catch (err) {
      throw this.#explain(err, signal);
    }
  }

  #explain(err: unknown, signal: AbortSignal): Error {
    if (err instanceof SparqlHttpError) return err;
    const e = err as { name?: string; code?: string; message?: string };
    const timedOut = signal.aborted || /Timeout/.test(`${e.name ?? ''} ${e.code ?? ''}`);
    if (timedOut) {
      return new SparqlHttpError(`SPARQL endpoint ${this.url} did not answer within ${this.#timeoutMs} ms`, {
        endpoint: this.url,
        code: 'timeout',
      });
    }
    const message = e.message ?? String(err);
    const reason = e.code && !message.includes(e.code) ? `${e.code}: ${message}` : message;
    return new SparqlHttpError(`cannot reach SPARQL endpoint ${this.url}: ${reason.replaceAll(/\/\/[^/\s@]*@/g, '//')}`, {
      endpoint: this.url,
      code: 'connection',
    });
  }
}
