/**
 * What both custom-loop variants share: the data (in a file, as real data is), a small tf.js model,
 * one `optimizer.minimize` step per batch, and saving the model of an epoch.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const SAMPLES = 240;

/** The output directory (`PROVML_EXAMPLE_DIR`, else a new temp directory) with `models/` in it. */
export async function outputDir(name: string): Promise<string> {
  const dir = process.env.PROVML_EXAMPLE_DIR ?? (await mkdtemp(join(tmpdir(), `provml-${name}-`)));
  await mkdir(join(dir, 'models'), { recursive: true });
  return dir;
}

/** Points in 4-D labelled by the sign of their sum, written to `<dir>/train.json`. */
export async function makeData(dir: string): Promise<{ xs: tf.Tensor2D; ys: tf.Tensor2D; file: string }> {
  await tf.setBackend('cpu');
  const xs = tf.randomNormal([SAMPLES, 4], 0, 1, 'float32', 11) as tf.Tensor2D;
  const ys = tf.tidy(() => xs.sum(1, true).greater(0).toFloat()) as tf.Tensor2D;
  const file = join(dir, 'train.json');
  await writeFile(file, JSON.stringify({ x: await xs.array(), y: await ys.array() }));
  return { xs, ys, file };
}

export function makeModel(): tf.Sequential {
  return tf.sequential({
    layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
}

/** One optimizer step on batch `index`; returns its loss, read before the tensor is disposed. */
export function step(model: tf.LayersModel, optimizer: tf.Optimizer, xs: tf.Tensor2D, ys: tf.Tensor2D, index: number, batchSize: number): number {
  const start = index * batchSize;
  const size = Math.min(batchSize, xs.shape[0] - start);
  const cost = optimizer.minimize(() => tf.losses.logLoss(ys.slice([start, 0], [size, 1]), model.apply(xs.slice([start, 0], [size, -1])) as tf.Tensor) as tf.Scalar, true)!;
  const loss = cost.dataSync()[0]!;
  cost.dispose();
  return loss;
}

/** Write the model's topology and weights to `<dir>/models/epoch-<e>.json`; returns the path. */
export async function saveModel(model: tf.LayersModel, dir: string, epoch: number): Promise<string> {
  const file = join(dir, 'models', `epoch-${epoch}.json`);
  const weights = model.weights.map((w) => ({ name: w.name, shape: w.shape, values: Array.from(w.read().dataSync()) }));
  await writeFile(file, JSON.stringify({ topology: model.toJSON(null, false), weights }));
  return file;
}
