/**
 * Subjects of the TF.js benchmark: the synthetic dataset, the dense 32→64→64→1 model (seeded, so
 * every fit starts from the same weights) and a custom training loop (`optimizer.minimize` per
 * batch over manual slices), plain and decorated with `@LearningStage` / `@Epoch` / `@Batch`.
 *
 * Imports provml first so the `Symbol.metadata` polyfill is installed before the decorated class
 * below is evaluated (TC39 decorators: tsconfig has no `experimentalDecorators`).
 */
import { Batch, Epoch, LearningStage, Workflow } from '../../src/index.js';
import * as tf from '@tensorflow/tfjs';
import { makeBlobs } from '../../examples/quickstart/model.js'; // the demo's seeded two-class data (mulberry32)

/**
 * The training data as tensors: `xs` [n, dims] and `ys` [n, 1] (labels 0/1).
 *
 * @example
 * ```ts
 * const data = makeData(20_000, 32, 7);
 * data.xs.shape; // [20000, 32]
 * ```
 */
export interface TrainData {
  xs: tf.Tensor2D;
  ys: tf.Tensor2D;
  n: number;
  dims: number;
}

/**
 * `n` × `dims` examples of the demo's two Gaussian blobs ({@link makeBlobs}, seeded PRNG).
 *
 * @example
 * ```ts
 * const { xs, ys } = makeData(20_000, 32, 20240611);
 * ```
 */
export function makeData(n: number, dims: number, seed: number): TrainData {
  const rows = makeBlobs(n, dims, seed);
  const x = new Float32Array(n * dims);
  const y = new Float32Array(n);
  rows.forEach((r, i) => {
    x.set(r.x, i * dims);
    y[i] = r.y;
  });
  return { xs: tf.tensor2d(x, [n, dims]), ys: tf.tensor2d(y, [n, 1]), n, dims };
}

/**
 * A fresh dense `dims`→64→64→1 model (relu, relu, sigmoid), Glorot-initialised from `seed`, and
 * its Adam optimizer; compiled for `model.fit` with binary cross-entropy.
 *
 * @example
 * ```ts
 * const model = buildModel(32, 7);
 * await model.fit(xs, ys, { epochs: 1, batchSize: 32 });
 * model.dispose();
 * ```
 */
export function buildModel(dims: number, seed: number, learningRate = 1e-3): tf.LayersModel {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [dims], units: 64, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy' });
  return model;
}

/**
 * Options of the custom loop's `train`.
 *
 * @example
 * ```ts
 * const o: LoopOptions = { epochs: 3, batchSize: 32, learningRate: 1e-3 };
 * ```
 */
export interface LoopOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

// tf.js's fit yields to the event loop every 125 ms (its CustomCallback's `yieldEvery: 'auto'`);
// the custom loop does the same, so timers (the tracker's flush interval) can run in both.
const YIELD_EVERY_MS = 125;

/**
 * A custom training loop over a model built by {@link buildModel}: per batch, one
 * `optimizer.minimize` on a slice of the data, whose loss is read back (as `fit` does for its
 * logs). Undecorated; {@link TrackedLoop} is the same loop with provenance.
 *
 * @example
 * ```ts
 * const loop = new PlainLoop(buildModel(32, 7), data);
 * const { loss } = await loop.train({ epochs: 1, batchSize: 32, learningRate: 1e-3 });
 * loop.dispose();
 * ```
 */
export class PlainLoop {
  readonly #optimizer: tf.Optimizer;
  readonly #vars: tf.Variable[];
  #batchSize = 32;
  #lastYield = 0;

  constructor(
    readonly model: tf.LayersModel,
    readonly data: TrainData,
    learningRate = 1e-3,
  ) {
    this.#optimizer = tf.train.adam(learningRate);
    this.#vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Batches per epoch at the current batch size. */
  get batches(): number {
    return Math.ceil(this.data.n / this.#batchSize);
  }

  /** The learning stage: `epochs` epochs; returns the last epoch's mean loss. */
  async train(opts: LoopOptions): Promise<{ loss: number }> {
    this.#batchSize = opts.batchSize;
    this.#lastYield = performance.now();
    let loss = Number.NaN;
    for (let e = 0; e < opts.epochs; e++) loss = (await this.epoch(e)).loss;
    return { loss };
  }

  /** One epoch over every batch; returns its mean loss. */
  async epoch(_index: number): Promise<{ loss: number }> {
    const n = this.batches;
    let sum = 0;
    for (let b = 0; b < n; b++) {
      sum += this.batch(b).loss;
      const t = performance.now();
      if (t - this.#lastYield >= YIELD_EVERY_MS) {
        await tf.nextFrame();
        this.#lastYield = performance.now();
      }
    }
    return { loss: sum / n };
  }

  /** One optimizer step on batch `index`; returns its loss. */
  batch(index: number): { loss: number } {
    const { xs, ys, n, dims } = this.data;
    const start = index * this.#batchSize;
    const size = Math.min(this.#batchSize, n - start);
    const cost = this.#optimizer.minimize(
      () => {
        const pred = this.model.apply(xs.slice([start, 0], [size, dims])) as tf.Tensor;
        return tf.losses.logLoss(ys.slice([start, 0], [size, 1]), pred) as tf.Scalar;
      },
      true,
      this.#vars,
    );
    const loss = cost!.dataSync()[0]!;
    cost!.dispose();
    return { loss };
  }

  /** Dispose the model and the optimizer's state. */
  dispose(): void {
    this.#optimizer.dispose();
    this.model.dispose();
  }
}

/**
 * {@link PlainLoop} with provenance: the stage, each epoch and each batch are captured by the
 * decorators (the loop's code is inherited unchanged; each decorated method only calls `super`).
 *
 * @example
 * ```ts
 * const prov = ProvML.init();
 * const loop = new TrackedLoop(buildModel(32, 7), data);
 * await loop.train({ epochs: 1, batchSize: 32, learningRate: 1e-3 });
 * await prov.shutdown(); // also ends the loop's implicit workflow execution
 * ```
 */
@Workflow({ name: 'tfjs-bench-custom-loop', experiment: 'bench' })
export class TrackedLoop extends PlainLoop {
  @LearningStage({ stage: 'training', hyperparameters: ['epochs', 'batchSize', 'learningRate'], measures: ['loss'] })
  override train(opts: LoopOptions): Promise<{ loss: number }> {
    return super.train(opts);
  }

  @Epoch({ indexArg: 0, measures: ['loss'] })
  override epoch(index: number): Promise<{ loss: number }> {
    return super.epoch(index);
  }

  @Batch({ indexArg: 0, measures: ['loss'] })
  override batch(index: number): { loss: number } {
    return super.batch(index);
  }
}
