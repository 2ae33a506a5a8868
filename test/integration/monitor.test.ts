/**
 * The live monitor against a loopback SPARQL server (`provml serve`'s HTTP face) that a training in
 * this process writes into through `ProvML.init({ endpoint })`: first the snapshot API half-way
 * and at the end, then the real `provml monitor` command as a child process watching the run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvML } from '../../src/index.js';
import { createMonitor } from '../../src/query/index.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../src/store/http.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';
import { epochLoss, startTraining } from '../unit/query/monitor-training.js';

const root = new URL('../../', import.meta.url).pathname;
let server: SparqlServer;
let prov: ProvML;
let query: HttpSparqlEndpoint;

beforeAll(async () => {
  server = await startSparqlServer({ store: EmbeddedStore.create() });
  prov = ProvML.init({
    endpoint: { url: server.queryUrl, updateUrl: server.updateUrl, gsp: { url: server.gspUrl, style: 'standard' } },
    environment: false,
    files: false,
    installExitHooks: false,
    flushIntervalMs: 25,
  });
  query = new HttpSparqlEndpoint({ url: server.queryUrl });
});

afterAll(async () => {
  await prov.shutdown();
  await query.close();
  await server.close();
});

interface Child {
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function provml(...args: string[]): Child {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'PROVML_ENDPOINT', 'PROVML_AUTH']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => out, stderr: () => err, exit, kill: (s) => child.kill(s) };
}

async function until(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('monitor over HTTP while a training writes', () => {
  it('snapshots a paused training (partial epochs and batches), then the finished run', async () => {
    const training = startTraining({ name: 'monitor-http', epochs: 3, batches: 4, pauseAt: { epoch: 1, batch: 2 } });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const monitor = createMonitor(query, run);
    const mid = await monitor.snapshot();
    expect(mid).toMatchObject({
      workflow: 'monitor-http',
      finished: false,
      stage: 'training',
      epoch: { current: 1, completed: 1 },
      batch: { current: 2, completedInEpoch: 2, completed: 6 },
      lossPerEpoch: [epochLoss(0)],
      lastEvaluationEpoch: 0,
    });
    expect(mid!.status).toBeUndefined();

    training.resume();
    await training.done;
    await prov.flush();
    const end = await monitor.snapshot();
    expect(end).toMatchObject({
      finished: true,
      status: 'completed',
      epoch: { current: 2, completed: 3 },
      batch: { current: 3, completedInEpoch: 4, completed: 12 },
      lossPerEpoch: [0, 1, 2].map(epochLoss),
      lastEvaluationEpoch: 2,
    });
  });

  it('`provml monitor` prints progress while the run goes and exits 0 when it ends', async () => {
    const training = startTraining({ name: 'monitor-cli', epochs: 4, batches: 3, pauseAt: { epoch: 1, batch: 0 }, batchMs: 40 });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const child = provml('monitor', '--run', run, '--endpoint', server.queryUrl, '--interval', '100', '--wait', '20000');
    try {
      await until(() => child.stdout().includes('epoch 1 (1 done)'), 'the paused run on the monitor');
      training.resume();
      await training.done;
      await prov.flush();
      expect(await child.exit).toBe(0);
    } finally {
      training.resume();
      child.kill('SIGKILL');
    }
    const lines = child.stdout().trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[0]).toMatch(/monitor-cli running .* \| training epoch 1 \(1 done\) batch 0 \(0 done in epoch, 3 total\) \| loss ▄ 1 /);
    expect(lines.slice(0, -1).every((l) => l.includes(' running '))).toBe(true);
    const last = lines.at(-1)!;
    expect(last).toContain('monitor-cli completed');
    expect(last).toContain('training epoch 3 (4 done) batch 2 (3 done in epoch, 12 total)');
    // a finished run has no lag to report (only a running one does)
    expect(last).toMatch(/loss [▁-█]{4} 0\.25 \| batch mean [\d.]+ ms p95 [\d.]+ ms \| eval accuracy=0\.8 loss=0\.25$/);
    expect(child.stderr()).toBe('');
  });

  it('exits 2 for an unknown run after --wait, and for an invalid IRI', async () => {
    const unknown = provml('monitor', '--run', 'urn:provml:execution:unknown', '--endpoint', server.queryUrl, '--interval', '50', '--wait', '300');
    const bad = provml('monitor', '--run', 'urn:x> } DROP ALL #', '--endpoint', server.queryUrl);
    expect(await unknown.exit).toBe(2);
    expect(unknown.stderr()).toContain('run not found in');
    expect(unknown.stderr()).toContain('urn:provml:execution:unknown (waited 300 ms)');
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toMatch(/^provml: not a valid run IRI/);
  });

  it('stops cleanly on SIGINT (exit 130) while the run is still going', async () => {
    const training = startTraining({ name: 'monitor-sigint', epochs: 2, batches: 2, pauseAt: { epoch: 0, batch: 1 } });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const child = provml('monitor', '--run', run, '--endpoint', server.queryUrl, '--interval', '100');
    try {
      await until(() => child.stdout().includes('monitor-sigint running'), 'the first view');
      child.kill('SIGINT');
      expect(await child.exit).toBe(130);
    } finally {
      child.kill('SIGKILL');
      training.resume();
      await training.done;
    }
  });
});
