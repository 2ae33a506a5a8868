/**
 * Batches an integration learns of only once they have ended (the TF.js callback: tf.js reports a
 * batch at its end, with its logs), recorded a group at a time. Through the emitter's batch lane
 * when it has one, as a decorated `@Batch` is (capture/lane.ts): its start and a numeric end
 * written straight into the hand-off buffer, the id as two numbers — no event objects, no id text. Inside a fit, the general
 * path (`track.start` + `record` + `end`) cost the training's thread 44–69 µs per batch; most of
 * it was the id's text and the event objects. The records are those of the general path
 * (test/unit/capture/api-batch.test.ts runs both).
 *
 * @module
 */

import type { Frame } from './context.js';
import { BATCH_LANE, getDefaultEmitter, LANE_MAX_OUTS, type EventEmitterLike } from './emitter.js';
import { emitPlanSpec } from './engine.js';
import type { ValueRole } from './events.js';
import { LAST_ID, nextIdNumbers } from './ids.js';
import { checkArgs, type Plan } from './plan.js';
import { Handle, planFor, startFacts, track, type StartOptions } from './api.js';

/** One output of an ended batch: its role and name (the value goes beside it, as a number). @internal */
export interface BatchOut {
  readonly role: ValueRole;
  readonly name: string;
}

const NO_ARGS: readonly unknown[] = [];

/** How long ended batches may be held before {@link endedBatches} (the lane's `holdMs`; 0 without a lane). @internal */
export function laneHoldMs(tracker: EventEmitterLike | undefined): number {
  const em = tracker ?? getDefaultEmitter();
  return em.enabled === false ? 0 : (em[BATCH_LANE]?.holdMs ?? 0);
}

const last: { plan: Plan | undefined; spec: string | undefined; parentSpec: string; name: string } = { plan: undefined, spec: undefined, parentSpec: '', name: '' };

/** The batch plan of `opts` under `parent` (named `name`); a fit's batches all share one, so the last is kept. */
function batchPlan(opts: StartOptions, parent: Frame, name: string): Plan {
  let plan = last.plan;
  // planFor builds its key from strings. (The same plan: the same explicit spec, or none and the
  // same parent's spec and name.)
  if (plan === undefined || last.spec !== opts.spec || (opts.spec === undefined && (last.parentSpec !== parent.spec || last.name !== name))) {
    plan = planFor('batch', name, opts, parent);
    if (!plan.argsChecked) checkArgs(plan, NO_ARGS);
    last.plan = plan;
    last.spec = opts.spec;
    last.parentSpec = parent.spec;
    last.name = name;
  }
  return plan;
}

/** `track.start` + `record` + `end`: the path for what the lane does not take. */
function generalBatch(opts: StartOptions, outs: readonly BatchOut[], values: Float64Array, at: number, n: number, endedAt: number): void {
  const b = track.start('batch', opts);
  for (let k = 0; k < n; k++) b.record(outs[k]!.role, outs[k]!.name, values[at + k]);
  if (b instanceof Handle) b.endAt(endedAt);
  else b.end(); // a disabled tracker's no-op
}

/** One batch's facts, copied out of a group's row for the lane's `end`. */
const row = new Float64Array(LANE_MAX_OUTS);

/**
 * Record `count` ended batches under `opts.parent`, in order (`opts.index` and `opts.startedAt`
 * are ignored): batch `c` has index `index[c]`, ran from `from[c]` to `to[c]`, and has the
 * `n[c]` (≤ 16) facts `outs[k]` = `values[c * 16 + k]` — the same records as, for each,
 * `track.start('batch', { ...opts, index, startedAt })`, `record(outs[k].role, outs[k].name, v)`
 * and an end at `to[c]`, which it falls back to when the emitter has no lane, the parent is not an
 * execution handle, or the options carry start facts (params, tags). Through the lane, the checks
 * (emitter, lane, parent, start facts, plan) are made once for the group, and each batch costs
 * little more than writing its two records. Never throws for a disabled tracker.
 * @internal
 */
export function endedBatches(opts: StartOptions, count: number, index: Float64Array, from: Float64Array, to: Float64Array, outs: readonly BatchOut[], values: Float64Array, n: Uint8Array): void {
  const em = opts.tracker ?? getDefaultEmitter();
  if (em.enabled === false || count === 0) return;
  const lane = em[BATCH_LANE];
  const parent = Handle.frameOf(opts.parent);
  const name = opts.name ?? 'batch';
  if (lane === undefined || parent === undefined || startFacts(opts, 'batch', name) !== undefined) {
    for (let c = 0; c < count; c++) generalBatch({ ...opts, index: index[c]!, startedAt: from[c]! }, outs, values, c * LANE_MAX_OUTS, n[c]!, to[c]!);
    return;
  }
  const plan = batchPlan(opts, parent, name);
  emitPlanSpec(plan, em, parent.workflowSpec);
  const { root, id } = parent;
  const spec = plan.spec;
  for (let c = 0; c < count; c++) {
    const m = n[c]!;
    for (let k = 0, at = c * LANE_MAX_OUTS; k < m; k++) row[k] = values[at + k]!;
    nextIdNumbers(from[c]!);
    const ms = LAST_ID.ms;
    const counter = LAST_ID.counter;
    lane.start(ms, counter, root, id, spec, from[c]!, index[c]!);
    lane.end(ms, counter, root, to[c]!, outs, row, m);
  }
}
