// Q5 lists the trainings on a dataset: a validation stage that evaluates on the same dataset (the
// TF.js callback's validationSplit records one) is not a training.
import { afterAll, expect, test } from 'vitest';
import { ProvML, ref, track } from '../../../src/index.js';
import { q5, q6, runEpochs } from '../../../src/query/index.js';

const prov = ProvML.init({ environment: false, installExitHooks: false, thread: 'main', files: false });
afterAll(() => prov.shutdown());

test('a validation stage on the training dataset is not a Q5 row', async () => {
  await track.workflow({ name: 'prep-q5' }, () =>
    track.transformation('cut', { params: { firstInline: 10 }, outputs: { tiles: '$' } }, () => ref('/data/tiles-q5.csv')),
  );
  await track.workflow({ name: 'learn-q5' }, async () => {
    await track.stage('training', { inputs: { train: ref('/data/tiles-q5.csv') }, models: ['model'] }, async () => {
      for (const [e] of track.loop('epoch', 2, { measures: ['loss'] })) track.measure('loss', 1 / (e + 1));
      await track.stage('validation', { inputs: { val: ref('/data/tiles-q5.csv') } }, () => track.measure('loss', 0.7));
      return { model: ref('/data/model-q5.json') };
    });
  });
  await prov.flush();
  const rows = await q5(prov.store!, { parameters: { firstInline: 10 } });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.epochs).toBe(2);
});

test('Q6 answers for the training dataset: validation tiles cut with the same parameters are not it', async () => {
  await track.workflow({ name: 'prep-q6' }, () =>
    track.transformation('cut', { params: { firstInline: 20 }, inputs: { raw: ref('/data/raw-q6.sgy') }, outputs: { train: 'train', val: 'val' } }, () => ({
      train: ref('/data/train-q6.csv'),
      val: ref('/data/val-q6.csv'),
    })),
  );
  await track.workflow({ name: 'learn-q6' }, async () => {
    await track.stage('training', { inputs: { train: ref('/data/train-q6.csv') } }, async () => {
      await track.stage('validation', { inputs: { val: ref('/data/val-q6.csv') } }, () => track.measure('loss', 0.7));
    });
  });
  await prov.flush();
  const rows = await q6(prov.store!, { parameters: { firstInline: 20 } });
  expect(rows.map((r) => r.dataset)).toEqual([...new Set(rows.map((r) => r.dataset))]);
  expect(rows).toHaveLength(1);
  expect(rows[0]!.storageUrl).toBe('file:///data/raw-q6.sgy');
});

test('runEpochs: the epochs of a validation stage nested in the training, and batch counts', async () => {
  const run = await track.workflow({ name: 'epochs-nested' }, async (r) => {
    await track.stage('training', {}, async () => {
      for (const [e] of track.loop('epoch', 2, { measures: ['loss'] })) {
        for (const [b] of track.loop('batch', 3)) void b;
        track.measure('loss', 1 / (e + 1));
      }
      await track.stage('validation', {}, () => {
        for (const [e] of track.loop('epoch', 2, { measures: ['loss'] })) track.measure('loss', 2 / (e + 1));
      });
    });
    return r;
  });
  await prov.flush();
  const epochs = await runEpochs(prov.store!, run.iri);
  expect(epochs.map((e) => [e.stageType, e.epoch, e.batches, e.measures.loss]).sort()).toEqual([
    ['training', 0, 3, 1],
    ['training', 1, 3, 0.5],
    ['validation', 0, 0, 2],
    ['validation', 1, 0, 1],
  ]);
});
