import type { Quad } from '@rdfjs/types';
import { Store } from 'n3';
import type { QuadBatch, Sink } from '../sink.js';

/**
 * A sink that keeps every batch in memory, like OpenTelemetry's `InMemorySpanExporter`: for tests,
 * examples and notebooks. `dataset` is an n3 `Store` holding the union of all quads (a set, so
 * re-sent batches do not duplicate).
 *
 * @example
 * ```ts
 * const sink = new InMemorySink();
 * const transport = new Transport({ recorder, sink });
 * transport.emit(event);
 * await transport.flush();
 * sink.quads().length; // quads recorded so far
 * sink.dataset.countQuads(null, null, null, null);
 * ```
 */
export class InMemorySink implements Sink {
  readonly name: string;
  /** All quads received, deduplicated (n3 Store). */
  dataset = new Store();
  #batches: QuadBatch[] = [];

  constructor(name = 'memory') {
    this.name = name;
  }

  async write(batch: QuadBatch): Promise<void> {
    this.#batches.push(batch);
    this.dataset.addQuads(batch.quads as Quad[]);
  }

  /** The batches received, in arrival order. */
  batches(): readonly QuadBatch[] {
    return this.#batches;
  }

  /** Every quad received, in arrival order (with duplicates if a batch arrived twice). */
  quads(): Quad[] {
    return this.#batches.flatMap((b) => b.quads);
  }

  /** Forget everything received. */
  reset(): void {
    this.#batches = [];
    this.dataset = new Store();
  }
}
