// A user names data by path or URL; resolveData finds the data node IRI the queries take.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ProvML, ref, track } from '../../../src/index.js';
import { resolveData } from '../../../src/query/resolve.js';

let dir: string;
let prov: ProvML;
const versions: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-resolve-'));
  prov = ProvML.init({ environment: false, installExitHooks: false, thread: 'main' });
  const model = join(dir, 'model v1.json');
  for (const content of ['{"w":1}', '{"w":2}']) {
    await writeFile(model, content);
    await track.workflow({ name: 'save' }, () => track.transformation('save', { outputs: { model: '$' } }, () => ref(model)));
    await prov.flush();
    versions.push(await prov.iriOf(ref(model)));
    await new Promise((r) => setTimeout(r, 5)); // distinct end times
  }
});
afterAll(async () => {
  await prov.shutdown();
  await rm(dir, { recursive: true, force: true });
});

test('two versions of one path are two nodes', () => {
  expect(new Set(versions).size).toBe(2);
});

test('a path resolves to the version whose content the local file has', async () => {
  await writeFile(join(dir, 'model v1.json'), '{"w":1}');
  const r = await resolveData(prov.store!, join(dir, 'model v1.json'));
  expect(r.iri).toBe(versions[0]);
  expect(r.storageUrl).toBe(pathToFileURL(join(dir, 'model v1.json')).href);
  expect(r.note).toMatch(/2 versions .* local file's sha256/);
});

test('without the local file, the version generated last, said in a note', async () => {
  await rm(join(dir, 'model v1.json'));
  const r = await resolveData(prov.store!, pathToFileURL(join(dir, 'model v1.json')).href);
  expect(r.iri).toBe(versions[1]);
  expect(r.note).toMatch(/generated last/);
});

test('an IRI is taken as is; an unknown path is an error naming the URL tried', async () => {
  expect((await resolveData(prov.store!, versions[0]!)).iri).toBe(versions[0]);
  await expect(resolveData(prov.store!, join(dir, 'nope.csv'))).rejects.toThrow(/no recorded data with storage URL file:\/\/.*nope\.csv \(from the path/);
});
