/**
 * The capture hot path shared by decorators and the `track` API: begin an execution (spec once,
 * start event with argument facts), run the user's function inside its frame, end it (end event
 * with result facts or the user's error). No I/O, no RDF, at most two clock reads per execution.
 *
 * @module
 */

import { now } from './clock.js';
import { als, closeFrame, Frame } from './context.js';
import { getDefaultEmitter, safeEmit, type EventEmitterLike } from './emitter.js';
import { PEAK_MEMORY_QUALITY, QUALITY_FACT, type Fact, type SpecEvent } from './events.js';
import { uuidv7 } from './ids.js';
import { checkArgs, type InGetter, type Plan, type SpecState, type WorkflowPlan } from './plan.js';
import { isRef } from './ref.js';
import { errorInfo, summarize } from './summarize.js';

// ---------------------------------------------------------------------------------------------
// Execution facts capture adds itself

/**
 * An emitter whose `[RECORDS_PEAK_MEMORY]` is `true` (a `ProvML` tracker in full tracking mode)
 * gets the process's peak resident set size on the end event of every workflow and stage
 * execution. Read with `process.resourceUsage()` — a system call, so never for epochs or batches.
 * @internal
 */
export const RECORDS_PEAK_MEMORY: unique symbol = Symbol.for('provml.capture.recordsPeakMemory');

/** An emitter that may ask for peak memory facts. @internal */
export interface PeakMemoryEmitter extends EventEmitterLike {
  readonly [RECORDS_PEAK_MEMORY]?: boolean;
}

const PEAK_MEMORY_FACT = `${QUALITY_FACT}${PEAK_MEMORY_QUALITY}`;

/**
 * `facts` plus the process's peak RSS so far, in bytes. `ru_maxrss` is a high-water mark of the
 * whole process: the peak up to this execution's end, which bounds the execution's own peak.
 */
function withPeakMemory(facts: Fact[] | undefined): Fact[] {
  let rss: number;
  try {
    rss = process.resourceUsage().maxRSS * 1024; // kilobytes on every platform libuv supports
  } catch {
    return facts ?? [];
  }
  const f: Fact = { role: 'attribute', name: PEAK_MEMORY_FACT, value: rss };
  return facts === undefined ? [f] : [...facts, f];
}

/** `facts` followed by `tags` (a copy: tag arrays are shared by every event). */
function withTags(facts: Fact[] | undefined, tags: readonly Fact[] | undefined): Fact[] | undefined {
  if (tags === undefined) return facts;
  return facts === undefined ? tags.slice() : [...facts, ...tags];
}

/** Tags of a workflow and of its run method / `track.workflow` call; the later wins per name. */
function mergeTags(a: readonly Fact[] | undefined, b: readonly Fact[] | undefined): readonly Fact[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const names = new Set(b.map((f) => f.name));
  return [...a.filter((f) => !names.has(f.name)), ...b];
}

// ---------------------------------------------------------------------------------------------
// Workflow plans per class

/** `@Workflow` plans by class. @internal */
export const workflowPlans = new WeakMap<object, WorkflowPlan>();
const implicitPlans = new WeakMap<object, WorkflowPlan>();

/** The workflow plan for a class: its `@Workflow` one, or an implicit one named after it. @internal */
export function workflowPlanFor(owner: object | undefined, className: string): WorkflowPlan {
  if (owner !== undefined) {
    const wp = workflowPlans.get(owner) ?? implicitPlans.get(owner);
    if (wp) return wp;
  }
  const wp: WorkflowPlan = { spec: className, name: className, info: {}, tracker: undefined, sent: new WeakSet(), gen: 0 };
  if (owner !== undefined) implicitPlans.set(owner, wp);
  return wp;
}

/** Find the class declaring `plan`'s method and its workflow; runs once per plan. @internal */
export function resolvePlan(plan: Plan, self: unknown): void {
  if (plan.owner === undefined && self !== null && (typeof self === 'object' || typeof self === 'function')) {
    if (plan.isStatic) plan.owner = self;
    else {
      let p: object | null = self as object;
      while (p !== null && !(Object.prototype.hasOwnProperty.call(p, plan.method) && Object.getOwnPropertyDescriptor(p, plan.method)?.value === plan.wrapper)) {
        p = Object.getPrototypeOf(p) as object | null;
      }
      plan.owner = (p ?? Object.getPrototypeOf(self)) as object;
    }
  }
  if (plan.className === undefined) {
    const o = plan.owner as { name?: unknown; constructor?: { name?: unknown } } | undefined;
    const n = plan.isStatic ? o?.name : o?.constructor?.name;
    plan.className = typeof n === 'string' && n !== '' ? n : 'anonymous';
  }
  if (!plan.spec.startsWith(plan.className + '#')) plan.spec = `${plan.className}#${plan.method}`;
  const cls = plan.isStatic ? plan.owner : (plan.owner as { constructor?: object } | undefined)?.constructor;
  plan.workflow ??= workflowPlanFor(cls, plan.className);
  plan.tracker ??= plan.workflow.tracker;
  plan.resolved = true;
}

// ---------------------------------------------------------------------------------------------
// Spec events

// The emitter of the latest spec check and a generation bumped whenever it changes (or is
// released): `state.gen === specGen` then means "already checked against specEm", so the common
// case is two comparisons, with no WeakSet lookup or WeakRef deref. Plans hold emitters only in
// their WeakSet; this one strong slot is released when the emitter's open workflows are ended
// (a tracker's shutdown), so a shut-down tracker and its store can be collected.
let specEm: EventEmitterLike | undefined;
let specGen = 1;

function specOnce(state: SpecState, em: EventEmitterLike): boolean {
  if (em === specEm && state.gen === specGen) return false;
  if (em !== specEm) {
    specEm = em;
    specGen++;
  }
  state.gen = specGen;
  if (state.sent.has(em)) return false;
  state.sent.add(em);
  return true;
}

function emitWorkflowSpec(wp: WorkflowPlan, em: EventEmitterLike): void {
  if (!specOnce(wp, em)) return;
  const e: SpecEvent = { t: 'spec', spec: wp.spec, kind: 'workflow', name: wp.name, attributes: [], ...wp.info };
  safeEmit(em, e);
}

/** The spec event of `plan`, once per emitter. @internal */
export function emitPlanSpec(plan: Plan, em: EventEmitterLike, workflowSpec: string | undefined): void {
  if (!specOnce(plan, em)) return;
  const e: SpecEvent = { t: 'spec', spec: plan.spec, kind: plan.kind, name: plan.name, attributes: plan.attributes.slice() };
  if (workflowSpec !== undefined) e.workflow = workflowSpec;
  if (plan.stageType !== undefined) e.stageType = plan.stageType;
  if (plan.characterizes !== undefined) e.characterizes = plan.characterizes;
  safeEmit(em, e);
}

// ---------------------------------------------------------------------------------------------
// Implicit workflow executions

interface OpenWorkflow {
  readonly frame: Frame;
  readonly key: object;
}
const implicitFrames = new WeakMap<object, OpenWorkflow>();
const open = new Set<OpenWorkflow>();

/** The implicit workflow execution for `key` (started on first use). @internal */
export function implicitWorkflow(wp: WorkflowPlan, key: object, em: EventEmitterLike, at: number): Frame {
  const cur = implicitFrames.get(key);
  if (cur !== undefined) {
    if (cur.frame.emitter === em && !cur.frame.ended) return cur.frame;
    closeOpen(cur, at);
  }
  const frame = startWorkflow(wp, em, undefined, at);
  const ow: OpenWorkflow = { frame, key };
  implicitFrames.set(key, ow);
  open.add(ow);
  return frame;
}

function closeOpen(ow: OpenWorkflow, at: number): void {
  open.delete(ow);
  if (implicitFrames.get(ow.key) === ow) implicitFrames.delete(ow.key);
  endFrame(ow.frame, at, ow.frame.facts, undefined);
}

/**
 * End the implicit workflow execution that decorated calls on `instance` (outside any workflow
 * frame) started. Returns `false` if none was open. The next decorated call starts a new one.
 *
 * @example
 * ```ts
 * import { Workflow, Transformation, endWorkflow } from 'provml';
 * @Workflow({ name: 'prep' })
 * class Prep { @Transformation() clean() {} }
 * const p = new Prep();
 * p.clean(); // starts workflow execution #1 of p
 * endWorkflow(p); // ends it
 * ```
 */
export function endWorkflow(instance: object): boolean {
  const ow = implicitFrames.get(instance);
  if (ow === undefined) return false;
  closeOpen(ow, now());
  return true;
}

/**
 * End every open implicit workflow execution (only those emitting into `emitter`, if given) and
 * return how many were ended. A tracker calls this in its `shutdown()` before flushing; capture's
 * spec cache then lets go of that emitter, so a shut-down tracker can be garbage-collected.
 *
 * @example
 * ```ts
 * import { endOpenWorkflows, getDefaultEmitter } from 'provml';
 * process.once('beforeExit', () => endOpenWorkflows(getDefaultEmitter()));
 * ```
 */
export function endOpenWorkflows(emitter?: EventEmitterLike): number {
  if (emitter === undefined || emitter === specEm) {
    specEm = undefined;
    specGen++;
  }
  const at = now();
  let n = 0;
  for (const ow of [...open]) {
    if (emitter !== undefined && ow.frame.emitter !== emitter) continue;
    closeOpen(ow, at);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Begin / end

/**
 * Start a workflow execution (spec once + start event). `tags` are the run's own (a `@WorkflowRun`
 * method's, a `track.workflow` call's), added to the workflow's. @internal
 */
export function startWorkflow(wp: WorkflowPlan, em: EventEmitterLike, parent: Frame | undefined, at: number, facts?: Fact[], tags?: readonly Fact[]): Frame {
  emitWorkflowSpec(wp, em);
  const id = uuidv7(at);
  safeEmit(em, { t: 'start', id, spec: wp.spec, kind: 'workflow', parent: parent?.id, root: id, at, index: undefined, facts: withTags(facts, mergeTags(wp.tags, tags)) });
  return new Frame(id, id, 'workflow', wp.spec, wp.spec, em);
}

/** The argument (or path into it) `g` names. @internal */
export function readArg(args: ArrayLike<unknown>, g: InGetter): unknown {
  let v: unknown = args[g.arg];
  const p = g.path;
  if (p !== undefined) {
    for (let i = 0; i < p.length; i++) {
      if (v === null || v === undefined) return undefined;
      v = (v as Record<string, unknown>)[p[i]!];
    }
  }
  return v;
}

function collectIns(plan: Plan, args: ArrayLike<unknown>): Fact[] | undefined {
  const ins = plan.ins;
  if (ins.length === 0) return undefined;
  const facts: Fact[] = [];
  for (let i = 0; i < ins.length; i++) {
    const g = ins[i]!;
    let v: unknown;
    try {
      v = readArg(args, g);
    } catch (err) {
      facts.push({ role: g.role, name: g.name, value: summarize(err) });
      continue;
    }
    if (v !== undefined) facts.push({ role: g.role, name: g.name, value: summarize(v) });
  }
  return facts.length > 0 ? facts : undefined;
}

/**
 * Begin an execution of `plan` under `parent` (which must exist unless the plan is a workflow
 * run): spec once, start event, new frame. `at` is the start time (first clock read). @internal
 */
export function begin(
  plan: Plan,
  em: EventEmitterLike,
  parent: Frame | undefined,
  args: ArrayLike<unknown>,
  at: number,
  indexOverride?: number,
  startFacts?: Fact[],
): Frame {
  if (!plan.argsChecked && startFacts === undefined) checkArgs(plan, args);
  if (plan.isRun) return startWorkflow(plan.workflow!, em, parent, at, startFacts ?? collectIns(plan, args), plan.tags);
  const p = parent!;
  let index: number | undefined = indexOverride;
  if (index === undefined && (plan.kind === 'epoch' || plan.kind === 'batch')) {
    if (plan.index !== undefined) {
      try {
        const v = readArg(args, plan.index);
        if (typeof v === 'number') index = v;
      } catch {
        /* fall back to the counter */
      }
    }
    if (index === undefined) index = plan.kind === 'epoch' ? p.epochs++ : p.batches++;
  }
  emitPlanSpec(plan, em, p.workflowSpec);
  const id = uuidv7(at);
  safeEmit(em, { t: 'start', id, spec: plan.spec, kind: plan.kind, parent: p.id, root: p.root, at, index, facts: startFacts ?? withTags(collectIns(plan, args), plan.tags) });
  return new Frame(id, p.root, plan.kind, plan.spec, p.workflowSpec, em);
}

/** The frame a new execution nests under (ALS, else the instance's implicit workflow). @internal */
export function parentFor(plan: Plan, self: unknown, em: EventEmitterLike, at: number): Frame | undefined {
  const store = als.getStore();
  if (store !== undefined || plan.isRun) return store;
  const key = self !== null && (typeof self === 'object' || typeof self === 'function') ? self : plan.workflow!;
  return implicitWorkflow(plan.workflow!, key, em, at);
}

function isKeyed(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  if (v instanceof Date || v instanceof Map || v instanceof Set || isRef(v)) return false;
  const t = v as { shape?: unknown; dtype?: unknown };
  return !(Array.isArray(t.shape) && typeof t.dtype === 'string');
}

function collectOuts(plan: Plan, result: unknown, extra: Fact[] | undefined): Fact[] | undefined {
  const outs = plan.outs;
  if (outs.length === 0) return extra;
  const facts: Fact[] = [];
  const keyed = isKeyed(result);
  for (let i = 0; i < outs.length; i++) {
    const g = outs[i]!;
    let v: unknown;
    try {
      if (g.path === undefined || (!keyed && outs.length === 1)) v = result;
      else if (!keyed) continue;
      else {
        v = result;
        for (const k of g.path) {
          if (v === null || v === undefined) break;
          v = (v as Record<string, unknown>)[k];
        }
      }
    } catch (err) {
      v = err instanceof Error ? err : new Error(String(err));
    }
    if (v !== undefined) facts.push({ role: g.role, name: g.name, value: summarize(v) });
  }
  if (extra !== undefined) facts.push(...extra);
  return facts.length > 0 ? facts : undefined;
}

function endFrame(frame: Frame, at: number, facts: Fact[] | undefined, error: { name: string; message: string } | undefined): void {
  if (!closeFrame(frame)) return;
  if ((frame.kind === 'workflow' || frame.kind === 'stage') && (frame.emitter as PeakMemoryEmitter)[RECORDS_PEAK_MEMORY] === true) facts = withPeakMemory(facts);
  safeEmit(frame.emitter, { t: 'end', id: frame.id, kind: frame.kind, root: frame.root, at, facts, error });
}

/** End `frame` normally with `result`'s facts, at `at` (default now). @internal */
export function finish(frame: Frame, plan: Plan | undefined, result: unknown, at = now()): void {
  endFrame(frame, at, plan === undefined ? frame.facts : collectOuts(plan, result, frame.facts), undefined);
}

/** End `frame` with the user's error (the caller rethrows it unchanged). @internal */
export function fail(frame: Frame, err: unknown): void {
  endFrame(frame, now(), frame.facts, errorInfo(err));
}

/** End `frame` when `p` settles (the user's rejection passes through). @internal */
export function settle(frame: Frame, plan: Plan | undefined, p: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(p).then(
    (v) => {
      finish(frame, plan, v);
      return v;
    },
    (err: unknown) => {
      fail(frame, err);
      throw err;
    },
  );
}

/**
 * Run `fn` as an execution of `plan`: the body of every decorated method and tracked function.
 * @internal
 */
export function execute(plan: Plan, self: unknown, fn: Function, args: ArrayLike<unknown>): unknown {
  if (!plan.resolved) resolvePlan(plan, self);
  const em = plan.tracker ?? getDefaultEmitter();
  if (em.enabled === false) return Reflect.apply(fn, self, args);
  const at = now();
  return runFrame(begin(plan, em, parentFor(plan, self, em, at), args, at), plan, fn, self, args);
}

/** Run `fn` inside `frame` and end the frame when it returns, throws or settles. @internal */
export function runFrame(frame: Frame, plan: Plan | undefined, fn: Function, self: unknown, args: ArrayLike<unknown>): unknown {
  const result = runIn(frame, fn, self, args);
  if (isThenable(result)) return settle(frame, plan, result);
  finish(frame, plan, result);
  return result;
}

/** `fn` run inside `frame`; a throw fails the frame and passes through unchanged. @internal */
export function runIn(frame: Frame, fn: Function, self: unknown, args: ArrayLike<unknown>): unknown {
  try {
    return als.run(frame, Reflect.apply, fn, self, args);
  } catch (err) {
    fail(frame, err);
    throw err;
  }
}

/** A promise or other thenable: its execution ends when it settles. @internal */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as PromiseLike<unknown>).then === 'function';
}
