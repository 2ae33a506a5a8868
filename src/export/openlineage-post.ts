import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { RunEvent } from './openlineage.js';

/**
 * Sending RunEvents to an OpenLineage HTTP endpoint (Marquez, or any server with the OpenLineage
 * HTTP transport): `POST <url>/api/v1/lineage`, one event per request, in order, JSON body. A
 * network error, a timeout, HTTP 429 or a 5xx is retried with exponential backoff; any other 4xx is
 * final for that event. The bearer token (`apiKey`, e.g. from `OPENLINEAGE_API_KEY`) is sent as
 * `Authorization: Bearer …` and never appears in messages.
 */

/**
 * Options of {@link postOpenLineage}.
 *
 * @example
 * ```ts
 * const o: PostOptions = { url: 'http://localhost:5000', apiKey: process.env.OPENLINEAGE_API_KEY };
 * ```
 */
export interface PostOptions {
  /** The server's base URL (`http://localhost:5000`) or the full `/api/v1/lineage` URL. */
  url: string;
  /** Bearer token. */
  apiKey?: string;
  /** Longest wait for one request (default 10 000 ms). */
  timeoutMs?: number;
  /** Attempts per event after the first (default 3). */
  retries?: number;
  /** First backoff delay (default 200 ms, doubled per retry, at most 5 s). */
  backoffMs?: number;
}

/**
 * What was delivered.
 *
 * @example
 * ```ts
 * const r: PostResult = await postOpenLineage(events, { url: 'http://localhost:5000' });
 * ```
 */
export interface PostResult {
  /** The URL posted to (credentials removed). */
  url: string;
  sent: number;
  /** Events the server did not take: index in the list, and why. */
  failed: { index: number; runId: string; eventType: string; error: string }[];
}

/** `<url>/api/v1/lineage` unless the URL already names the lineage path. */
export function lineageUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`provml: not an OpenLineage URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`provml: an OpenLineage URL must be http(s), got ${u.protocol}`);
  if (!/\/api\/v1\/lineage\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/v1/lineage`;
  return u;
}

class Retryable extends Error {}

/**
 * POST every event, one request each, in order. Resolves with the count sent and the failures;
 * rejects only on a bad URL.
 *
 * @example
 * ```ts
 * const r = await postOpenLineage(events, { url: 'http://localhost:5000', apiKey: process.env.OPENLINEAGE_API_KEY });
 * if (r.failed.length > 0) process.exitCode = 2;
 * ```
 */
export async function postOpenLineage(events: readonly RunEvent[], options: PostOptions): Promise<PostResult> {
  const target = lineageUrl(options.url);
  const auth = target.username || target.password ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : undefined;
  target.username = '';
  target.password = '';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const backoff = options.backoffMs ?? 200;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'provml' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  else if (auth) headers.authorization = auth;
  const secrets = [options.apiKey, auth].filter((s): s is string => !!s);
  const redact = (m: string) => secrets.reduce((acc, s) => acc.split(s).join('***'), m);
  const dispatcher = new Agent({ connections: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
  const result: PostResult = { url: target.href, sent: 0, failed: [] };
  try {
    for (const [index, event] of events.entries()) {
      const body = JSON.stringify(event);
      let lastError = '';
      let ok = false;
      for (let attempt = 0; attempt <= retries && !ok; attempt++) {
        if (attempt > 0) await sleep(Math.min(5000, backoff * 2 ** (attempt - 1)), undefined, { ref: false });
        try {
          const res = await request(target, { method: 'POST', headers, body, dispatcher, signal: AbortSignal.timeout(timeoutMs) });
          const text = await res.body.text();
          if (res.statusCode >= 200 && res.statusCode < 300) ok = true;
          else {
            lastError = `HTTP ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`;
            if (res.statusCode !== 429 && res.statusCode < 500) throw new Error(lastError);
            throw new Retryable(lastError);
          }
        } catch (err) {
          lastError = (err as Error).message || String(err);
          if (!(err instanceof Retryable) && /^HTTP \d+/.test(lastError)) break;
        }
      }
      if (ok) result.sent++;
      else result.failed.push({ index, runId: event.run.runId, eventType: event.eventType, error: redact(lastError) });
    }
  } finally {
    await dispatcher.close();
  }
  return result;
}
