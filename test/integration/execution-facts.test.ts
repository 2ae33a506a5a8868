/**
 * Richer execution facts and tracking modes (issue 13 §3), end to end:
 * - a secret in the environment of a tracked process never reaches the journal or the store —
 *   neither its value nor its name — while allow-listed batch-job variables do;
 * - per workflow execution: process id, machine memory, git branch and dirty flag of the code's
 *   work tree, batch job; peak memory on workflow and stage executions; tags on any execution;
 * - `tracking: 'basic'` records executions with their inputs and outputs and no workflow
 *   definition, code or environment, and still conforms to the shapes; `'full'` records them all.
 * Child processes are real `node` processes started from an entry script inside a scratch git
 * repository, as a user's training script would be.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProvML, ProvMLConfigError, type ProvMLOptions } from '../../src/index.js';
import { allowedVariables, batchJobOf, ENVIRONMENT_ALLOW_LIST, looksSecret } from '../../src/record/process-facts.js';
import { describeGitState } from '../../src/record/environment.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import type { SparqlEndpoint } from '../../src/store/endpoint.js';
import { validate } from '../../src/validate/index.js';
import type { ChildConfig } from '../fixtures/execution-facts/child.js';
import { pipeline } from '../fixtures/execution-facts/pipeline.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CHILD = join(root, 'test/fixtures/execution-facts/child.ts');
const PREFIXES = `PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX provml: <https://w3id.org/prov-ml#>
PREFIX mls: <http://www.w3.org/ns/mls#>
`;

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'provml-facts-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const gitAvailable = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=provml test', '-c', 'user.email=test@provml.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** A scratch git repository on `branch` whose committed entry script runs the child fixture. */
async function repository(name: string, branch: string): Promise<{ dir: string; entry: string }> {
  const dir = join(scratch, name);
  await mkdir(dir, { recursive: true });
  const entry = join(dir, 'train.mts');
  await writeFile(entry, `await import(${JSON.stringify(pathToFileURL(CHILD).href)});\n`);
  await writeFile(join(dir, 'README'), 'a training project\n');
  git(dir, 'init', '-q');
  git(dir, 'checkout', '-q', '-b', branch);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return { dir, entry };
}

/** The test's environment without any variable provml would record or that names a scheduler. */
function cleanEnv(): Record<string, string> {
  const drop = new Set([...ENVIRONMENT_ALLOW_LIST, 'SLURM_JOBID', 'KUBERNETES_SERVICE_HOST', 'PROVML_ENDPOINT']);
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !drop.has(e[0])));
}

/** Run the child fixture from `entry` with `env` added; resolves with its pid. */
function runChild(entry: string, config: ChildConfig, env: Record<string, string> = {}): Promise<{ pid: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: { ...cleanEnv(), ...env, PROVML_EF_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('error', fail);
    proc.on('close', (code) => {
      if (code !== 0) return fail(new Error(`child exited with ${code}: ${stderr}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      done({ pid: (JSON.parse(line) as { pid: number }).pid, stdout, stderr });
    });
  });
}

/** Every file under `dir`, recursively, as text (the journal, the store dump, the data). */
async function allText(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.parentPath.includes('.git')) out += await readFile(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

async function storeOf(file: string): Promise<EmbeddedStore> {
  const store = EmbeddedStore.create();
  store.loadNQuads(await readFile(file, 'utf8'));
  return store;
}

/** `{ quality name: value }` of each execution of class `cls`, in recording order of their starts. */
async function qualities(store: SparqlEndpoint, cls: string): Promise<Array<Record<string, string>>> {
  const rows = await store.select(`${PREFIXES}
SELECT ?e ?start ?n ?v WHERE {
  ?e a provml:${cls} ; prov:startedAtTime ?start .
  OPTIONAL { ?e mls:hasQuality ?q . ?q a mls:Quality ; provml:name ?n ; mls:hasValue ?v }
} ORDER BY ?start ?e ?n`);
  const byExec = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const facts = byExec.get(r.e!.value) ?? {};
    if (r.n) facts[r.n.value] = r.v!.value;
    byExec.set(r.e!.value, facts);
  }
  return [...byExec.values()];
}

async function count(store: SparqlEndpoint, where: string): Promise<number> {
  const [row] = await store.select(`${PREFIXES} SELECT (COUNT(*) AS ?n) WHERE { ${where} }`);
  return Number(row!.n!.value);
}

describe.skipIf(!gitAvailable)('a tracked process (a child, from a script in its own git repository)', () => {
  test('a secret set in the environment never appears in the journal or the store; allow-listed batch-job variables do', async () => {
    const { dir, entry } = await repository('secret', 'exp/geo');
    const data = join(dir, 'run'); // inside the work tree: the files the run writes are untracked, so the tree stays clean
    await mkdir(data);
    const secret = `s3cr3t-${randomUUID()}`;
    const aws = `wJalrXUtnFEMI/K7MDENG/${randomUUID()}`;
    const { pid } = await runChild(
      entry,
      { dir: data },
      { PROVML_TEST_SECRET: secret, AWS_SECRET_ACCESS_KEY: aws, SLURM_JOB_ID: '4242', SLURM_ARRAY_JOB_ID: '4240', SLURM_ARRAY_TASK_ID: '2', SLURM_CLUSTER_NAME: 'geo-hpc' },
    );

    const text = await allText(data);
    expect(text).toContain('<urn:provml:execution:'); // the journal and the dump are there
    for (const needle of [secret, aws, 'PROVML_TEST_SECRET', 'AWS_SECRET_ACCESS_KEY', 's3cr3t']) expect(text.includes(needle), needle).toBe(false);

    const store = await storeOf(join(data, 'store.nq'));
    const journal = await storeOf(join(data, 'journal.nq'));
    for (const s of [store, journal]) {
      const [run] = await qualities(s, 'WorkflowExecution');
      expect(run).toEqual({
        'tag:team': 'geo',
        'tag:sweep': '3',
        processId: String(pid),
        totalMemoryBytes: String(totalmem()),
        peakMemoryBytes: expect.stringMatching(/^[1-9]\d{6,}$/) as unknown as string,
        gitBranch: 'exp/geo',
        gitDirty: 'false',
        batchScheduler: 'slurm',
        batchJobId: '4242',
        'env:SLURM_ARRAY_JOB_ID': '4240',
        'env:SLURM_ARRAY_TASK_ID': '2',
        'env:SLURM_CLUSTER_NAME': 'geo-hpc',
        'env:SLURM_JOB_ID': '4242',
      });
    }
    // Every variable the store names is on the allow-list.
    const names = (await store.select(`${PREFIXES} SELECT DISTINCT ?n WHERE { ?q a mls:Quality ; provml:name ?n FILTER STRSTARTS(?n, "env:") }`)).map((r) => r.n!.value.slice(4));
    expect(names.every((n) => ENVIRONMENT_ALLOW_LIST.includes(n))).toBe(true);
    await store.close();
    await journal.close();
  }, 60_000);

  test('the dirty flag: uncommitted changes to tracked files make the tree dirty, untracked files do not', async () => {
    const { dir, entry } = await repository('dirty', 'main');
    await writeFile(join(dir, 'untracked.txt'), 'new\n');
    const clean = join(dir, 'clean-run');
    await mkdir(clean);
    await runChild(entry, { dir: clean });
    await writeFile(join(dir, 'README'), 'edited, not committed\n');
    const dirty = join(dir, 'dirty-run');
    await mkdir(dirty);
    await runChild(entry, { dir: dirty });
    git(dir, 'checkout', '-q', '--detach');
    const detached = join(dir, 'detached-run');
    await mkdir(detached);
    await runChild(entry, { dir: detached });

    const facts = async (d: string) => {
      const s = await storeOf(join(d, 'journal.nq'));
      const [run] = await qualities(s, 'WorkflowExecution');
      await s.close();
      return { branch: run!.gitBranch, dirty: run!.gitDirty, job: run!.batchScheduler };
    };
    expect(await facts(clean)).toEqual({ branch: 'main', dirty: 'false', job: undefined });
    expect(await facts(dirty)).toEqual({ branch: 'main', dirty: 'true', job: undefined });
    expect(await facts(detached)).toEqual({ branch: undefined, dirty: 'true', job: undefined }); // detached HEAD: no branch
  }, 90_000);

  test("tracking: 'basic' in a child: inputs and outputs, no code, environment or process facts", async () => {
    const { dir, entry } = await repository('basic', 'main');
    const data = join(dir, 'run');
    await mkdir(data);
    await runChild(entry, { dir: data, options: { tracking: 'basic' } }, { SLURM_JOB_ID: '99' });
    const store = await storeOf(join(data, 'store.nq'));
    const [run] = await qualities(store, 'WorkflowExecution');
    expect(run).toEqual({ 'tag:team': 'geo', 'tag:sweep': '3' });
    expect(await count(store, '?s a provml:Environment')).toBe(0);
    expect(await count(store, '?s a provml:SourceCode')).toBe(0);
    await store.close();
  }, 60_000);
});

describe('tracking modes (in this process)', () => {
  const runs: Partial<Record<'full' | 'basic', { store: EmbeddedStore; dir: string }>> = {};

  async function record(mode: 'full' | 'basic', options: ProvMLOptions = {}): Promise<{ store: EmbeddedStore; dir: string }> {
    const dir = await mkdtemp(join(scratch, `${mode}-`));
    const store = EmbeddedStore.create();
    const prov = ProvML.init({ store, tracking: mode, installExitHooks: false, ...options });
    try {
      await pipeline(dir);
      await prov.flush();
    } finally {
      await prov.shutdown();
    }
    return { store, dir };
  }

  beforeAll(async () => {
    runs.full = await record('full');
    runs.basic = await record('basic');
  });
  afterAll(async () => {
    await runs.full?.store.close();
    await runs.basic?.store.close();
  });

  test('both: the same executions, the same data (content-derived IRIs, checksums), values, measures and tags', async () => {
    const same = [
      '?e a provml:WorkflowExecution',
      '?e a provml:DataTransformationExecution',
      '?e a provml:LearningStageExecution',
      '?e a provml:EpochExecution',
      '?e a provml:BatchExecution',
      '?e prov:used ?d . ?d a provml:DataReferenceValue ; provml:checksum ?c',
      '?d prov:wasGeneratedBy ?e ; a provml:ModelReferenceValue ; provml:checksum ?c',
      '?v a provml:LearningHyperParameterSetting ; mls:hasValue ?x FILTER(?x = 0.1)',
      '?v a provml:ParameterValue ; mls:hasValue 2',
      '?v a provml:ModelEvaluation',
      '?e mls:hasQuality ?q . ?q provml:name ?n FILTER STRSTARTS(?n, "tag:")',
    ];
    for (const where of same) {
      const full = await count(runs.full!.store, where);
      expect(full, where).toBeGreaterThan(0);
      expect(await count(runs.basic!.store, where), where).toBe(full);
    }
    // The same file contents (in other directories): the same checksums.
    const checksums = async (s: SparqlEndpoint) =>
      (
        await s.select(`${PREFIXES} SELECT DISTINCT ?c WHERE {
          VALUES ?cls { provml:DataReferenceValue provml:LearningDatasetReferenceValue provml:ModelReferenceValue } ?d a ?cls ; provml:checksum ?c } ORDER BY ?c`)
      ).map((r) => r.c!.value);
    const basic = await checksums(runs.basic!.store);
    expect(basic).toHaveLength(3); // raw, clean, model
    expect(basic).toEqual(await checksums(runs.full!.store));
  });

  test("'full' adds the workflow definition, the code, the environment and the process facts; 'basic' has none of them", async () => {
    const definitionCodeEnvironment = [
      '?p provml:hasInput ?a',
      '?p provml:hasOutput ?a',
      '?w provml:inExperiment ?x',
      '?x provml:inStudy ?s',
      '?e provml:executedIn ?env . ?env a provml:Environment ; provml:runtime ?r',
      '?e provml:usedCode ?c . ?c a provml:SourceCode',
      '?e mls:hasQuality ?q . ?q provml:name "processId"',
      '?e mls:hasQuality ?q . ?q provml:name "totalMemoryBytes"',
      '?e mls:hasQuality ?q . ?q provml:name "peakMemoryBytes"',
    ];
    for (const where of definitionCodeEnvironment) {
      expect(await count(runs.full!.store, where), where).toBeGreaterThan(0);
      expect(await count(runs.basic!.store, where), where).toBe(0);
    }
    // What types an execution stays in basic: its plan, the plan's class and stage type.
    expect(await count(runs.basic!.store, '?e a provml:LearningStageExecution ; provml:executes ?p . ?p a provml:LearningStage ; provml:hasStageType provml:Training')).toBe(1);
    expect(await count(runs.basic!.store, '?e a provml:WorkflowExecution ; provml:executes ?p . ?p a provml:Workflow')).toBe(1);
  });

  test('peak memory on the workflow and stage executions only; the other facts on the workflow execution only', async () => {
    const s = runs.full!.store;
    const [run] = await qualities(s, 'WorkflowExecution');
    expect(Number(run!.processId)).toBe(process.pid);
    expect(Number(run!.totalMemoryBytes)).toBe(totalmem());
    const [stage] = await qualities(s, 'LearningStageExecution');
    expect(stage).toEqual({ 'tag:gpu': 'false', peakMemoryBytes: expect.stringMatching(/^\d+$/) as unknown as string });
    expect(Number(stage!.peakMemoryBytes)).toBeLessThanOrEqual(Number(run!.peakMemoryBytes)); // a high-water mark
    expect(await qualities(s, 'DataTransformationExecution')).toEqual([{ 'tag:step': 'prep' }]);
    for (const cls of ['EpochExecution', 'BatchExecution']) for (const q of await qualities(s, cls)) expect(q, cls).toEqual({});
    // Typed values: integers, longs, booleans.
    const types = await s.select(`${PREFIXES} SELECT ?n (DATATYPE(?v) AS ?t) WHERE { ?q a mls:Quality ; provml:name ?n ; mls:hasValue ?v } ORDER BY ?n`);
    const typeOf = Object.fromEntries(types.map((r) => [r.n!.value, r.t!.value.split('#')[1]]));
    // (Oxigraph reads xsd:long back as xsd:integer, as it does byte sizes.)
    expect(typeOf).toMatchObject({ processId: 'integer', 'tag:gpu': 'boolean', 'tag:sweep': 'integer', 'tag:team': 'string' });
    for (const n of ['totalMemoryBytes', 'peakMemoryBytes']) expect(typeOf[n], n).toMatch(/^(long|integer)$/);
    // Qualities are facts about the execution, not values it used or generated.
    expect(await count(s, '?q a mls:Quality . { ?e prov:used ?q } UNION { ?q prov:wasGeneratedBy ?e } UNION { ?q a provml:AttributeValue }')).toBe(0);
  });

  test('both modes conform to the PROV-ML shapes', async () => {
    for (const mode of ['full', 'basic'] as const) {
      const file = join(runs[mode]!.dir, 'dump.nq');
      await writeFile(file, await runs[mode]!.store.dump());
      const report = await validate(file);
      expect(report.results, mode).toEqual([]);
      expect(report.conforms, mode).toBe(true);
    }
  }, 60_000);

  test('in the worker (the default thread) too; environmentVariables adds to the allow-list', async () => {
    const dir = await mkdtemp(join(scratch, 'worker-'));
    process.env.PROVML_EF_VISIBLE = 'shown';
    process.env.PROVML_EF_HIDDEN = 'not listed';
    const prov = ProvML.init({ installExitHooks: false, environmentVariables: ['PROVML_EF_VISIBLE'] });
    try {
      await pipeline(dir);
      await prov.flush();
      const [run] = await qualities(prov.store!, 'WorkflowExecution');
      expect(run).toMatchObject({ 'tag:team': 'geo', 'env:PROVML_EF_VISIBLE': 'shown', processId: String(process.pid), totalMemoryBytes: String(totalmem()) });
      expect(Number(run!.peakMemoryBytes)).toBeGreaterThan(0);
      // Nothing but the known facts (git and batch-job ones depend on where the tests run).
      const known = /^(tag:(team|sweep)|processId|totalMemoryBytes|peakMemoryBytes|gitBranch|gitDirty|batchScheduler|batchJobId|env:PROVML_EF_VISIBLE)$/;
      expect(Object.keys(run!).filter((k) => !known.test(k) && !(k.startsWith('env:') && ENVIRONMENT_ALLOW_LIST.includes(k.slice(4))))).toEqual([]);
      const dump = await (prov.store as unknown as { dump(): Promise<string> }).dump();
      expect(dump).not.toContain('PROVML_EF_HIDDEN');
      expect(dump).not.toContain('not listed');
    } finally {
      delete process.env.PROVML_EF_VISIBLE;
      delete process.env.PROVML_EF_HIDDEN;
      await prov.shutdown();
    }
  });
});

describe('init options', () => {
  test('tracking and environmentVariables are checked at init', () => {
    const bad: Array<[ProvMLOptions, string, RegExp]> = [
      [{ tracking: 'bsic' as never }, 'tracking', /tracking must be 'basic' or 'full', got "bsic" \(did you mean 'basic'\?\)/],
      [{ tracking: 'basic', environment: true }, 'environment', /tracking: 'basic' leaves out/],
      [{ tracking: 'basic', environmentVariables: ['CUDA_VISIBLE_DEVICES'] }, 'environmentVariables', /tracking: 'basic'/],
      [{ environment: false, environmentVariables: ['CUDA_VISIBLE_DEVICES'] }, 'environmentVariables', /environment: false/],
      [{ environmentVariables: 'CUDA_VISIBLE_DEVICES' as never }, 'environmentVariables', /must be an array/],
      [{ environmentVariables: ['A-B'] }, 'environmentVariables[0]', /must be an environment variable name/],
      [{ environmentVariables: ['OK', 'AWS_SECRET_ACCESS_KEY'] }, 'environmentVariables[1]', /looks like it holds a credential/],
      [{ environmentVariables: ['GITHUB_TOKEN'] }, 'environmentVariables[0]', /credential/],
      [{ trackng: 'full' } as never, 'trackng', /did you mean 'tracking'/],
    ];
    for (const [options, key, message] of bad) {
      let err: unknown;
      try {
        ProvML.init({ ...options, global: false, installExitHooks: false, thread: 'main', sink: { name: 'x', write: async () => {} } as never });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(options)).toBeInstanceOf(ProvMLConfigError);
      expect((err as ProvMLConfigError).key).toBe(key);
      expect((err as Error).message).toMatch(message);
    }
  });

  test('the tracker says its mode', async () => {
    for (const tracking of [undefined, 'basic', 'full'] as const) {
      const prov = ProvML.init({ ...(tracking ? { tracking } : {}), global: false, installExitHooks: false, thread: 'main', sink: { name: 'x', write: async () => {} } as never });
      expect(prov.tracking).toBe(tracking ?? 'full');
      await prov.shutdown();
    }
  });
});

describe('what the environment may give', () => {
  test('only allow-listed variables, never walking the environment', () => {
    const env = { SLURM_JOB_ID: '7', PBS_QUEUE: 'gpu', AWS_SECRET_ACCESS_KEY: 'x', PROVML_TEST_SECRET: 'y', HOME: '/root', MY_VAR: 'z' };
    expect(allowedVariables(env)).toEqual([
      ['PBS_QUEUE', 'gpu'],
      ['SLURM_JOB_ID', '7'],
    ]);
    expect(allowedVariables(env, ['MY_VAR'])).toEqual([
      ['MY_VAR', 'z'],
      ['PBS_QUEUE', 'gpu'],
      ['SLURM_JOB_ID', '7'],
    ]);
    expect(allowedVariables({ SLURM_JOB_NAME: 'n'.repeat(3000) })[0]![1]).toMatch(/^n{1024}…\[\+1976 chars\]$/);
    for (const name of ENVIRONMENT_ALLOW_LIST) expect(looksSecret(name), name).toBe(false);
  });

  test('the batch job of SLURM, PBS, LSF and Kubernetes', () => {
    expect(batchJobOf({})).toBeUndefined();
    expect(batchJobOf({ SLURM_JOB_ID: '123', SLURM_ARRAY_TASK_ID: '4' })).toEqual({ scheduler: 'slurm', id: '123' });
    expect(batchJobOf({ SLURM_JOBID: '122' })).toEqual({ scheduler: 'slurm', id: '122' });
    expect(batchJobOf({ PBS_JOBID: '9001[3].pbs01' })).toEqual({ scheduler: 'pbs', id: '9001[3].pbs01' });
    expect(batchJobOf({ LSB_JOBID: '55', LSB_JOBINDEX: '2' })).toEqual({ scheduler: 'lsf', id: '55' });
    expect(batchJobOf({ KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'train-7f9c-x2' })).toEqual({ scheduler: 'kubernetes', id: 'train-7f9c-x2' });
    expect(batchJobOf({ KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'h', POD_NAME: 'train-0' })).toEqual({ scheduler: 'kubernetes', id: 'train-0' });
    expect(batchJobOf({ HOSTNAME: 'laptop' })).toBeUndefined(); // not in Kubernetes
    expect(batchJobOf({ SLURM_JOB_ID: '1', KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'p' })).toEqual({ scheduler: 'slurm', id: '1' }); // the job wins over the pod
  });

  test.skipIf(!gitAvailable)('git: a linked worktree (.git file), and a git that does not answer in time', async () => {
    const { dir } = await repository('worktree', 'main');
    const linked = join(scratch, 'linked');
    git(dir, 'worktree', 'add', '-q', '-b', 'feature/x', linked);
    expect(await describeGitState(linked)).toEqual({ branch: 'feature/x', dirty: false });
    expect(await describeGitState(join(scratch, 'nowhere'))).toEqual({});

    // A `git` that hangs: the branch (read from .git) stays, the dirty flag is left out, on time.
    const bin = join(scratch, 'slow-bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'git'), '#!/bin/sh\nsleep 10\n');
    await chmod(join(bin, 'git'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ''}`;
    try {
      const t0 = Date.now();
      expect(await describeGitState(dir, 300)).toEqual({ branch: 'main' });
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      process.env.PATH = path;
    }
  });
});
