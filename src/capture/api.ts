/**
 * Non-decorator capture: the `track` helpers produce the same events as the decorators, for plain
 * functions, loops and callback-style integrations (e.g. a TF.js `model.fit` callback).
 *
 * @module
 */

import { basename } from 'node:path';
import { now } from './clock.js';
import { als, Frame, restoreStore, type ExecutionInfo } from './context.js';
import { getDefaultEmitter, type EventEmitterLike } from './emitter.js';
import { begin, execute, fail, finish, implicitWorkflow, runFrame, startWorkflow } from './engine.js';
import type { ActivityKind, AttributeSpec, Fact, StageType, ValueRole } from './events.js';
import { IN_ROLES, OUT_ROLES, type CaptureOptions, type IterationOptions, type OutSpec, type StageOptions, type WorkflowOptions } from './options.js';
import { compileCharacterizes, compilePlan, compileTags, compileWorkflow, type Plan, type WorkflowPlan } from './plan.js';
import { workflow } from './api-workflow.js';
import { summarize } from './summarize.js';

/**
 * Options of the `track.*` helpers. Argument-side values are given directly (not by position):
 * `{ hyperparameters: { lr: 0.01 } }`; result-side specs pick from the function's return value
 * exactly as in the decorators ({@link OutSpec}).
 *
 * @example
 * ```ts
 * import { track, type TrackOptions } from 'provml';
 * const o: TrackOptions = { hyperparameters: { lr: 0.01, epochs: 3 }, models: ['model'] };
 * await track.stage('training', o, async () => ({ model: 'm' }));
 * ```
 */
export interface TrackOptions {
  /** Human name (defaults: the stage type, `epoch`, `batch`). */
  name?: string;
  /**
   * Spec key; default `<parent spec>/<name>` (e.g. `mnist/training/epoch`). A spec is declared once:
   * the result-side specs (`measures`…) of its first call apply to all its calls.
   */
  spec?: string;
  tracker?: EventEmitterLike;
  params?: Readonly<Record<string, unknown>>;
  hyperparameters?: Readonly<Record<string, unknown>>;
  inputs?: Readonly<Record<string, unknown>>;
  attributes?: Readonly<Record<string, unknown>>;
  outputs?: OutSpec;
  measures?: OutSpec;
  models?: OutSpec;
  modelHyperparameters?: OutSpec;
  characteristics?: OutSpec;
  results?: OutSpec;
  /** The input or output (by name) the `characteristics` describe (default: first output dataset, else first input). */
  characterizes?: string;
  /**
   * Labels of this execution, e.g. `{ team: 'geo', sweep: 3 }` (strings, finite numbers,
   * booleans); given per call. Recorded as qualities of the execution named `tag:<name>`.
   */
  tags?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Options of {@link track}`.start`: like {@link TrackOptions}, plus an explicit parent (no
 * AsyncLocalStorage involved) and index.
 *
 * @example
 * ```ts
 * import { track, type StartOptions } from 'provml';
 * const stage = track.start('stage', { stage: 'training' });
 * const o: StartOptions = { parent: stage, index: 0, measures: ['loss'] };
 * track.start('epoch', o).end({ loss: 0.3 });
 * stage.end();
 * ```
 */
export interface StartOptions extends TrackOptions {
  /** Parent execution (default: the current one, else the implicit script workflow). */
  parent?: ExecutionInfo;
  /** Epoch/batch number (default: automatic per-parent counter). */
  index?: number;
  /** Required for kind `stage`. */
  stage?: StageType;
  /**
   * When the execution began, as `now()` gives it (default: now). For executions whose start
   * is known only later, e.g. a batch whose start is the previous batch's end.
   */
  startedAt?: number;
}

/**
 * A running execution started with {@link track}`.start`; end it exactly once. Its methods are
 * ordinary methods: call them on the handle (`e.end()`), or bind them before passing them around.
 *
 * @example
 * ```ts
 * import { track, type Execution } from 'provml';
 * const e: Execution = track.start('batch', { measures: ['loss'] });
 * e.record('attribute', 'size', 32);
 * e.end({ loss: 0.1 });
 * ```
 */
export interface Execution extends ExecutionInfo {
  /** Add a fact to the end event. */
  record(role: ValueRole, name: string, value: unknown): void;
  /** End normally; result-side facts are picked from `result` per the options' out specs. */
  end(result?: unknown): void;
  /** End with an error (recorded as `{ name, message }`). */
  fail(error: unknown): void;
  /** Run `fn` with this execution as the current one (for nesting via AsyncLocalStorage). */
  run<R>(fn: () => R): R;
}

const apiPlans = new Map<string, Plan>();
let scriptWorkflow: WorkflowPlan | undefined;
const NO_ARGS: readonly unknown[] = [];
const KIND_DECORATOR: Record<ActivityKind, string> = {
  workflow: 'track.workflow',
  transformation: 'track.transformation',
  featureExtraction: 'track.featureExtraction',
  stage: 'track.stage',
  epoch: 'track.epoch',
  batch: 'track.batch',
};

/** The implicit workflow of `track.*` calls made outside any workflow: named after the script. */
function scriptWorkflowPlan(): WorkflowPlan {
  if (scriptWorkflow === undefined) {
    const main = process.argv[1];
    const name = main ? basename(main).replace(/\.[cm]?[jt]s$/, '') : 'main';
    scriptWorkflow = compileWorkflow({ decorator: 'Workflow', className: name, method: '(script)' }, {}, name);
  }
  return scriptWorkflow;
}

function parentOf(em: EventEmitterLike, at: number): Frame {
  return als.getStore() ?? implicitWorkflow(scriptWorkflowPlan(), scriptWorkflowPlan(), em, at);
}

/** @internal */
export function planFor(kind: ActivityKind, name: string, opts: TrackOptions & { stage?: StageType }, parent: Frame): Plan {
  const spec = opts.spec ?? `${parent.spec}/${name}`;
  const key = `${kind}\u0000${spec}`;
  let plan = apiPlans.get(key);
  if (plan === undefined) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(OUT_ROLES)) if ((opts as Record<string, unknown>)[k] !== undefined) o[k] = (opts as Record<string, unknown>)[k];
    if (kind === 'stage') o.stage = opts.stage;
    const site = { decorator: KIND_DECORATOR[kind], className: undefined, method: name };
    const compiled = compilePlan(kind, site, o, false);
    const attributes: AttributeSpec[] = [];
    for (const [k, role] of Object.entries(IN_ROLES)) {
      for (const n of Object.keys((opts as Record<string, Record<string, unknown> | undefined>)[k] ?? {})) attributes.push({ role, name: n, direction: 'in' });
    }
    attributes.push(...compiled.attributes);
    const characterizes = compileCharacterizes(site, opts.characterizes, attributes);
    plan = { ...compiled, spec, name: opts.name ?? name, className: '', attributes, characterizes, resolved: true, workflow: scriptWorkflowPlan() };
    apiPlans.set(key, plan);
  }
  return plan;
}

const IN_ENTRIES = Object.entries(IN_ROLES) as ReadonlyArray<[keyof typeof IN_ROLES, ValueRole]>;

/** Argument-side facts of a `track.*` call, then its tags (validated per call: they may change). */
/** @internal */
export function startFacts(opts: TrackOptions, kind: ActivityKind, name: string): Fact[] | undefined {
  let facts: Fact[] | undefined;
  for (let i = 0; i < IN_ENTRIES.length; i++) {
    const [k, role] = IN_ENTRIES[i]!;
    const rec = opts[k];
    if (rec === undefined) continue;
    for (const n in rec) {
      if (!Object.prototype.hasOwnProperty.call(rec, n)) continue;
      const v = rec[n];
      if (v !== undefined) (facts ??= []).push({ role, name: n, value: summarize(v) });
    }
  }
  if (opts.tags !== undefined) {
    const tags = compileTags({ decorator: KIND_DECORATOR[kind], className: undefined, method: name }, opts.tags);
    if (tags !== undefined) (facts ??= []).push(...tags);
  }
  return facts;
}

function run<R>(kind: ActivityKind, name: string, opts: TrackOptions & { stage?: StageType }, fn: () => R, index?: number): R {
  const em = opts.tracker ?? getDefaultEmitter();
  if (em.enabled === false) return fn();
  const at = now();
  const parent = parentOf(em, at);
  const plan = planFor(kind, name, opts, parent);
  return runFrame(begin(plan, em, parent, NO_ARGS, at, index, startFacts(opts, kind, name)), plan, fn, undefined, NO_ARGS) as R;
}

function split(a: TrackOptions | (() => unknown), b: unknown): [TrackOptions | undefined, () => never] {
  return typeof a === 'function' ? [undefined, a as () => never] : [a, b as () => never];
}

function iteration(kind: 'epoch' | 'batch') {
  return <R>(index: number | (TrackOptions & { index?: number }) | undefined, fn: () => R): R => {
    const opts = typeof index === 'object' ? index : {};
    const i = typeof index === 'number' ? index : opts.index;
    return run(kind, opts.name ?? kind, opts, fn, i);
  };
}

function* loop<T>(kind: 'epoch' | 'batch', source: Iterable<T> | number, opts: TrackOptions = {}): Generator<[number, T], void, undefined> {
  const items: Iterable<T> = typeof source === 'number' ? (range(source) as Iterable<T>) : source;
  const em = opts.tracker ?? getDefaultEmitter();
  if (em.enabled === false) {
    let i = 0;
    for (const item of items) yield [i++, item];
    return;
  }
  const prev = als.getStore();
  const parent = parentOf(em, now());
  const plan = planFor(kind, opts.name ?? kind, opts, parent);
  const facts = startFacts(opts, kind, opts.name ?? kind);
  let frame: Frame | undefined;
  try {
    for (const item of items) {
      const index = kind === 'epoch' ? parent.epochs++ : parent.batches++;
      frame = begin(plan, em, parent, NO_ARGS, now(), index, facts);
      als.enterWith(frame);
      yield [index, item];
      als.enterWith(prev as Frame);
      finish(frame, plan, undefined);
      frame = undefined;
    }
  } finally {
    if (frame !== undefined) finish(frame, plan, undefined);
    restoreStore(prev);
  }
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function record(role: ValueRole, name: string, value: unknown): boolean {
  const f = als.getStore();
  if (f === undefined || f.ended) return false;
  (f.facts ??= []).push({ role, name, value: summarize(value) });
  return true;
}

const NOOP_EXECUTION: Execution = Object.freeze({
  id: '',
  root: '',
  kind: 'batch' as const,
  spec: '',
  workflowSpec: undefined,
  iri: '',
  runIri: '',
  graph: '',
  record() {},
  end() {},
  fail() {},
  run: <R>(fn: () => R): R => fn(),
});

/**
 * A {@link track}`.start` handle: the frame's fields plus methods on the prototype (no per-call
 * closures; not `Object.create(frame)`, which turns every frame into a prototype at microseconds
 * a call).
 */
/** @internal */
export class Handle implements Execution {
  readonly id: string;
  readonly root: string;
  readonly kind: ActivityKind;
  readonly spec: string;
  readonly workflowSpec: string | undefined;
  readonly #frame: Frame;
  readonly #plan: Plan;
  constructor(frame: Frame, plan: Plan) {
    this.id = frame.id;
    this.root = frame.root;
    this.kind = frame.kind;
    this.spec = frame.spec;
    this.workflowSpec = frame.workflowSpec;
    this.#frame = frame;
    this.#plan = plan;
  }
  get iri(): string {
    return this.#frame.iri;
  }
  get runIri(): string {
    return this.#frame.runIri;
  }
  get graph(): string {
    return this.#frame.graph;
  }
  /** The frame of an execution given as `parent`: a frame itself, a handle's, else `undefined`. */
  static frameOf(p: ExecutionInfo | undefined): Frame | undefined {
    if (p instanceof Frame) return p;
    return p !== null && typeof p === 'object' && #frame in p ? p.#frame : undefined;
  }
  record(role: ValueRole, name: string, value: unknown): void {
    (this.#frame.facts ??= []).push({ role, name, value: summarize(value) });
  }
  end(result?: unknown): void {
    finish(this.#frame, this.#plan, result);
  }
  /** End at `at` rather than now (an execution known only after it ended). @internal */
  endAt(at: number): void {
    finish(this.#frame, this.#plan, undefined, at);
  }
  fail(err: unknown): void {
    fail(this.#frame, err);
  }
  run<R>(fn: () => R): R {
    return als.run(this.#frame, fn);
  }
}

function start(kind: Exclude<ActivityKind, 'workflow'>, opts: StartOptions = {}): Execution {
  const em = opts.tracker ?? getDefaultEmitter();
  if (em.enabled === false) return NOOP_EXECUTION;
  const at = opts.startedAt ?? now();
  const parent = Handle.frameOf(opts.parent) ?? parentOf(em, at);
  const name = opts.name ?? (kind === 'stage' ? opts.stage ?? 'stage' : kind);
  const plan = planFor(kind, name, opts, parent);
  const frame = begin(plan, em, parent, NO_ARGS, at, opts.index, startFacts(opts, kind, name));
  return new Handle(frame, plan);
}

/**
 * Wrap a plain function so each call is captured like a decorated method (arguments picked by
 * position/key per {@link CaptureOptions}). The spec key is `opts.name` or the function's name.
 *
 * @example
 * ```ts
 * import { tracked, ref } from 'provml';
 * const clean = tracked('transformation', { params: { threshold: 1 }, outputs: { dataset: '$' } },
 *   function clean(src: string, threshold: number) { return ref('out/clean.csv'); });
 * clean('raw.csv', 0.5);
 * ```
 *
 * @typeParam F - the wrapped function's type, preserved for callers.
 */
export function tracked<F extends (...args: any[]) => any>(
  kind: Exclude<ActivityKind, 'workflow' | 'stage'>,
  opts: CaptureOptions | IterationOptions,
  fn: F,
): F;
export function tracked<F extends (...args: any[]) => any>(kind: 'stage', opts: StageOptions, fn: F): F;
export function tracked<F extends (...args: any[]) => any>(kind: Exclude<ActivityKind, 'workflow'>, opts: CaptureOptions, fn: F): F {
  const name = opts.name ?? (fn.name || kind);
  const plan = compilePlan(kind, { decorator: `tracked('${kind}')`, className: undefined, method: name }, opts as Record<string, unknown>, false);
  plan.spec = name;
  plan.className = '';
  plan.workflow = scriptWorkflowPlan();
  plan.resolved = true;
  const w = function (this: unknown, ...args: unknown[]): unknown {
    return execute(plan, this === undefined ? plan.workflow : this, fn, args);
  };
  Object.defineProperty(w, 'name', { value: fn.name, configurable: true });
  return w as F;
}

/**
 * Non-decorator capture helpers. Each runs `fn` as one execution nested in the current one (or in
 * the implicit workflow named after the script) and returns its result unchanged; async functions
 * are ended when their promise settles; errors are rethrown unchanged.
 *
 * @example
 * ```ts
 * import { track, ref } from 'provml';
 * await track.workflow({ name: 'mnist', study: 'digits' }, async () => {
 *   const data = track.transformation('load', { outputs: { dataset: '$' } }, () => ref('data/train.csv'));
 *   await track.stage('training', { hyperparameters: { lr: 0.01 }, inputs: { dataset: data } }, async () => {
 *     for (const [epoch] of track.loop('epoch', 3)) {
 *       for (const [i, batch] of track.loop('batch', [[1, 2], [3, 4]], { measures: ['loss'] })) {
 *         track.measure('loss', 1 / (epoch + i + 1));
 *       }
 *     }
 *   });
 * });
 * ```
 */
export const track = {
  /**
   * A workflow execution (its own root / named graph). `fn` receives the run
   * ({@link ExecutionInfo}: `id`, `iri`, `graph`). Options are per run: a run under another
   * `experiment` or `persona` records that one.
   */
  workflow,
  /** A data transformation execution. */
  transformation<R>(name: string, opts: TrackOptions | (() => R), fn?: () => R): R {
    const [o, f] = split(opts, fn);
    return run('transformation', name, o ?? {}, f);
  },
  /** A feature-extraction execution. */
  featureExtraction<R>(name: string, opts: TrackOptions | (() => R), fn?: () => R): R {
    const [o, f] = split(opts, fn);
    return run('featureExtraction', name, o ?? {}, f);
  },
  /** A learning stage execution (`training`, `validation`, `testing`). */
  stage<R>(stage: StageType, opts: TrackOptions | (() => R), fn?: () => R): R {
    const [o, f] = split(opts, fn);
    return run('stage', o?.name ?? stage, { ...o, stage } as TrackOptions & { stage: StageType }, f);
  },
  /** One epoch; `index` is the epoch number (or options with `index`). */
  epoch: iteration('epoch') as <R>(index: number | (TrackOptions & { index?: number }) | undefined, fn: () => R) => R,
  /** One batch; `index` is the batch number (or options with `index`). */
  batch: iteration('batch') as <R>(index: number | (TrackOptions & { index?: number }) | undefined, fn: () => R) => R,
  /**
   * Iterate with one epoch/batch execution per item: `for (const [i, item] of track.loop(...))`.
   * The loop body runs inside the execution (nesting holds across `await` in the body); record
   * result facts with `track.measure`/`track.record`. `source` may be a count.
   */
  loop,
  /** Add a fact to the current execution's end event; `false` when there is none. */
  record,
  /** `record('measure', name, value)`. */
  measure: (name: string, value: unknown): boolean => record('measure', name, value),
  /** Start an execution by hand (callback-style integrations); end it with `.end()`/`.fail()`. */
  start,
};
