/**
 * A small ML lifecycle for the report tests, captured through the public `track` API (no
 * decorators) into an embedded store and a journal:
 *
 * 1. curation: extract facts from the raw survey `netherlands.sgy` (+ domain facts: basin, field);
 * 2. preparation: select a slice range, then tile it into the training set `train.npz`;
 * 3. two trainings on it, in two experiments, with *different* numbers of epochs (3 and 4), each
 *    epoch with 4 batches (batch loss), epoch loss and accuracy, and a model file per epoch.
 *
 * One hyperparameter value and the second training's workflow name hold HTML metacharacters, so
 * the tests see escaping at work.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvML, ref, track } from '../../../src/index.js';

/** The trainings: experiment, hyperparameters, epochs, and the base of their loss curve. */
export const TRAININGS = {
  T1: { workflow: 'train-unet', experiment: 'baseline', learningRate: 0.1, batchSize: 16, epochs: 3, lossBase: 1.0, optimizer: 'sgd' },
  T2: { workflow: 'train-unet <wide> & "deep"', experiment: 'tuned', learningRate: 0.05, batchSize: 32, epochs: 4, lossBase: 0.8, optimizer: '<adam & "friends">' },
} as const;
export type TrainingName = keyof typeof TRAININGS;
export const BATCHES = 4;
export const SLICES = { firstInline: 100, lastInline: 300 } as const;

export const epochLoss = (t: TrainingName, e: number): number => TRAININGS[t].lossBase / (e + 1);
export const epochAccuracy = (t: TrainingName, e: number): number => 1 - epochLoss(t, e) / 2;
export const batchLoss = (t: TrainingName, e: number, b: number): number => epochLoss(t, e) + (BATCHES - b) / 100;

/** What {@link captureLifecycle} recorded: run IRIs, files, the store and the journal. */
export interface Lifecycle {
  prov: ProvML;
  dir: string;
  journal: string;
  runs: { curation: string; preparation: string; T1: string; T2: string };
  files: { survey: string; slices: string; dataset: string; model: (t: TrainingName, e: number) => string };
}

/** Capture the lifecycle under `dir` (the tracker is left running: shut it down after use). */
export async function captureLifecycle(dir: string): Promise<Lifecycle> {
  await mkdir(dir, { recursive: true });
  const journal = join(dir, 'journal.nq');
  const prov = ProvML.init({ thread: 'main', environment: false, installExitHooks: false, journal, flushIntervalMs: 20 });
  const files = {
    survey: join(dir, 'netherlands.sgy'),
    slices: join(dir, 'slices.npy'),
    dataset: join(dir, 'train.npz'),
    model: (t: TrainingName, e: number) => join(dir, `model-${t}-e${e}.json`),
  };
  await writeFile(files.survey, 'SEG-Y netherlands');

  const curation = await track.workflow({ name: 'seismic-curation', persona: 'geoscientist' }, async (run) => {
    await track.transformation('extract-survey-facts', { inputs: { survey: ref(files.survey) }, characteristics: ['inlines', 'crosslines'] }, async () => ({ inlines: 651, crosslines: 951 }));
    prov.describe(ref(files.survey), { basin: 'North Sea Basin', field: 'F3 Block' });
    return run.iri;
  });

  const preparation = await track.workflow({ name: 'prepare-training-data', persona: 'computational scientist' }, async (run) => {
    const slices = await track.transformation('select-slices', { inputs: { survey: ref(files.survey) }, params: { ...SLICES }, outputs: { slices: '$' } }, async () => {
      await writeFile(files.slices, `slices ${SLICES.firstInline}-${SLICES.lastInline}`);
      return ref(files.slices);
    });
    await track.transformation('tile-and-denoise', { inputs: { slices }, params: { tileSize: 64, noiseThreshold: 0.2 }, outputs: { dataset: '$' } }, async () => {
      await writeFile(files.dataset, 'tiles 64');
      return ref(files.dataset);
    });
    return run.iri;
  });

  const trained: Partial<Record<TrainingName, string>> = {};
  for (const name of ['T1', 'T2'] as const) {
    const t = TRAININGS[name];
    trained[name] = await track.workflow({ name: t.workflow, experiment: t.experiment, persona: 'ML engineer' }, async (run) => {
      const hyperparameters = { learningRate: t.learningRate, batchSize: t.batchSize, epochs: t.epochs, optimizer: t.optimizer };
      await track.stage('training', { hyperparameters, inputs: { train: ref(files.dataset) }, models: ['model'] }, async () => {
        let model;
        for (const [e] of track.loop('epoch', t.epochs, { measures: ['loss', 'accuracy'] })) {
          for (const [b] of track.loop('batch', BATCHES, { measures: ['loss'] })) {
            await new Promise((r) => setTimeout(r, 1 + ((e + b) % 3)));
            track.measure('loss', batchLoss(name, e, b));
          }
          track.measure('loss', epochLoss(name, e));
          track.measure('accuracy', epochAccuracy(name, e));
          await writeFile(files.model(name, e), JSON.stringify({ training: name, epoch: e }));
          model = ref(files.model(name, e), { mediaType: 'application/json' });
          track.record('model', 'model', model);
          track.record('modelHyperparameter', 'epoch', e);
        }
        return { model };
      });
      return run.iri;
    });
  }
  await prov.flush();
  return { prov, dir, journal, runs: { curation, preparation, T1: trained.T1!, T2: trained.T2! }, files };
}
