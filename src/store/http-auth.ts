import { createHash, randomBytes } from 'node:crypto';

/**
 * HTTP authentication for {@link HttpSparqlEndpoint}: Basic, bearer tokens, and HTTP Digest
 * (RFC 7616, MD5 / MD5-sess, qop=auth) as used by Virtuoso's `/sparql-auth` and
 * `/sparql-graph-crud-auth`. Nothing here ever puts a secret into a message.
 */

/**
 * Credentials for an HTTP SPARQL endpoint: HTTP Basic (user + password), a bearer token, or
 * HTTP Digest (user + password; the password never goes over the wire).
 *
 * @example
 * ```ts
 * const basic: HttpAuth = { type: 'basic', user: 'dba', password: 'secret' };
 * const bearer: HttpAuth = { type: 'bearer', token: process.env.TOKEN! };
 * const digest: HttpAuth = { type: 'digest', user: 'dba', password: 'dba' }; // Virtuoso /sparql-auth
 * ```
 */
export type HttpAuth =
  | { type: 'basic'; user: string; password: string }
  | { type: 'bearer'; token: string }
  | { type: 'digest'; user: string; password: string };

/**
 * Parse a `PROVML_AUTH` value: `basic:USER:PASSWORD`, `digest:USER:PASSWORD` (the password may
 * contain `:`) or `bearer:TOKEN`. Throws an Error that does not repeat the value.
 *
 * @example
 * ```ts
 * parseAuth('basic:dba:s3:cret'); // { type: 'basic', user: 'dba', password: 's3:cret' }
 * parseAuth('digest:dba:dba');    // { type: 'digest', user: 'dba', password: 'dba' }
 * parseAuth('bearer:abc');        // { type: 'bearer', token: 'abc' }
 * ```
 */
export function parseAuth(spec: string): HttpAuth {
  const [kind, ...rest] = spec.split(':');
  const k = kind?.toLowerCase();
  if (k === 'bearer' && rest.length > 0 && rest.join(':') !== '') {
    return { type: 'bearer', token: rest.join(':') };
  }
  if ((k === 'basic' || k === 'digest') && rest.length >= 2 && rest[0] !== '') {
    return { type: k, user: rest[0]!, password: rest.slice(1).join(':') };
  }
  throw new Error('provml: PROVML_AUTH must be "basic:USER:PASSWORD", "digest:USER:PASSWORD" or "bearer:TOKEN"');
}

/**
 * The parameters of one `WWW-Authenticate: Digest …` challenge (names lower-cased).
 *
 * @example
 * ```ts
 * const c: DigestChallenge = { realm: 'SPARQL', nonce: 'abc', qop: 'auth', algorithm: 'MD5' };
 * ```
 */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  algorithm?: string;
  opaque?: string;
  stale?: string;
  [param: string]: string | undefined;
}

/**
 * Find and parse the Digest challenge among `WWW-Authenticate` header value(s); undefined when
 * the server offers no Digest challenge (or one without realm and nonce).
 *
 * @example
 * ```ts
 * parseDigestChallenge('Digest realm="SPARQL", nonce="4f2a", qop="auth", algorithm="MD5"');
 * // { realm: 'SPARQL', nonce: '4f2a', qop: 'auth', algorithm: 'MD5' }
 * ```
 */
export function parseDigestChallenge(header: string | readonly string[] | undefined): DigestChallenge | undefined {
  if (header === undefined) return undefined;
  const values = typeof header === 'string' ? [header] : header;
  for (const value of values) {
    const at = value.search(/(^|[\s,])Digest\s/i);
    if (at === -1) continue;
    const rest = value.slice(value.indexOf('Digest', at) + 'Digest'.length);
    const params: Record<string, string> = {};
    const re = /\s*,?\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/y;
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest)) !== null) {
      params[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    }
    if (params.realm !== undefined && params.nonce !== undefined) return params as DigestChallenge;
  }
  return undefined;
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Answers Digest challenges (RFC 7616 with MD5 or MD5-sess; qop `auth`, or the RFC 2069 form when
 * the server offers no qop). Caches the last challenge so that later requests authenticate on the
 * first try, counting the nonce use (`nc`) up.
 *
 * @example
 * ```ts
 * const digest = new DigestAuthenticator('dba', 'dba');
 * digest.accept(parseDigestChallenge(res.headers['www-authenticate'])!);
 * headers.authorization = digest.authorization('POST', '/sparql-auth');
 * ```
 */
export class DigestAuthenticator {
  readonly #user: string;
  readonly #password: string;
  #challenge: DigestChallenge | undefined;
  #nc = 0;

  constructor(user: string, password: string) {
    this.#user = user;
    this.#password = password;
  }

  /** True once a challenge is cached. */
  get ready(): boolean {
    return this.#challenge !== undefined;
  }

  /** Cache a (new) challenge; the nonce count restarts. Throws on algorithms other than MD5(-sess). */
  accept(challenge: DigestChallenge): void {
    const algorithm = (challenge.algorithm ?? 'MD5').toUpperCase();
    if (algorithm !== 'MD5' && algorithm !== 'MD5-SESS') {
      throw new Error(`provml: unsupported HTTP Digest algorithm ${algorithm} (MD5 and MD5-sess are supported)`);
    }
    this.#challenge = challenge;
    this.#nc = 0;
  }

  /** The `Authorization` header for one request (`uri` is the request target: path + query). */
  authorization(method: string, uri: string, cnonce: string = randomBytes(8).toString('hex')): string {
    const c = this.#challenge;
    if (!c) throw new Error('provml: no Digest challenge received yet');
    const algorithm = (c.algorithm ?? 'MD5').toUpperCase();
    const qops = (c.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    const qop = qops.includes('auth') ? 'auth' : undefined;
    if (c.qop !== undefined && qop === undefined) throw new Error('provml: HTTP Digest server requires qop other than "auth"');
    const nc = (++this.#nc).toString(16).padStart(8, '0');
    let ha1 = md5(`${this.#user}:${c.realm}:${this.#password}`);
    if (algorithm === 'MD5-SESS') ha1 = md5(`${ha1}:${c.nonce}:${cnonce}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = qop ? md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${c.nonce}:${ha2}`);
    const parts = [
      `username=${quoted(this.#user)}`,
      `realm=${quoted(c.realm)}`,
      `nonce=${quoted(c.nonce)}`,
      `uri=${quoted(uri)}`,
      `algorithm=${c.algorithm ?? 'MD5'}`,
      `response=${quoted(response)}`,
    ];
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quoted(cnonce)}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quoted(c.opaque)}`);
    return `Digest ${parts.join(', ')}`;
  }
}

/**
 * Secrets of an {@link HttpAuth} that must never appear in a message, used to scrub server
 * answers that echo them: the password (also as it reads percent-encoded, e.g. echoed from a
 * form body), the Basic header payload (base64 of `user:password`), and a bearer token.
 *
 * @example
 * ```ts
 * const secrets = authSecrets({ type: 'basic', user: 'u', password: 'p@ss' });
 * scrubSecrets('echo: p@ss, p%40ss', secrets); // 'echo: ***, ***'
 * ```
 */
export function authSecrets(auth: HttpAuth | undefined): string[] {
  if (!auth) return [];
  if (auth.type === 'bearer') return [auth.token].filter((s) => s.length > 0);
  const basic = Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
  const encoded = encodeURIComponent(auth.password);
  return [...new Set([auth.password, encoded, basic])].filter((s) => s.length >= 3);
}

/**
 * Replace every occurrence of the given secrets in a text by `***`, longest secret first (so a
 * secret that contains a shorter one is removed whole). Scrub before cutting a text short: a
 * secret cut in two is no longer recognised.
 *
 * @example
 * ```ts
 * scrubSecrets('token abc123 refused', ['abc123']); // 'token *** refused'
 * ```
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const longestFirst = secrets.length > 1 ? [...secrets].sort((a, b) => b.length - a.length) : secrets;
  for (const s of longestFirst) if (s) out = out.split(s).join('***');
  return out;
}
