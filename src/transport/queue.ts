import type { CaptureEvent } from '../capture/events.js';

/**
 * What happens when an event arrives and the in-memory queue already holds `queueSize` events.
 *
 * - `'spill'` (default): the full queue is handed, as one chunk, to the background pipeline at once
 *   (an O(1) array swap) and the event is accepted. If the pipeline is itself backed up beyond its
 *   bound (`maxBacklogEvents` recorded events waiting for the sink), the newest waiting batches are
 *   appended to the journal (or a spill file) instead of being kept in memory — nothing is lost and
 *   memory stays bounded (by the bound plus what the producer emits between two event-loop turns).
 * - `'drop'`: the event is discarded and counted in `stats().dropped`. Cheapest; loses data.
 * - `'block'`: the producer pays: the queue is drained synchronously, in the caller's thread, into
 *   a pending batch (a copy of the queue), which the pipeline then delivers; nothing is lost and
 *   nothing is spilled to disk because of back-pressure. JavaScript cannot park the producer's
 *   thread, so the latency of the drain moves into the user's code and, if the sink stays slower
 *   than the producer, memory grows with the backlog. Use it when completeness matters more than
 *   memory and no journal is wanted.
 *
 * @example
 * ```ts
 * const policy: FullQueuePolicy = 'drop';
 * ```
 */
export type FullQueuePolicy = 'spill' | 'drop' | 'block';

/**
 * Callbacks through which {@link EventQueue} talks to its consumer.
 *
 * @example
 * ```ts
 * const hooks: EventQueueHooks = { onHandoff: (chunk) => backlog.push(chunk), onBatchReady: () => kick() };
 * ```
 */
export interface EventQueueHooks {
  /** The queue was full and drained into `chunk` (policy `spill` or `block`). Must not throw. */
  onHandoff(chunk: CaptureEvent[], policy: 'spill' | 'block'): void;
  /** The queue just reached `batchSize` events (called once per time it crosses). Must not throw. */
  onBatchReady(): void;
}

/**
 * Options for {@link EventQueue}.
 *
 * @example
 * ```ts
 * const opts: EventQueueOptions = { capacity: 2048, batchSize: 512, policy: 'spill', hooks };
 * ```
 */
export interface EventQueueOptions {
  /** Maximum events held before the full-queue policy applies. */
  capacity: number;
  /** Length at which `onBatchReady` fires. */
  batchSize: number;
  policy: FullQueuePolicy;
  hooks: EventQueueHooks;
}

/**
 * The bounded queue on the capture hot path. `push` is O(1), performs no I/O, allocates nothing
 * beyond the array append (a swap allocates one empty array when the queue is handed off), and
 * never throws.
 *
 * @example
 * ```ts
 * const q = new EventQueue({ capacity: 4, batchSize: 2, policy: 'drop', hooks: {
 *   onHandoff: () => {}, onBatchReady: () => console.log('batch ready'),
 * }});
 * q.push(event); // true: accepted
 * const events = q.take(); // everything queued, queue now empty
 * ```
 */
export class EventQueue {
  readonly capacity: number;
  readonly batchSize: number;
  readonly policy: FullQueuePolicy;
  /** Events refused because the queue was full under policy `drop`. */
  rejected = 0;
  #buf: CaptureEvent[] = [];
  readonly #hooks: EventQueueHooks;

  constructor(options: EventQueueOptions) {
    this.capacity = Math.max(1, Math.floor(options.capacity));
    this.batchSize = Math.max(1, Math.min(Math.floor(options.batchSize), this.capacity));
    this.policy = options.policy;
    this.#hooks = options.hooks;
  }

  /** Events currently queued. */
  get length(): number {
    return this.#buf.length;
  }

  /**
   * Offer one event. Returns `true` if it was accepted, `false` if the `drop` policy discarded it.
   */
  push(event: CaptureEvent): boolean {
    let buf = this.#buf;
    if (buf.length >= this.capacity) {
      if (this.policy === 'drop') {
        this.rejected++;
        return false;
      }
      let chunk: CaptureEvent[];
      if (this.policy === 'spill') {
        chunk = buf;
        buf = this.#buf = [];
      } else {
        chunk = buf.slice();
        buf.length = 0;
      }
      this.#hooks.onHandoff(chunk, this.policy);
    }
    if (buf.push(event) === this.batchSize) this.#hooks.onBatchReady();
    return true;
  }

  /**
   * Remove and return the largest multiple of `batchSize` events from the head of the queue (the
   * array is swapped out; only the remainder, shorter than a batch, is copied back).
   */
  takeFullBatches(): CaptureEvent[] {
    const buf = this.#buf;
    const keep = buf.length % this.batchSize;
    if (keep === buf.length) return [];
    this.#buf = keep === 0 ? [] : buf.slice(buf.length - keep);
    buf.length -= keep;
    return buf;
  }

  /** Remove and return everything queued (O(1): the internal array is swapped out). */
  take(): CaptureEvent[] {
    const out = this.#buf;
    this.#buf = [];
    return out;
  }
}
