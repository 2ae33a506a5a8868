/**
 * The user's side of the worker pipeline: hands captured events to the worker in compact chunks,
 * applies back-pressure, answers `stats()` from shared memory, and settles everything
 * synchronously when the process ends (the worker is waited on with `Atomics.wait`).
 *
 * @module
 */

import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { BatchLane } from '../capture/emitter.js';
import type { CaptureEvent } from '../capture/events.js';
import { now } from '../capture/clock.js';
import { ID_NODE } from '../capture/ids.js';
import { reportUnsettled, stderrLine } from '../transport/exit-hooks.js';
import type { TransportErrorContext, TransportStats } from '../transport/options.js';
import type { TransportLogger } from '../transport/logger.js';
import type { FullQueuePolicy } from '../transport/queue.js';
import { EventEncoder } from './encoder.js';
import type { WorkerConfig, WorkerInit } from './entry.js';
import { CTL, fromWire, STAT_KEYS, type FromWorker, type SettleReply, type ToWorker } from './protocol.js';
import { WorkerStore } from './store.js';

/** Where a tracker's batches are on disk, as the worker last said. */
interface DiskState {
  files: string[];
  fallbackJournal: string | undefined;
}

/** Longest a worker may take to start (load its modules) before it is given up on. */
const STARTUP_MS = 30_000;
/** Longest an integration may hold ended batches (BatchLane.holdMs): at most the hand-off interval. */
const MAX_HOLD_MS = 64;

/**
 * Settings of the user's side of a {@link WorkerPipeline}.
 *
 * @example
 * ```ts
 * const o: WorkerPipelineOptions = { chunkSize: 512, handoffMs: 250, maxInFlight: 8192, policy: 'spill', shutdownTimeoutMs: 3000, logger };
 * ```
 */
export interface WorkerPipelineOptions {
  /** Most events per chunk handed to the worker (a chunk goes when full, or after `handoffMs`). */
  chunkSize: number;
  /** Longest an event waits on this thread before its chunk is handed off. */
  handoffMs: number;
  /** Events handed off but not yet settled by the worker before the producer waits (or drops, under `'drop'`). */
  maxInFlight: number;
  policy: FullQueuePolicy;
  /** Under durability `'sync'`: every chunk is journaled at once, and structural events go immediately. */
  urgent: boolean;
  shutdownTimeoutMs: number;
  logger: TransportLogger;
  onError?: ((error: unknown, context: TransportErrorContext) => void) | undefined;
  /** The worker holds a store the user may query (embedded) or an endpoint. */
  queryable: boolean;
  /** The worker's store must outlive `shutdown()` (the in-memory embedded store). */
  keepStore: boolean;
  /** Offline mode: the journal is the destination, so waiting there is not reported. */
  offline: boolean;
}

/** Where the worker script is: the built `worker.js` next to this chunk, or the TypeScript source through tsx. */
function spawn(init: WorkerInit, transfer: MessagePort[]): Worker {
  const here = import.meta.url;
  if (/\.[cm]?ts$/.test(here)) {
    const entry = new URL('./entry.ts', here).href;
    return new Worker(new URL('./boot.mjs', here), { workerData: { ...init, entry }, transferList: transfer });
  }
  // dist/worker.js is ESM; a CommonJS caller starts the very same file.
  return new Worker(new URL('./worker.js', here), { workerData: init, transferList: transfer });
}

/**
 * Captured events → the provenance worker. `emit` is the hot path: it encodes the event into the
 * current chunk (one Float64Array of records) and, when the chunk is full or old, transfers it to the worker —
 * no I/O, no RDF, no awaiting. The worker is `unref()`ed except while a flush, shutdown or query
 * is pending, so an idle tracker never keeps the process alive; at exit, `settleSync()` blocks
 * until the worker has settled everything (bounded by `shutdownTimeoutMs`).
 *
 * @example
 * ```ts
 * const pipe = new WorkerPipeline({ recorder: {}, target: { kind: 'embedded' }, transport: {} }, options);
 * pipe.emit(event);
 * await pipe.flush();
 * ```
 */
export class WorkerPipeline {
  readonly store: WorkerStore | undefined;
  readonly #o: WorkerPipelineOptions;
  readonly #worker: Worker;
  readonly #ctl: Int32Array;
  readonly #stats: Float64Array;
  readonly #settlePort: MessagePort;
  readonly #enc: EventEncoder;
  /** One-shot hand-off timer, armed by the first event of a chunk (an idle tracker never wakes the thread). */
  #timer: NodeJS.Timeout | undefined;
  #armed = false;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #nextId = 1;
  #refs = 0;
  #captured = 0;
  #dropped = 0; // refused on this thread (after shutdown, policy drop, dead worker)
  #posted = 0; // events handed off
  #state: 'running' | 'stopping' | 'settled' | 'closed' = 'running';
  #dead: Error | undefined;
  #shutdown: Promise<void> | undefined;
  #final: TransportStats | undefined;
  #waitBroken = false;
  #disk: DiskState = { files: [], fallbackJournal: undefined };

  constructor(config: WorkerConfig, options: WorkerPipelineOptions) {
    this.#o = options;
    this.lane.holdMs = Math.min(MAX_HOLD_MS, options.handoffMs);
    this.#enc = new EventEncoder(options.chunkSize);
    const ctl = new SharedArrayBuffer(CTL.SIZE * 4);
    const stats = new SharedArrayBuffer(STAT_KEYS.length * 8);
    this.#ctl = new Int32Array(ctl);
    this.#stats = new Float64Array(stats);
    const { port1, port2 } = new MessageChannel();
    this.#settlePort = port1;
    port1.unref();
    this.#worker = spawn({ config, ctl, stats, settlePort: port2, idNode: ID_NODE }, [port2]);
    this.#worker.on('message', (m: FromWorker) => this.#onMessage(m));
    this.#worker.on('error', (err) => this.#died(err));
    this.#worker.on('exit', (code) => {
      if (this.#state !== 'closed') this.#died(new Error(`provml: the provenance worker exited (code ${code})`));
    });
    this.#worker.unref(); // after the listeners: adding a 'message' listener refs the port again
    this.store = options.queryable ? new WorkerStore((method, args) => this.#call({ type: 'query', method, args }), () => this.#terminate()) : undefined;
  }

  /** The hot path. Never throws. */
  readonly emit = (e: CaptureEvent): void => {
    if (!this.#admit()) return;
    try {
      const enc = this.#enc;
      if (enc.add(e)) this.#post();
      else if (e.t !== 'spec' && (e.at - enc.firstAt >= this.#o.handoffMs || (this.#o.urgent && e.t === 'end' && e.kind !== 'batch'))) this.#post();
      else if (!this.#armed) this.#arm();
    } catch {
      this.#dropped++;
    }
  };

  /**
   * The batch lane (see capture's `BatchLane`): a batch's start and end written straight into the
   * chunk, counted and handed off exactly as `emit` would count and hand off the two events.
   */
  readonly lane: BatchLane = {
    start: (ms, counter, root, parent, spec, at, index) => {
      if (!this.#admit()) return;
      try {
        this.#handoff(this.#enc.addBatchStart(ms, counter, root, parent, spec, at, index), at);
      } catch {
        this.#dropped++;
      }
    },
    end: (ms, counter, root, at, outs, values, n) => {
      if (!this.#admit()) return;
      try {
        this.#handoff(this.#enc.addBatchEnd(ms, counter, root, at, outs, values, n), at);
      } catch {
        this.#dropped++;
      }
    },
    holdMs: 0,
  };

  /** Count a captured event; false (and counted dropped) once the pipeline no longer takes any. */
  #admit(): boolean {
    this.#captured++;
    if (this.#state === 'running') return true;
    this.#dropped++;
    return false;
  }

  /** After a batch record: post a full or old chunk, else make sure the hand-off timer runs. */
  #handoff(full: boolean, at: number): void {
    if (full || at - this.#enc.firstAt >= this.#o.handoffMs) this.#post();
    else if (!this.#armed) this.#arm();
  }

  /** A chunk waits: the timer hands it off within `handoffMs` (from its first event) if no more events come. */
  #arm(delay = this.#o.handoffMs): void {
    this.#armed = true;
    this.#timer = setTimeout(this.#onTimer, delay);
    this.#timer.unref();
  }

  /**
   * The hand-off timer: only the backstop for a stream that stops. A running stream's chunk goes
   * from the hot path when it fills or ages, and that path never touches the timer (re-arming one
   * costs the user's thread ≈ 10 µs). So the timer may find its chunk gone and a younger one
   * waiting; it then sleeps until that one is due. (Posting it early, as it once did, handed off
   * every ~125 ms instead of 250, each post ≈ 100–200 µs between two of the training's batches.)
   */
  readonly #onTimer = (): void => {
    this.#armed = false;
    if (this.#enc.length === 0) return;
    const first = this.#enc.firstAt; // Infinity: only spec records wait, due now
    const wait = first === Infinity ? 0 : this.#o.handoffMs - (now() - first);
    if (wait > 1) this.#arm(Math.min(wait, this.#o.handoffMs));
    else this.#post();
  };

  #post(): void {
    const chunk = this.#enc.take(this.#o.urgent);
    if (!chunk) return;
    if (this.#dead) {
      this.#dropped += chunk.n;
      return;
    }
    if (!this.#room(chunk.n)) {
      this.#dropped += chunk.n; // policy 'drop': refused, counted
      return;
    }
    this.#posted += chunk.n;
    this.#worker.postMessage(chunk satisfies ToWorker, [chunk.buffer]);
  }

  /** Back-pressure: wait (bounded) until the worker has room for `n` more events. */
  #room(n: number): boolean {
    const max = this.#o.maxInFlight;
    if (this.#inFlight() + n <= max) return true;
    if (this.#o.policy === 'drop') return false;
    if (this.#waitBroken) return true;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const progress = Atomics.load(this.#ctl, CTL.PROGRESS);
      if (this.#inFlight() + n <= max || this.#dead) return true;
      if (Date.now() > deadline) {
        this.#waitBroken = true; // a stuck worker must not freeze the program: stop waiting, say so
        this.#o.logger.warn('provml: the provenance worker made no progress for 30 s; no longer waiting for it (memory may grow)');
        return true;
      }
      Atomics.wait(this.#ctl, CTL.PROGRESS, progress, 50);
    }
  }

  #onMessage(m: FromWorker): void {
    if (m.type === 'warn') this.#o.logger.warn(m.message);
    else if (m.type === 'error') {
      try {
        this.#o.onError?.(fromWire(m.error), m.context);
      } catch (hookErr) {
        this.#o.logger.warn(`provml: onError hook threw: ${String(hookErr)}`);
      }
    } else if (m.type === 'done') {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      this.#release();
      if (m.error) p.reject(fromWire(m.error));
      else p.resolve(m.value);
    }
  }

  #died(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    this.#o.logger.warn(`provml: ${err.message}`);
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #hold(): void {
    if (this.#refs++ === 0) this.#worker.ref();
  }

  #release(): void {
    if (--this.#refs === 0) this.#worker.unref();
  }

  #call(m: ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (this.#state === 'closed' && m.type !== 'query') return Promise.resolve(undefined);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#hold();
      this.#worker.postMessage({ ...m, id } as ToWorker);
    });
  }

  /** A snapshot of the counters: this thread's plus the worker's (read from shared memory). */
  stats(): TransportStats {
    if (this.#final) {
      const late = this.#captured - this.#final.captured; // refused after the end: captured and dropped
      return { ...this.#final, captured: this.#captured, dropped: this.#final.dropped + late };
    }
    const w = {} as Record<(typeof STAT_KEYS)[number], number>;
    for (let k = 0; k < STAT_KEYS.length; k++) w[STAT_KEYS[k]!] = this.#stats[k]!;
    const inTransit = Math.max(0, this.#posted - w.captured);
    return {
      captured: this.#captured,
      recorded: w.recorded,
      sent: w.sent,
      journaled: w.journaled,
      deadLettered: w.deadLettered,
      dropped: w.dropped + this.#dropped + (this.#dead ? this.#unsettled() : 0),
      retried: w.retried,
      failedBatches: w.failedBatches,
      queueLength: this.#dead ? 0 : this.#enc.length + inTransit + w.queueLength,
      maxBuffered: w.maxBuffered,
      held: w.held,
      ...(this.#disk.fallbackJournal ? { fallbackJournal: this.#disk.fallbackJournal } : {}),
    };
  }

  /** Events handed off and not settled yet (the shared counter wraps at 2^32; so does the difference). */
  #inFlight(): number {
    return ((this.#posted | 0) - Atomics.load(this.#ctl, CTL.SETTLED)) | 0;
  }

  #unsettled(): number {
    return Math.max(0, this.#inFlight());
  }

  /** True while events wait on this thread or in the worker. */
  hasPendingWork(): boolean {
    return this.#state === 'running' && !this.#dead && (this.#enc.length > 0 || this.#unsettled() > 0);
  }

  /** Resolves when everything emitted before the call is settled in the worker. Never rejects. */
  async flush(): Promise<void> {
    this.#post();
    this.#noteDisk(await this.#call({ type: 'flush' }).catch(() => undefined));
  }

  #noteDisk(v: unknown): void {
    if (v && typeof v === 'object' && Array.isArray((v as { files?: unknown }).files)) this.#disk = v as DiskState;
  }

  /** Files on disk holding this tracker's batches (journal, fallback journal), as of the last flush. */
  files(): string[] {
    return this.#disk.files;
  }

  /**
   * Hand off what is left, let the worker flush and close (bounded by `shutdownTimeoutMs`), then
   * stop it — unless it holds the in-memory store, which stays queryable. Never rejects.
   */
  shutdown(): Promise<void> {
    return (this.#shutdown ??= this.#doShutdown());
  }

  async #doShutdown(): Promise<void> {
    this.#post();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#state === 'running') {
      this.#hold();
      await this.#started(); // a slow start-up (a loaded machine) is not the endpoint's fault
      this.#release();
      this.#state = 'stopping'; // later events are refused and counted dropped
      const answered = await Promise.race([
        this.#call({ type: 'shutdown' }).then(
          (v) => {
            this.#noteDisk(v);
            return true;
          },
          () => false,
        ),
        new Promise<boolean>((r) => setTimeout(r, this.#o.shutdownTimeoutMs + 2000, false).unref()),
      ]);
      if (!answered && !this.#dead) this.#settleAndReport();
    }
    this.#state = 'closed';
    this.#final = this.stats();
    if (!this.#o.keepStore) await this.#terminate();
  }

  /** Resolves once the worker listens (or after {@link STARTUP_MS}, or when it died). */
  async #started(): Promise<void> {
    const end = Date.now() + STARTUP_MS;
    while (Atomics.load(this.#ctl, CTL.READY) !== 1 && !this.#dead && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async #terminate(): Promise<void> {
    this.#state = 'closed';
    await this.#worker.terminate().catch(() => undefined);
  }

  /**
   * The exit path (process `exit`, signals): hand off what is left, then block until the worker
   * has settled everything — sent, journaled, or written to a fallback journal — or the timeout
   * passes; print what did not reach the store on stderr. Idempotent; never throws.
   */
  settleSync(): void {
    if (this.#state !== 'running' || this.#dead) return;
    this.#post();
    this.#state = 'settled';
    if (this.#timer) clearTimeout(this.#timer);
    this.#settleAndReport();
  }

  #settleAndReport(): void {
    // Start-up first: events handed to a worker still loading are settled once it listens.
    if (Atomics.load(this.#ctl, CTL.READY) !== 1) Atomics.wait(this.#ctl, CTL.READY, 0, STARTUP_MS);
    const id = this.#nextId++;
    const timeout = this.#o.shutdownTimeoutMs;
    this.#worker.postMessage({ type: 'settle', id, deadline: Date.now() + timeout } satisfies ToWorker);
    const end = Date.now() + timeout + 2000;
    for (let done = Atomics.load(this.#ctl, CTL.DONE); done !== id; done = Atomics.load(this.#ctl, CTL.DONE)) {
      const left = end - Date.now();
      if (left <= 0) break;
      Atomics.wait(this.#ctl, CTL.DONE, done, Math.min(left, 100));
    }
    const reply = receiveMessageOnPort(this.#settlePort)?.message as SettleReply | undefined;
    if (reply) this.#disk = { files: reply.files, fallbackJournal: reply.fallbackJournal };
    const s = this.stats();
    if (!reply) {
      // The worker did not answer in time: what it had not settled is lost. Say so.
      const lost = this.#unsettled();
      s.dropped += lost;
      s.queueLength = 0;
      this.#final = s;
      stderrLine(`provml: ${lost} provenance events dropped: the worker did not settle them within ${timeout + 2000} ms`);
      return;
    }
    this.#final = { ...s, queueLength: 0, ...(reply.fallbackJournal ? { fallbackJournal: reply.fallbackJournal } : {}) };
    reportUnsettled(this.#final, reply.files, this.#o.offline);
  }
}
