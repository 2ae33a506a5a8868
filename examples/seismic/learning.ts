/**
 * Phase 3 — learning (ML engineers), its own process and journal: real TensorFlow.js trainings
 * (`@tensorflow/tfjs`, pure-JS CPU backend) of a small dense classifier that tells bright-spot
 * tiles from background tiles, recorded by `provmlCallback` from provml/tfjs.
 *
 * Each training of `TRAININGS` is one workflow run (`track.workflow`, experiment = its name) whose
 * fit is the learning stage: hyperparameters and architecture, every epoch (loss, accuracy,
 * val_*), every batch, the model file saved at each epoch, and the validation stage. The tile
 * files it trains on are the ones preparation wrote — that is the whole link between the phases.
 * Three ways to validate: `fit` with `validationData`, `fitDataset` with a validation dataset,
 * and `fit` with `validationSplit` under tf.js's early stopping.
 *
 * For the driver's checks, each training also writes `models/<T>.history.json`: tf.js's History,
 * the run's IRI and the data IRIs (`prov.iriOf`) of its datasets and models.
 *
 * Run alone (after preparation): `node --import tsx examples/seismic/learning.ts --out provml-demo`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { ProvML, ref, track } from '../../src/index.js';
import { provmlCallback } from '../../src/tfjs.js';
import { layout, outDir, PREPARATIONS, STUDY, TRAININGS, type TrainingName } from './scenario.js';
import { readTiles } from './volume.js';

const L = layout(outDir());
const TILES_TYPE = 'application/x-seismic-tiles';
/** Share of the training tiles T3 (`fit-split-early-stop`) validates on. */
const VALIDATION_SPLIT = 0.2;

/** What the driver reads back to check the queries (see main.ts). */
export interface TrainingHistory {
  training: TrainingName;
  run: string;
  dataset: { path: string; iri: string; tiles: number };
  validation: { path: string; iri: string; tiles: number };
  /** tf.js History: epoch numbers and per-epoch logs (loss, acc, val_loss, val_acc). */
  epochs: number[];
  history: Record<string, number[]>;
  batchesPerEpoch: number;
  models: Array<{ epoch: number; path: string; iri: string }>;
  ms: number;
}

async function tensors(file: string): Promise<{ xs: tf.Tensor2D; ys: tf.Tensor2D; count: number; features: number }> {
  const { header, data } = await readTiles(file);
  const features = header.tileSize * header.tileSize;
  return { xs: tf.tensor2d(data, [header.count, features]), ys: tf.tensor2d(header.labels, [header.count, 1]), count: header.count, features };
}

/** The model as a file: the Keras-style topology from tf.js and its weights (file:// save handlers need tfjs-node). */
async function saveModel(model: tf.LayersModel, path: string): Promise<void> {
  const weights = model.weights.map((w) => ({ name: w.name, shape: w.shape, values: Array.from(w.read().dataSync()) }));
  await writeFile(path, JSON.stringify({ format: 'provml-demo/tfjs-layers', topology: model.toJSON(null, false), weights }));
}

async function train(prov: ProvML, name: TrainingName): Promise<TrainingHistory> {
  const spec = TRAININGS[name];
  const trainFile = L.train(spec.dataset);
  const validationFile = L.validation(spec.dataset);
  const trainSet = await tensors(trainFile);
  const validationSet = await tensors(validationFile);

  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [trainSet.features], units: spec.hidden, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }),
    ],
  });
  model.compile({ optimizer: spec.optimizer === 'adam' ? tf.train.adam(spec.learningRate) : tf.train.sgd(spec.learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

  const train = ref(trainFile, { mediaType: TILES_TYPE });
  const validation = ref(validationFile, { mediaType: TILES_TYPE });
  const models: TrainingHistory['models'] = [];
  const callback = provmlCallback({
    model,
    inputs: { train },
    // validationSplit validates on the tail of the training file; otherwise on the validation file.
    ...(spec.mode === 'fit-split-early-stop' ? {} : { validation: { inputs: { validation } } }),
    saveModel: async (epoch) => {
      const path = L.model(name, epoch);
      await saveModel(model, path);
      models.push({ epoch, path, iri: '' });
      return ref(path, { mediaType: 'application/json' });
    },
  });

  const started = performance.now();
  let runIri = '';
  const history = await track.workflow(
    { name: 'train-tile-classifier', study: STUDY, experiment: name, persona: 'ML engineer', algorithm: 'dense neural network', software: `TensorFlow.js ${tf.version.tfjs}` },
    async (run) => {
      runIri = run.iri;
      if (spec.mode === 'fit') {
        return model.fit(trainSet.xs, trainSet.ys, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: false, verbose: 0, validationData: [validationSet.xs, validationSet.ys], callbacks: callback });
      }
      if (spec.mode === 'fitDataset') {
        const rows = (x: tf.Tensor2D) => x.unstack();
        const dataset = (s: typeof trainSet) => tf.data.zip({ xs: tf.data.array(rows(s.xs)), ys: tf.data.array(rows(s.ys)) }).batch(spec.batchSize);
        return model.fitDataset(dataset(trainSet), { epochs: spec.epochs, verbose: 0, validationData: dataset(validationSet), callbacks: callback });
      }
      // Stops once val_loss has improved by less than 0.005 for two epochs in a row.
      const stop = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 0.005 });
      return model.fit(trainSet.xs, trainSet.ys, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: false, verbose: 0, validationSplit: VALIDATION_SPLIT, callbacks: [stop, callback] });
    },
  );
  const ms = performance.now() - started;
  for (const m of models) m.iri = await prov.iriOf(ref(m.path));
  // tf.js's validationSplit keeps the first floor(n × (1 − split)) samples for training.
  const trained = spec.mode === 'fit-split-early-stop' ? Math.floor(trainSet.count * (1 - VALIDATION_SPLIT)) : trainSet.count;
  const out: TrainingHistory = {
    training: name,
    run: runIri,
    dataset: { path: trainFile, iri: await prov.iriOf(train), tiles: trainSet.count },
    validation: { path: validationFile, iri: await prov.iriOf(validation), tiles: validationSet.count },
    epochs: history.epoch,
    history: history.history as Record<string, number[]>,
    batchesPerEpoch: Math.ceil(trained / spec.batchSize),
    models,
    ms,
  };
  await writeFile(L.history(name), JSON.stringify(out, null, 2));
  tf.dispose([trainSet.xs, trainSet.ys, validationSet.xs, validationSet.ys]);
  model.dispose();
  return out;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  await mkdir(L.models, { recursive: true });
  const prov = ProvML.init({ mode: 'offline', journal: { path: L.journal('learning'), durability: 'batch' } });
  for (const name of Object.keys(TRAININGS) as TrainingName[]) {
    const h = await train(prov, name);
    const spec = TRAININGS[name];
    const loss = h.history.loss!;
    const best = Math.min(...loss);
    console.log(
      `${name} on ${PREPARATIONS[spec.dataset].survey} tiles ${spec.dataset} (${spec.mode}, ${spec.optimizer} lr=${spec.learningRate}, batch ${spec.batchSize}): ` +
        `${h.epochs.length} epochs${h.epochs.length < spec.epochs ? ` (early stop; ${spec.epochs} asked)` : ''} in ${(h.ms / 1000).toFixed(1)} s, best loss ${best.toFixed(4)} at epoch ${loss.indexOf(best)}, ` +
        `last acc ${h.history.acc!.at(-1)!.toFixed(3)}, val_acc ${h.history.val_acc!.at(-1)!.toFixed(3)}`,
    );
  }
  await prov.shutdown();
  const s = prov.stats();
  console.log(`${Object.keys(TRAININGS).length} trainings; ${s.captured} events → ${s.journaled} journaled, ${s.dropped} dropped`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
