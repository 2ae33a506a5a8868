import type { EmbeddedStore } from '../../store/embedded.js';
import { createQuadBatch, type QuadBatch, type Sink } from '../sink.js';

/**
 * Options of {@link EmbeddedStoreSink}.
 *
 * @example
 * ```ts
 * new EmbeddedStoreSink(store, { closeStore: true, persistOnFlush: true });
 * ```
 */
export interface EmbeddedStoreSinkOptions {
  /** Close (and so persist) the store when the tracker shuts down (default `false`: the caller owns it). */
  closeStore?: boolean;
  /** `persist()` the store on every tracker flush (default `false`). */
  persistOnFlush?: boolean;
  /**
   * While this returns true, batches are held in memory instead of being indexed by the store
   * (see {@link EmbeddedStoreSink.release}). Default: never hold.
   */
  hold?: () => boolean;
  /** Held N-Quads (UTF-8 bytes) above which the sink indexes everything held, holding or not (default 64 MiB). */
  maxHeldBytes?: number;
  /**
   * A held batch the store refused when it was finally indexed. Its `write` had already resolved,
   * so the caller must move its events from `sent` to a failure outcome (the worker hands it to
   * the transport). Without it, the error is thrown from `release()`.
   */
  onLateFailure?: (batch: QuadBatch, error: unknown) => void;
}

/**
 * A held batch: its text as UTF-8 bytes, and its counts. Not the quads, nor the string: a batch's
 * text is a rope of many small strings, and tens of MB of those on the worker's heap made every
 * collection trace them (a 100,000-event burst in a training stage took 8× as long); bytes live
 * outside the heap, and Oxigraph reads them as they are.
 */
interface Held {
  seq: number;
  events: number;
  bytes: Buffer;
  size: number;
}

/**
 * A sink writing batches into an {@link EmbeddedStore} through Oxigraph's bulk loader
 * (`store.load(batch.nquads, { format: 'application/n-quads' })`, one transaction per batch), not
 * quad by quad. Loading the same batch twice changes nothing.
 *
 * ## Holding while a training runs
 * With `hold`, batches that arrive while it returns true are kept as UTF-8 bytes and indexed later in
 * one load: at the first write after `hold` turns false, at {@link release}, at `flush()` and
 * `close()`, and whenever more than `maxHeldBytes` are held. The worker pipeline holds while a
 * training stage is open, so the store's indexing (the costliest step after capture) does not
 * compete with the training for the machine's cores, and it releases before answering any query,
 * so a reader never sees less than was written.
 *
 * @example
 * ```ts
 * const store = await EmbeddedStore.open();
 * const transport = new Transport({ recorder, sink: new EmbeddedStoreSink(store) });
 * ```
 */
export class EmbeddedStoreSink implements Sink {
  readonly name = 'embedded';
  readonly store: EmbeddedStore;
  readonly #options: EmbeddedStoreSinkOptions;
  readonly #maxHeld: number;
  #held: Held[] = [];
  #heldBytes = 0;
  #heldEvents = 0;

  constructor(store: EmbeddedStore, options: EmbeddedStoreSinkOptions = {}) {
    this.store = store;
    this.#options = options;
    this.#maxHeld = options.maxHeldBytes ?? 64 * 1024 * 1024;
  }

  /** Events held, not yet indexed (0 without `hold`). */
  get held(): number {
    return this.#heldEvents;
  }

  async write(batch: QuadBatch): Promise<void> {
    if (this.#options.hold?.()) {
      const bytes = Buffer.from(batch.nquads, 'utf8');
      this.#held.push({ seq: batch.seq, events: batch.events, bytes, size: batch.size });
      this.#heldBytes += bytes.length;
      this.#heldEvents += batch.events;
      if (this.#heldBytes > this.#maxHeld) this.release();
      return;
    }
    if (this.#held.length > 0) this.release();
    this.store.loadNQuads(batch.nquads);
  }

  /**
   * Index everything held, in one load (batch by batch if that fails, so that only a batch the
   * store refuses is reported, through `onLateFailure`). Synchronous; a no-op when nothing is held.
   *
   * @example
   * ```ts
   * sink.release();
   * await sink.store.select('SELECT * WHERE { ?s ?p ?o } LIMIT 1'); // sees every batch written
   * ```
   */
  release(): void {
    if (this.#held.length === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#heldEvents = 0;
    try {
      this.store.loadNQuads(held.map((h) => h.bytes));
      return;
    } catch {
      // Find the batch (or batches) at fault; loading what already went in again changes nothing.
    }
    let failure: { error: unknown } | undefined;
    for (const h of held) {
      try {
        this.store.loadNQuads(h.bytes);
      } catch (error) {
        const batch = createQuadBatch({ seq: h.seq, events: h.events, nquads: h.bytes.toString('utf8'), size: h.size });
        if (this.#options.onLateFailure) this.#options.onLateFailure(batch, error);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  async flush(): Promise<void> {
    this.release();
    if (this.#options.persistOnFlush) await this.store.persist();
  }

  async close(): Promise<void> {
    this.release();
    if (this.#options.closeStore) await this.store.close();
  }
}
