// The CLI takes the file path or URL data was written to wherever it takes a data IRI, and
// `inspect --run` shows the IRIs to give it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ProvML, ref, track } from '../../../src/index.js';
import { provml } from './run-cli.js';

let dir: string;
let journal: string;
let run = '';
let modelIri = '';
const model = () => join(dir, 'model final.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-cli-paths-'));
  journal = join(dir, 'run.nq');
  await writeFile(join(dir, 'raw.csv'), 'x\n1\n');
  await writeFile(join(dir, 'train.csv'), 'x\n1\n');
  await writeFile(model(), '{}');
  const prov = ProvML.init({ environment: false, installExitHooks: false, thread: 'main', mode: 'offline', journal });
  await track.workflow({ name: 'prep' }, () =>
    track.transformation('split', { params: { ratio: 0.8 }, inputs: { raw: ref(join(dir, 'raw.csv')) }, outputs: { train: '$' } }, () => ref(join(dir, 'train.csv'))),
  );
  run = await track.workflow({ name: 'learn' }, (r) =>
    track.stage('training', { hyperparameters: { lr: 0.1 }, inputs: { train: ref(join(dir, 'train.csv')) }, models: ['model'] }, () => ({ model: ref(model()) })).model && r.iri,
  );
  modelIri = await prov.iriOf(ref(model()));
  await prov.shutdown();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('query q2 --model takes the path the model was saved to (and its file:// URL)', async () => {
  for (const given of [model(), pathToFileURL(model()).href, modelIri]) {
    const r = await provml(['query', 'q2', '--model', given, '--data', journal, '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ model: modelIri, parameter: 'ratio', value: 0.8 })]);
  }
});

test('lineage takes a path; an unknown path is exit 2 naming the URL tried', async () => {
  const r = await provml(['lineage', model(), '--data', journal, '-f', 'json']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(join(dir, 'raw.csv').split('/').pop());
  const bad = await provml(['lineage', join(dir, 'nope.json'), '--data', journal]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/lineage ".*nope\.json" is neither an IRI nor a path of recorded data: no recorded data with storage URL file:\/\/.*nope\.json/);
});

test('inspect --run shows the data IRIs', async () => {
  const r = await provml(['inspect', journal, '--run', run]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(modelIri);
});
