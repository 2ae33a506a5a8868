/**
 * Decorator option types: how arguments and results of a decorated method map to PROV-ML values.
 * Everything is declared by position or key — provml never parses function source.
 *
 * @module
 */

import type { EventEmitterLike } from './emitter.js';
import type { StageType } from './events.js';

/**
 * Where an argument value comes from:
 * - a **number** `n`: the n-th argument (0-based), e.g. `1`;
 * - a **string** `'key'` or `'a.b'`: that property (path) of the *options argument* — argument 0
 *   unless {@link CaptureOptions.optionsArg} says otherwise;
 * - a **string** `'$n'` or `'$n.key.sub'`: argument n itself, or a property path inside it.
 *
 * @example
 * ```ts
 * import type { ArgRef } from 'provml';
 * const whole: ArgRef = 1;               // second argument
 * const key: ArgRef = 'lr';              // opts.lr, opts being argument 0
 * const nested: ArgRef = '$1.tile.size'; // (argument 1).tile.size
 * ```
 */
export type ArgRef = number | string;

/**
 * Named argument values to record.
 * - **array form** `['lr', 'epochs']`: keys (or paths) of the options argument; each is recorded
 *   under its last path segment (`'optim.lr'` → `lr`).
 * - **record form** `{ threshold: 1, tileSize: '$0.tileSize' }`: attribute name → {@link ArgRef}.
 *
 * @example
 * ```ts
 * import { Transformation, type ArgSpec } from 'provml';
 * const params: ArgSpec = { threshold: 1, tileSize: '$2.tileSize' };
 * class Prep {
 *   @Transformation({ params, inputs: { source: 0 } })
 *   tile(src: string, threshold: number, opts: { tileSize: number }) {}
 * }
 * ```
 */
export type ArgSpec = readonly string[] | Readonly<Record<string, ArgRef>>;

/**
 * Named result values to record.
 * - **array form** `['loss', 'acc']`: keys (or paths) of the returned object. If the method returns
 *   a non-object (a number, a {@link ref}, a tensor, an array) and declares exactly one result
 *   attribute in total, that attribute gets the whole value: `measures: ['loss']` works for a
 *   method returning `{ loss }` and for one returning the loss itself.
 * - **record form** `{ dataset: '$', acc: 'metrics.acc' }`: attribute name → path; `'$'` is the
 *   whole return value, `'$.a.b'` or `'a.b'` a property path inside it.
 * - the string **`'$'`**: the whole return value, recorded under the name `result`.
 *
 * Missing values (`undefined`) are not recorded.
 *
 * @example
 * ```ts
 * import { Batch, type OutSpec } from 'provml';
 * const measures: OutSpec = ['loss'];
 * class Trainer {
 *   @Batch({ measures })
 *   step() { return { loss: 0.3 }; } // or: return 0.3
 * }
 * ```
 */
export type OutSpec = '$' | readonly string[] | Readonly<Record<string, string>>;

/**
 * Options shared by the activity decorators and {@link tracked}.
 *
 * @example
 * ```ts
 * import { Transformation, ref, type CaptureOptions } from 'provml';
 * const o: CaptureOptions = { name: 'split', params: ['ratio'], outputs: ['train', 'test'] };
 * class Prep {
 *   @Transformation(o)
 *   split(opts: { ratio: number }) { return { train: ref('train.csv'), test: ref('test.csv') }; }
 * }
 * ```
 */
export interface CaptureOptions {
  /** Human name (default: the method name). The spec key stays `Class#method`. */
  name?: string;
  /** Emit into this emitter instead of the default one (read at call time). */
  tracker?: EventEmitterLike;
  /** Index of the argument that bare string {@link ArgRef}s refer to (default 0). */
  optionsArg?: number;
  /** Data-transformation parameters → `ParameterValue`. */
  params?: ArgSpec;
  /** Learning hyperparameters → `LearningHyperParameterSetting`. */
  hyperparameters?: ArgSpec;
  /** Data used (usually {@link ref}s) → `DataReferenceValue`, `prov:used`. */
  inputs?: ArgSpec;
  /** Other argument values to keep → `AttributeValue`. */
  attributes?: ArgSpec;
  /** Data produced (usually {@link ref}s) → `DataReferenceValue`, `prov:wasGeneratedBy`. */
  outputs?: OutSpec;
  /** Evaluation measures (loss, accuracy…) → `ModelEvaluation`. */
  measures?: OutSpec;
  /** Saved models (usually {@link ref}s) → `ModelReferenceValue`. */
  models?: OutSpec;
  /** Model hyperparameters (e.g. the epoch a model was saved at) → `ModelHyperParameterValue`. */
  modelHyperparameters?: OutSpec;
  /** Dataset characteristics (e.g. number of instances) → `DatasetCharacteristicValue`. */
  characteristics?: OutSpec;
  /**
   * The input or output (by its attribute name) the `characteristics` describe, e.g. `'raw'` for
   * `inputs: { raw: 0, mask: 1 }`. Default: the first dataset the step outputs, else the first it
   * takes as input.
   */
  characterizes?: string;
  /** Other result values to keep → `AttributeValue`. */
  results?: OutSpec;
  /**
   * Labels of each execution, e.g. `{ team: 'geo', sweep: 3 }`: strings, finite numbers or
   * booleans, fixed at decoration time. Recorded as facts about the execution itself — ML Schema
   * qualities (`mls:hasQuality`) named `tag:<name>` — not as values it used or generated, in both
   * tracking modes. At most 64 tags.
   */
  tags?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Options of `@LearningStage`.
 *
 * @example
 * ```ts
 * import { LearningStage, type StageOptions } from 'provml';
 * const o: StageOptions = { stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['dataset'] };
 * class T { @LearningStage(o) fit(opts: { lr: number; epochs: number; dataset: unknown }) {} }
 * ```
 */
export interface StageOptions extends CaptureOptions {
  /** The learning stage type. */
  stage: StageType;
}

/**
 * Options of `@Epoch` and `@Batch`.
 *
 * @example
 * ```ts
 * import { Epoch, type IterationOptions } from 'provml';
 * const o: IterationOptions = { indexArg: 0, measures: ['loss'] };
 * class T { @Epoch(o) epoch(i: number) { return { loss: 1 / (i + 1) }; } }
 * ```
 */
export interface IterationOptions extends CaptureOptions {
  /**
   * Which argument holds the epoch/batch number (an {@link ArgRef} to a number: `indexArg: 0`
   * for `epoch(e: number)`). Without it, or when the value is not a number, an automatic counter
   * per parent execution is used (0, 1, 2…). (In `track.epoch` / `track.start`, `index` is the
   * number itself.)
   */
  indexArg?: ArgRef;
}

/**
 * Options of `@Workflow`: the workflow's descriptive facts and how its executions are delimited.
 *
 * @example
 * ```ts
 * import { Workflow, type WorkflowOptions } from 'provml';
 * const o: WorkflowOptions = { name: 'mnist', study: 'digits', persona: 'ml-engineer', run: 'main', tags: { team: 'geo' } };
 * @Workflow(o)
 * class Pipeline { async main() {} }
 * ```
 */
export interface WorkflowOptions {
  /** Human name (default: the class name). The spec key is the class name. */
  name?: string;
  study?: string;
  experiment?: string;
  persona?: string;
  task?: string;
  algorithm?: string;
  software?: string;
  /** Emit into this emitter (also for the class's decorated methods without their own tracker). */
  tracker?: EventEmitterLike;
  /**
   * Name of the entry method: each call of it *is* one workflow execution (like `@WorkflowRun`).
   */
  run?: string;
  /**
   * Labels of every execution of this workflow, e.g. `{ team: 'geo' }` (see
   * {@link CaptureOptions.tags}). With `track.workflow` they are per run.
   */
  tags?: Readonly<Record<string, string | number | boolean>>;
}

/** Keys accepted by each decorator (validated at decoration time). @internal */
export const IN_ROLES = {
  params: 'parameter',
  hyperparameters: 'hyperparameter',
  inputs: 'input',
  attributes: 'attribute',
} as const;

/** @internal */
export const OUT_ROLES = {
  outputs: 'output',
  measures: 'measure',
  models: 'model',
  modelHyperparameters: 'modelHyperparameter',
  characteristics: 'characteristic',
  results: 'attribute',
} as const;

/** @internal */
export const WORKFLOW_KEYS = ['name', 'study', 'experiment', 'persona', 'task', 'algorithm', 'software', 'tracker', 'run', 'tags'] as const;
