// Q5 lists the trainings on a dataset: a validation stage that evaluates on the same dataset (the
// TF.js callback's validationSplit records one) is not a training.
import { afterAll, expect, test } from 'vitest';
import { ProvML, ref, track } from '../../../src/index.js';
import { q5 } from '../../../src/query/index.js';

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
