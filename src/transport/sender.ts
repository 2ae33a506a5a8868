import { deliverBatch, deliverMerged, type DeliveryContext } from './delivery.js';
import type { Journal } from './journal.js';
import type { ResolvedTransportOptions } from './options.js';
import type { Overflow } from './overflow.js';
import type { QuadBatch } from './sink.js';

/**
 * A recorded batch waiting for the sink; `token` is the transport's bookkeeping for it.
 *
 * @example
 * ```ts
 * const r: Ready<number> = { batch, token: 7, wal: undefined };
 * ```
 */
export interface Ready<T> {
  batch: QuadBatch;
  token: T;
  /** Byte offset of the batch in the write-ahead journal, when it is there. */
  wal: number | undefined;
}

/**
 * The send side of a transport: recorded batches wait here (FIFO) for the sink.
 *
 * - **Lanes.** Up to `sendConcurrency` deliveries run at once (an HTTP endpoint takes several
 *   requests in parallel; the embedded store needs one).
 * - **Merging.** With `mergeQuads`, batches that queued up behind a delivery are sent as one
 *   write of up to that many quads (one Graph Store POST instead of many small ones).
 * - **Overflow.** Past `maxBacklogEvents` waiting events (policy `spill`), everything waiting
 *   moves to disk and joins the journal drain, in order.
 *
 * @example
 * ```ts
 * const sender = new Sender(options, delivery, overflow, journal, (token) => done(token));
 * sender.push({ batch, token, wal: undefined });
 * sender.kick();
 * ```
 */
export class Sender<T> {
  readonly #o: ResolvedTransportOptions;
  readonly #ctx: DeliveryContext;
  readonly #overflow: Overflow;
  readonly #journal: Journal | undefined;
  readonly #done: (token: T) => void;
  #ready: (Ready<T> | undefined)[] = []; // taken slots are cleared: a batch holds its N-Quads text
  #head = 0;
  /** Events waiting (not in flight). */
  waiting = 0;
  /** Events in batches being delivered. */
  inFlight = 0;
  readonly #flying = new Set<Ready<T>>();
  #lanes = 0;
  #stopped = false;

  constructor(o: ResolvedTransportOptions, ctx: DeliveryContext, overflow: Overflow, journal: Journal | undefined, done: (token: T) => void) {
    this.#o = o;
    this.#ctx = ctx;
    this.#overflow = overflow;
    this.#journal = journal;
    this.#done = done;
  }

  /** Queue a recorded batch. */
  push(r: Ready<T>): void {
    this.#ready.push(r);
    this.waiting += r.batch.events;
  }

  /** Spill if over the bound, then start lanes while there is work and room. */
  kick(): void {
    this.#spillOverflow();
    while (!this.#stopped && this.#lanes < this.#o.sendConcurrency && this.#head < this.#ready.length) {
      this.#lanes++;
      void this.#lane();
    }
  }

  #take(): Ready<T>[] {
    const first = this.#ready[this.#head] as Ready<T>;
    this.#ready[this.#head++] = undefined;
    const group = [first];
    const max = this.#o.mergeQuads;
    if (max > 0) {
      let quads = first.batch.size;
      while (this.#head < this.#ready.length) {
        const next = this.#ready[this.#head] as Ready<T>;
        if (quads + next.batch.size > max) break;
        quads += next.batch.size;
        group.push(next);
        this.#ready[this.#head++] = undefined;
      }
    }
    if (this.#head === this.#ready.length) {
      this.#ready = [];
      this.#head = 0;
    } else if (this.#head > 64 && this.#head * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#head);
      this.#head = 0;
    }
    return group;
  }

  async #lane(): Promise<void> {
    try {
      while (!this.#stopped && this.#head < this.#ready.length) {
        const group = this.#take();
        let events = 0;
        for (const r of group) {
          events += r.batch.events;
          this.#flying.add(r);
        }
        this.waiting -= events;
        this.inFlight += events;
        if (group.length === 1) await deliverBatch(this.#ctx, group[0]!.batch, group[0]!.wal); // never rejects
        else await deliverMerged(this.#ctx, group); // never rejects
        this.inFlight -= events;
        for (const r of group) this.#flying.delete(r);
        if (this.#stopped) return; // settled meanwhile: these were counted
        for (const r of group) this.#done(r.token);
      }
    } finally {
      this.#lanes--;
    }
  }

  /**
   * Overflow (policy `spill`): when waiting events exceed `maxBacklogEvents`, *all* waiting
   * batches move to disk — to the journal, where they already are (write-ahead), or to a spill
   * file written synchronously in one write — and join the journal drain, which delivers them in
   * order once the sink keeps up; later batches queue behind them. With nowhere to spill (e.g. an
   * in-memory store, which gets back-pressure instead) they stay in memory.
   */
  #spillOverflow(): void {
    if (this.#o.fullQueuePolicy !== 'spill' || this.waiting <= this.#o.maxBacklogEvents) return;
    const drain = this.#overflow.spillTarget();
    if (!drain) return;
    const taken = this.#ready.slice(this.#head) as Ready<T>[];
    const fresh = taken.filter((r) => r.wal === undefined);
    let offsets: number[] = [];
    if (fresh.length > 0 && drain.journal !== this.#journal) {
      try {
        offsets = drain.journal.appendManySync(fresh.map((r) => r.batch));
      } catch (err) {
        this.#overflow.spillFailed(err, this.waiting); // keep them for the sink
        return;
      }
    } else if (fresh.length > 0) return; // the journal refused them before: keep them in memory
    this.#ready = [];
    this.#head = 0;
    this.waiting = 0;
    let k = 0;
    for (const r of taken) {
      this.#ctx.counters.journaled += r.batch.events;
      drain.defer(r.batch, r.wal ?? (offsets[k++] as number));
      this.#done(r.token);
    }
  }

  /**
   * Stop sending and hand back every batch not confirmed yet — in flight first, then waiting —
   * for the transport to settle (exit path). Deliveries still in flight finish in the background
   * without touching the transport's bookkeeping.
   */
  stop(): Ready<T>[] {
    this.#stopped = true;
    const open = [...this.#flying, ...(this.#ready.slice(this.#head) as Ready<T>[])];
    this.#ready = [];
    this.#head = 0;
    this.waiting = 0;
    return open;
  }
}
