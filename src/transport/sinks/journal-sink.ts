import { Journal, type JournalOptions } from '../journal.js';
import type { QuadBatch, Sink } from '../sink.js';

/**
 * A sink that appends each batch to an N-Quads journal file (see {@link Journal}); `flush()`
 * fsyncs per the journal's durability. The file is opened lazily on the first write.
 *
 * @example
 * ```ts
 * const sink = new JournalSink({ path: './run.nq', durability: 'sync' });
 * await sink.write(batch);
 * await sink.close();
 * ```
 */
export class JournalSink implements Sink {
  readonly name: string;
  readonly options: JournalOptions;
  #journal: Promise<Journal> | undefined;

  constructor(options: JournalOptions) {
    this.options = options;
    this.name = 'journal';
  }

  /** The underlying journal (opened on first use). */
  journal(): Promise<Journal> {
    return (this.#journal ??= Journal.open(this.options));
  }

  async write(batch: QuadBatch): Promise<void> {
    await (await this.journal()).append(batch);
  }

  async flush(): Promise<void> {
    if (this.#journal) await (await this.#journal).flush();
  }

  async close(): Promise<void> {
    if (this.#journal) await (await this.#journal).close();
  }
}
