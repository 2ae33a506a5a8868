import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { appendFile, stat } from 'node:fs/promises';
import { InputError } from './load.js';

/**
 * What `provml push` remembers, per journal **and per endpoint**: the batches that endpoint
 * confirmed. A journal is replayable into any number of SPARQL endpoints, so what one endpoint
 * has says nothing about another.
 *
 * The record of journal `J` for endpoint `E` is `J.sent.<key>`, where `key` is the first 16 hex
 * digits of the SHA-256 of E's normalised URL (scheme and host lower-cased, default port, user
 * and password and `#fragment` removed — so credentials are never written to disk). Its first
 * line names the endpoint, then one confirmed batch seq per line:
 *
 * ```
 * # provml push endpoint=http://127.0.0.1:7878/sparql
 * 1
 * 2
 * ```
 *
 * The journal's own `J.sent` (the transport's sidecar, see src/transport/journal.ts) records what
 * the *tracker* delivered to the endpoint it was writing to, without naming it; `push` never
 * writes it, and reads it only with `--trust-sent`.
 */

/** First line of a record: `# provml push endpoint=URL`. */
const HEADER_PREFIX = '# provml push endpoint=';

/**
 * The endpoint URL as records key it: parsed and re-serialised (lower-case scheme and host,
 * default port dropped), without user, password or fragment. Throws an {@link InputError} for
 * something that is not an http(s) URL.
 *
 * @example
 * ```ts
 * normalizeEndpoint('HTTP://alice:pw@LocalHost:80/sparql#x'); // 'http://localhost/sparql'
 * ```
 */
export function normalizeEndpoint(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`not an endpoint URL: ${JSON.stringify(url.replace(/\/\/[^/@]*@/, '//'))}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError(`the endpoint URL must be http(s): ${u.protocol}//${u.host}${u.pathname}`);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href;
}

/**
 * Path of the record of `journal` for `endpoint` (normalised first).
 *
 * @example
 * ```ts
 * pushRecordPath('run.nq', 'http://127.0.0.1:7878/sparql'); // 'run.nq.sent.3f1c…' (16 hex digits)
 * ```
 */
export function pushRecordPath(journal: string, endpoint: string): string {
  const key = createHash('sha256').update(normalizeEndpoint(endpoint)).digest('hex').slice(0, 16);
  return `${journal}.sent.${key}`;
}

/**
 * Batch seqs the record of `journal` for `endpoint` confirms (empty when there is none yet, or
 * when the file names another endpoint).
 *
 * @example
 * ```ts
 * readPushRecord('run.nq', 'http://127.0.0.1:7878/sparql').has(3);
 * ```
 */
export function readPushRecord(journal: string, endpoint: string): Set<number> {
  const seqs = new Set<number>();
  let text: string;
  try {
    text = readFileSync(pushRecordPath(journal, endpoint), 'utf8');
  } catch {
    return seqs;
  }
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  if (header.startsWith(HEADER_PREFIX) && header.slice(HEADER_PREFIX.length).trim() !== normalizeEndpoint(endpoint)) return seqs;
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const n = Number(t);
    if (Number.isSafeInteger(n)) seqs.add(n);
  }
  return seqs;
}

/**
 * Appends confirmed seqs to one record (file mode 0600), writing the endpoint line first when the
 * file is new. `append` rejects when the file cannot be written (disk full, read-only
 * directory…); the caller decides what that means.
 *
 * @example
 * ```ts
 * const record = new PushRecord('run.nq', 'http://127.0.0.1:7878/sparql');
 * await record.append(1);
 * ```
 */
export class PushRecord {
  readonly path: string;
  readonly endpoint: string;
  #headed: boolean | undefined;

  constructor(journal: string, endpoint: string) {
    this.endpoint = normalizeEndpoint(endpoint);
    this.path = pushRecordPath(journal, endpoint);
  }

  async append(seq: number): Promise<void> {
    this.#headed ??= await stat(this.path).then(
      (s) => s.size > 0,
      () => false,
    );
    const text = `${this.#headed ? '' : `${HEADER_PREFIX}${this.endpoint}\n`}${seq}\n`;
    await appendFile(this.path, text, { mode: 0o600 });
    this.#headed = true;
  }
}
