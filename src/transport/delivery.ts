import { DeadLetterFile, describeFailure, isPermanentFailure, retryAfterOf } from './dead-letter.js';
import type { Journal } from './journal.js';
import type { ResolvedTransportOptions, TransportErrorContext } from './options.js';
import { backoffDelay, sleepUnref } from './retry.js';
import { createQuadBatch, type QuadBatch, type Sink } from './sink.js';

/**
 * The counters delivery updates (a subset of the transport's stats).
 *
 * @example
 * ```ts
 * const c: DeliveryCounters = { sent: 0, journaled: 0, deadLettered: 0, dropped: 0, retried: 0, failedBatches: 0 };
 * ```
 */
export interface DeliveryCounters {
  sent: number;
  journaled: number;
  deadLettered: number;
  dropped: number;
  retried: number;
  failedBatches: number;
}

/**
 * The transport's journal drain, as delivery sees it: whether journaled batches wait to be
 * replayed (new batches must then queue behind them), and how to add one.
 *
 * @example
 * ```ts
 * const backlog: DrainBacklog = { pending: () => list.length > 0, defer: (b, offset) => list.push({ seq: b.seq, offset }) };
 * ```
 */
export interface DrainBacklog {
  /** True while journaled batches wait for the drain. */
  pending(): boolean;
  /** A batch now rests in the journal at byte `offset`, counted journaled: replay it in order. */
  defer(batch: QuadBatch, offset: number): void;
  /** Write a batch that is not on disk yet into the drain's journal, count it journaled and defer it. */
  append(batch: QuadBatch): void;
}

/**
 * What {@link deliverBatch} needs from its transport.
 *
 * @example
 * ```ts
 * const ctx: DeliveryContext = { options, journal, counters, report: (e, c) => console.warn(e, c) };
 * ```
 */
export interface DeliveryContext {
  options: Pick<ResolvedTransportOptions, 'mode' | 'sink' | 'retry'>;
  journal: Journal | undefined;
  counters: DeliveryCounters;
  report: (error: unknown, context: TransportErrorContext) => void;
  /** Where non-retryable batches go; without it they are journaled (diskful) or dropped. */
  deadLetter?: DeadLetterFile;
  /** The journal drain (online, diskful); without it failed batches simply stay journaled. */
  backlog?: DrainBacklog | undefined;
  /**
   * Diskless: where a batch the sink finally refused can wait on disk for the drain instead of
   * being dropped (the spill file, opened on first need); undefined when there is no such place.
   */
  spill?: () => DrainBacklog | undefined;
  /** True once the tracker is finishing against a deadline: no more retries or backoff sleeps. */
  stopping?: () => boolean;
}

/**
 * Write with bounded, jittered exponential backoff. Resolves to the last error, or `undefined`
 * on success; never rejects. Each failed attempt but the last is counted in `retried`. An error
 * with `retryable === false` is not retried; one with `retryAfterMs` (HTTP `Retry-After`) waits at
 * least that long (capped by `retry.maxRetryAfterMs`).
 *
 * @example
 * ```ts
 * const err = await writeWithRetry(ctx, sink, batch);
 * if (err !== undefined) console.warn('gave up', err);
 * ```
 */
export async function writeWithRetry(ctx: DeliveryContext, sink: Sink, batch: QuadBatch): Promise<unknown> {
  const { retry } = ctx.options;
  for (let attempt = 1; ; attempt++) {
    try {
      await sink.write(batch);
      return undefined;
    } catch (err) {
      if (attempt >= retry.maxAttempts || isPermanentFailure(err) || ctx.stopping?.()) return err ?? new Error('sink write failed');
      ctx.counters.retried++;
      const where = { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, attempt } as const;
      ctx.report(err, { ...where, outcome: 'retrying' });
      const after = retryAfterOf(err);
      const backoff = backoffDelay(attempt, retry);
      await sleepUnref(after === undefined ? backoff : Math.max(backoff, Math.min(after, retry.maxRetryAfterMs)));
    }
  }
}

function lose(ctx: DeliveryContext, err: unknown, sink: Sink, batch: QuadBatch): void {
  ctx.counters.dropped += batch.events;
  ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'dropped' });
}

/**
 * Put a batch the sink refused for good into the dead-letter file; true when it is there (then
 * counted `deadLettered` and reported). The caller decides what to do otherwise.
 *
 * @example
 * ```ts
 * if (!deadLetterBatch(ctx, sink, batch, err)) keepInJournal(batch);
 * ```
 */
export function deadLetterBatch(ctx: DeliveryContext, sink: Sink, batch: QuadBatch, err: unknown): boolean {
  if (!ctx.deadLetter) return false;
  try {
    ctx.deadLetter.append(batch, err);
  } catch (fileErr) {
    ctx.report(fileErr, { stage: 'journal', seq: batch.seq, events: batch.events, outcome: 'none' });
    return false;
  }
  ctx.counters.deadLettered += batch.events;
  const reason = new Error(`${describeFailure(err)} (batch kept in ${ctx.deadLetter.path})`);
  ctx.report(Object.assign(reason, { cause: err }), { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'deadLettered' });
  return true;
}

/**
 * Deliver one batch; never rejects, and counts each of its events exactly once.
 * - offline: append to the journal (with retries) → `journaled`.
 * - online, diskful: append to the journal first (write-ahead; `walOffset` says the transport already
 *   did, at record time, at that byte offset). If journaled batches wait for the
 *   drain, this one queues behind them (→ `journaled`, sent later by the drain, in order).
 *   Otherwise send with retries → `sent` and the seq marked in `.sent`; if the sink finally
 *   refuses, the batch stays in the journal → `journaled`, and the drain replays it when the sink
 *   is back.
 * - online, diskless: send with retries → `sent`; if the sink finally refuses, the batch goes to the
 *   spill file (→ `journaled`, delivered by the drain later), or, with nowhere to spill, `dropped`
 *   with the reason reported.
 * - a non-retryable refusal (`err.retryable === false`, e.g. HTTP 400) is not retried: the batch
 *   goes to the dead-letter file → `deadLettered` (and is marked done in `.sent`).
 *
 * @example
 * ```ts
 * await deliverBatch(ctx, batch);
 * ```
 */
export async function deliverBatch(ctx: DeliveryContext, batch: QuadBatch, walOffset?: number): Promise<void> {
  const { journal, counters } = ctx;
  if (ctx.options.mode === 'offline') {
    const jsink: Sink = {
      name: 'journal',
      write: (b) => (journal ? journal.append(b) : Promise.reject(new Error('journal unavailable'))),
    };
    const err = await writeWithRetry(ctx, jsink, batch);
    if (err === undefined) counters.journaled += batch.events;
    else lose(ctx, err, jsink, batch);
    return;
  }
  let wal = walOffset !== undefined;
  let offset = walOffset ?? 0;
  if (journal && !wal) {
    try {
      offset = journal.bytes;
      await journal.append(batch);
      wal = true;
    } catch (err) {
      ctx.report(err, { stage: 'journal', seq: batch.seq, events: batch.events, outcome: 'none' });
    }
  }
  if (ctx.backlog?.pending()) {
    // Older batches wait on disk: this one queues behind them, in order.
    if (wal) {
      counters.journaled += batch.events;
      ctx.backlog.defer(batch, offset);
      return;
    }
    try {
      ctx.backlog.append(batch);
      return;
    } catch (err) {
      ctx.report(err, { stage: 'spill', seq: batch.seq, events: batch.events, outcome: 'none' }); // send it now instead
    }
  }
  const sink = ctx.options.sink as Sink;
  const err = await writeWithRetry(ctx, sink, batch);
  const markDone = async () => {
    if (wal && journal) {
      await journal.markSent(batch.seq).catch((e: unknown) => ctx.report(e, { stage: 'journal', seq: batch.seq, outcome: 'none' }));
    }
  };
  if (err === undefined) {
    counters.sent += batch.events;
    await markDone();
    return;
  }
  counters.failedBatches++;
  if (isPermanentFailure(err) && deadLetterBatch(ctx, sink, batch, err)) {
    await markDone();
    return;
  }
  keepForLater(ctx, sink, batch, wal ? offset : undefined, err);
}

/**
 * A batch a sink accepted (so counted `sent`) and refused later, when it finally stored it (the
 * embedded store's held batches, indexed after a training): moved from `sent` to the dead-letter
 * file, or `dropped` and reported when that cannot be written. It failed twice by then (held load,
 * then alone), so it is not retried.
 *
 * @example
 * ```ts
 * refusedLate(ctx, sink, batch, err); // sent −= batch.events; deadLettered or dropped += it
 * ```
 */
export function refusedLate(ctx: DeliveryContext, sink: Sink, batch: QuadBatch, err: unknown): void {
  ctx.counters.sent -= batch.events;
  ctx.counters.failedBatches++;
  if (!deadLetterBatch(ctx, sink, batch, err)) lose(ctx, err, sink, batch);
}

/**
 * A batch the sink refused (retryable, attempts exhausted): it waits on disk for the drain — in
 * the journal where it already is, or appended to the spill file — or, with no disk to wait on,
 * it is dropped and reported.
 */
function keepForLater(ctx: DeliveryContext, sink: Sink, batch: QuadBatch, walOffset: number | undefined, err: unknown): void {
  if (walOffset !== undefined) {
    ctx.counters.journaled += batch.events;
    ctx.backlog?.defer(batch, walOffset);
    ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'journaled' });
    return;
  }
  const disk = ctx.spill?.();
  if (disk) {
    try {
      disk.append(batch); // waits on disk; the drain sends it once the sink is back
      ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'journaled' });
      return;
    } catch (diskErr) {
      ctx.report(diskErr, { stage: 'spill', seq: batch.seq, events: batch.events, outcome: 'none' });
    }
  }
  lose(ctx, err, sink, batch);
}

/**
 * Deliver several queued batches as one sink write (one Graph Store POST instead of many small
 * ones); never rejects, and counts each event exactly once. On success every member counts as
 * sent (and is marked in `.sent`); a transient failure sends each member down the path of a
 * failed batch (journal drain or spill file); a permanent one (HTTP 400) retries the members one
 * by one, so only the batch at fault is dead-lettered. Anything but the plain online path — a
 * drain backlog, a member not in the journal while one is configured — goes batch by batch.
 *
 * @example
 * ```ts
 * await deliverMerged(ctx, [{ batch: a, wal: 0 }, { batch: b, wal: 4096 }]);
 * ```
 */
export async function deliverMerged(ctx: DeliveryContext, group: readonly { batch: QuadBatch; wal: number | undefined }[]): Promise<void> {
  const { journal, counters } = ctx;
  if (ctx.options.mode !== 'online' || ctx.backlog?.pending() || (journal && group.some((g) => g.wal === undefined))) {
    for (const g of group) await deliverBatch(ctx, g.batch, g.wal);
    return;
  }
  let events = 0;
  let size = 0;
  let nquads = '';
  for (const { batch } of group) {
    events += batch.events;
    size += batch.size;
    nquads += batch.nquads.length > 0 && !batch.nquads.endsWith('\n') ? `${batch.nquads}\n` : batch.nquads;
  }
  const sink = ctx.options.sink as Sink;
  const err = await writeWithRetry(ctx, sink, createQuadBatch({ seq: group[0]!.batch.seq, events, nquads, size }));
  if (err === undefined) {
    counters.sent += events;
    for (const { batch, wal } of group) {
      if (wal !== undefined && journal) await journal.markSent(batch.seq).catch((e: unknown) => ctx.report(e, { stage: 'journal', seq: batch.seq, outcome: 'none' }));
    }
    return;
  }
  if (isPermanentFailure(err)) {
    for (const g of group) await deliverBatch(ctx, g.batch, g.wal);
    return;
  }
  counters.failedBatches += group.length;
  for (const g of group) keepForLater(ctx, sink, g.batch, g.wal, err);
}
