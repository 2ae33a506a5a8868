/**
 * The smallest way to add provenance to a TensorFlow.js training: one `provmlCallback` in
 * `model.fit`, inside a `track.workflow`. Everything else is an ordinary tf.js script.
 *
 * Run: `npx tsx examples/tfjs-classifier/main.ts` (PROVML_EXAMPLE_DIR picks the output directory).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ProvML, ref, track } from '../../src/index.js';
import { runEpochs } from '../../src/query/index.js';
import { provmlCallback } from '../../src/tfjs.js';

const dir = process.env.PROVML_EXAMPLE_DIR ?? (await mkdtemp(join(tmpdir(), 'provml-tfjs-classifier-')));
await mkdir(join(dir, 'models'), { recursive: true });
await tf.setBackend('cpu');

// Data: 256 points in 4-D, labelled by the sign of their sum; kept in a file, as real data is.
const xs = tf.randomNormal([256, 4], 0, 1, 'float32', 7);
const ys = tf.tidy(() => xs.sum(1, true).greater(0).toFloat());
const trainFile = join(dir, 'train.json');
await writeFile(trainFile, JSON.stringify({ x: await xs.array(), y: await ys.array() }));

const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

// 1. A tracker: the embedded store, plus a journal on disk.
const prov = ProvML.init({ journal: join(dir, 'provenance.nq') });

// 2. The callback: the fit becomes a learning stage, each epoch and batch an execution, with a model file per epoch.
const callbacks = provmlCallback({
  model,
  inputs: { train: ref(trainFile) },
  saveModel: async (epoch) => {
    const file = join(dir, 'models', `epoch-${epoch}.json`);
    await writeFile(file, JSON.stringify(model.toJSON(null, false)));
    return ref(file);
  },
});
const run = await track.workflow({ name: 'tfjs-classifier', persona: 'ML engineer' }, async (r) => {
  await model.fit(xs, ys, { epochs: 5, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks });
  return r;
});

// 3. Read it back.
await prov.flush();
const epochs = await runEpochs(prov.store!, run.iri);
console.table(epochs.map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, loss: e.measures.loss, acc: e.measures.acc, val_loss: e.measures.val_loss })));
await prov.shutdown();
console.log(`run ${run.iri}: ${epochs.filter((e) => e.stageType === 'training').length} training epochs recorded; journal ${join(dir, 'provenance.nq')}`);
