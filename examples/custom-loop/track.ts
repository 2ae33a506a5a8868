/**
 * The custom loop of ./main.ts with `track` instead of decorators: plain functions and `for`
 * loops. `track.loop` runs each body inside its epoch/batch execution, so `track.measure` and
 * `track.record` attach to it. The architecture is recorded as the fit callback records it
 * (`modelArchitecture`), and a validation stage evaluates the model afterwards.
 *
 * Run: `npx tsx examples/custom-loop/track.ts` (PROVML_EXAMPLE_DIR picks the output directory).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ProvML, ref, track } from '../../src/index.js';
import { runEpochs } from '../../src/query/index.js';
import { modelArchitecture } from '../../src/tfjs.js';
import { makeData, makeModel, outputDir, saveModel, step } from './common.js';

const dir = await outputDir('custom-loop-track');
const { xs, ys, file } = await makeData(dir);
const model = makeModel();
const hp = { learningRate: 0.5, epochs: 4, batchSize: 40 };
const optimizer = tf.train.sgd(hp.learningRate);
const batches = Math.ceil(xs.shape[0] / hp.batchSize);
const train = ref(file);

const prov = ProvML.init({ journal: join(dir, 'provenance.nq') });
const run = await track.workflow({ name: 'custom-loop-track', persona: 'ML engineer' }, async (r) => {
  await track.stage('training', { hyperparameters: hp, inputs: { train }, models: ['model'] }, async () => {
    const arch = modelArchitecture(model);
    for (const k in arch) track.record('modelHyperparameter', k, arch[k]);
    let last;
    for (const [e] of track.loop('epoch', hp.epochs, { measures: ['loss'] })) {
      let sum = 0;
      for (const [b] of track.loop('batch', batches, { measures: ['loss'] })) {
        const loss = step(model, optimizer, xs, ys, b, hp.batchSize);
        track.measure('loss', loss);
        sum += loss;
      }
      track.measure('loss', sum / batches);
      last = ref(await saveModel(model, dir, e));
      track.record('model', 'model', last); // the epoch's model …
      track.record('modelHyperparameter', 'epoch', e); // … and the epoch it was made at
    }
    return { model: last }; // the stage's model: the last one
  });
  await track.stage('validation', { inputs: { train } }, () => {
    const loss = tf.tidy(() => tf.losses.logLoss(ys, model.predict(xs) as tf.Tensor).dataSync()[0]!);
    track.measure('loss', loss);
  });
  return r;
});

await prov.flush();
const epochs = await runEpochs(prov.store!, run.iri);
console.table(epochs.map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, loss: e.measures.loss })));
await prov.shutdown();
console.log(`run ${run.iri}: ${epochs.length} epochs of ${epochs[0]?.batches ?? 0} batches recorded; journal ${join(dir, 'provenance.nq')}`);
