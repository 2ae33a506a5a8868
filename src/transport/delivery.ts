import type { Journal } from './journal.js';
import type { ResolvedTransportOptions, TransportErrorContext } from './options.js';
import { backoffDelay, sleepUnref } from './retry.js';
import type { QuadBatch, Sink } from './sink.js';

/**
 * The counters delivery updates (a subset of the transport's stats).
 *
 * @example
 * ```ts
 * const c: DeliveryCounters = { sent: 0, journaled: 0, dropped: 0, retried: 0, failedBatches: 0 };
 * ```
 */
export interface DeliveryCounters {
  sent: number;
  journaled: number;
  dropped: number;
  retried: number;
  failedBatches: number;
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
}

/**
 * Write with bounded, jittered exponential backoff. Resolves to the last error, or `undefined`
 * on success; never rejects. Each failed attempt but the last is counted in `retried`.
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
      if (attempt >= retry.maxAttempts) return err ?? new Error('sink write failed');
      ctx.counters.retried++;
      const where = { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, attempt } as const;
      ctx.report(err, { ...where, outcome: 'retrying' });
      await sleepUnref(backoffDelay(attempt, retry));
    }
  }
}

function lose(ctx: DeliveryContext, err: unknown, sink: Sink, batch: QuadBatch): void {
  ctx.counters.dropped += batch.events;
  ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'dropped' });
}

/**
 * Deliver one batch; never rejects, and counts each of its events exactly once.
 * - offline: append to the journal (with retries) → `journaled`.
 * - online, diskful: append to the journal first (write-ahead), send with retries → `sent` and
 *   the seq marked in `.sent`; if the sink finally refuses, the batch stays in the journal,
 *   unconfirmed → `journaled` (`provml push` replays it).
 * - online, diskless: send with retries → `sent`, or `dropped` with the reason reported.
 *
 * @example
 * ```ts
 * await deliverBatch(ctx, batch);
 * ```
 */
export async function deliverBatch(ctx: DeliveryContext, batch: QuadBatch): Promise<void> {
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
  let wal = false;
  if (journal) {
    try {
      await journal.append(batch);
      wal = true;
    } catch (err) {
      ctx.report(err, { stage: 'journal', seq: batch.seq, events: batch.events, outcome: 'none' });
    }
  }
  const sink = ctx.options.sink as Sink;
  const err = await writeWithRetry(ctx, sink, batch);
  if (err === undefined) {
    counters.sent += batch.events;
    if (wal && journal) {
      await journal.markSent(batch.seq).catch((e: unknown) => ctx.report(e, { stage: 'journal', seq: batch.seq, outcome: 'none' }));
    }
    return;
  }
  counters.failedBatches++;
  if (wal) {
    counters.journaled += batch.events;
    ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'journaled' });
  } else {
    lose(ctx, err, sink, batch);
  }
}
