/**
 * A small ML lifecycle for the export tests, captured through the public `track` API into the
 * embedded store: curation of a raw file (characteristics), preparation (parameters, an input and
 * an output file), training (hyperparameters, a training set, 2 epochs × 3 batches with losses and
 * a model per epoch; the last batch's loss is NaN), and an evaluation step that fails (its error is
 * caught by the workflow).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvML, ref, track } from '../../../src/index.js';

export const EPOCHS = 2;
export const BATCHES = 3;

/** What the lifecycle left behind: the tracker (with its store), the runs and the files. */
export interface Lifecycle {
  prov: ProvML;
  runs: { curation: string; preparation: string; training: string };
  files: { raw: string; dataset: string; models: string[] };
}

/** Capture the lifecycle into a fresh embedded store; `dir` holds the files it writes. */
export async function captureLifecycle(dir: string): Promise<Lifecycle> {
  await mkdir(dir, { recursive: true });
  const prov = ProvML.init({ environment: false, installExitHooks: false, thread: 'main' });
  const raw = join(dir, 'survey.sgy');
  const slices = join(dir, 'slices.npy');
  const dataset = join(dir, 'train set.npz');
  const models: string[] = [];
  await writeFile(raw, 'SEG-Y survey bytes');

  const curation = await track.workflow({ name: 'curation', study: 'stratigraphy', persona: 'geoscientist' }, (run) =>
    track.transformation('extract-facts', { inputs: { survey: ref(raw, { mediaType: 'application/x-segy' }) }, characteristics: ['inlines', 'crosslines'] }, () => ({ inlines: 651, crosslines: 951 })) && run.iri,
  );

  const preparation = await track.workflow({ name: 'preparation', study: 'stratigraphy', persona: 'computational scientist' }, async (run) => {
    const sliced = await track.transformation('select-slices', { inputs: { survey: ref(raw) }, params: { firstInline: 100, lastInline: 300 }, outputs: { slices: '$' } }, async () => {
      await writeFile(slices, 'slices 100-300');
      return ref(slices);
    });
    await track.transformation('tile', { inputs: { slices: sliced }, params: { tileSize: 64, noise: 0.25 }, outputs: { dataset: '$' } }, async () => {
      await writeFile(dataset, 'tiles of 64');
      return ref(dataset);
    });
    return run.iri;
  });

  const training = await track.workflow({ name: 'training', study: 'stratigraphy', persona: 'ML engineer' }, async (run) => {
    await track.stage('training', { hyperparameters: { learningRate: 0.01, epochs: EPOCHS, optimizer: 'adam' }, inputs: { dataset: ref(dataset) }, models: ['model'] }, async () => {
      let model;
      for (const [e] of track.loop('epoch', EPOCHS, { measures: ['loss'] })) {
        for (const [b] of track.loop('batch', BATCHES, { measures: ['loss'] })) track.measure('loss', e === EPOCHS - 1 && b === BATCHES - 1 ? NaN : 1 / (e + b + 2));
        track.measure('loss', 1 / (e + 1));
        const path = join(dir, `model-e${e}.json`);
        await writeFile(path, JSON.stringify({ epoch: e }));
        models.push(path);
        model = ref(path, { mediaType: 'application/json' });
        track.record('model', 'model', model);
      }
      return { model };
    });
    try {
      await track.stage('testing', { name: 'evaluate', inputs: { model: ref(models.at(-1)!) } }, async () => {
        throw new RangeError('test split is empty');
      });
    } catch {
      // the failed evaluation is recorded; the run goes on
    }
    return run.iri;
  });

  await prov.flush();
  return { prov, runs: { curation, preparation, training }, files: { raw, dataset, models } };
}
