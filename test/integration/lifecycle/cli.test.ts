/**
 * `provml query q1…q6` as a user runs it: the real CLI entry in a child process, on an N-Quads dump
 * of the reference lifecycle (with a domain graph), in table, JSON and CSV.
 */
import type { WorkerStore } from '../../../src/worker/store.js';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvML } from '../../../src/index.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { EPOCHS, PREPARATIONS, SURVEYS, TRAININGS, domainTriples, epochLoss, files, runLifecycle } from '../../support/lifecycle.js';

const exec = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

async function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.PROVML_ENDPOINT;
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('provml query', () => {
  let dir: string;
  let dump: string;
  let model: string;
  let dataset: string;
  const GRAPH = 'urn:example:geology';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-query-cli-'));
    const prov = ProvML.init({ installExitHooks: false, journal: false, environment: false });
    await runLifecycle(dir);
    await prov.flush();
    const store = prov.store as WorkerStore; // the default store lives in the worker
    await store.insertQuads(domainTriples(dir), GRAPH);
    const node = async (path: string) =>
      (await store.select(`SELECT ?n WHERE { ?n <https://w3id.org/prov-ml#storageUrl> ?u FILTER(STR(?u) = ${JSON.stringify(files(dir).url(path))}) }`))[0]!.n!.value;
    model = await node(files(dir).model('T1', 1));
    dataset = await node(files(dir).dataset('A'));
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

  it('names the offending value: a bad IRI, a missing option, an unknown query', async () => {
    const bad = await provml('query', 'q1', '--data', dump, '--model', 'not an iri> }');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a valid model IRI: "not an iri> }"');
    const missing = await provml('query', 'q4', '--data', dump);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'provml: q4 needs --dataset <iri>']);
    const unknown = await provml('query', 'q7', '--data', dump);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown query "q7"');
    const badParam = await provml('query', 'q5', '--data', dump, '--param', 'firstInline');
    expect(badParam.stderr).toContain('--param expects name=value, got "firstInline"');
  });
});
