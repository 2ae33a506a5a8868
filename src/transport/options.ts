import type { Quad } from '@rdfjs/types';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureEvent } from '../capture/events.js';
import type { JournalOptions } from './journal.js';
import { rateLimitedLogger, type TransportLogger } from './logger.js';
import type { FullQueuePolicy } from './queue.js';
import { DEFAULT_RETRY, type RetryOptions } from './retry.js';
import type { Sink } from './sink.js';

/**
 * Turns a batch of capture events into PROV-ML quads (the record layer). May be async. Called in
 * the background, one call at a time and in event order (the record layer keeps run state, e.g.
 * open executions), never from `emit`.
 *
 * @example
 * ```ts
 * const rec = new Recorder();
 * const recorder: BatchRecorder = (events) => rec.record(events);
 * ```
 */
export type BatchRecorder = (events: readonly CaptureEvent[]) => RecorderOutput | Promise<RecorderOutput>;

/**
 * What a recorder returns: RDF/JS quads, or N-Quads text with its quad count (the record layer's
 * fast path: no per-quad objects; sinks that want quads parse the text lazily).
 *
 * @example
 * ```ts
 * const out: RecorderOutput = { nquads: '<urn:a> <urn:p> <urn:b> <urn:g> .\n', count: 1 };
 * ```
 */
export type RecorderOutput = Quad[] | { nquads: string; count: number };

/**
 * Where an error happened, passed to `onError` with the error itself.
 *
 * @example
 * ```ts
 * onError: (err, ctx) => { if (ctx.outcome === 'dropped') alert(ctx.events); }
 * ```
 */
export interface TransportErrorContext {
  stage: 'record' | 'sink' | 'journal' | 'spill' | 'flush' | 'close';
  /** Name of the sink involved. */
  sink?: string;
  /** Batch sequence number. */
  seq?: number;
  /** Capture events concerned. */
  events?: number;
  /** 1-based attempt that failed (sink writes). */
  attempt?: number;
  /**
   * What became of the data: retried later, kept in the journal, written to the dead-letter file
   * (the sink refused it for good), lost, or nothing lost.
   */
  outcome: 'retrying' | 'journaled' | 'deadLettered' | 'dropped' | 'none';
}

/**
 * Settings of a {@link Transport}, named after the paper where it has a name (queue size, batch
 * size, diskful/diskless = `journal`, online/offline = `mode`).
 *
 * @example
 * ```ts
 * const options: TransportOptions = {
 *   recorder, sink: new EmbeddedStoreSink(store),
 *   journal: { path: './provenance/journal.nq', durability: 'batch' },
 * };
 * ```
 */
export interface TransportOptions {
  /** Events → quads (the record layer). */
  recorder: BatchRecorder;
  /** The primary sink (store or endpoint). Required in `online` mode; ignored in `offline`. */
  sink?: Sink;
  /** `'online'` (default): send to `sink`. `'offline'`: only append to the journal (`provml push` later). */
  mode?: 'online' | 'offline';
  /** Events held in memory before the full-queue policy applies (default 2048 = 4 batches). */
  queueSize?: number;
  /** Events per recorded batch (default 512: a few thousand quads, well under one HTTP request). */
  batchSize?: number;
  /** A partial batch goes out after this many ms (default 250; timer is unref'ed). */
  flushIntervalMs?: number;
  /** What to do when the queue is full (default `'spill'`). */
  fullQueuePolicy?: FullQueuePolicy;
  /**
   * `'spill'` only: recorded events allowed in memory while waiting for the sink (default
   * 8 × queueSize); past it, the newest waiting batches are appended to disk (synchronously, in
   * one write, from the background) down to half the bound.
   */
  maxBacklogEvents?: number;
  /**
   * Diskful mode: a write-ahead N-Quads journal (every batch appended before it is sent; confirmed
   * ones listed in `<path>.sent`). `false` (default) is diskless. Required in `offline` mode.
   */
  journal?: false | JournalOptions;
  /**
   * Without a `journal`: the fallback journal, where batches wait on disk when the sink is behind
   * (`'spill'` overflow) or down (attempts exhausted) until the drain delivers them, and where
   * batches still in memory go at exit or at a `shutdown()` deadline. A file created (mode 0600)
   * only when needed, announced by a warning, and reported in `stats().fallbackJournal` (default
   * `<tmpdir>/provml/unsent-<pid>-<time>.nq`). `false`: no disk — overflow stays in memory
   * (memory then grows with the backlog) and a batch the sink refuses is dropped.
   */
  spillPath?: string | false;
  /**
   * Append-only N-Quads file (mode 0600) for batches the sink rejects for good — errors with
   * `retryable === false`, e.g. HTTP 400 — each block preceded by a comment with seq, status and
   * the server's message. Default `<journal path>.dead.nq`, else `<tmpdir>/provml/dead-<pid>.nq`
   * (created only when needed).
   */
  deadLetter?: string;
  /**
   * Diskful online mode: how often the drain loop retries replaying journaled batches while the
   * sink is down (backoff from `retry.initialDelayMs` up to this, default 30 000 ms).
   */
  drainMaxDelayMs?: number;
  /** Batches delivered to the sink at once (default 1; an HTTP endpoint takes several). */
  sendConcurrency?: number;
  /**
   * Send batches that queued up behind a delivery as one write of up to this many quads (default
   * 0: off). For an HTTP endpoint: one Graph Store POST instead of many small ones.
   */
  mergeQuads?: number;
  /** Longest `shutdown()` spends draining the journal; the rest stays journaled (default 5000 ms). */
  shutdownDrainTimeoutMs?: number;
  /**
   * `shutdown()` always resolves within this many ms (default 3000): whatever is not delivered by
   * then is settled on disk — it is in the journal already, or goes to the fallback journal — and
   * only what even the disk refuses is counted dropped.
   */
  shutdownTimeoutMs?: number;
  /** Another name for `spillPath` (the fallback journal's path), used when `spillPath` is not set. */
  fallbackJournal?: string;
  /** Sink retry policy (default 5 attempts, 100 ms doubling to ≤ 5 s, jittered). */
  retry?: RetryOptions;
  /** Receives every error; never let it throw (if it does, the logger gets that). */
  onError?: (error: unknown, context: TransportErrorContext) => void;
  /** Called whenever events settle (sent, journaled, dead-lettered or dropped); must not throw. */
  onProgress?: () => void;
  /** Warnings (default: `console.warn`, at most 5 per 10 s); `false` for none. */
  logger?: TransportLogger | false;
  /** Flush on `beforeExit`/`SIGINT`/`SIGTERM` (default `true`); removed by `shutdown()`. */
  installExitHooks?: boolean;
  /** Longest a signal-triggered flush may delay exit (default 5000 ms). */
  exitFlushTimeoutMs?: number;
}

/**
 * {@link TransportOptions} with defaults applied (see `transport.options`).
 *
 * @example
 * ```ts
 * const { batchSize, queueSize }: ResolvedTransportOptions = transport.options;
 * ```
 */
export interface ResolvedTransportOptions {
  recorder: BatchRecorder;
  sink: Sink | undefined;
  mode: 'online' | 'offline';
  queueSize: number;
  batchSize: number;
  flushIntervalMs: number;
  fullQueuePolicy: FullQueuePolicy;
  maxBacklogEvents: number;
  journal: JournalOptions | undefined;
  spillPath: string | undefined;
  deadLetter: string;
  drainMaxDelayMs: number;
  shutdownDrainTimeoutMs: number;
  shutdownTimeoutMs: number;
  sendConcurrency: number;
  mergeQuads: number;
  fallbackJournal: string | undefined;
  retry: Required<RetryOptions>;
  onError: TransportOptions['onError'];
  onProgress: (() => void) | undefined;
  logger: TransportLogger;
  installExitHooks: boolean;
  exitFlushTimeoutMs: number;
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`provml transport: ${name} must be a positive number`);
  return Math.floor(v);
}

/**
 * Validate options and fill in defaults. Throws (synchronously, at construction only) on
 * contradictory settings, e.g. `offline` without a journal.
 *
 * @example
 * ```ts
 * resolveTransportOptions({ recorder, sink }).batchSize; // 512
 * ```
 */
export function resolveTransportOptions(o: TransportOptions): ResolvedTransportOptions {
  const mode = o.mode ?? 'online';
  const journal = o.journal || undefined;
  if (mode === 'offline' && !journal) throw new TypeError('provml transport: offline mode needs a journal');
  if (mode === 'online' && !o.sink) throw new TypeError('provml transport: online mode needs a sink');
  const queueSize = positive('queueSize', o.queueSize, 2048);
  const batchSize = Math.min(positive('batchSize', o.batchSize, 512), queueSize);
  const retry = { ...DEFAULT_RETRY, ...o.retry };
  retry.maxAttempts = Math.max(1, Math.floor(retry.maxAttempts));
  return {
    recorder: o.recorder,
    sink: mode === 'online' ? o.sink : undefined,
    mode,
    queueSize,
    batchSize,
    flushIntervalMs: positive('flushIntervalMs', o.flushIntervalMs, 250),
    fullQueuePolicy: o.fullQueuePolicy ?? 'spill',
    maxBacklogEvents: positive('maxBacklogEvents', o.maxBacklogEvents, 8 * queueSize),
    journal,
    spillPath:
      o.spillPath === false
        ? undefined
        : (o.spillPath ?? o.fallbackJournal ?? join(tmpdir(), 'provml', `unsent-${process.pid}-${Date.now()}.nq`)),
    deadLetter: o.deadLetter ?? (journal ? `${journal.path}.dead.nq` : join(tmpdir(), 'provml', `dead-${process.pid}.nq`)),
    drainMaxDelayMs: positive('drainMaxDelayMs', o.drainMaxDelayMs, 30_000),
    shutdownDrainTimeoutMs: positive('shutdownDrainTimeoutMs', o.shutdownDrainTimeoutMs, 5000),
    shutdownTimeoutMs: positive('shutdownTimeoutMs', o.shutdownTimeoutMs, 3000),
    sendConcurrency: positive('sendConcurrency', o.sendConcurrency, 1),
    mergeQuads: o.mergeQuads === undefined || o.mergeQuads === 0 ? 0 : positive('mergeQuads', o.mergeQuads, 0),
    fallbackJournal: o.fallbackJournal,
    retry,
    onError: o.onError,
    onProgress: o.onProgress,
    logger: o.logger === false ? { warn() {} } : (o.logger ?? rateLimitedLogger()),
    installExitHooks: o.installExitHooks ?? true,
    exitFlushTimeoutMs: positive('exitFlushTimeoutMs', o.exitFlushTimeoutMs, 5000),
  };
}

/**
 * Counters of a `Transport`. Every accepted event ends in exactly one of `sent`, `journaled`,
 * `deadLettered` or `dropped`, so once everything is settled (after `flush()`, `shutdown()` or at
 * exit) `captured = sent + journaled + deadLettered + dropped`. Events refused at the door
 * (policy `drop`, after shutdown) are captured and dropped. Journaled events move to `sent` when the drain
 * delivers them later.
 *
 * @example
 * ```ts
 * const { captured, sent, journaled, dropped } = transport.stats();
 * ```
 */
export interface TransportStats {
  /** Events offered to `emit` (those it refused are also counted in `dropped`). */
  captured: number;
  /** Events turned into quads by the recorder. */
  recorded: number;
  /** Events whose batch the primary sink confirmed. */
  sent: number;
  /** Events whose batch rests only in a journal/spill file (offline mode, overflow, or sink failure). */
  journaled: number;
  /** Events whose batch the sink refused for good (non-retryable error): in the dead-letter file. */
  deadLettered: number;
  /** Events lost: refused (policy `drop`, after shutdown) or unrecordable/undeliverable. */
  dropped: number;
  /** Sink write attempts that failed and were retried. */
  retried: number;
  /** Batches the primary sink finally refused (after all attempts). */
  failedBatches: number;
  /** Events in memory waiting to be recorded (queue + handed-off backlog). */
  queueLength: number;
  /** High-water mark of events held in memory (queue + backlog + in flight). */
  maxBuffered: number;
  /**
   * Events the sink accepted (so counted in `sent`) and keeps in memory before storing them: the
   * worker's embedded store holds its indexing while a training stage runs, and indexes before
   * answering any query. 0 for other sinks.
   */
  held: number;
  /** The fallback journal (no journal configured), once batches had to wait there; `provml push` it if `journaled > 0`. */
  fallbackJournal?: string;
}

/**
 * What `Transport.settleNow` did with the work still open at its deadline.
 *
 * @example
 * ```ts
 * const { fallbackJournal, fallbackEvents, dropped } = await transport.settleNow(Date.now() + 2000);
 * ```
 */
export interface SettleReport {
  /** Events whose batches were written to the fallback journal. */
  fallbackEvents: number;
  /** That journal's path, if anything went there. */
  fallbackJournal: string | undefined;
  /** Events settled as dropped here (not recorded by the deadline, or the disk refused them). */
  dropped: number;
}
