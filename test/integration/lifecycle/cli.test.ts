/**
 * `provml query q1…q6` as a user runs it: the real CLI entry in a child process, on an N-Quads dump
 * of the reference lifecycle (with a domain graph), in table, JSON and CSV.
 */
import type { WorkerStore } from '../../../src/worker/store.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvML } from '../../../src/index.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { EPOCHS, PREPARATIONS, SURVEYS, TRAININGS, domainTriples, epochLoss, files, runLifecycle } from '../../support/lifecycle.js';
import { provml as run } from '../../unit/cli/run-cli.js';
import { README_TRAININGS, readmeFiles, runReadmeLifecycle } from '../../unit/query/readme-lifecycle.js';


/** The CLI in-process (no tsx start-up per call: the suite must not depend on machine speed). */
async function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(args);
}

describe('provml query', () => {
  let dir: string;
  let dump: string;
  let model: string;
  let dataset: string;
  let readmeModel: string;
  let readmeTilesX: string;
  const GRAPH = 'urn:example:geology';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-query-cli-'));
    const prov = ProvML.init({ installExitHooks: false, journal: false, environment: false });
    await runLifecycle(dir);
    await runReadmeLifecycle(join(dir, 'readme')); // the README's pattern: a generated raw file, a stage that declares its model
    await prov.flush();
    const store = prov.store as WorkerStore; // the default store lives in the worker
    await store.insertQuads(domainTriples(dir), GRAPH);
    const node = async (path: string) =>
      (await store.select(`SELECT ?n WHERE { ?n <https://w3id.org/prov-ml#storageUrl> ?u FILTER(STR(?u) = ${JSON.stringify(files(dir).url(path))}) }`))[0]!.n!.value;
    model = await node(files(dir).model('T1', 1));
    dataset = await node(files(dir).dataset('A'));
    readmeModel = await node(readmeFiles(join(dir, 'readme')).model('RX', 0));
    readmeTilesX = await node(readmeFiles(join(dir, 'readme')).tiles('X'));
    dump = join(dir, 'lifecycle.nq');
    await writeFile(dump, await store.dump());
    await prov.shutdown();
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('q1 --format json: the raw file, its characteristics and domain facts', async () => {
    const r = await provml('query', 'q1', '--data', dump, '--model', model, '--domain-graph', GRAPH, '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { storageUrl: string; characteristics: Record<string, number>; domain: Record<string, string> }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.storageUrl).toBe(files(dir).url(files(dir).survey('netherlands')));
    expect(rows[0]!.characteristics.inlines).toBe(SURVEYS.netherlands.inlines);
    expect(rows[0]!.domain).toEqual({ basin: SURVEYS.netherlands.basin, field: SURVEYS.netherlands.field });
  });

  it('q3 --format csv: one row with hyperparameter and evaluation columns', async () => {
    const r = await provml('query', 'q3', '--data', dump, '--dataset', dataset, '--format', 'csv');
    expect(r.code).toBe(0);
    const [header, row, ...rest] = r.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    const cells = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(Number(cells['eval.loss'])).toBe(epochLoss('T2', EPOCHS - 1));
    expect(Number(cells['hp.learningRate'])).toBe(TRAININGS.T2.learningRate);
    expect(cells.dataset).toBe(dataset);
  });

  it('q5 --param name=value… as a table: one line per model of the two trainings on dataset A', async () => {
    const p = PREPARATIONS.A;
    const r = await provml('query', 'q5', '--data', dump, '--param', `firstInline=${p.firstInline}`, `lastInline=${p.lastInline}`);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('urn:provml:data:'))).toHaveLength(2 * EPOCHS);
  });

  it('q5 prints the epoch of every model, also the last one the learning stage declares (not "undefined")', async () => {
    const r = await provml('query', 'q5', '--data', dump, '--param', 'tileSize=4', '--format', 'csv');
    expect(r.code).toBe(0);
    const [header, ...lines] = r.stdout.trimEnd().split('\n');
    const col = header!.split(',').indexOf('epoch');
    expect(col).toBeGreaterThan(0);
    expect(lines.map((l) => l.split(',')[col])).toEqual([...Array(README_TRAININGS.RX.epochs).keys()].map(String));
    const table = await provml('query', 'q5', '--data', dump, '--param', 'tileSize=4');
    expect(table.stdout).not.toContain('undefined');
  });

  it('q1 finds a raw file a step generated (as in npm run demo), and says why when there is none', async () => {
    const r = await provml('query', 'q1', '--data', dump, '--model', readmeModel, '--format', 'json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((JSON.parse(r.stdout) as { storageUrl: string }[]).map((x) => x.storageUrl)).toEqual([readmeFiles(join(dir, 'readme')).url(readmeFiles(join(dir, 'readme')).survey('X'))]);
    const none = await provml('query', 'q1', '--data', dump, '--model', 'urn:example:nothing');
    expect([none.code, none.stdout]).toEqual([0, '(none) — no raw source found: the store holds nothing about urn:example:nothing\n']);
    const json = await provml('query', 'q6', '--data', dump, '--param', 'epochs=3', '--format', 'json');
    expect(json.stdout.trim()).toBe('[]');
    expect(json.stderr).toMatch(/^provml: q6: no raw source found: no transformation used a parameter named "epochs"/);
  });

  it('q5/q6 --param: numeric strings compare as numbers, ranges a..b and bounds select datasets', async () => {
    const datasets = async (...params: string[]) => {
      const r = await provml('query', 'q6', '--data', dump, '--param', ...params, '--format', 'json');
      expect(r.code, r.stderr).toBe(0);
      return [...new Set((JSON.parse(r.stdout) as { dataset: string }[]).map((x) => x.dataset))].sort();
    };
    const tilesX = readmeTilesX;
    expect(await datasets('slices=100')).toEqual([tilesX]); // captured as the string "100"
    expect(await datasets('slices=1e2')).toEqual([tilesX]);
    expect(await datasets('tileSize=3..5')).toEqual([tilesX]);
    expect(await datasets('tileSize>=4', 'tileSize<8')).toEqual([tilesX]);
    expect(await datasets('scale=..0.3')).toEqual([tilesX]);
    expect(await datasets(`firstInline=${PREPARATIONS.A.firstInline - 1}..${PREPARATIONS.A.firstInline + 1}`)).toEqual([dataset]);
    expect((await datasets('tileSize=4..64')).length).toBe(4);
  });

  it('names the offending value: a bad IRI, a missing option, an unknown query', async () => {
    const bad = await provml('query', 'q1', '--data', dump, '--model', 'not an iri> }');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--model "not an iri> }" is neither an IRI nor a path of recorded data');
    const missing = await provml('query', 'q4', '--data', dump);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'provml: q4 needs --dataset <iri|path>']);
    const unknown = await provml('query', 'q7', '--data', dump);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown query "q7"');
    const badParam = await provml('query', 'q5', '--data', dump, '--param', 'firstInline');
    expect(badParam.stderr).toContain('--param expects name=value, got "firstInline"');
  });
});
