/**
 * Errors of the HTTP SPARQL client, and the helpers that keep secrets out of them.
 */

/**
 * What went wrong talking to a SPARQL endpoint: `'timeout'`, `'connection'` (refused, reset,
 * DNS…), `'status'` (a non-2xx answer) or `'response'` (an answer provml could not read).
 *
 * @example
 * ```ts
 * const code: SparqlHttpErrorCode = 'timeout';
 * ```
 */
export type SparqlHttpErrorCode = 'timeout' | 'connection' | 'status' | 'response';

/**
 * Whether a failure is worth retrying: connection errors, timeouts, 408, 429 and 5xx are;
 * other 4xx answers (a malformed update, bad credentials) and unreadable answers are not.
 *
 * @example
 * ```ts
 * isRetryable('status', 503); // true
 * isRetryable('status', 400); // false
 * ```
 */
export function isRetryable(code: SparqlHttpErrorCode, status?: number): boolean {
  if (code === 'timeout' || code === 'connection') return true;
  if (code === 'response' || status === undefined) return false;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Parse a `Retry-After` header (delay in seconds, or an HTTP date) into milliseconds from `now`;
 * undefined when absent or unreadable. Never negative.
 *
 * @example
 * ```ts
 * parseRetryAfter('2');                                  // 2000
 * parseRetryAfter('Wed, 21 Oct 2099 07:28:00 GMT') > 0;  // true
 * ```
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: number = Date.now()): number | undefined {
  const v = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * An HTTP failure talking to a SPARQL endpoint: a non-2xx answer (`status` and the server's
 * message), a refused connection, or a timeout (`code`). Messages name the endpoint without
 * credentials. `retryable` tells the transport whether trying again can help; `retryAfterMs`
 * carries the server's `Retry-After`.
 *
 * @example
 * ```ts
 * try {
 *   await endpoint.update('INSERT DATA { <urn:s> <urn:p> <urn:o> }');
 * } catch (err) {
 *   if (err instanceof SparqlHttpError && !err.retryable) console.error(err.status, err.serverMessage);
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
  readonly code: SparqlHttpErrorCode;
  /** True for connection errors, timeouts, 408, 429 and 5xx; false for other 4xx and unreadable answers. */
  readonly retryable: boolean;
  /** The server's `Retry-After` (429/503), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    details: {
      endpoint: string;
      code: SparqlHttpErrorCode;
      status?: number;
      serverMessage?: string;
      retryable?: boolean;
      retryAfterMs?: number;
    },
  ) {
    super(message);
    this.name = 'SparqlHttpError';
    this.endpoint = details.endpoint;
    this.code = details.code;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.retryable = details.retryable ?? isRetryable(details.code, details.status);
    this.retryAfterMs = details.retryAfterMs;
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
