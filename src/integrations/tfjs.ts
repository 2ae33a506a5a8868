/**
 * TensorFlow.js integration: a `model.fit` callback that records the fit as a PROV-ML learning
 * stage execution, each epoch as an epoch execution and each batch as a batch execution.
 *
 * It never imports `@tensorflow/tfjs` (not even its types): the callback is a plain object that
 * tf.js accepts as `CustomCallbackArgs`. Its parents are explicit execution handles
 * (`track.start`), so no AsyncLocalStorage is involved per batch.
 *
 * **One hook per batch.** tf.js awaits every hook a callback object has (and resolves the logs'
 * scalars before each), twice per batch with both batch hooks; hooks the object lacks are skipped
 * by tf.js's `CustomCallback`. So the callback has no `onBatchBegin`: a batch starts where the
 * previous one ended (or where its epoch began), and its execution — start time, end time, index,
 * measures — is recorded whole at `onBatchEnd`.
 *
 * @module
 */

import { now, track, type DataRefSummary, type EventEmitterLike, type Execution, type ExecutionInfo, type StartOptions } from '../capture/index.js';

/**
 * The logs tf.js passes to callbacks: metric name → value (numbers once tf.js has resolved them).
 *
 * @example
 * ```ts
 * import type { FitLogs } from 'provml/tfjs';
 * const logs: FitLogs = { loss: 0.31, acc: 0.9 };
 * ```
 */
export type FitLogs = Readonly<Record<string, unknown>>;

/**
 * Options of {@link provmlCallback}.
 *
 * @example
 * ```ts
 * import { ref } from 'provml';
 * import type { ProvmlCallbackOptions } from 'provml/tfjs';
 * const o: ProvmlCallbackOptions = {
 *   hyperparameters: { learningRate: 0.01 },
 *   inputs: { train: ref('data/train.csv') },
 *   measures: ['loss', 'acc', 'val_loss'],
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
   * fit parameters tf.js exposes (`epochs`, `initialEpoch`, `batchSize`, `stepsPerEpoch`) and,
   * with {@link ProvmlCallbackOptions.model}, the optimizer's class name (`optimizer`) and its
   * numeric config (`learningRate`, `beta1`…).
   */
  hyperparameters?: Readonly<Record<string, number | string | boolean>>;
  /**
   * Datasets the fit uses, made with `ref()`. A stage conforms to the PROV-ML shapes only when it
   * uses at least one dataset.
   */
  inputs?: Readonly<Record<string, DataRefSummary>>;
  /**
   * The model being fit, to record its optimizer as hyperparameters (tf.js does not give plain
   * callback objects the model). Read once per fit, at `onTrainBegin`.
   */
  model?: FitModel;
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
 * The callback object: pass it as `model.fit(x, y, { callbacks })`. Besides tf.js's hooks it has
 * {@link ProvmlCallback.fail} (a fit that throws never calls `onTrainEnd`) and the current stage.
 *
 * @example
 * ```ts
 * import { provmlCallback, type ProvmlCallback } from 'provml/tfjs';
 * const cb: ProvmlCallback = provmlCallback();
 * try { await model.fit(xs, ys, { epochs: 3, callbacks: cb }); } catch (e) { cb.fail(e); throw e; }
 * ```
 */
export interface ProvmlCallback {
  /** tf.js calls it when `fit` starts: opens the learning stage execution. */
  onTrainBegin(logs?: FitLogs): void;
  /** tf.js calls it when an epoch starts: opens the epoch execution; its first batch starts now. */
  onEpochBegin(epoch: number, logs?: FitLogs): void;
  /**
   * tf.js calls it when a batch ends: records the batch execution — started when the previous
   * batch ended (or the epoch began), ended now — with its numeric logs as measures. The only
   * per-batch hook: there is deliberately no `onBatchBegin` (tf.js awaits every hook it finds).
   */
  onBatchEnd(batch: number, logs?: FitLogs): void;
  /** tf.js calls it when an epoch ends: closes the epoch with its logs (and the saved model, if any). */
  onEpochEnd(epoch: number, logs?: FitLogs): void | Promise<void>;
  /** tf.js calls it when `fit` ends: closes the learning stage execution. */
  onTrainEnd(logs?: FitLogs): void;
  /**
   * End the running batch (the one after the last `onBatchEnd`, if the epoch has one left), the
   * epoch and the stage as failed with `error`. Never throws.
   */
  fail(error: unknown): void;
  /** The running learning stage execution, if any. */
  readonly execution: ExecutionInfo | undefined;
}

/**
 * The part of a tf.js `LayersModel` the callback reads (duck-typed: any object fits).
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
}

/** What tf.js's `CustomCallback` (the `this` of the hooks) exposes: the fit params (tf.js 4). */
type TfThis = { params?: Readonly<Record<string, unknown>> | null; model?: FitModel | null } | null | undefined;

const FIT_PARAMS = { epochs: 'epochs', initialEpoch: 'initialEpoch', batchSize: 'batchSize', steps: 'stepsPerEpoch' } as const;
const EMPTY: Readonly<Record<string, number>> = Object.freeze({});
const isNum = (v: unknown): v is number => typeof v === 'number';
let warned = false;

function warnOnce(error: unknown): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`provml/tfjs: provenance capture failed; some executions may be missing (${String(error)})`, 'ProvmlWarning');
}

/** Hyperparameters and attributes of a fit from tf.js's params, the optimizer and the user's. */
function fitFacts(self: unknown, o: ProvmlCallbackOptions): { hp: Record<string, unknown>; attrs: Record<string, unknown>; metrics?: string[]; steps?: number } {
  const hp: Record<string, unknown> = {};
  const attrs: Record<string, unknown> = {};
  let metrics: string[] | undefined;
  let steps: number | undefined; // batches per epoch, when tf.js says (fit: samples / batchSize)
  const tf = (typeof self === 'object' ? self : undefined) as TfThis;
  const params = tf?.params;
  if (params) {
    for (const [from, to] of Object.entries(FIT_PARAMS)) if (isNum(params[from])) hp[to] = params[from];
    if (isNum(params.samples)) attrs.samples = params.samples;
    if (Array.isArray(params.metrics)) metrics = params.metrics.filter((m): m is string => typeof m === 'string');
    if (isNum(params.steps)) steps = params.steps;
    else if (isNum(params.samples) && isNum(params.batchSize) && params.batchSize > 0) steps = Math.ceil(params.samples / params.batchSize);
  }
  try {
    const opt = (o.model ?? tf?.model)?.optimizer;
    const cls = opt?.getClassName?.();
    if (typeof cls === 'string') hp.optimizer = cls;
    for (const [k, v] of Object.entries(opt?.getConfig?.() ?? {})) if (isNum(v) || typeof v === 'boolean') hp[k] = v;
  } catch {
    /* an optimizer without a usable config */
  }
  Object.assign(hp, o.hyperparameters);
  return { hp, attrs, metrics, ...(steps !== undefined ? { steps } : {}) };
}

/**
 * A tf.js `model.fit` callback recording the fit's provenance: one `LearningStageExecution`
 * (hyperparameters, datasets used, final measures and model), one `EpochExecution` per epoch (its
 * logs as `ModelEvaluation`s, the saved model) and one `BatchExecution` per batch (its loss and
 * other numeric logs). It never throws into tf.js: failures go to `options.onError`. Reuse it
 * for several fits: each fit is a new stage execution.
 *
 * @example
 * ```ts
 * import { ProvML, ref, track } from 'provml';
 * import { provmlCallback } from 'provml/tfjs';
 *
 * const prov = ProvML.init();
 * await track.workflow('digits', async () => {
 *   await model.fit(xs, ys, {
 *     epochs: 3,
 *     batchSize: 16,
 *     callbacks: provmlCallback({
 *       hyperparameters: { learningRate: 0.01 },
 *       inputs: { train: ref('data/train.csv') },
 *       saveModel: async (epoch) => {
 *         await model.save(`file://models/epoch-${epoch}`);
 *         return ref(`models/epoch-${epoch}/model.json`);
 *       },
 *     }),
 *   });
 * });
 * await prov.shutdown();
 * ```
 */
export function provmlCallback(options: ProvmlCallbackOptions = {}): ProvmlCallback {
  const { measures, saveModel } = options;
  let stage: Execution | undefined;
  let epoch: Execution | undefined;
  let enabled = false;
  // The running batch is not an execution yet: only where it started (the previous batch's end,
  // or the epoch's begin) and its index. It is recorded whole at onBatchEnd (or failed by fail()).
  let batchFrom: number | undefined;
  let nextBatch = 0;
  let steps: number | undefined;
  let stageMeasures: Record<string, number> | undefined;
  let lastModel: DataRefSummary | undefined;
  // Reused for every epoch/batch (track.start keeps nothing of them): no per-batch options object.
  const epochOpts: StartOptions = { name: 'epoch', tracker: options.tracker };
  const batchOpts: StartOptions = { name: 'batch', tracker: options.tracker };

  const fault = (e: unknown): void => {
    try {
      (options.onError ?? warnOnce)(e);
    } catch {
      /* the error hook itself failed */
    }
  };
  const quietEnd = (e: Execution | undefined): void => {
    try {
      e?.end();
    } catch (err) {
      fault(err);
    }
  };

  function put(exec: Execution, k: string, v: unknown, into: Record<string, number> | undefined): void {
    if (!isNum(v)) return;
    exec.record('measure', k, v);
    if (into) into[k] = v;
  }
  function record(exec: Execution, logs: FitLogs | undefined, isBatch: boolean, into?: Record<string, number>): void {
    if (!logs) return;
    if (measures) for (let i = 0; i < measures.length; i++) put(exec, measures[i]!, logs[measures[i]!], into);
    else for (const k in logs) if (!isBatch || (k !== 'batch' && k !== 'size')) put(exec, k, logs[k], into);
  }

  /** Start the batch that began at `batchFrom` (parent: the epoch, else the stage). */
  function startBatch(index: number | undefined, from: number): Execution {
    batchOpts.parent = epoch ?? stage;
    batchOpts.index = index;
    batchOpts.startedAt = from;
    return track.start('batch', batchOpts);
  }

  function closeOpen(error: unknown): void {
    const from = batchFrom, e = epoch, s = stage;
    // A batch is running only while its epoch has batches left (after the last one, tf.js may be
    // validating or in another callback's hook).
    const running = from !== undefined && enabled && (steps === undefined || nextBatch < steps);
    const b = error !== undefined && running ? startBatch(nextBatch, from) : undefined;
    batchFrom = epoch = stage = undefined;
    enabled = false;
    if (error === undefined) quietEnd(e);
    else for (const x of [b, e, s]) x?.fail(error);
  }

  function begin(self: unknown): void {
    if (stage !== undefined) closeOpen(new Error('model.fit restarted before onTrainEnd'));
    stageMeasures = lastModel = undefined;
    const facts = fitFacts(self, options);
    const { hp, attrs, metrics } = facts;
    steps = facts.steps;
    const declared = measures ?? metrics;
    const s = track.start('stage', {
      stage: options.stage ?? 'training',
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.parent !== undefined ? { parent: options.parent } : {}),
      tracker: options.tracker,
      hyperparameters: hp,
      attributes: attrs,
      inputs: options.inputs,
      measures: declared,
      ...(saveModel ? { models: ['model'] } : {}),
    });
    stage = s;
    enabled = s.id !== ''; // the no-op execution of a disabled tracker
    epochOpts.spec = `${s.spec}/epoch`;
    epochOpts.measures = declared;
    if (saveModel) Object.assign(epochOpts, { models: ['model'], modelHyperparameters: ['epoch'] });
    batchOpts.spec = `${s.spec}/epoch/batch`;
    batchOpts.measures = declared?.filter((m) => !m.startsWith('val_'));
  }

  function endEpoch(e: Execution, index: number, model: DataRefSummary | undefined): void {
    try {
      if (model) {
        e.record('model', 'model', model);
        e.record('modelHyperparameter', 'epoch', index);
        lastModel = model;
      }
    } catch (err) {
      fault(err);
    }
    quietEnd(e);
  }

  return {
    get execution(): ExecutionInfo | undefined {
      return stage;
    },
    onTrainBegin(this: unknown): void {
      try {
        begin(this);
      } catch (err) {
        fault(err);
      }
    },
    onEpochBegin(this: unknown, index: number): void {
      try {
        if (stage === undefined) begin(this);
        if (!enabled) return;
        quietEnd(epoch);
        epochOpts.parent = stage;
        epochOpts.index = isNum(index) && index >= 0 ? index : undefined;
        epoch = track.start('epoch', epochOpts);
        nextBatch = 0;
        batchFrom = now();
      } catch (err) {
        fault(err);
      }
    },
    onBatchEnd(index: number, logs?: FitLogs): void {
      const from = batchFrom;
      if (from === undefined || !enabled) return;
      try {
        const i = isNum(index) && index >= 0 ? index : undefined;
        const b = startBatch(i, from);
        record(b, logs, true);
        b.end();
        nextBatch = (i ?? nextBatch) + 1;
      } catch (err) {
        fault(err);
      }
      batchFrom = now(); // the next batch starts here
    },
    onEpochEnd(index: number, logs?: FitLogs): void | Promise<void> {
      const e = epoch;
      batchFrom = undefined;
      if (e === undefined) return;
      epoch = undefined;
      try {
        record(e, logs, false, (stageMeasures = {}));
        if (saveModel === undefined) return quietEnd(e);
        // Inside the epoch execution, so tracked code in the hook nests under it.
        const saved = e.run(() => saveModel(index, (logs ?? EMPTY) as Readonly<Record<string, number>>));
        if (saved !== null && typeof saved === 'object' && typeof (saved as PromiseLike<unknown>).then === 'function') {
          return Promise.resolve(saved as PromiseLike<DataRefSummary | undefined>)
            .then(
              (m) => endEpoch(e, index, m),
              (err: unknown) => {
                fault(err);
                quietEnd(e);
              },
            )
            .then(undefined, fault);
        }
        endEpoch(e, index, saved as DataRefSummary | undefined);
      } catch (err) {
        fault(err);
        quietEnd(e);
      }
    },
    onTrainEnd(): void {
      const s = stage;
      if (s === undefined) return;
      try {
        closeOpen(undefined);
        if (stageMeasures) for (const k in stageMeasures) s.record('measure', k, stageMeasures[k]);
        if (lastModel) s.record('model', 'model', lastModel);
        s.end();
      } catch (err) {
        fault(err);
      }
    },
    fail(error: unknown): void {
      try {
        closeOpen(error ?? new Error('model.fit failed'));
      } catch (err) {
        fault(err);
      }
    },
  };
}
