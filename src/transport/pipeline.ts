import type { CaptureEvent } from '../capture/events.js';
import { DeadLetterFile } from './dead-letter.js';
import { deliverBatch, type DeliveryContext } from './delivery.js';
import { JournalDrain } from './drain.js';
import { registerExitFlush } from './exit-hooks.js';
import { Journal } from './journal.js';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type TransportErrorContext,
  type TransportOptions,
  type TransportStats,
} from './options.js';
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
  #spillFile: Journal | undefined;
  #spillBroken = false;
  readonly #delivery: DeliveryContext;
  readonly #drain: JournalDrain | undefined;
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
    };
    if (o.mode === 'online' && o.sink && this.#journal) {
      const warn = (m: string) => o.logger.warn(m);
      this.#drain = new JournalDrain({ journal: this.#journal, sink: o.sink, context: this.#delivery, maxDelayMs: o.drainMaxDelayMs, warn });
      this.#delivery.backlog = this.#drain;
    }
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
    try {
      if (this.#state !== 'running') this.#c.dropped++;
      else if (this.#queue.push(event)) this.#c.captured++;
      else this.#c.dropped++;
    } catch {
      this.#c.dropped++;
    }
  };

  /** A snapshot of the counters. */
  stats(): TransportStats {
    const queueLength = this.#queue.length + this.#backlog + this.#recording + this.#readyEvents;
    return { ...this.#c, queueLength, maxBuffered: this.#maxBuffered };
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
    if (this.#drain?.pending()) {
      const pass = this.#drain.drainFresh();
      await (drainTimeoutMs === undefined ? pass : Promise.race([pass, sleepUnref(drainTimeoutMs)]));
    }
    await this.#flushSinks();
  }

  /**
   * Flush, then close the sink and journals, stop the timer and remove exit hooks. Idempotent
   * (returns the same promise). Events emitted afterwards are counted as dropped. Never rejects.
   */
  shutdown(): Promise<void> {
    return (this.#shutdown ??= this.#doShutdown());
  }

  async #doShutdown(): Promise<void> {
    this.#state = 'stopping';
    clearInterval(this.#timer);
    this.#unregisterExit?.();
    await this.#flush(this.options.shutdownDrainTimeoutMs);
    this.#drain?.close(); // what is left stays journaled
    await this.#guard('close', this.options.sink, async () => this.options.sink?.close?.());
    for (const j of [this.#journal, this.#spillFile]) await this.#guard('close', undefined, async () => j?.close());
    this.#state = 'closed';
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
        item.pending = batches.length;
        for (const batch of batches) {
          this.#ready.push({ batch, item });
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

  async #sendLoop(): Promise<void> {
    this.#sending = true;
    try {
      for (let r = this.#ready.shift(); r; r = this.#ready.shift()) {
        this.#readyEvents -= r.batch.events;
        this.#inFlight += r.batch.events;
        await this.#deliver(r.batch); // never rejects
        this.#inFlight -= r.batch.events;
        this.#batchDone(r.item);
      }
    } finally {
      this.#sending = false;
    }
  }

  /**
   * Overflow (policy `spill`): when recorded batches waiting for the sink exceed
   * `maxBacklogEvents`, append the newest of them (down to half the bound) to disk
   * *synchronously*, in one write, so memory is released before the producer runs again.
   */
  #spillOverflow(): void {
    const max = this.options.maxBacklogEvents;
    if (this.options.fullQueuePolicy !== 'spill' || this.#readyEvents <= max) return;
    const journal = this.#spillTarget();
    if (!journal) return; // nowhere to spill: keep in memory
    const taken: Ready[] = [];
    while (this.#readyEvents > max / 2 && this.#ready.length > 0) {
      const r = this.#ready.pop() as Ready;
      this.#readyEvents -= r.batch.events;
      taken.push(r);
    }
    try {
      journal.appendManySync(taken.map((r) => r.batch));
    } catch (err) {
      this.#spillBroken = true; // disk refused: stop spilling, keep them for the sink
      for (let i = taken.length - 1; i >= 0; i--) this.#ready.push(taken[i] as Ready);
      for (const r of taken) this.#readyEvents += r.batch.events;
      this.#report(err, { stage: 'spill', events: this.#readyEvents, outcome: 'none' });
      return;
    }
    for (const r of taken) {
      this.#c.journaled += r.batch.events;
      this.#batchDone(r.item);
    }
  }

  /** Overflow target: the configured journal, else the spill file (created on first need). */
  #spillTarget(): Journal | undefined {
    if (this.#spillBroken) return undefined;
    if (this.#journal) return this.#journal;
    const path = this.options.spillPath;
    if (!path) return undefined;
    if (!this.#spillFile) {
      try {
        this.#spillFile = Journal.openSync({ path, durability: 'none' });
        this.options.logger.warn(`provml: sink backlog exceeded; spilling batches to ${path} (replay with provml push)`);
      } catch (err) {
        this.#spillBroken = true;
        this.#report(err, { stage: 'spill', outcome: 'none' });
      }
    }
    return this.#spillFile;
  }

  #batchDone(item: WorkItem): void {
    if (--item.pending === 0) this.#settle(item);
  }

  #settle(item: WorkItem): void {
    this.#unsettled.delete(item.id);
    this.#checkWaiters();
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

  // ---- recording and delivery --------------------------------------------------------------

  #deliver(batch: QuadBatch): Promise<void> {
    return deliverBatch(this.#delivery, batch);
  }

  async #flushSinks(): Promise<void> {
    await this.#guard('flush', this.options.sink, async () => this.options.sink?.flush?.());
    for (const j of [this.#journal, this.#spillFile]) await this.#guard('flush', undefined, async () => j?.flush());
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
