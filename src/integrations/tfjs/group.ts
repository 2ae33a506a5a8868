/**
 * Batches the TF.js callback has seen end, read from their logs straight into typed arrays and
 * recorded a group at a time.
 *
 * Why: inside a fit, tf.js's kernels leave the caches cold for whatever runs between two
 * batches, so every function called and every object touched there costs microseconds, not
 * nanoseconds. Recording each batch as it ended (reading its logs into a list of measures, then
 * the lane: capture/api-batch.ts) cost 25–45 µs per batch; held and written several in a row,
 * only the group's first paid that. Now a batch's end costs what cannot be deferred — the clock
 * and each logged scalar's value (`dataSync()`: tf.js disposes the logs' tensors when the hook
 * returns) — written into one row of the group's arrays, and the group is recorded in one call
 * (`endedBatches`), whose per-batch work is writing two records.
 *
 * The measures a batch records are those its logs hold as numbers or scalar tensors (only those
 * named in `measures` when given), tf.js's `batch` and `size` aside — as before. A group's batches
 * all log the same keys in the same order (a fit's do); a batch whose logs differ in any way (a key
 * more or less, another order, a value no longer readable) ends the group — it is written — and
 * starts the next one. Only a batch with more than 16 measures is not taken: the caller records it
 * through the general path.
 *
 * A group spans at most the lane's `holdMs` (64 ms; 10 under `durability: 'sync'`) from its
 * first batch's end, and at most `GROUP_BATCHES` batches; a batch that itself took longer than
 * that is written at once, with the group before it. Without a lane (the in-thread pipeline,
 * another emitter) `holdMs` is 0 and nothing is held. The callback writes the group at its epoch's
 * end, before it yields to the event loop, and when the fit ends or fails; and while a group is
 * held it is registered with capture (capture/held.ts), so a flush, a shutdown or the settle at
 * exit records it first.
 *
 * @module
 */

import type { BatchOut } from '../../capture/api-batch.js';
import { LANE_MAX_OUTS } from '../../capture/emitter.js';
import { holdUntilRelease } from '../../capture/held.js';
import { logNumber } from './base.js';

/** Most batches in a group. */
export const GROUP_BATCHES = 32;
const MAX_OUTS = LANE_MAX_OUTS;

/**
 * Records `count` batches: batch `c` has index `index[c]`, ran from `from[c]` to `to[c]`, with
 * `n[c]` measures `outs[k]` = `values[c * 16 + k]`.
 */
export type WriteBatches = (count: number, index: Float64Array, from: Float64Array, to: Float64Array, outs: readonly BatchOut[], values: Float64Array, n: Uint8Array) => void;

/**
 * The open group of ended batches (all with the same log keys).
 *
 * @example
 * ```ts
 * const group = new BatchGroup(undefined, (count, index, from, to, outs, values, n) => endedBatches(opts, count, index, from, to, outs, values, n));
 * if (!group.add(0, t0, t1, { loss: 0.5 })) recordTheGeneralWay(); // else held until full, old, or group.write()
 * ```
 * @internal
 */
export class BatchGroup {
  readonly #index = new Float64Array(GROUP_BATCHES);
  readonly #from = new Float64Array(GROUP_BATCHES);
  readonly #to = new Float64Array(GROUP_BATCHES);
  readonly #n = new Uint8Array(GROUP_BATCHES);
  readonly #values = new Float64Array(GROUP_BATCHES * MAX_OUTS);
  /** The measures to read (the `measures` option), or undefined: every key but `batch` and `size`. */
  readonly #only: readonly string[] | undefined;
  /** The group's log keys, in order (with `#only`, its names), and which of them are read as measures. */
  #keys: string[] | undefined;
  #taken = new Uint8Array(0);
  /** The measures recorded: the taken keys (the same list object while they stay the same). */
  #outs: readonly BatchOut[] = [];
  #count = 0;
  #unhold: (() => void) | undefined;
  readonly #write: WriteBatches;
  /** How long a group may stay open after its first batch ended, in ms (0: nothing is held). */
  holdMs = 0;

  constructor(only: readonly string[] | undefined, write: WriteBatches) {
    this.#only = only;
    this.#write = write;
  }

  /**
   * Hold the batch `index` that ran from `from` to `to`, its measures read from `logs`; writes the
   * group when it is full or old, and first when `logs` differ from the group's (this batch then
   * starts the next group). False when the batch is not taken (more than 16 measures): the group
   * before it was written, and nothing is held for it.
   */
  add(index: number, from: number, to: number, logs: Readonly<Record<string, unknown>> | undefined): boolean {
    let c = this.#count;
    let m = this.#read(logs, c * MAX_OUTS);
    if (m < 0) {
      // Not the keys of the group (or of the last one): a new group starts with this batch.
      this.write();
      c = 0;
      m = this.#learn(logs) ? this.#read(logs, 0) : -1;
      if (m < 0) return false;
    }
    if (c === 0) this.#unhold = holdUntilRelease(this.write);
    this.#index[c] = index;
    this.#from[c] = from;
    this.#to[c] = to;
    this.#n[c] = m;
    this.#count = c + 1;
    // Full, old, or a slow batch (holding it would save little and delay much).
    const hold = this.holdMs;
    if (c + 1 === GROUP_BATCHES || to - this.#to[0]! >= hold || to - from >= hold) this.write();
    return true;
  }

  /** Write every held batch, in order. Never throws (the writer reports its own failures). */
  readonly write = (): void => {
    const n = this.#count;
    if (n === 0) return;
    this.#count = 0;
    this.#unhold?.();
    this.#unhold = undefined;
    this.#write(n, this.#index, this.#from, this.#to, this.#outs, this.#values, this.#n);
  };

  /**
   * Read `logs` into the row at `at` as the group's keys: the count of measures, or -1 when the
   * logs are not the group's (another key, order, or readability).
   */
  #read(logs: Readonly<Record<string, unknown>> | undefined, at: number): number {
    const keys = this.#keys;
    if (keys === undefined) return -1;
    if (!logs) return keys.length === 0 ? 0 : -1;
    const taken = this.#taken;
    const v = this.#values;
    let j = 0;
    let m = 0;
    if (this.#only) {
      for (; j < keys.length; j++) {
        const x = logNumber(logs[keys[j]!]);
        if (taken[j] === 0) {
          if (x !== undefined) return -1;
        } else if (x === undefined) return -1;
        else v[at + m++] = x;
      }
      return m;
    }
    for (const k in logs) {
      if (k === 'batch' || k === 'size') continue;
      if (k !== keys[j]) return -1;
      const x = logNumber(logs[k]);
      if (taken[j++] === 0) {
        if (x !== undefined) return -1;
      } else if (x === undefined) return -1;
      else v[at + m++] = x;
    }
    return j === keys.length ? m : -1;
  }

  /** Make `logs`' keys the group's; false when they hold more than 16 measures. */
  #learn(logs: Readonly<Record<string, unknown>> | undefined): boolean {
    const keys: string[] = [];
    const taken: number[] = [];
    const names: string[] = [];
    if (logs) {
      const cand = this.#only ?? Object.keys(logs).filter((k) => k !== 'batch' && k !== 'size');
      for (const k of cand) {
        const ok = logNumber(logs[k]) !== undefined;
        keys.push(k);
        taken.push(ok ? 1 : 0);
        if (ok) names.push(k);
      }
    }
    if (names.length > MAX_OUTS) return false;
    this.#keys = keys;
    this.#taken = Uint8Array.from(taken);
    // The same measures as before: the same list, so that the encoder's cache of it holds.
    const outs = this.#outs;
    if (outs.length !== names.length || outs.some((o, k) => o.name !== names[k])) this.#outs = names.map((name) => ({ role: 'measure', name }));
    return true;
  }
}
