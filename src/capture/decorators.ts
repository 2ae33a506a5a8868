/**
 * Capture decorators. Each works both as a TC39 standard decorator (TypeScript 5 default, esbuild,
 * Babel) and as a legacy `experimentalDecorators` decorator; the flavour is detected from the
 * arguments the runtime passes. Options are validated and compiled into a plan once, at decoration
 * time; each call then only reads the arguments/results the plan names.
 *
 * @module
 */

import './polyfill.js';
import { execute, workflowPlans } from './engine.js';
import { executeBatch } from './lane.js';
import type { ActivityKind, AttributeSpec, StageType } from './events.js';
import type { CaptureOptions, IterationOptions, StageOptions, WorkflowOptions } from './options.js';
import { compilePlan, compileWorkflow, configError, type Plan } from './plan.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Any method a capture decorator can wrap.
 *
 * @example
 * ```ts
 * const m: AnyMethod = function (this: unknown, x: number) { return x; };
 * ```
 */
export type AnyMethod = (this: any, ...args: any[]) => any;

/**
 * A method decorator usable with standard (TC39) and legacy (`experimentalDecorators`) semantics.
 *
 * @example
 * ```ts
 * import { Batch, type CaptureMethodDecorator } from 'provml';
 * const lossBatch: CaptureMethodDecorator = Batch({ measures: ['loss'] });
 * class T { @lossBatch step() { return 0.1; } }
 * ```
 */
export interface CaptureMethodDecorator {
  <T extends AnyMethod>(value: T, context: ClassMethodDecoratorContext<any, any>): T;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

/**
 * A class decorator usable with standard (TC39) and legacy (`experimentalDecorators`) semantics.
 *
 * @example
 * ```ts
 * import { Workflow, type CaptureClassDecorator } from 'provml';
 * const wf: CaptureClassDecorator = Workflow({ name: 'etl' });
 * @wf class Etl {}
 * ```
 */
export interface CaptureClassDecorator {
  <C extends abstract new (...args: any) => any>(value: C, context: ClassDecoratorContext<C>): void;
  (target: Function): void;
}

const PLANS = Symbol.for('provml.capture.plans');
const WORKFLOW = Symbol.for('provml.capture.workflow');
const legacyPlans = new WeakMap<object, Plan[]>();

interface ReflectMetadataApi {
  getMetadata?(key: string, target: object, prop?: string | symbol): unknown;
  defineMetadata?(key: string, value: unknown, target: object, prop?: string | symbol): void;
}
const R = Reflect as unknown as ReflectMetadataApi;

function keyName(k: string | symbol): string {
  return typeof k === 'symbol' ? `[${k.description ?? 'symbol'}]` : k;
}

function isContext(c: unknown): c is DecoratorContext {
  return typeof c === 'object' && c !== null && typeof (c as { kind?: unknown }).kind === 'string';
}

function wrap(plan: Plan, fn: Function): AnyMethod {
  const w =
    plan.laneOuts !== undefined
      ? function (this: unknown, ...args: unknown[]): unknown {
          return executeBatch(plan, this, fn, args);
        }
      : function (this: unknown, ...args: unknown[]): unknown {
          return execute(plan, this, fn, args);
        };
  Object.defineProperty(w, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(w, 'length', { value: fn.length, configurable: true });
  plan.wrapper = w;
  return w;
}

function ownPlans(meta: object): Plan[] {
  if (!Object.prototype.hasOwnProperty.call(meta, PLANS)) Object.defineProperty(meta, PLANS, { value: [], enumerable: false });
  return (meta as Record<symbol, Plan[]>)[PLANS]!;
}

function methodDecorator(decorator: string, kind: ActivityKind, opts: object | undefined, isRun = false): CaptureMethodDecorator {
  const options = opts as Record<string, unknown> | undefined;
  function decorate(a: unknown, b: unknown, c?: unknown): unknown {
    if (isContext(b)) {
      const method = keyName(b.name ?? 'anonymous');
      if (b.kind !== 'method' || typeof a !== 'function') {
        throw configError({ decorator, className: undefined, method }, 'target', `can only decorate methods, not a ${b.kind}`);
      }
      const ctx = b as ClassMethodDecoratorContext;
      const plan = compilePlan(kind, { decorator, className: undefined, method }, options, ctx.static, isRun);
      if (ctx.metadata) ownPlans(ctx.metadata).push(plan);
      return wrap(plan, a);
    }
    // Legacy: (prototype | constructor, key, descriptor)
    const target = a as object;
    const isStatic = typeof target === 'function';
    const cls = (isStatic ? target : (target as { constructor: Function }).constructor) as Function;
    const method = keyName((b as string | symbol | undefined) ?? 'anonymous');
    const desc = c as PropertyDescriptor | undefined;
    if (desc === undefined || typeof desc.value !== 'function') {
      throw configError({ decorator, className: cls?.name, method }, 'target', 'can only decorate methods (not fields, accessors or classes)');
    }
    const plan = compilePlan(kind, { decorator, className: cls.name || 'anonymous', method }, options, isStatic, isRun);
    plan.owner = target;
    const list = legacyPlans.get(cls) ?? [];
    list.push(plan);
    legacyPlans.set(cls, list);
    if (typeof R.getMetadata === 'function') {
      const types = R.getMetadata('design:paramtypes', target, b as string | symbol);
      if (Array.isArray(types)) plan.paramTypes = types.map((t: unknown) => (typeof t === 'function' ? t.name : String(t)));
      R.defineMetadata?.('provml:capture', describe(plan), target, b as string | symbol);
    }
    desc.value = wrap(plan, desc.value as Function);
    return desc;
  }
  return decorate as CaptureMethodDecorator;
}

/**
 * Marks a class as a workflow (PROV-ML `Workflow`, prospective) and sets its descriptive facts.
 *
 * **Execution lifecycle.** A workflow *execution* (the named graph everything nests in) is:
 * - each call of the entry method named by `run` (or decorated with {@link WorkflowRun}); or,
 * - for decorated methods called *outside* any workflow execution, an implicit execution per
 *   instance, started by the first such call and ended by {@link endWorkflow}`(instance)` or by the
 *   tracker's shutdown (`ProvML.shutdown()` ends them).
 *
 * Decorated methods called while another execution is active (e.g. from the entry method, even
 * across `await`) nest under it. Classes without `@Workflow` behave the same, with an implicit
 * workflow named after the class.
 *
 * @example
 * ```ts
 * import { Workflow, LearningStage, ref } from 'provml';
 * @Workflow({ name: 'mnist', study: 'digits', algorithm: 'CNN', run: 'main' })
 * class Mnist {
 *   async main() { await this.train({ lr: 0.01, dataset: ref('data/train.csv') }); }
 *   @LearningStage({ stage: 'training', hyperparameters: ['lr'], inputs: ['dataset'] })
 *   async train(opts: { lr: number; dataset: unknown }) {}
 * }
 * await new Mnist().main(); // one workflow execution containing one training stage
 * ```
 */
export function Workflow(opts?: WorkflowOptions): CaptureClassDecorator {
  function decorate(value: Function, context?: ClassDecoratorContext): void {
    const tc39 = isContext(context);
    const className = (tc39 ? (context.name as string | undefined) : undefined) ?? (value.name || 'anonymous');
    const site = { decorator: 'Workflow', className, method: '(class)' };
    if (typeof value !== 'function' || (tc39 && context.kind !== 'class')) {
      throw configError(site, 'target', 'can only decorate classes');
    }
    const wp = compileWorkflow(site, opts as Record<string, unknown> | undefined, className);
    workflowPlans.set(value, wp);
    const plans = tc39 ? (context.metadata ? ownPlans(context.metadata) : []) : (legacyPlans.get(value) ?? []);
    for (const plan of plans) {
      plan.className = className;
      plan.spec = `${className}#${plan.method}`;
      plan.owner ??= plan.isStatic ? value : value.prototype;
      plan.workflow = wp;
    }
    if (opts?.run !== undefined) {
      const proto = value.prototype as object;
      const onProto = Object.getOwnPropertyDescriptor(proto, opts.run);
      const desc = onProto ?? Object.getOwnPropertyDescriptor(value, opts.run);
      if (desc === undefined || typeof desc.value !== 'function') {
        throw configError(site, 'run', `names ${JSON.stringify(opts.run)}, which is not a method of ${className}`);
      }
      const plan = compilePlan('workflow', { decorator: 'Workflow', className, method: opts.run }, undefined, onProto === undefined, true);
      plan.owner = onProto ? proto : value;
      plan.workflow = wp;
      plans.push(plan);
      Object.defineProperty(onProto ? proto : value, opts.run, { ...desc, value: wrap(plan, desc.value as Function) });
    }
    if (tc39 && context.metadata) Object.defineProperty(context.metadata, WORKFLOW, { value: wp, enumerable: false });
    else if (typeof R.defineMetadata === 'function') R.defineMetadata('provml:workflow', { spec: wp.spec, name: wp.name, ...wp.info }, value);
  }
  return decorate as CaptureClassDecorator;
}

/**
 * Marks the workflow's entry method: each call is one workflow execution (start when called, end
 * when it returns or its promise settles). Equivalent to `@Workflow({ run: 'method' })`. Its
 * `tags` are added to the workflow's (`@Workflow({ tags })`); for the same name, the method's win.
 *
 * @example
 * ```ts
 * import { Workflow, WorkflowRun } from 'provml';
 * @Workflow({ name: 'etl' })
 * class Etl {
 *   @WorkflowRun()
 *   async run() {
 *     // decorated calls in here nest under this execution
 *   }
 * }
 * ```
 */
export function WorkflowRun(opts?: Pick<CaptureOptions, 'tracker' | 'tags'>): CaptureMethodDecorator {
  return methodDecorator('WorkflowRun', 'workflow', opts, true);
}

/**
 * A data transformation (PROV-ML `DataTransformation` / `…Execution`).
 *
 * @example
 * ```ts
 * import { Transformation, ref } from 'provml';
 * class Prep {
 *   @Transformation({ params: { threshold: 1 }, inputs: { source: 0 }, outputs: { dataset: '$' } })
 *   clean(source: string, threshold: number) { return ref('out/clean.csv'); }
 * }
 * ```
 */
export function Transformation(opts?: CaptureOptions): CaptureMethodDecorator {
  return methodDecorator('Transformation', 'transformation', opts);
}

/**
 * A feature-extraction transformation (PROV-ML `FeatureExtraction` / `…Execution`).
 *
 * @example
 * ```ts
 * import { FeatureExtraction, ref } from 'provml';
 * class Features {
 *   @FeatureExtraction({ params: ['window'], outputs: ['features'] })
 *   extract(opts: { window: number }) { return { features: ref('out/features.parquet') }; }
 * }
 * ```
 */
export function FeatureExtraction(opts?: CaptureOptions): CaptureMethodDecorator {
  return methodDecorator('FeatureExtraction', 'featureExtraction', opts);
}

/**
 * A learning stage (PROV-ML `LearningStage` / `LearningStageExecution`): training, validation or
 * testing.
 *
 * @example
 * ```ts
 * import { LearningStage } from 'provml';
 * class Trainer {
 *   @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['dataset'], models: ['model'] })
 *   async fit(opts: { lr: number; epochs: number; dataset: unknown }) { return { model: 'm' }; }
 * }
 * ```
 */
export function LearningStage(opts: StageOptions): CaptureMethodDecorator {
  return methodDecorator('LearningStage', 'stage', opts);
}

/**
 * One epoch (PROV-ML `EpochExecution`), nested in the enclosing stage.
 *
 * @example
 * ```ts
 * import { Epoch, ref } from 'provml';
 * class Trainer {
 *   @Epoch({ indexArg: 0, measures: ['loss'], models: ['model'], modelHyperparameters: ['epoch'] })
 *   epoch(epoch: number) { return { loss: 0.5, model: ref(`out/model-${epoch}.json`), epoch }; }
 * }
 * ```
 */
export function Epoch(opts?: IterationOptions): CaptureMethodDecorator {
  return methodDecorator('Epoch', 'epoch', opts);
}

/**
 * One batch (PROV-ML `BatchExecution`), nested in the enclosing epoch (or stage).
 *
 * @example
 * ```ts
 * import { Batch } from 'provml';
 * class Trainer {
 *   @Batch({ measures: ['loss'] })
 *   step(xs: Float32Array) { return 0.42; } // or { loss: 0.42 }
 * }
 * ```
 */
export function Batch(opts?: IterationOptions): CaptureMethodDecorator {
  return methodDecorator('Batch', 'batch', opts);
}

/**
 * What the decorators declared on a class (either decorator flavour).
 *
 * @example
 * ```ts
 * import { getCaptureMetadata, type CaptureMetadata } from 'provml';
 * const m: CaptureMetadata = getCaptureMetadata(class {});
 * m.methods.length; // 0
 * ```
 */
export interface CaptureMetadata {
  workflow: { spec: string; name: string } | undefined;
  methods: Array<{
    method: string;
    decorator: string;
    kind: ActivityKind;
    spec: string;
    name: string;
    stageType: StageType | undefined;
    attributes: readonly AttributeSpec[];
    paramTypes: string[] | undefined;
  }>;
}

function describe(p: Plan): CaptureMetadata['methods'][number] {
  return { method: p.method, decorator: p.decorator, kind: p.kind, spec: p.spec, name: p.name, stageType: p.stageType, attributes: p.attributes, paramTypes: p.paramTypes };
}

/**
 * The capture declarations of a class (or of an instance's class), including inherited ones.
 *
 * @example
 * ```ts
 * import { Batch, getCaptureMetadata } from 'provml';
 * class T { @Batch() step() {} }
 * getCaptureMetadata(T).methods.map((m) => m.spec); // ['T#step']
 * ```
 */
export function getCaptureMetadata(target: Function | object): CaptureMetadata {
  const cls = (typeof target === 'function' ? target : target.constructor) as Function;
  const out: CaptureMetadata = { workflow: undefined, methods: [] };
  const wp = workflowPlans.get(cls);
  if (wp) out.workflow = { spec: wp.spec, name: wp.name };
  const meta = (cls as unknown as Record<symbol, object | undefined>)[Symbol.metadata];
  for (let c: Function | null = cls; c !== null && c !== Function.prototype; c = Object.getPrototypeOf(c) as Function | null) {
    for (const p of legacyPlans.get(c) ?? []) out.methods.push(describe(p));
  }
  for (let m: object | null | undefined = meta; m; m = Object.getPrototypeOf(m) as object | null) {
    if (Object.prototype.hasOwnProperty.call(m, PLANS)) {
      for (const p of (m as Record<symbol, Plan[]>)[PLANS]!) {
        const d = describe(p);
        if (p.className === undefined) d.spec = `${m === meta ? cls.name : '?'}#${p.method}`;
        out.methods.push(d);
      }
    }
  }
  return out;
}
