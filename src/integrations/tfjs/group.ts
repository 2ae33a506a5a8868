/**
 * Batches the TF.js callback has seen end, recorded a group at a time.
 *
 * Why: inside a fit, tf.js's kernels leave the caches cold for whatever runs between two
 * batches. Recording one batch through the lane (capture/api-batch.ts) took 25–45 µs there,
 * against ≈ 1 µs in a tight loop: nearly all of it cache misses on code and data touched once per
 * batch. Held and written several in a row, only the group's first pays them (measured: 35–60 µs
 * for the first, 4–7 µs for each after it). A group spans at most the lane's `holdMs` (64 ms; 10
 * under `durability: 'sync'`) from its first batch's end, and at most `GROUP_BATCHES` batches; a
 * batch that itself took longer than that is written at once, with the group before it. Without a
 * lane (the in-thread pipeline, another emitter) nothing is held. The
 * callback writes the group at its epoch's end, before it yields to the event loop, and when the
 * fit ends or fails; and while a group is held it is registered with capture (capture/held.ts),
 * so a flush, a shutdown or the settle at exit records it first.
 *
 * @module
 */

import type { BatchOut } from '../../capture/api-batch.js';
import { LANE_MAX_OUTS } from '../../capture/emitter.js';
import { holdUntilRelease } from '../../capture/held.js';

/** Most batches in a group. */
export const GROUP_BATCHES = 32;
const MAX_OUTS = LANE_MAX_OUTS;

/** Records one batch (its index, start, end and `n` measures `outs[k]` = `values[k]`). */
export type WriteBatch = (index: number, from: number, to: number, outs: readonly BatchOut[], values: Float64Array, n: number) => void;

/**
 * The open group of ended batches (all with the same measure names).
 *
 * @example
 * ```ts
 * const group = new BatchGroup((i, from, to, outs, values, n) => endedBatch(opts(i, from), outs, values, n, to));
 * group.add(0, t0, t1, outs, values, 1); // written when the group is full or old, or by group.write()
 * ```
 * @internal
 */
export class BatchGroup {
  readonly #index = new Float64Array(GROUP_BATCHES);
  readonly #from = new Float64Array(GROUP_BATCHES);
  readonly #to = new Float64Array(GROUP_BATCHES);
  readonly #n = new Uint8Array(GROUP_BATCHES);
  readonly #values = new Float64Array(GROUP_BATCHES * MAX_OUTS);
  readonly #one = new Float64Array(MAX_OUTS);
  #outs: readonly BatchOut[] = [];
  #count = 0;
  #unhold: (() => void) | undefined;
  readonly #write: WriteBatch;
  /** How long a group may stay open after its first batch ended, in ms (0: nothing is held). */
  holdMs = 0;

  constructor(write: WriteBatch) {
    this.#write = write;
  }

  /** Hold a batch that ran from `from` to `to` with `n` (≤ 16) measures; writes the group when it is full or old. */
  add(index: number, from: number, to: number, outs: readonly BatchOut[], values: Float64Array, n: number): void {
    if (this.#count > 0 && outs !== this.#outs) this.write();
    const c = this.#count;
    if (c === 0) this.#unhold = holdUntilRelease(this.write);
    this.#outs = outs;
    this.#index[c] = index;
    this.#from[c] = from;
    this.#to[c] = to;
    this.#n[c] = n;
    const v = this.#values;
    for (let k = 0, at = c * MAX_OUTS; k < n; k++) v[at + k] = values[k]!;
    this.#count = c + 1;
    // Full, old, or a slow batch (holding it would save little and delay much).
    const hold = this.holdMs;
    if (c + 1 === GROUP_BATCHES || to - this.#to[0]! >= hold || to - from >= hold) this.write();
  }

  /** Write every held batch, in order. Never throws (the writer reports its own failures). */
  readonly write = (): void => {
    const n = this.#count;
    if (n === 0) return;
    this.#count = 0;
    this.#unhold?.();
    this.#unhold = undefined;
    const one = this.#one;
    for (let c = 0; c < n; c++) {
      const m = this.#n[c]!;
      for (let k = 0, at = c * MAX_OUTS; k < m; k++) one[k] = this.#values[at + k]!;
      this.#write(this.#index[c]!, this.#from[c]!, this.#to[c]!, this.#outs, one, m);
    }
  };
}
