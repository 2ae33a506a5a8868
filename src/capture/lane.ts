/**
 * The batch lane: the one call a training makes thousands of times, between its own kernels and
 * with its caches cold, takes the shortest path capture has. A `@Batch` execution inside an open
 * execution, into an emitter that offers a {@link BatchLane} (the worker pipeline's), keeps its
 * frame and context exactly as `execute` would, but its start and a numeric end are written
 * straight into the hand-off buffer: no event objects, no fact arrays, no summaries, and no id
 * string, neither sent (see worker/encoder.ts) nor built unless asked for (`Frame.id`). The
 * records equal those of the two events (test/unit/capture/lane.test.ts runs every case both
 * ways).
 *
 * @module
 */

import { now } from './clock.js';
import { als, closeFrame, Frame } from './context.js';
import { BATCH_LANE, getDefaultEmitter, LANE_MAX_OUTS, type BatchLane, type EventEmitterLike } from './emitter.js';
import { emitPlanSpec, execute, finish, isThenable, readArg, resolvePlan, runIn, settle } from './engine.js';
import { LAST_ID, nextIdNumbers } from './ids.js';
import { checkArgs, type Plan } from './plan.js';
import { isRef } from './ref.js';

/**
 * Run `fn` as an execution of the batch plan `plan` (whose `laneOuts` is set): through the
 * emitter's lane when it has one and an execution is open here, else through `execute`.
 * @internal
 */
export function executeBatch(plan: Plan, self: unknown, fn: Function, args: ArrayLike<unknown>): unknown {
  if (!plan.resolved) resolvePlan(plan, self);
  const em = plan.tracker ?? getDefaultEmitter();
  const lane = em[BATCH_LANE];
  const parent = lane === undefined || em.enabled === false ? undefined : als.getStore();
  if (parent === undefined) return execute(plan, self, fn, args);
  return laneBatch(plan, em, lane!, parent, fn, self, args, now());
}

/** Output values of the batch being ended (read, checked, then written by the lane). */
const laneValues = new Float64Array(LANE_MAX_OUTS);

/**
 * A batch execution through the emitter's lane: the same frame, context and events as
 * `runFrame(begin(…))`, but the start and a numeric end are written by the lane without event
 * objects. Anything unusual — a throw, a promise, facts added with `track.record`, an output that
 * is not a number — ends through the general path.
 */
function laneBatch(plan: Plan, em: EventEmitterLike, lane: BatchLane, p: Frame, fn: Function, self: unknown, args: ArrayLike<unknown>, at: number): unknown {
  if (!plan.argsChecked) checkArgs(plan, args);
  let index: number | undefined;
  if (plan.index !== undefined) {
    try {
      const v = readArg(args, plan.index);
      if (typeof v === 'number') index = v;
    } catch {
      /* fall back to the counter */
    }
  }
  if (index === undefined) index = p.batches++;
  emitPlanSpec(plan, em, p.workflowSpec);
  nextIdNumbers(at); // the id as two numbers; its text only if something asks (frame.id)
  const ms = LAST_ID.ms;
  const counter = LAST_ID.counter;
  lane.start(ms, counter, p.root, p.id, plan.spec, at, index);
  const frame = new Frame(undefined, p.root, 'batch', plan.spec, p.workflowSpec, em, ms, counter);
  const result = runIn(frame, fn, self, args);
  if (isThenable(result)) return settle(frame, plan, result);
  const n = frame.facts === undefined ? laneOutputs(plan.laneOuts!, result) : -1;
  if (n < 0) finish(frame, plan, result);
  else if (closeFrame(frame)) lane.end(ms, counter, p.root, now(), plan.outs, laneValues, n);
  return result;
}

/**
 * Read a batch's outputs into `laneValues` as `collectOuts` would read them: the count, or -1 when
 * one is missing or not a number, or the result is not a plain object where one was expected
 * (the general path then decides).
 */
function laneOutputs(keys: readonly (string | undefined)[], result: unknown): number {
  const n = keys.length;
  if (n === 0) return 0;
  if (typeof result === 'number' && n === 1) {
    laneValues[0] = result;
    return 1;
  }
  // A plain object, read by key (collectOuts' isKeyed: references and tensor-likes are values).
  if (result === null || typeof result !== 'object' || Object.getPrototypeOf(result) !== Object.prototype || isRef(result)) return -1;
  if (Array.isArray((result as { shape?: unknown }).shape) && typeof (result as { dtype?: unknown }).dtype === 'string') return -1;
  for (let k = 0; k < n; k++) {
    const key = keys[k];
    const v = key === undefined ? result : (result as Record<string, unknown>)[key];
    if (typeof v !== 'number') return -1;
    laneValues[k] = v;
  }
  return n;
}
