import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryContext } from './delivery.js';
import { JournalDrain } from './drain.js';
import { Journal } from './journal.js';
import type { ResolvedTransportOptions, TransportErrorContext } from './options.js';
import type { QuadBatch } from './sink.js';

/**
 * Where a transport's batches go when they cannot stay in memory or reach the sink in time:
 *
 * - **the backlog** — the configured journal (write-ahead: every batch is already there) or, without
 *   one, the fallback journal, created on first need. A {@link JournalDrain} over it delivers what
 *   waits there, in order, once the sink takes data again: disk is a buffer, not an end state.
 * - **the fallback journal** also takes, at exit or at a `shutdown()` deadline, the batches that
 *   are in memory and on no disk yet, so nothing is lost silently; its path is reported
 *   (`stats().fallbackJournal`, stderr) so the user can `provml push` what is still in it.
 *
 * @example
 * ```ts
 * const disk = new Overflow(options, journal, delivery, report);
 * const drain = disk.backlogFor(sink); // undefined offline or without a journal until a spill
 * ```
 */
export class Overflow {
  readonly #o: ResolvedTransportOptions;
  readonly #journal: Journal | undefined;
  readonly #ctx: DeliveryContext;
  readonly #report: (error: unknown, context: TransportErrorContext) => void;
  #fallback: Journal | undefined;
  #fallbackBroken = false;
  #drain: JournalDrain | undefined;

  constructor(
    options: ResolvedTransportOptions,
    journal: Journal | undefined,
    ctx: DeliveryContext,
    report: (error: unknown, context: TransportErrorContext) => void,
  ) {
    this.#o = options;
    this.#journal = journal;
    this.#ctx = ctx;
    this.#report = report;
    if (options.mode === 'online' && options.sink && journal) this.#drain = this.#makeDrain(journal);
  }

  /** The drain of the backlog journal, if there is one yet. */
  get drain(): JournalDrain | undefined {
    return this.#drain;
  }

  /** Journals this overflow owns besides the configured one (the fallback journal), for flush/close. */
  get files(): Journal[] {
    return this.#fallback ? [this.#fallback] : [];
  }

  /** Path of the fallback journal, once something was written to it. */
  get fallbackPath(): string | undefined {
    return this.#fallback?.path;
  }

  #makeDrain(journal: Journal): JournalDrain {
    const drain = new JournalDrain({
      journal,
      sink: this.#o.sink!,
      context: this.#ctx,
      maxDelayMs: this.#o.drainMaxDelayMs,
      warn: (m) => this.#o.logger.warn(m),
    });
    this.#ctx.backlog = drain;
    return drain;
  }

  /**
   * The drain batches can be moved to, opening the spill file (and its drain) on first need.
   * Undefined when there is nowhere to go: offline, spilling disabled (`spillPath: false`, e.g. an
   * in-memory store, which gets back-pressure instead) or the disk refused before.
   */
  spillTarget(): JournalDrain | undefined {
    if (this.#drain) return this.#drain;
    if (this.#o.mode !== 'online' || !this.#o.sink || !this.#o.spillPath) return undefined;
    const fallback = this.#open();
    if (!fallback) return undefined;
    this.#o.logger.warn(`provml: the sink is behind or down; batches wait in ${fallback.path} and are delivered from there once it keeps up`);
    return (this.#drain = this.#makeDrain(fallback));
  }

  /** A spill failed at the disk: stop spilling (the batches stay in memory). */
  spillFailed(err: unknown, events: number): void {
    this.#fallbackBroken = true;
    this.#report(err, { stage: 'spill', events, outcome: 'none' });
  }

  /** The fallback journal, opened on first need (undefined if the disk refused). */
  #open(): Journal | undefined {
    if (this.#fallback || this.#fallbackBroken) return this.#fallback;
    const path = this.#o.spillPath || join(tmpdir(), 'provml', `unsent-${process.pid}-${Date.now()}.nq`);
    try {
      return (this.#fallback = Journal.openSync({ path, durability: 'batch' }));
    } catch (err) {
      this.#fallbackBroken = true;
      this.#report(err, { stage: 'journal', outcome: 'none' });
      return undefined;
    }
  }

  /**
   * Write batches that are on no disk yet to the fallback journal (synchronously, fsynced).
   * Returns false when even that failed (the caller counts them dropped).
   */
  writeFallback(batches: readonly QuadBatch[]): boolean {
    if (batches.length === 0) return true;
    const fallback = this.#open();
    if (!fallback) return false;
    try {
      fallback.appendManySync(batches);
      return true;
    } catch (err) {
      this.#fallbackBroken = true;
      this.#report(err, { stage: 'journal', events: batches.reduce((n, b) => n + b.events, 0), outcome: 'dropped' });
      return false;
    }
  }
}
