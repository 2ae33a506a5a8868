import type { CaptureEvent } from '../capture/events.js';
import { DeadLetterFile } from './dead-letter.js';
import { deliverBatch, type DeliveryContext } from './delivery.js';
import { registerExitFlush } from './exit-hooks.js';
import { Journal } from './journal.js';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type TransportErrorContext,
  type TransportOptions,
  type TransportStats,
} from './options.js';
import { Overflow } from './overflow.js';
import { EventQueue } from './queue.js';
import { recordBatches, type RecordHooks } from './record-batches.js';
import { sleepUnref } from './retry.js';
import type { QuadBatch, Sink } from './sink.js';

export type { TransportStats } from './options.js';

/** A chunk of events handed off by the queue; settled once all its batches are delivered. */
interface WorkItem {
  id: number;
  events: CaptureEvent[];
  /** Recorded batches not yet sent/journaled; -1 while not recorded. */
  pending: number;
}

/** A recorded batch waiting for the sink. */
interface Ready {
  batch: QuadBatch;
  item: WorkItem;
  /** Byte offset of the batch in the write-ahead journal, when it is there. */
  wal: number | undefined;
}

/**
 * What {@link Transport.settleNow} did with the work still open at its deadline.
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

interface Waiter {
  upTo: number;
  resolve: () => void;
}

type Counters = Omit<TransportStats, 'queueLength' | 'maxBuffered'>;

/**
 * The tracker core: accepts capture events on the hot path ({@link Transport.emit}), batches them
 * by size or time, records them to quads in the background, and delivers the batches to the sink
 * with retries, a write-ahead journal (diskful mode) and overflow spilling. Errors never reach
 * the producer: they go to `onError` and the logger, and show in {@link Transport.stats}.
 *
 * @example
 * ```ts
 * const store = await EmbeddedStore.open();
 * const transport = new Transport({ recorder, sink: new EmbeddedStoreSink(store) });
 * transport.emit({ t: 'start', id, spec: 'train', kind: 'workflow', root: id, at: Date.now() });
 * await transport.flush();    // everything emitted so far is in the store (or journaled)
 * await transport.shutdown(); // flush, close sinks, remove exit hooks
 * ```
 */
export class Transport {
  readonly options: ResolvedTransportOptions;
  readonly #queue: EventQueue;
  readonly #c: Counters = { captured: 0, recorded: 0, sent: 0, journaled: 0, deadLettered: 0, dropped: 0, retried: 0, failedBatches: 0 };
  #items: WorkItem[] = []; // handed off, not yet recorded (FIFO)
  #backlog = 0; // events in #items
  #recording = 0; // events being recorded
  #ready: Ready[] = []; // recorded, waiting for the sink (FIFO)
  #readyEvents = 0;
  #inFlight = 0; // events of batches being delivered
  readonly #flying = new Set<Ready>();
  #final: TransportStats | undefined; // frozen by settleNow(): late completions change nothing
  #maxBuffered = 0;
  #nextId = 1;
  readonly #unsettled = new Set<number>();
  #waiters: Waiter[] = [];
  #sending = false;
  #recordingLoop = false;
  #kickScheduled = false;
  #seq = 0;
  readonly #recordHooks: RecordHooks = {
    recorder: (events) => this.options.recorder(events),
    batchSize: 0, // set in the constructor
    nextSeq: () => ++this.#seq,
    recorded: (n) => void (this.#c.recorded += n),
    failed: (err, n) => {
      this.#c.dropped += n;
      this.#report(err, { stage: 'record', events: n, outcome: 'dropped' });
    },
  };
  readonly #journal: Journal | undefined;
  readonly #delivery: DeliveryContext;
  readonly #overflow: Overflow;
  #stopping = false;
  #state: 'running' | 'stopping' | 'closed' = 'running';
  #shutdown: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #unregisterExit: (() => void) | undefined;

  constructor(options: TransportOptions) {
    this.options = resolveTransportOptions(options);
    const o = this.options;
    this.#recordHooks.batchSize = o.batchSize;
    this.#queue = new EventQueue({
      capacity: o.queueSize,
      batchSize: o.batchSize,
      policy: o.fullQueuePolicy,
      hooks: { onHandoff: (chunk) => this.#enqueue(chunk), onBatchReady: () => this.#scheduleKick() },
    });
    if (o.journal) {
      try {
        this.#journal = Journal.openSync(o.journal);
        this.#seq = this.#journal.lastSeq; // continue numbering across sessions of one journal
      } catch (err) {
        this.#report(err, { stage: 'journal', outcome: 'none' });
      }
    }
    this.#delivery = {
      options: o,
      journal: this.#journal,
      counters: this.#c,
      report: (e, c) => this.#report(e, c),
      deadLetter: new DeadLetterFile(o.deadLetter), // the file is created only when needed
      stopping: () => this.#stopping,
    };
    this.#overflow = new Overflow(o, this.#journal, this.#delivery, (e, c) => this.#report(e, c));
    this.#delivery.spill = () => this.#overflow.spillTarget();
    this.#timer = setInterval(() => this.#tick(), o.flushIntervalMs);
    this.#timer.unref();
    this.#unregisterExit = o.installExitHooks
      ? registerExitFlush(
          { hasPendingWork: () => this.hasPendingWork(), flush: () => this.flush() },
          o.exitFlushTimeoutMs,
        )
      : undefined;
  }

  /**
   * The hot path: hand one event to the transport. O(1), no I/O, never throws. After `shutdown()`
   * (or under policy `drop` with a full queue) the event is counted as dropped.
   * Bound: pass `transport.emit` around as the capture emitter.
   */
  readonly emit = (event: CaptureEvent): void => {
    this.#c.captured++;
    try {
      if (this.#state !== 'running' || !this.#queue.push(event)) this.#c.dropped++;
    } catch {
      this.#c.dropped++;
    }
  };

  /** A snapshot of the counters. */
  stats(): TransportStats {
    if (this.#final) return { ...this.#final };
    const queueLength = this.#queue.length + this.#backlog + this.#recording + this.#readyEvents;
    const fallbackJournal = this.#overflow.fallbackPath;
    return { ...this.#c, queueLength, maxBuffered: this.#maxBuffered, ...(fallbackJournal ? { fallbackJournal } : {}) };
  }

  /**
   * Hand everything queued to the background now instead of waiting for a full batch or the
   * timer (the worker calls it for every chunk under durability `'sync'`).
   */
  handoffNow(): void {
    if (this.#state !== 'closed') {
      this.#handoffQueue();
      this.#kick();
    }
  }

  /** True while events are queued, waiting or in flight. */
  hasPendingWork(): boolean {
    return this.#queue.length > 0 || this.#unsettled.size > 0;
  }

  /**
   * Resolves when every event emitted before the call has been sent, journaled, dead-lettered or
   * counted as dropped; then, if journaled batches wait for the drain, one drain pass runs (so with
   * the endpoint up, everything is sent); then sinks/journal are flushed (fsync per durability).
   * Never rejects.
   */
  flush(): Promise<void> {
    return this.#flush(undefined);
  }

  async #flush(drainTimeoutMs: number | undefined): Promise<void> {
    if (this.#state === 'closed') return;
    this.#handoffQueue();
    const upTo = this.#nextId - 1;
    this.#kick();
    await new Promise<void>((resolve) => {
      this.#waiters.push({ upTo, resolve });
      this.#checkWaiters();
    });
    const drain = this.#overflow.drain;
    if (drain?.pending()) {
      const pass = drain.drainFresh();
      await (drainTimeoutMs === undefined ? pass : Promise.race([pass, sleepUnref(drainTimeoutMs)]));
    }
    await this.#flushSinks();
  }

  /**
   * Flush, then close the sink and journals, stop the timer and remove exit hooks. Idempotent
   * (returns the same promise). Events emitted afterwards are counted as dropped. Never rejects,
   * and always resolves within `shutdownTimeoutMs` (plus the time to write what is left to disk):
   * at the deadline, batches not yet delivered are settled on disk ({@link Transport.settleNow}).
   * While it runs it keeps the event loop alive, since the transport's own timers are unref'ed.
   */
  shutdown(): Promise<void> {
    return (this.#shutdown ??= this.#doShutdown());
  }

  async #doShutdown(): Promise<void> {
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      this.#state = 'stopping';
      clearInterval(this.#timer);
      this.#unregisterExit?.();
      const deadline = Date.now() + this.options.shutdownTimeoutMs;
      const drainBudget = Math.min(this.options.shutdownDrainTimeoutMs, this.options.shutdownTimeoutMs / 2);
      const flushed = await within(this.#flush(drainBudget), deadline - Date.now());
      if (!flushed) await this.settleNow(deadline + 1000);
      this.#overflow.drain?.close(); // what is left stays journaled
      await within(this.#guard('close', this.options.sink, async () => this.options.sink?.close?.()), 1000);
      for (const j of [this.#journal, ...this.#overflow.files]) await this.#guard('close', undefined, async () => j?.close());
      this.#state = 'closed';
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Settle everything still open, now: the exit path (and a `shutdown()` that reached its
   * deadline). Stops retrying; records what is still queued while `deadline` allows; then every
   * batch not confirmed by the sink is counted `journaled` — it is in the write-ahead journal
   * already, or is written (synchronously, fsynced) to the fallback journal — and only what cannot
   * be recorded in time or written anywhere is counted `dropped`. Counters are frozen afterwards,
   * so `captured = sent + journaled + deadLettered + dropped` holds in `stats()`.
   */
  async settleNow(deadline: number): Promise<SettleReport> {
    this.#stopping = true;
    if (this.#state === 'running') this.#state = 'stopping';
    this.#handoffQueue();
    this.#kick();
    while ((this.#items.length > 0 || this.#recording > 0) && Date.now() < deadline) await sleepUnref(2);
    return this.settleSync();
  }

  /**
   * The synchronous part of {@link Transport.settleNow}, for callers that cannot wait (the
   * process `exit` event): events not recorded yet are counted dropped.
   */
  settleSync(): SettleReport {
    const report: SettleReport = { fallbackEvents: 0, fallbackJournal: undefined, dropped: 0 };
    if (this.#final) return report;
    this.#stopping = true;
    const open = [...this.#flying, ...this.#ready];
    this.#ready = [];
    this.#readyEvents = 0;
    const toDisk: QuadBatch[] = [];
    for (const r of open) {
      if (r.wal !== undefined) this.#c.journaled += r.batch.events;
      else toDisk.push(r.batch);
    }
    const n = toDisk.reduce((k, b) => k + b.events, 0);
    if (this.#overflow.writeFallback(toDisk)) {
      this.#c.journaled += n;
      report.fallbackEvents = n;
    } else report.dropped += n;
    const unrecorded = this.#queue.take().length + this.#items.reduce((k, i) => k + i.events.length, 0) + this.#recording;
    report.dropped += unrecorded;
    this.#c.dropped += report.dropped;
    report.fallbackJournal = this.#overflow.fallbackPath;
    this.#final = { ...this.stats(), queueLength: 0 };
    for (const w of this.#waiters) w.resolve();
    this.#waiters = [];
    this.options.onProgress?.();
    return report;
  }

  /** Files on disk that hold batches of this transport: the journal, a spill file, the fallback journal. */
  diskFiles(): string[] {
    return [this.#journal, ...this.#overflow.files].filter((j) => j !== undefined).map((j) => j.path);
  }

  // ---- scheduling -------------------------------------------------------------------------
  //
  // queue ─handoff→ #items ─record (FIFO, one at a time: the record layer keeps run state)→
  // #ready ─send lane→ sink;  #ready overflow (policy spill) ─synchronous append→ journal.

  #enqueue(events: CaptureEvent[]): void {
    if (events.length === 0) return;
    const id = this.#nextId++;
    this.#unsettled.add(id);
    this.#items.push({ id, events, pending: -1 });
    this.#backlog += events.length;
    this.#noteBuffered();
    this.#scheduleKick();
  }

  #noteBuffered(): void {
    const n = this.#queue.length + this.#backlog + this.#recording + this.#readyEvents + this.#inFlight;
    if (n > this.#maxBuffered) this.#maxBuffered = n;
  }

  #handoffQueue(): void {
    if (this.#queue.length > 0) this.#enqueue(this.#queue.take());
  }

  #scheduleKick(): void {
    if (this.#kickScheduled) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      const full = this.#queue.takeFullBatches();
      if (full.length > 0) this.#enqueue(full);
      this.#kick();
    }).unref();
  }

  #tick(): void {
    this.#handoffQueue();
    this.#kick();
  }

  /** Runs from timers, immediates and flush — never from `emit`. */
  #kick(): void {
    if (!this.#recordingLoop) void this.#recordLoop(); // synchronous while the recorder is
    this.#spillOverflow();
    if (!this.#sending) void this.#sendLoop();
  }

  async #recordLoop(): Promise<void> {
    this.#recordingLoop = true;
    try {
      for (let item = this.#items.shift(); item; item = this.#items.shift()) {
        const n = item.events.length;
        this.#backlog -= n;
        this.#recording += n;
        const r = recordBatches(this.#recordHooks, item.events);
        const batches = Array.isArray(r) ? r : await r;
        this.#recording -= n;
        if (this.#final) return; // settled meanwhile: these were counted
        item.pending = batches.length;
        const wal = this.#writeAhead(batches);
        for (let i = 0; i < batches.length; i++) {
          const batch = batches[i] as QuadBatch;
          this.#ready.push({ batch, item, wal: wal?.[i] });
          this.#readyEvents += batch.events;
        }
        this.#noteBuffered();
        if (batches.length === 0) this.#settle(item);
        this.#spillOverflow();
        if (!this.#sending) void this.#sendLoop();
      }
    } finally {
      this.#recordingLoop = false;
    }
  }

  /**
   * Online with a journal: append freshly recorded batches to it at once (one synchronous write,
   * fsynced under durability `'sync'`), so what a SIGKILL can take is only what was not recorded
   * yet — not every batch queued behind a slow or failing sink. Returns each batch's offset.
   */
  #writeAhead(batches: readonly QuadBatch[]): number[] | undefined {
    if (!this.#journal || this.options.mode !== 'online' || batches.length === 0) return undefined;
    try {
      return this.#journal.appendManySync(batches);
    } catch (err) {
      this.#report(err, { stage: 'journal', events: batches.reduce((k, b) => k + b.events, 0), outcome: 'none' });
      return undefined; // deliverBatch tries the journal again, then the sink
    }
  }

  async #sendLoop(): Promise<void> {
    this.#sending = true;
    try {
      for (let r = this.#ready.shift(); r; r = this.#ready.shift()) {
        this.#readyEvents -= r.batch.events;
        this.#inFlight += r.batch.events;
        this.#flying.add(r);
        await deliverBatch(this.#delivery, r.batch, r.wal); // never rejects
        this.#flying.delete(r);
        this.#inFlight -= r.batch.events;
        if (this.#final) return; // settled meanwhile
        this.#batchDone(r.item);
      }
    } finally {
      this.#sending = false;
    }
  }

  /**
   * Overflow (policy `spill`): when recorded batches waiting for the sink exceed
   * `maxBacklogEvents`, *all* of them move to disk — to the journal, where they already are
   * (write-ahead), or to a spill file written synchronously in one write — and join the journal
   * drain, which delivers them in order once the sink keeps up; later batches queue behind them.
   * Without anywhere to spill (e.g. an in-memory store, which gets back-pressure instead) they
   * stay in memory.
   */
  #spillOverflow(): void {
    if (this.options.fullQueuePolicy !== 'spill' || this.#readyEvents <= this.options.maxBacklogEvents) return;
    const drain = this.#overflow.spillTarget();
    if (!drain) return;
    const taken = this.#ready;
    const fresh = taken.filter((r) => r.wal === undefined);
    let offsets: number[] = [];
    if (fresh.length > 0 && drain.journal !== this.#journal) {
      try {
        offsets = drain.journal.appendManySync(fresh.map((r) => r.batch));
      } catch (err) {
        this.#overflow.spillFailed(err, this.#readyEvents); // keep them for the sink
        return;
      }
    } else if (fresh.length > 0) return; // the journal refused them before: keep them in memory
    this.#ready = [];
    this.#readyEvents = 0;
    let k = 0;
    for (const r of taken) {
      const offset = r.wal ?? (offsets[k++] as number);
      this.#c.journaled += r.batch.events;
      drain.defer(r.batch, offset);
      this.#batchDone(r.item);
    }
  }

  #batchDone(item: WorkItem): void {
    if (--item.pending === 0) this.#settle(item);
  }

  #settle(item: WorkItem): void {
    this.#unsettled.delete(item.id);
    this.#checkWaiters();
    this.options.onProgress?.();
  }

  #checkWaiters(): void {
    if (this.#waiters.length === 0) return;
    let min = Infinity;
    for (const id of this.#unsettled) if (id < min) min = id;
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.upTo < min) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  // ---- sinks and errors -----------------------------------------------------------------------

  async #flushSinks(): Promise<void> {
    await this.#guard('flush', this.options.sink, async () => this.options.sink?.flush?.());
    for (const j of [this.#journal, ...this.#overflow.files]) await this.#guard('flush', undefined, async () => j?.flush());
  }

  async #guard(stage: 'flush' | 'close', sink: Sink | undefined, op: () => Promise<unknown>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.#report(err, { stage, ...(sink ? { sink: sink.name } : {}), outcome: 'none' });
    }
  }

  #report(error: unknown, context: TransportErrorContext): void {
    const msg = error instanceof Error ? error.message : String(error);
    const where = context.sink ? ` (${context.sink}${context.seq !== undefined ? ` seq=${context.seq}` : ''})` : '';
    this.options.logger.warn(`provml: ${context.stage} error${where}: ${msg} [${context.outcome}]`);
    try {
      this.options.onError?.(error, context);
    } catch (hookErr) {
      this.options.logger.warn(`provml: onError hook threw: ${String(hookErr)}`);
    }
  }
}

/** True when `p` settled within `ms` (its outcome is ignored: callers pass never-rejecting work). */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
