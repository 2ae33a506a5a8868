/**
 * TensorFlow.js integration: a `model.fit` / `model.fitDataset` callback that records the fit as a
 * PROV-ML learning stage execution, each epoch as an epoch execution and each batch as a batch
 * execution; and how to record custom training loops (below).
 *
 * It never imports `@tensorflow/tfjs` (not even its types), and reads the model structurally. When
 * tf.js is already loaded, the callback is an instance of tf.js's own `Callback` class, found among
 * the loaded modules (see integrations/tfjs/base.ts), so that tf.js calls its hooks directly;
 * otherwise it is a plain object that tf.js accepts as `CustomCallbackArgs`. Its parents are
 * explicit execution handles (`track.start`), so no AsyncLocalStorage is involved per batch.
 *
 * **What a fit records.**
 *
 * - The *training stage* (`LearningStageExecution`, stage type Training): hyperparameters — yours,
 *   tf.js's fit params (`fit`: `epochs`, `initialEpoch`, `batchSize`; `fitDataset`: `epochs`,
 *   `batchesPerEpoch` when tf.js knows it, `batchSize` from the first batch) and the optimizer
 *   (`optimizer`, `learningRate`…); the datasets (`inputs`); the model's architecture as model
 *   hyperparameters (`layers`, `params`, `trainableParams`, `inputShape`, `outputShape`,
 *   `layer<i>.type|name|params|outputShape|units|activation|…`, read once per fit: see
 *   {@link modelArchitecture}), which characterize the stage's model when `saveModel` gives one;
 *   attributes `samples` (fit), `stoppedEarly` (always) and `stoppedAtEpoch` (the last epoch run)
 *   when a callback set `model.stopTraining` — as `tf.callbacks.earlyStopping` does; read from the
 *   `model` option — or fewer epochs ran than asked; the last epoch's logs as measures; the last saved model.
 * - Each *epoch* (`EpochExecution`, `iterationIndex` = tf.js's epoch): every numeric log as a
 *   measure, `val_*` included (as tf.js's `History` has them); the model `saveModel` returned.
 * - Each *batch* (`BatchExecution`, `iterationIndex` = tf.js's batch index within the epoch): its
 *   numeric logs but tf.js's `batch`/`size`. A batch starts where the previous one ended (or where
 *   its epoch began) and ends at its `onBatchEnd`.
 * - When tf.js validates (`validationSplit`, `validationData`): a *validation stage* (stage type
 *   Validation, `partOf` the training stage, using `validation.inputs` or else the fit's `inputs`)
 *   with one epoch execution per validated epoch (same `iterationIndex`) whose measures are the
 *   `val_*` logs without the prefix (`loss`, `acc`…); the stage ends with the last epoch's. The
 *   validation epoch spans from the end of the epoch's last batch to `onEpochEnd`: with
 *   `fitDataset` that is the validation; `fit` validates inside its last batch (before that
 *   batch's `onBatchEnd`), so there the validation's time is in the last batch's duration.
 *
 * **`captureEvery: n`** records only batches whose index within the epoch is a multiple of `n`
 * (0, n, 2n…: the first batch of every epoch always), with their true index, start (the end of
 * the batch before, recorded or not) and end. Still recorded in full: the stage, every epoch with
 * all its logs (epoch logs are tf.js's means over *all* its batches), the validation, a batch that
 * fails (see {@link ProvmlCallback.fail}). Added: the stage's attribute `captureEvery` and each
 * epoch's attribute `batches` (how many batches it really had). Not recorded: the other batches —
 * so batch counts and batch-time statistics (Q4, Q5, the monitor) cover the sampled batches.
 *
 * **What a batch costs the training.** tf.js wraps a plain callback object in a `CustomCallback`,
 * which before every hook reads the logs' scalar tensors asynchronously and awaits a debounced
 * yield: ≈ 35–40 µs per batch around an *empty* `onBatchEnd` on `bench:tfjs`'s 4 ms batches, about
 * 1 % of the fit on its own. As a tf.js `Callback`, the callback is called directly and reads the
 * one scalar it needs with `dataSync()`; it yields to the event loop every 125 ms itself (as the
 * wrapper would), so timers and I/O still run during a long fit. Its execution — start, end,
 * index, measures — is recorded whole at `onBatchEnd` (the only hook per batch: a batch starts
 * where the previous one ended), and batches are written a group at a time (up to 32 batches or
 * 64 ms; see integrations/tfjs/group.ts), since on the cold caches a fit leaves, only the first
 * write of a group is dear; a flush, a shutdown and the settle at exit write a held group first.
 * A batch left out by `captureEvery` costs a modulo and a clock read.
 *
 * **In a list of callbacks**, tf.js's rule applies: a list whose first element is a tf.js callback
 * is used as it is, one whose first element is a plain object is all wrapped in `CustomCallback`s.
 * So `[provmlCallback(), tf.callbacks.earlyStopping()]` and `[tf.callbacks.earlyStopping(), cb]`
 * work as they are; a plain-object callback goes first (`[{ onEpochEnd }, cb]`: everything
 * wrapped, the slower path) or is wrapped itself (`[cb, new tf.CustomCallback({ onEpochEnd })]`).
 * `[cb, { onEpochEnd }]` fails in tf.js at the start of the fit (`callback.setParams is not a
 * function`), as it does with any tf.js callback first.
 *
 * **Custom training loops** (`optimizer.minimize` per batch, no `fit`): no callback runs, so
 * capture the loop itself, with the same classes as a fit. With decorators, each method is one
 * execution (the stage, an epoch, a batch) and nesting comes from the call stack:
 *
 * ```ts
 * import { Batch, Epoch, LearningStage, Workflow, ref, track } from 'provml';
 * import { modelArchitecture } from 'provml/tfjs';
 *
 * @Workflow({ name: 'digits' })
 * class Trainer {
 *   constructor(private model: tf.LayersModel, private opt: tf.Optimizer, private xs: tf.Tensor2D, private ys: tf.Tensor2D) {}
 *
 *   @LearningStage({ stage: 'training', hyperparameters: ['epochs', 'batchSize', 'learningRate'], inputs: ['data'], measures: ['loss'] })
 *   async train(o: { epochs: number; batchSize: number; learningRate: number; data: ReturnType<typeof ref> }) {
 *     const arch = modelArchitecture(this.model); // the architecture, as the callback records it
 *     for (const k in arch) track.record('modelHyperparameter', k, arch[k]);
 *     let loss = NaN;
 *     for (let e = 0; e < o.epochs; e++) loss = (await this.epoch(e, o.batchSize)).loss;
 *     return { loss };
 *   }
 *
 *   @Epoch({ indexArg: 0, measures: ['loss'] })
 *   async epoch(index: number, batchSize: number) {
 *     const n = Math.ceil(this.xs.shape[0] / batchSize);
 *     let sum = 0;
 *     for (let b = 0; b < n; b++) sum += this.batch(b, batchSize).loss;
 *     await tf.nextFrame(); // let timers (the tracker's flush) run
 *     return { loss: sum / n };
 *   }
 *
 *   @Batch({ indexArg: 0, measures: ['loss'] })
 *   batch(index: number, batchSize: number) {
 *     const start = index * batchSize, size = Math.min(batchSize, this.xs.shape[0] - start);
 *     const cost = this.opt.minimize(() => tf.losses.logLoss(
 *       this.ys.slice([start, 0], [size, 1]), this.model.apply(this.xs.slice([start, 0], [size, -1])) as tf.Tensor) as tf.Scalar, true)!;
 *     const loss = cost.dataSync()[0]!; // read it now: the tensor is disposed next
 *     cost.dispose();
 *     return { loss };
 *   }
 * }
 * ```
 *
 * With `track` (no classes), the same records; `track.loop` runs the body inside the
 * epoch/batch execution, so `track.measure` attaches to it:
 *
 * ```ts
 * await track.workflow('digits', () =>
 *   track.stage('training', { hyperparameters: { epochs: 3, batchSize: 32, learningRate: 0.01 }, inputs: { train: ref('data/train.csv') } }, async () => {
 *     const arch = modelArchitecture(model);
 *     for (const k in arch) track.record('modelHyperparameter', k, arch[k]);
 *     for (const [e] of track.loop('epoch', 3, { measures: ['loss'] })) {
 *       let sum = 0;
 *       for (const [b] of track.loop('batch', batches, { measures: ['loss'] })) {
 *         const loss = step(b); // optimizer.minimize(…, true), read back with dataSync()
 *         track.measure('loss', loss);
 *         sum += loss;
 *       }
 *       track.measure('loss', sum / batches);
 *       await tf.nextFrame();
 *     }
 *   }),
 * );
 * ```
 *
 * What the callback adds on its own is then yours to record: a validation per epoch is a
 * `track.stage('validation', { inputs: { val: ref('data/val.csv') } }, () => track.measure('loss', evaluate()))`
 * (or a `@LearningStage({ stage: 'validation', … })` method); early stopping is
 * `track.record('attribute', 'stoppedEarly', true)` inside the stage; sampling batches is calling
 * the decorated batch method (or `track.batch(b, () => step(b))`) only for the batches to keep and
 * the plain step for the others — an undecorated batch costs nothing, and the epoch still records
 * its mean. A decorated loop pays AsyncLocalStorage per call (see the architecture notes); the
 * `track.start` handles of `provmlCallback` do not.
 *
 * @module
 */

export { provmlCallback } from './tfjs/callback.js';
export { modelArchitecture } from './tfjs/facts.js';
export type { FitLayer, FitLogs, FitModel, FitShape, ProvmlCallback, ProvmlCallbackOptions, ValidationOptions } from './tfjs/types.js';
