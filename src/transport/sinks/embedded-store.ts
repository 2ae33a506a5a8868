import type { EmbeddedStore } from '../../store/embedded.js';
import type { QuadBatch, Sink } from '../sink.js';

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
}

/**
 * A sink writing batches into an {@link EmbeddedStore} through Oxigraph's bulk loader
 * (`store.load(batch.nquads, { format: 'application/n-quads' })`, one transaction per batch), not
 * quad by quad. Loading the same batch twice changes nothing.
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

  constructor(store: EmbeddedStore, options: EmbeddedStoreSinkOptions = {}) {
    this.store = store;
    this.#options = options;
  }

  async write(batch: QuadBatch): Promise<void> {
    this.store.loadNQuads(batch.nquads);
  }

  async flush(): Promise<void> {
    if (this.#options.persistOnFlush) await this.store.persist();
  }

  async close(): Promise<void> {
    if (this.#options.closeStore) await this.store.close();
  }
}
