import { isPermanentFailure } from './dead-letter.js';
import { deadLetterBatch, type DeliveryContext, type DrainBacklog } from './delivery.js';
import { readJournal, type Journal } from './journal.js';
import { backoffDelay } from './retry.js';
import type { QuadBatch, Sink } from './sink.js';

interface Deferred {
  seq: number;
  events: number;
  offset: number;
}

/**
 * Options of {@link JournalDrain}.
 *
 * @example
 * ```ts
 * const o: JournalDrainOptions = { journal, sink, context, maxDelayMs: 30_000, warn: console.warn };
 * ```
 */
export interface JournalDrainOptions {
  journal: Journal;
  sink: Sink;
  /** Counters, retry policy, reporting and dead-letter file shared with delivery. */
  context: DeliveryContext;
  /** Longest pause between drain attempts while the sink stays down. */
  maxDelayMs: number;
  /** Receives warnings (unreadable journal blocks). */
  warn: (message: string) => void;
}

/**
 * Replays, in order, the batches that went to the write-ahead journal because the sink failed
 * (online diskful mode), once the sink is back. It keeps only `{ seq, events, offset }` per batch
 * in memory — the quads stay on disk — and reads each back from its byte offset. An `unref()`ed
 * timer retries with jittered backoff (from `retry.initialDelayMs` up to `maxDelayMs`) while the
 * sink stays down. Each replayed batch moves from `journaled` to `sent` (and is marked in
 * `.sent`); a non-retryable refusal moves it to `deadLettered`.
 *
 * @example
 * ```ts
 * const drain = new JournalDrain({ journal, sink, context, maxDelayMs: 30_000, warn: console.warn });
 * context.backlog = drain;      // deliverBatch queues new batches behind pending ones
 * await drain.drainNow();       // e.g. in flush(): one pass now
 * drain.close();
 * ```
 */
export class JournalDrain implements DrainBacklog {
  readonly #o: JournalDrainOptions;
  #queue: Deferred[] = [];
  #head = 0;
  #events = 0;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: JournalDrainOptions) {
    this.#o = options;
  }

  /** True while journaled batches wait to be replayed. */
  pending(): boolean {
    return this.#head < this.#queue.length;
  }

  /** Events in batches waiting to be replayed. */
  get events(): number {
    return this.#events;
  }

  /** Queue a journaled batch (at byte `offset` of the journal) for replay, and make sure a drain is scheduled. */
  defer(batch: QuadBatch, offset: number): void {
    if (this.#closed) return; // stays journaled
    this.#queue.push({ seq: batch.seq, events: batch.events, offset });
    this.#events += batch.events;
    this.#schedule();
  }

  /**
   * Append a batch that is not in this drain's journal yet (a batch recorded while older ones
   * wait on disk: it must queue behind them) and defer it; counted `journaled`. Throws if the
   * disk refuses (the caller then keeps the batch).
   */
  append(batch: QuadBatch): void {
    const [offset] = this.#o.journal.appendManySync([batch]);
    this.#o.context.counters.journaled += batch.events;
    this.defer(batch, offset!);
  }

  /** The journal this drain replays from. */
  get journal(): Journal {
    return this.#o.journal;
  }

  /** Run a drain pass now (or join the one running). Never rejects. */
  drainNow(): Promise<void> {
    if (this.#closed || (!this.pending() && !this.#running)) return Promise.resolve();
    if (this.#running) return this.#running;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running = this.#pass().then(
      (done) => this.#after(done),
      (err: unknown) => {
        this.#o.context.report(err, { stage: 'journal', outcome: 'none' });
        this.#after(false);
      },
    );
    return this.#running;
  }

  /**
   * A pass that starts now, for `flush()`: a pass already running may have begun while the
   * endpoint was still down, so wait for it, then run a fresh one if anything is still pending.
   */
  async drainFresh(): Promise<void> {
    if (this.#running) await this.#running;
    await this.drainNow();
  }

  /** Stop: no more passes; a write in flight is ignored (its batch stays journaled). */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #after(done: boolean): void {
    this.#running = undefined;
    if (done) this.#attempt = 0;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed || this.#timer || this.#running || !this.pending()) return;
    const retry = this.#o.context.options.retry;
    const delay = backoffDelay(++this.#attempt, { ...retry, maxDelayMs: Math.max(retry.initialDelayMs, this.#o.maxDelayMs) });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.drainNow();
    }, delay);
    this.#timer.unref();
  }

  #shift(): Deferred {
    const d = this.#queue[this.#head++] as Deferred;
    this.#events -= d.events;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return d;
  }

  /** One pass: true when everything queued was replayed (or given up on), false if the sink failed. */
  async #pass(): Promise<boolean> {
    const { journal, sink, context: ctx } = this.#o;
    while (this.pending() && !this.#closed) {
      const first = this.#queue[this.#head] as Deferred;
      let found = false;
      const batches = readJournal(journal.path, { start: first.offset, end: journal.bytes, onWarning: this.#o.warn });
      for await (const batch of batches) {
        const head = this.#queue[this.#head];
        if (!head) break;
        if (batch.seq !== head.seq) continue; // confirmed or spilled batches in between
        found = true;
        try {
          await sink.write(batch);
        } catch (err) {
          if (this.#closed) return false;
          if (!isPermanentFailure(err)) {
            ctx.report(err, { stage: 'sink', sink: sink.name, seq: batch.seq, events: batch.events, outcome: 'journaled' });
            return false;
          }
          this.#shift();
          if (deadLetterBatch(ctx, sink, batch, err)) {
            ctx.counters.journaled -= batch.events;
            await journal.markSent(batch.seq).catch(() => undefined);
          } // else it stays journaled, for `provml push`
          continue;
        }
        if (this.#closed) return false;
        this.#shift();
        ctx.counters.journaled -= batch.events;
        ctx.counters.sent += batch.events;
        await journal.markSent(batch.seq).catch((e: unknown) => ctx.report(e, { stage: 'journal', seq: batch.seq, outcome: 'none' }));
      }
      if (!found && this.pending()) {
        const lost = this.#shift(); // unreadable block: it stays counted journaled
        this.#o.warn(`provml: journal ${journal.path}: cannot read back batch seq=${lost.seq}; left for provml push`);
      }
    }
    return !this.pending();
  }
}
