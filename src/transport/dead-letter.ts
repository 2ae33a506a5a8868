import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatBatchHeader } from './journal.js';
import type { QuadBatch } from './sink.js';

const MAX_REASON = 300;

/**
 * True when an error says retrying cannot help: it carries `retryable: false` (a
 * `SparqlHttpError` for HTTP 400, 401, 403, 413…). Errors without the flag count as retryable.
 *
 * @example
 * ```ts
 * isPermanentFailure(Object.assign(new Error('bad request'), { retryable: false })); // true
 * isPermanentFailure(new Error('ECONNREFUSED'));                                     // false
 * ```
 */
export function isPermanentFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;
}

/**
 * The server's `Retry-After` carried by an error (`retryAfterMs`), if any.
 *
 * @example
 * ```ts
 * retryAfterOf(Object.assign(new Error('slow down'), { retryAfterMs: 2000 })); // 2000
 * ```
 */
export function retryAfterOf(err: unknown): number | undefined {
  const v = typeof err === 'object' && err !== null ? (err as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * One line describing a failure, safe for files and logs: whitespace collapsed, URL userinfo and
 * `Authorization`-like values removed, at most 300 characters.
 *
 * @example
 * ```ts
 * describeFailure(new Error('HTTP 400 from http://u:p@h/sparql:\n syntax error'));
 * // 'HTTP 400 from http://h/sparql: syntax error'
 * ```
 */
export function describeFailure(err: unknown): string {
  const e = err as { serverMessage?: unknown; message?: unknown } | undefined;
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  const line = raw
    .replace(/\s+/g, ' ')
    .replace(/\/\/[^/\s@]*@/g, '//')
    .replace(/\b(Basic|Bearer|Digest)\s+[^\s,]+/gi, '$1 ***')
    .trim();
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

/**
 * The comment line that precedes a dead-lettered batch: seq, counts, status and reason.
 *
 * @example
 * ```ts
 * formatDeadLetterHeader(batch, err);
 * // '# provml dead-letter seq=3 events=10 quads=42 status=400 at=2025-01-01T00:00:00.000Z reason=SPARQL endpoint … answered HTTP 400: …\n'
 * ```
 */
export function formatDeadLetterHeader(batch: QuadBatch, err: unknown, at: Date = new Date()): string {
  const e = err as { status?: unknown; code?: unknown } | undefined;
  const status = typeof e?.status === 'number' ? String(e.status) : typeof e?.code === 'string' ? e.code : 'error';
  return `# provml dead-letter seq=${batch.seq} events=${batch.events} quads=${batch.size} status=${status} at=${at.toISOString()} reason=${describeFailure(err)}\n`;
}

/**
 * An append-only N-Quads file (mode 0600, parent directories 0700, created on first use) of
 * batches a sink refused for good. Each block is a {@link formatDeadLetterHeader} comment, then
 * the batch exactly as in a journal (header + N-Quads), so `readJournal`/`provml push` can replay
 * the file once the cause is fixed. Every append is fsynced: dead letters are rare and precious.
 *
 * @example
 * ```ts
 * const dead = new DeadLetterFile('./provenance/run.nq.dead.nq');
 * dead.append(batch, err);
 * ```
 */
export class DeadLetterFile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Append one batch with its failure (synchronous, fsynced). Throws if the disk refuses. */
  append(batch: QuadBatch, err: unknown): void {
    let text = formatDeadLetterHeader(batch, err) + formatBatchHeader(batch) + batch.nquads;
    if (batch.nquads.length > 0 && !batch.nquads.endsWith('\n')) text += '\n';
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = openSync(this.path, 'a', 0o600);
    try {
      const data = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
