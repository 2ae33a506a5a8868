/**
 * The examples under examples/ are programs: each runs here as a user runs it (`node --import tsx
 * examples/…`), in a child process, and must exit 0. What it recorded is then read back from its
 * journal (or, for the HTTP example, from the SPARQL server the test started) with the query API:
 * the run, its epochs and batches, its hyperparameters and models.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore, startSparqlServer } from '../../src/index.js';
import { listRuns, runDatasets, runEpochs, runHyperparameters, type SparqlEndpoint } from '../../src/query/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TIMEOUT = 120_000;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run an example with tsx in a child process, in the repository root. */
function runExample(script: string, env: Record<string, string | undefined>): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function expectOk(r: Result): void {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** The one run of `workflow` in the store, with its training epochs. */
async function theRun(store: SparqlEndpoint, workflow: string) {
  const runs = (await listRuns(store)).filter((r) => r.workflow === workflow);
  expect(runs).toHaveLength(1);
  const run = runs[0]!;
  const epochs = (await runEpochs(store, run.run)).filter((e) => e.stageType === 'training');
  return { run, epochs };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-examples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The example's journal, loaded into a store of its own. */
async function journalStore(out: string): Promise<EmbeddedStore> {
  const journal = join(out, 'provenance.nq');
  expect(existsSync(journal)).toBe(true);
  return EmbeddedStore.open({ path: journal, persistOnClose: false });
}

describe('examples/', () => {
  it(
    'tfjs-classifier: one provmlCallback records the fit — 5 epochs of 6 batches, a model per epoch',
    async () => {
      const out = join(dir, 'tfjs-classifier');
      const r = await runExample('examples/tfjs-classifier/main.ts', { PROVML_EXAMPLE_DIR: out });
      expectOk(r);
      expect(r.stdout).toMatch(/5 training epochs recorded/);
      const store = await journalStore(out);
      const { run, epochs } = await theRun(store, 'tfjs-classifier');
      expect(run).toMatchObject({ status: expect.stringMatching(/completed|success/i), learning: true });
      expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
      // 256 samples, validationSplit 0.25 → 192 trained on, batches of 32.
      expect(epochs.map((e) => e.batches)).toEqual([6, 6, 6, 6, 6]);
      for (const e of epochs) expect(Object.keys(e.measures).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      const models = (await runDatasets(store, run.run)).filter((d) => d.role === 'generated' && /models\/epoch-\d\.json$/.test(d.storageUrl ?? ''));
      expect(new Set(models.map((m) => m.storageUrl)).size).toBe(5);
      await store.close();
    },
    TIMEOUT,
  );

  it(
    'custom-loop (decorators): @LearningStage/@Epoch/@Batch around optimizer.minimize — hyperparameters, 4 epochs × 6 batches',
    async () => {
      const out = join(dir, 'custom-loop');
      const r = await runExample('examples/custom-loop/main.ts', { PROVML_EXAMPLE_DIR: out });
      expectOk(r);
      expect(r.stdout).toMatch(/4 epochs of 6 batches recorded/);
      const store = await journalStore(out);
      const { run, epochs } = await theRun(store, 'custom-loop');
      expect(epochs.map((e) => [e.epoch, e.batches])).toEqual([[0, 6], [1, 6], [2, 6], [3, 6]]);
      for (const e of epochs) expect(e.measures.loss).toBeGreaterThan(0);
      expect(epochs.at(-1)!.measures.loss).toBeLessThan(epochs[0]!.measures.loss!);
      const hp = Object.fromEntries((await runHyperparameters(store, run.run)).map((h) => [h.name, h.value]));
      expect(hp).toEqual({ learningRate: '0.5', epochs: '4', batchSize: '40' });
      const models = (await runDatasets(store, run.run)).filter((d) => d.kind === 'EpochExecution' && d.role === 'generated');
      expect(models.map((m) => m.storageUrl!.replace(/.*\//, '')).sort()).toEqual(['epoch-0.json', 'epoch-1.json', 'epoch-2.json', 'epoch-3.json']);
      await store.close();
    },
    TIMEOUT,
  );

  it(
    'custom-loop/track.ts: the same loop with track — architecture, 4 epochs × 6 batches, a validation stage',
    async () => {
      const out = join(dir, 'custom-loop-track');
      const r = await runExample('examples/custom-loop/track.ts', { PROVML_EXAMPLE_DIR: out });
      expectOk(r);
      const store = await journalStore(out);
      const { run, epochs } = await theRun(store, 'custom-loop-track');
      expect(epochs.map((e) => [e.epoch, e.batches])).toEqual([[0, 6], [1, 6], [2, 6], [3, 6]]);
      const stages = await store.select(`PREFIX provml: <https://w3id.org/prov-ml#>
        SELECT ?type WHERE { ?s a provml:LearningStageExecution ; provml:partOf <${run.run}> ; provml:executes/provml:hasStageType ?type } ORDER BY ?type`);
      expect(stages.map((s) => s.type!.value.replace(/.*#/, ''))).toEqual(['Training', 'Validation']);
      const arch = await store.select(`PREFIX provml: <https://w3id.org/prov-ml#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX mls: <http://www.w3.org/ns/mls#>
        SELECT ?v WHERE { ?x a provml:ModelHyperParameterValue ; prov:wasGeneratedBy ?stage ; mls:hasValue ?v ; provml:valueOf/provml:name "layers" . ?stage provml:partOf <${run.run}> }`);
      expect(arch.map((a) => a.v!.value)).toEqual(['2']);
      await store.close();
    },
    TIMEOUT,
  );

  it(
    'http-endpoint: the same fit into the SPARQL server named by PROVML_ENDPOINT',
    async () => {
      const store = EmbeddedStore.create();
      const server = await startSparqlServer({ store });
      try {
        const out = join(dir, 'http-endpoint');
        const r = await runExample('examples/http-endpoint/main.ts', { PROVML_EXAMPLE_DIR: out, PROVML_ENDPOINT: server.queryUrl, PROVML_GSP_ENDPOINT: server.gspUrl });
        expectOk(r);
        expect(r.stdout).not.toMatch(/throwaway/); // it used our server, not its own
        const [, captured, sent] = /events (\d+), sent (\d+), dropped 0/.exec(r.stdout) ?? [];
        expect(Number(sent)).toBeGreaterThan(0);
        expect(sent).toBe(captured); // every captured event reached the server
        const { epochs } = await theRun(store, 'tfjs-classifier-http');
        expect(epochs.map((e) => [e.epoch, e.batches])).toEqual([[0, 6], [1, 6], [2, 6], [3, 6], [4, 6]]);
      } finally {
        await server.close();
      }
    },
    TIMEOUT,
  );
});
