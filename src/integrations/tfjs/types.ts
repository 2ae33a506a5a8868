/**
 * Types of the TensorFlow.js integration: the callback, its options and the structural
 * (duck-typed) views of tf.js objects it reads. Nothing here imports `@tensorflow/tfjs`.
 *
 * @module
 */

import type { DataRefSummary, EventEmitterLike, ExecutionInfo } from '../../capture/index.js';

/**
 * The logs tf.js passes to callbacks: metric name → value (numbers once tf.js has resolved them).
 *
 * @example
 * ```ts
 * import type { FitLogs } from 'provml/tfjs';
 * const logs: FitLogs = { loss: 0.31, acc: 0.9, val_loss: 0.35 };
 * ```
 */
export type FitLogs = Readonly<Record<string, unknown>>;

/**
 * A tensor shape as tf.js gives it (`null` for a free dimension, usually the batch).
 *
 * @example
 * ```ts
 * import type { FitShape } from 'provml/tfjs';
 * const s: FitShape = [null, 4];
 * ```
 */
export type FitShape = ReadonlyArray<number | null>;

/**
 * The part of a tf.js `Layer` the callback reads (duck-typed: any object fits).
 *
 * @example
 * ```ts
 * import type { FitLayer } from 'provml/tfjs';
 * const dense: FitLayer = {
 *   name: 'dense_1',
 *   getClassName: () => 'Dense',
 *   getConfig: () => ({ units: 8, activation: 'relu' }),
 *   countParams: () => 40,
 *   outputShape: [null, 8],
 * };
 * ```
 */
export interface FitLayer {
  /** The layer's name, e.g. `'dense_Dense1'`. */
  readonly name?: string;
  /** The layer's class name, e.g. `'Dense'`. */
  getClassName?(): string;
  /** The layer's config; `units`, `activation`, `filters`, `kernelSize` and `rate` are read. */
  getConfig?(): Readonly<Record<string, unknown>>;
  /** The layer's number of weights (trainable or not). */
  countParams?(): number;
  /** The layer's output shape (a getter in tf.js; it may throw for a shared layer). */
  readonly outputShape?: unknown;
}

/**
 * The part of a tf.js `LayersModel` the callback reads (duck-typed: any object fits, and every
 * member is optional). A real `tf.LayersModel` is one.
 *
 * @example
 * ```ts
 * import type { FitModel } from 'provml/tfjs';
 * const m: FitModel = { optimizer: { getClassName: () => 'Adam', getConfig: () => ({ learningRate: 0.001 }) } };
 * ```
 */
export interface FitModel {
  readonly optimizer?: {
    /** The optimizer's class name, e.g. `'Adam'` (recorded as the `optimizer` hyperparameter). */
    getClassName?(): string;
    /** The optimizer's config; its numeric and boolean entries are recorded as hyperparameters. */
    getConfig?(): Readonly<Record<string, unknown>>;
  } | null;
  /** The model's layers, in order (recorded as its architecture). */
  readonly layers?: readonly FitLayer[];
  /** Total number of weights of the model. */
  countParams?(): number;
  /** The trainable weights (their shapes give the trainable parameter count). */
  readonly trainableWeights?: ReadonlyArray<{ readonly shape: FitShape }>;
  /** The model's symbolic inputs (their shapes are the input shape). */
  readonly inputs?: ReadonlyArray<{ readonly shape: FitShape }>;
  /** The model's symbolic outputs (their shapes are the output shape). */
  readonly outputs?: ReadonlyArray<{ readonly shape: FitShape }>;
  /** Set by a callback (e.g. `tf.callbacks.earlyStopping`) to stop the fit after the current batch or epoch. */
  readonly stopTraining?: boolean;
}

/**
 * How the `val_*` logs of a fit are recorded: a validation learning stage, part of the training
 * stage, with one epoch execution per validated epoch (see {@link ProvmlCallbackOptions.validation}).
 *
 * @example
 * ```ts
 * import { ref } from 'provml';
 * import type { ValidationOptions } from 'provml/tfjs';
 * const v: ValidationOptions = { inputs: { validation: ref('data/val.csv') } };
 * ```
 */
export interface ValidationOptions {
  /** Name of the validation stage (default `'validation'`). */
  name?: string;
  /**
   * Datasets the validation uses (default: the fit's `inputs` — right for `validationSplit`, which
   * validates on the tail of the training data; give the validation data's `ref()` for
   * `validationData`). A stage conforms to the PROV-ML shapes only when it uses a dataset.
   */
  inputs?: Readonly<Record<string, DataRefSummary>>;
}

/**
 * Options of {@link provmlCallback}.
 *
 * @example
 * ```ts
 * import { ref } from 'provml';
 * import type { ProvmlCallbackOptions } from 'provml/tfjs';
 * const o: ProvmlCallbackOptions = {
 *   model,
 *   hyperparameters: { learningRate: 0.01 },
 *   inputs: { train: ref('data/train.csv') },
 *   validation: { inputs: { val: ref('data/val.csv') } },
 *   captureEvery: 10,
 * };
 * ```
 */
export interface ProvmlCallbackOptions {
  /** The learning stage type of the fit (default `'training'`). */
  stage?: 'training';
  /** Name of the stage (default: the stage type). */
  name?: string;
  /**
   * Learning hyperparameters of the stage. Added automatically (yours win on a name clash): the
   * fit parameters tf.js gives its callbacks — `epochs`, `initialEpoch` and `batchSize` for `fit`;
   * `epochs` and `batchesPerEpoch` (tf.js's `batchesPerEpoch`, else the dataset's size when
   * finite) for `fitDataset`, plus `batchSize` read from the first batch's `size` — and, with a
   * model, the optimizer's class name (`optimizer`) and its numeric and boolean config
   * (`learningRate`, `beta1`…).
   */
  hyperparameters?: Readonly<Record<string, number | string | boolean>>;
  /**
   * Datasets the fit uses, made with `ref()`. A stage conforms to the PROV-ML shapes only when it
   * uses at least one dataset.
   */
  inputs?: Readonly<Record<string, DataRefSummary>>;
  /**
   * The model being fit. Read once per fit, at `onTrainBegin`: its optimizer (hyperparameters) and
   * its architecture (model hyperparameters, see `modelArchitecture`); at `onTrainEnd`,
   * `stopTraining` (early stopping). tf.js does not give plain callback objects the model (its
   * `CustomCallback` keeps only the fit params), so pass it here; without it there is no optimizer
   * or architecture, and early stopping is told only from fewer epochs than asked. (A `this.model`
   * in the hooks is used when there is one.)
   */
  model?: FitModel;
  /** Record the model's architecture (default `true`; needs a model, see {@link ProvmlCallbackOptions.model}). */
  architecture?: boolean;
  /**
   * The `val_*` logs (from `validationSplit` / `validationData`) as a validation stage: `false` to
   * record them only on the training epochs (as every other log). Default: a stage named
   * `'validation'` using the fit's `inputs`.
   */
  validation?: false | ValidationOptions;
  /**
   * Per-batch sampling, for long fits: record only the batches whose index within their epoch is a
   * multiple of `n` — 0, n, 2n…, so every epoch's first — each with its true index, its start (the
   * end of the batch before it, recorded or not) and end, and its logs. Still recorded in full: the
   * stage, every epoch with all its logs (tf.js's epoch logs are means over all its batches), the
   * validation, and a batch that fails ({@link ProvmlCallback.fail}). Added when `n > 1`: the
   * stage's attribute `captureEvery` and each epoch's attribute `batches` (how many it really had).
   * Not recorded: the other batches, so batch counts and batch-time statistics (Q4, Q5, the
   * monitor) are those of the sampled batches. A batch left out costs a modulo and a clock read.
   * Default 1 (every batch); a positive integer, else `provmlCallback` throws a `TypeError`.
   */
  captureEvery?: number;
  /** Log keys to record as measures (default: every numeric log except tf.js's `batch`/`size`). */
  measures?: readonly string[];
  /**
   * Called at the end of every epoch (inside the epoch execution); return a `ref()` to the model
   * saved for that epoch (or `undefined`). It is recorded as the epoch's model, with `epoch` as a
   * model hyperparameter; the last one is also the stage's model. May be async.
   */
  saveModel?: (epoch: number, logs: Readonly<Record<string, number>>) => DataRefSummary | undefined | PromiseLike<DataRefSummary | undefined>;
  /** Emit into this tracker (a `ProvML` or any emitter) instead of the default one. */
  tracker?: EventEmitterLike;
  /**
   * The execution to nest the stage under (default: the current one when `onTrainBegin` runs,
   * e.g. a `track.workflow`; otherwise the script's implicit workflow).
   */
  parent?: ExecutionInfo;
  /** Receives errors of this integration or of `saveModel` (default: one process warning). */
  onError?: (error: unknown) => void;
}

/**
 * The callback: pass it as `model.fit(x, y, { callbacks })` or `model.fitDataset(ds, { callbacks })`.
 * With tf.js loaded it is a tf.js `Callback` (tf.js calls it directly, the fast path), so in a list
 * it goes with tf.js's callbacks as they are — `[cb, tf.callbacks.earlyStopping()]` — and a
 * plain-object callback goes first or wrapped: `[cb, new tf.CustomCallback({ onEpochEnd })]`.
 * Besides tf.js's hooks it has {@link ProvmlCallback.fail} (a fit that throws never calls
 * `onTrainEnd`) and the current stage.
 *
 * @example
 * ```ts
 * import { provmlCallback, type ProvmlCallback } from 'provml/tfjs';
 * const cb: ProvmlCallback = provmlCallback();
 * try { await model.fit(xs, ys, { epochs: 3, callbacks: cb }); } catch (e) { cb.fail(e); throw e; }
 * ```
 */
export interface ProvmlCallback {
  /** tf.js calls it when the fit starts: opens the learning stage execution. */
  onTrainBegin(logs?: FitLogs): void;
  /** tf.js calls it when an epoch starts: opens the epoch execution; its first batch starts now. */
  onEpochBegin(epoch: number, logs?: FitLogs): void;
  /**
   * tf.js calls it when a batch ends: records the batch execution — started when the previous
   * batch ended (or the epoch began), ended now — with its numeric logs as measures (only every
   * `captureEvery`-th batch). The only per-batch hook that records (a batch starts where the
   * previous one ended). Returns a promise only when it yields to the event loop (every 125 ms,
   * when tf.js calls it directly).
   */
  onBatchEnd(batch: number, logs?: FitLogs): void | Promise<void>;
  /**
   * tf.js calls it when an epoch ends: closes the epoch with its logs (and the saved model, if
   * any), and records the epoch's `val_*` logs in the validation stage.
   */
  onEpochEnd(epoch: number, logs?: FitLogs): void | Promise<void>;
  /** tf.js calls it when the fit ends: records early stopping, closes the validation and learning stages. */
  onTrainEnd(logs?: FitLogs): void;
  /**
   * End the running batch (the one after the last `onBatchEnd`, if the epoch has one left), the
   * epoch and the stages as failed with `error`. Never throws.
   */
  fail(error: unknown): void;
  /** The running learning stage execution, if any. */
  readonly execution: ExecutionInfo | undefined;
}

/** What tf.js's `CustomCallback` (the `this` of the hooks) exposes: the fit params and the model (tf.js 4). @internal */
export type TfThis = { params?: Readonly<Record<string, unknown>> | null; model?: FitModel | null } | null | undefined;
