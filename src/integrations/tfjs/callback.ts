/**
 * The TensorFlow.js callback itself: tf.js's hooks → `track.start` executions with explicit
 * parents (no AsyncLocalStorage per batch). See the module docs of `integrations/tfjs.ts`.
 *
 * @module
 */

import { now, track, type DataRefSummary, type Execution, type ExecutionInfo, type StartOptions } from '../../capture/index.js';
import { endedBatches, laneHoldMs } from '../../capture/api-batch.js';
import { loadedCallbackClass, numericLogs } from './base.js';
import { fitFacts, isNum, modelArchitecture } from './facts.js';
import { BatchGroup } from './group.js';
import type { FitLogs, FitModel, ProvmlCallback, ProvmlCallbackOptions } from './types.js';

const EMPTY: Readonly<Record<string, number>> = Object.freeze({});
const VAL = 'val_';
/** How often the callback yields to the event loop in a fit (tf.js's `CustomCallback` default). */
const YIELD_MS = 125;
let warned = false;

function warnOnce(error: unknown): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`provml/tfjs: provenance capture failed; some executions may be missing (${String(error)})`, 'ProvmlWarning');
}

/**
 * A tf.js callback recording a `model.fit` or `model.fitDataset` as PROV-ML provenance: one
 * `LearningStageExecution` (hyperparameters, datasets used, the model's architecture, early
 * stopping, final measures and model), one `EpochExecution` per epoch (its logs as
 * `ModelEvaluation`s, the saved model), one `BatchExecution` per batch (or per `captureEvery`-th
 * batch) with its loss and other numeric logs, and — when tf.js validates — a validation
 * `LearningStageExecution` holding the `val_*` logs. It never throws into tf.js: failures go to
 * `options.onError`. Reuse it for several fits: each fit is a new stage execution. With tf.js
 * already loaded it is an instance of tf.js's `Callback` (the fast path: see the module docs of
 * `integrations/tfjs.ts` for lists of callbacks), else a plain `CustomCallbackArgs` object. Throws a
 * `TypeError` at once for a `captureEvery` that is not a positive integer.
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
 *     validationSplit: 0.2,
 *     callbacks: provmlCallback({
 *       model,
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
  const every = options.captureEvery ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) throw new TypeError(`provml/tfjs: captureEvery must be a positive integer, got ${String(options.captureEvery)}`);
  const validation = options.validation === false ? undefined : (options.validation ?? {});
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
  // Per fit: the model (early stopping), the epochs asked for, the last epoch ended, whether the
  // batch size is still to be read from a batch's logs (fitDataset), the validation stage.
  let model: FitModel | undefined;
  let epochs: number | undefined;
  let lastEpoch: number | undefined;
  let sizeUnknown = false;
  let valStage: Execution | undefined;
  let valMeasures: Record<string, number> | undefined;
  let valDeclared: string[] | undefined;
  // Reused for every epoch/batch (track.start keeps nothing of them): no per-batch options object.
  const epochOpts: StartOptions = { name: 'epoch', tracker: options.tracker };
  const batchOpts: StartOptions = { name: 'batch', tracker: options.tracker };
  const valEpochOpts: StartOptions = { name: 'epoch', tracker: options.tracker };

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

  function put(exec: Execution, k: string, v: unknown, into: Record<string, number> | undefined, as = k): void {
    if (!isNum(v)) return;
    exec.record('measure', as, v);
    if (into) into[as] = v;
  }
  function record(exec: Execution, logs: FitLogs | undefined, isBatch: boolean, into?: Record<string, number>): void {
    if (!logs) return;
    if (measures) for (let i = 0; i < measures.length; i++) put(exec, measures[i]!, logs[measures[i]!], into);
    else for (const k in logs) if (!isBatch || (k !== 'batch' && k !== 'size')) put(exec, k, logs[k], into);
  }
  /** The `val_*` logs (of those to record) as measures without the prefix; `false` when there are none. */
  function recordVal(exec: Execution | undefined, logs: FitLogs, into?: Record<string, number>): boolean {
    let found = false;
    const keys = measures ?? Object.keys(logs);
    for (const k of keys) {
      if (!k.startsWith(VAL) || !isNum(logs[k])) continue;
      found = true;
      if (exec) put(exec, k, logs[k], into, k.slice(VAL.length));
    }
    return found;
  }

  /** The options of the batch that began at `from` (parent: the epoch, else the stage). */
  function batchOptions<I extends number | undefined>(index: I, from: number): StartOptions & { index: I; startedAt: number } {
    batchOpts.parent = epoch ?? stage;
    batchOpts.index = index;
    batchOpts.startedAt = from;
    return batchOpts as StartOptions & { index: I; startedAt: number };
  }

  // Batches are read into a group and written a group at a time (group.ts).
  const group = new BatchGroup(measures, (count, index, from, to, outs, values, n) => {
    try {
      batchOpts.parent = epoch ?? stage;
      endedBatches(batchOpts, count, index, from, to, outs, values, n);
    } catch (err) {
      fault(err);
    }
  });

  /** Start the batch that began at `from`. */
  function startBatch(index: number | undefined, from: number): Execution {
    return track.start('batch', batchOptions(index, from));
  }

  function closeOpen(error: unknown): void {
    group.write();
    const from = batchFrom, e = epoch, v = valStage, s = stage;
    // A batch is running only while its epoch has batches left (after the last one, tf.js may be
    // validating or in another callback's hook). Under captureEvery it is recorded too: a failure
    // is worth a record, and its start is known (the clock is read at every batch end).
    const running = from !== undefined && enabled && (steps === undefined || nextBatch < steps);
    const b = error !== undefined && running ? startBatch(nextBatch, from) : undefined;
    batchFrom = epoch = valStage = stage = undefined;
    enabled = false;
    if (error === undefined) quietEnd(e);
    else for (const x of [b, e, v, s]) x?.fail(error);
  }

  function begin(self: unknown): void {
    if (stage !== undefined) closeOpen(new Error('model.fit restarted before onTrainEnd'));
    stageMeasures = lastModel = valMeasures = lastEpoch = undefined;
    const facts = fitFacts(self, options);
    const { hp, attrs, metrics } = facts;
    steps = facts.steps;
    model = facts.model;
    epochs = facts.epochs;
    sizeUnknown = facts.batchSizeUnknown && !Object.prototype.hasOwnProperty.call(options.hyperparameters ?? {}, 'batchSize');
    if (every > 1) attrs.captureEvery = every;
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
    if (!enabled) return;
    group.holdMs = laneHoldMs(options.tracker);
    if (model && options.architecture !== false) {
      const arch = modelArchitecture(model);
      for (const k in arch) s.record('modelHyperparameter', k, arch[k]);
    }
    epochOpts.spec = `${s.spec}/epoch`;
    epochOpts.measures = declared;
    if (saveModel) Object.assign(epochOpts, { models: ['model'], modelHyperparameters: ['epoch'] });
    batchOpts.spec = `${s.spec}/epoch/batch`;
    batchOpts.measures = declared?.filter((m) => !m.startsWith(VAL));
    valDeclared = declared?.filter((m) => m.startsWith(VAL)).map((m) => m.slice(VAL.length));
    valEpochOpts.spec = `${s.spec}/validation/epoch`;
    valEpochOpts.measures = valDeclared;
  }

  /**
   * The validation of epoch `index`: one epoch execution of the validation stage (started with the
   * first validated epoch), from `from` — the end of the epoch's last batch — to now.
   *
   * Why one validation stage per fit, part of the training stage, with an epoch per validated
   * epoch (rather than a stage per epoch, or a stage beside the training): it has the training's
   * own shape — stage → epochs (iterationIndex = the training epoch) → measures `loss`, `acc`… —
   * so "validation loss per epoch" is the training's query with the other stage; the monitor
   * reads the run's direct stages and their epochs, so it keeps following the training (and its
   * `measure: 'val_loss'` still reads the training epochs, which keep their `val_*` logs); Q3/Q4
   * find no model and no batch under it; and Q5, which lists every learning stage that used the
   * dataset, gets one extra row per fit, not one per epoch.
   */
  function validate(index: number, logs: FitLogs | undefined, from: number): void {
    const s = stage;
    if (validation === undefined || s === undefined || !logs || !recordVal(undefined, logs)) return;
    valStage ??= track.start('stage', {
      stage: 'validation',
      name: validation.name ?? 'validation',
      spec: `${s.spec}/validation`,
      parent: s,
      tracker: options.tracker,
      inputs: validation.inputs ?? options.inputs,
      measures: valDeclared,
      startedAt: from,
    });
    valEpochOpts.parent = valStage;
    valEpochOpts.index = isNum(index) && index >= 0 ? index : undefined;
    valEpochOpts.startedAt = from;
    const ve = track.start('epoch', valEpochOpts);
    recordVal(ve, logs, (valMeasures = {}));
    ve.end();
  }

  function endEpoch(e: Execution, index: number, saved: DataRefSummary | undefined): void {
    try {
      if (saved) {
        e.record('model', 'model', saved);
        e.record('modelHyperparameter', 'epoch', index);
        lastModel = saved;
      }
    } catch (err) {
      fault(err);
    }
    quietEnd(e);
  }

  function stoppedEarly(): boolean {
    try {
      if (model?.stopTraining === true) return true; // a callback asked tf.js to stop
    } catch {
      /* an unreadable flag: count the epochs */
    }
    return epochs !== undefined && lastEpoch !== undefined && lastEpoch + 1 < epochs;
  }

  // tf.js's own Callback class when tf.js is loaded (see base.ts): then tf.js calls the hooks
  // directly, without a CustomCallback's per-hook scalar reads and awaits.
  const Base = loadedCallbackClass(options.model);
  let self: object | undefined; // the Callback instance, when there is one
  let yieldedAt = now();

  const hooks: ProvmlCallback = {
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
    onBatchEnd(this: unknown, index: number, logs?: FitLogs): void | Promise<void> {
      const from = batchFrom;
      if (from === undefined || !enabled) return;
      // Sampling first: a batch that is not recorded costs a modulo and a clock read (the next
      // recorded batch, the validation and a failing batch start where it ended).
      if (every !== 1 && index % every !== 0) {
        nextBatch = (isNum(index) ? index : nextBatch) + 1;
        batchFrom = now();
        return;
      }
      const t = now(); // this batch's end, the next one's start
      try {
        const i = isNum(index) && index >= 0 ? index : undefined;
        if (i === undefined || !group.add(i, from, t, logs)) {
          group.write();
          const b = startBatch(i, from);
          record(b, numericLogs(logs), true);
          b.end();
        }
        nextBatch = (i ?? nextBatch) + 1;
        if (sizeUnknown) {
          // fitDataset: tf.js knows the batch size only from the data; the first batch's is it.
          sizeUnknown = false;
          if (isNum(logs?.size)) stage?.record('hyperparameter', 'batchSize', logs.size);
        }
      } catch (err) {
        fault(err);
      }
      batchFrom = t;
      // Called by tf.js directly (on the Callback instance, not by a CustomCallback wrapping it,
      // which yields itself), the event loop turns only if the callback yields.
      if (this === self && self !== undefined && t - yieldedAt >= YIELD_MS) {
        yieldedAt = t;
        group.write();
        return new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    onEpochEnd(index: number, tfLogs?: FitLogs): void | Promise<void> {
      const e = epoch;
      const lastBatchEnd = batchFrom;
      batchFrom = undefined;
      group.write(); // the epoch's last batches, before the epoch ends
      if (e === undefined) return;
      epoch = undefined;
      if (isNum(index)) lastEpoch = index;
      let logs: FitLogs | undefined;
      try {
        logs = numericLogs(tfLogs);
        record(e, logs, false, (stageMeasures = {}));
        if (every !== 1) e.record('attribute', 'batches', nextBatch); // how many there were, recorded or not
        validate(index, logs, lastBatchEnd ?? now());
      } catch (err) {
        fault(err);
      }
      try {
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
      const v = valStage;
      try {
        closeOpen(undefined);
        if (v) {
          if (valMeasures) for (const k in valMeasures) v.record('measure', k, valMeasures[k]);
          v.end();
        }
        const stopped = stoppedEarly();
        s.record('attribute', 'stoppedEarly', stopped);
        if (stopped && lastEpoch !== undefined) s.record('attribute', 'stoppedAtEpoch', lastEpoch);
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
  if (Base === undefined) return hooks;
  // An instance of tf.js's Callback (its setParams/setModel give the hooks `this.params` and
  // `this.model`), with these hooks as own properties; onBatchBegin a plain no-op, not the base
  // class's async one (tf.js awaits it every batch).
  const cb = Object.defineProperties(Reflect.construct(Base, []), Object.getOwnPropertyDescriptors(hooks)) as ProvmlCallback;
  Object.defineProperty(cb, 'onBatchBegin', { value: () => undefined, writable: true, configurable: true });
  self = cb;
  return cb;
}
