import { rm } from 'node:fs/promises';
import type { CaptureEvent } from '../capture/events.js';
import { DeadLetterFile } from './dead-letter.js';
import { refusedLate, type DeliveryContext } from './delivery.js';
import { registerExitFlush } from './exit-hooks.js';
import { Journal, sentSidecarPath } from './journal.js';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type SettleReport,
  type TransportErrorContext,
  type TransportOptions,
  type TransportStats,
} from './options.js';
import { Overflow } from './overflow.js';
import { EventQueue } from './queue.js';
import { Sender } from './sender.js';
import { recordBatches, type RecordHooks } from './record-batches.js';
import { sleepUnref, within } from './retry.js';
import type { QuadBatch, Sink } from './sink.js';

export type { SettleReport, TransportStats } from './options.js';

/** A chunk of events handed off by the queue; settled once all its batches are delivered. */
interface WorkItem {
  id: number;
  events: CaptureEvent[];
  /** Recorded batches not yet sent/journaled; -1 while not recorded. */
  pending: number;
}



interface Waiter {
  upTo: number;
  resolve: () => void;
}

type Counters = Omit<TransportStats, 'queueLength' | 'maxBuffered' | 'held'>;

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
  readonly #sender: Sender<WorkItem>; // recorded batches → the sink (lanes, merging, overflow)
  #final: TransportStats | undefined; // frozen by settleNow(): late completions change nothing
  #maxBuffered = 0;
  #nextId = 1;
  readonly #unsettled = new Set<number>();
  #waiters: Waiter[] = [];
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
    this.#sender = new Sender(o, this.#delivery, this.#overflow, this.#journal, (item) => this.#batchDone(item));
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
    if (this.#final) {
      const late = this.#c.captured - this.#final.captured; // refused after the settle: captured and dropped
      return { ...this.#final, captured: this.#c.captured, dropped: this.#final.dropped + late };
    }
    const queueLength = this.#queue.length + this.#backlog + this.#recording + this.#sender.waiting;
    const fallbackJournal = this.#overflow.fallbackPath;
    return { ...this.#c, queueLength, maxBuffered: this.#maxBuffered, held: this.options.sink?.held ?? 0, ...(fallbackJournal ? { fallbackJournal } : {}) };
  }

  /**
   * A batch the sink accepted and refused later, when it finally stored it (see
   * `EmbeddedStoreSink`'s `onLateFailure`): its events move from `sent` to `deadLettered`, or to
   * `dropped`, and the failure is reported.
   *
   * @example
   * ```ts
   * const sink = new EmbeddedStoreSink(store, { hold: () => training, onLateFailure: (b, e) => transport.refusedLate(b, e) });
   * ```
   */
  refusedLate(batch: QuadBatch, err: unknown): void {
    refusedLate(this.#delivery, this.options.sink as Sink, batch, err);
    this.options.onProgress?.();
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
      // Flush with most of the budget; keep a fifth (≤ 1 s) to settle what is left and close.
      const total = this.options.shutdownTimeoutMs;
      const deadline = Date.now() + total;
      const flushEnd = deadline - Math.min(1000, total / 5);
      const drainBudget = Math.min(this.options.shutdownDrainTimeoutMs, total / 2);
      const flushed = await within(this.#flush(drainBudget), flushEnd - Date.now());
      if (!flushed) await this.settleNow(deadline);
      this.#overflow.drain?.close(); // what is left stays journaled
      // A request still hanging must not hold shutdown: the sink gets what is left of the budget.
      await within(this.#guard('close', this.options.sink, async () => this.options.sink?.close?.()), Math.max(50, deadline - Date.now()));
      for (const j of [this.#journal, ...this.#overflow.files]) await this.#guard('close', undefined, async () => j?.close());
      // A fallback journal whose batches were all delivered is spent: remove it (and its .sent).
      const spent = this.#overflow.fallbackPath;
      if (spent && !this.#journal && this.stats().journaled === 0) {
        await Promise.all([rm(spent, { force: true }), rm(sentSidecarPath(spent), { force: true })]).catch(() => undefined);
      }
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
    const open = this.#sender.stop();
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
    this.#overflow.files.forEach((j) => j.flushSync());
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
  // sender ─lanes→ sink;  sender overflow (policy spill) ─synchronous append→ journal / spill file.

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
    const n = this.#queue.length + this.#backlog + this.#recording + this.#sender.waiting + this.#sender.inFlight;
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
    this.#sender.kick();
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
        for (let i = 0; i < batches.length; i++) this.#sender.push({ batch: batches[i] as QuadBatch, token: item, wal: wal?.[i] });
        this.#noteBuffered();
        if (batches.length === 0) this.#settle(item);
        this.#sender.kick();
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
