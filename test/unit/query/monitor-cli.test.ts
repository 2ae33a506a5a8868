import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { watchRun, type WatchOptions } from '../../../src/cli/monitor-command.js';
import { monitorLine, renderMonitor } from '../../../src/cli/monitor-view.js';
import { formatDuration, formatNumber, sparkline } from '../../../src/cli/sparkline.js';
import { InputError } from '../../../src/cli/load.js';
import { ProvML, track } from '../../../src/index.js';
import { monitorSnapshot, type MonitorSnapshot } from '../../../src/query/monitor.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { provml } from '../cli/run-cli.js';
import { startSparqlServer } from '../store/sparql-server.js';
import { startTraining } from './monitor-training.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const snapshot: MonitorSnapshot = {
  run: 'urn:provml:execution:r1',
  workflow: 'digits',
  startedAt: '2025-03-14T09:00:00.000Z',
  finished: false,
  elapsedMs: 65_000,
  stage: 'training',
  epoch: { current: 3, completed: 3, stage: 'training' },
  batch: { current: 4, completedInEpoch: 4, completed: 34 },
  measure: 'loss',
  lossPerEpoch: [0.9, 0.6, 0.4, 0.3],
  batchTime: { count: 10, mean: 12.345, min: 10, max: 31, p50: 12, p95: 20 },
  lastEvaluation: { loss: 0.3, accuracy: 0.91 },
  lastEvaluationEpoch: 2,
  lastEventAt: '2025-03-14T09:01:04.600Z',
  lagMs: 400,
  takenAt: '2025-03-14T09:01:05.000Z',
};

class Sink {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('monitor view', () => {
  it('draws sparklines, numbers and durations', () => {
    expect(sparkline([0.9, 0.6, 0.4, 0.3])).toBe('█▄▂▁');
    expect(sparkline([1, 1, 1])).toBe('▄▄▄');
    expect(sparkline([1, Number.NaN, 2])).toBe('▁ █');
    expect(sparkline([1, 2, 3, 4, 5], 3)).toBe('▁▅█');
    expect(sparkline([])).toBe('');
    expect(formatNumber(0.301234)).toBe('0.3012');
    expect(formatNumber(12)).toBe('12');
    expect([350, 12_345, 65_000, 7_380_000, 3 * 86_400_000].map(formatDuration)).toEqual(['350 ms', '12.3 s', '1m 05s', '2h 03m', '3d 00h']);
  });

  it('renders the terminal view and the one-line form', () => {
    const lines = renderMonitor(snapshot);
    expect(lines[0]).toBe('digits  running  elapsed 1m 05s');
    expect(lines.join('\n')).toContain('training  epoch 3 (3 done)  batch 4 (4 done in epoch, 34 total)');
    expect(lines.join('\n')).toContain('█▄▂▁  0.9 → 0.3  (min 0.3, 4 epochs)');
    expect(lines.join('\n')).toContain('10 recent: mean 12.35 ms  min 10  p50 12  p95 20  max 31 ms');
    expect(lines.join('\n')).toContain('epoch 2: accuracy 0.91  loss 0.3');
    expect(lines.join('\n')).toContain('400 ms (last event 09:01:04.600)');
    expect(renderMonitor(snapshot, { columns: 30 }).every((l) => l.length <= 30)).toBe(true);
    const colored = renderMonitor({ ...snapshot, finished: true, status: 'failed' }, { color: true, columns: 25 })[0]!;
    expect(colored).toContain('\u001b[31mfailed'); // red, and the cut line resets its colour
    expect(colored.endsWith('\u001b[0m')).toBe(true);
    expect(monitorLine(snapshot)).toBe(
      '09:01:05 digits running 1m 05s | training epoch 3 (3 done) batch 4 (4 done in epoch, 34 total) | loss █▄▂▁ 0.3 | batch mean 12.35 ms p95 20 ms | eval accuracy=0.91 loss=0.3 | lag 400 ms',
    );
  });

  it('names the stage of the epochs when it is not the current stage (no "validation epoch 4")', () => {
    const validating: MonitorSnapshot = { ...snapshot, stage: 'validation', epoch: { current: 4, completed: 5, stage: 'training' } };
    const view = renderMonitor(validating).join('\n');
    expect(view).toContain('validation | training epoch 4 (5 done)  batch 4');
    expect(view).not.toMatch(/validation {2}epoch/);
    expect(monitorLine(validating)).toContain('| validation | training epoch 4 (5 done) batch 4 ');
    // Epochs of the run itself (no stage), while a stage without epochs runs.
    expect(monitorLine({ ...snapshot, stage: 'testing', epoch: { current: 0, completed: 1 } })).toContain('| testing | workflow epoch 0 (1 done)');
    expect(monitorLine({ ...snapshot, stage: undefined as never, epoch: { current: 0, completed: 1 } })).toContain('| - epoch 0 (1 done)');
  });

  it('reports no lag for a finished run', () => {
    const ended: MonitorSnapshot = { ...snapshot, finished: true, status: 'completed', lagMs: 3_600_000 };
    const view = renderMonitor(ended).join('\n');
    expect(view).toMatch(/lag +- \(run ended; last event 09:01:04\.600\)/);
    expect(view).not.toContain('1h 00m');
    expect(monitorLine(ended)).not.toContain('lag');
    expect(monitorLine(ended)).toMatch(/^09:01:05 digits completed 1m 05s \| /);
  });
});

describe('monitor snapshot stages', () => {
  let prov: ProvML | undefined;
  afterEach(async () => {
    await prov?.shutdown();
    prov = undefined;
  });

  it('gives the epochs\' stage when a validation without epochs follows the training', async () => {
    const store = EmbeddedStore.create();
    prov = ProvML.init({ store, environment: false, files: false, installExitHooks: false, flushIntervalMs: 10 });
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let validating!: () => void;
    const inValidation = new Promise<void>((r) => (validating = r));
    let run = '';
    const done = track.workflow({ name: 'train-then-validate' }, async () => {
      const training = track.start('stage', { stage: 'training' });
      run = `urn:provml:execution:${training.root}`;
      for (let e = 0; e < 2; e++) {
        const epoch = track.start('epoch', { parent: training, index: e, measures: ['loss'] });
        track.start('batch', { parent: epoch, index: 0 }).end();
        epoch.end({ loss: 1 / (e + 1) });
      }
      training.end();
      await new Promise((r) => setTimeout(r, 5)); // the validation starts strictly later
      const validation = track.start('stage', { stage: 'validation' });
      validating();
      await hold;
      validation.end();
    });
    await inValidation;
    await prov.flush();
    const s = await monitorSnapshot(store, run);
    expect(s).toMatchObject({ stage: 'validation', epoch: { current: 1, completed: 2, stage: 'training' }, finished: false });
    expect(monitorLine(s!)).toContain('| validation | training epoch 1 (2 done) ');
    release();
    await done;
    await prov.flush();
    const end = (await monitorSnapshot(store, run))!;
    expect(end.finished).toBe(true);
    expect(renderMonitor(end).join('\n')).toMatch(/lag +- \(run ended/);
  });
});

describe('watchRun', () => {
  let prov: ProvML | undefined;
  afterEach(async () => {
    await prov?.shutdown();
    prov = undefined;
  });

  const base = (run: string): WatchOptions => ({ run, intervalMs: 20, measure: 'loss', once: false, waitMs: 5000 });

  it('redraws in place on a TTY until the run ends, then exits 0 with the cursor shown', async () => {
    const store = EmbeddedStore.create();
    prov = ProvML.init({ store, environment: false, files: false, installExitHooks: false, flushIntervalMs: 10 });
    const training = startTraining({ name: 'watch-tty', epochs: 3, batches: 2, pauseAt: { epoch: 1, batch: 0 } });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const out = new Sink(true, 120);
    const err = new Sink();
    const watching = watchRun(store, base(run), { out, err });
    await until(() => out.text.includes('running') && out.text.includes('\u001b[7A')); // drawn, then redrawn
    training.resume();
    await training.done;
    await prov.flush();
    expect(await watching).toBe(0);
    expect(out.text.startsWith('\u001b[?25l')).toBe(true);
    expect(out.text.endsWith('\u001b[?25h')).toBe(true);
    expect(out.text).toContain('\u001b[7A\r\u001b[J'); // cursor up over the 7-line view, clear
    const final = out.text.slice(out.text.lastIndexOf('\u001b[J'));
    expect(final).toContain('completed');
    expect(final).toContain('epoch 2 (3 done)');
  });

  it('prints one line per refresh off a TTY, and stops on --timeout-after (2) or abort (130)', async () => {
    const store = EmbeddedStore.create();
    prov = ProvML.init({ store, environment: false, files: false, installExitHooks: false, flushIntervalMs: 10 });
    const training = startTraining({ name: 'watch-pipe', epochs: 2, batches: 2, pauseAt: { epoch: 0, batch: 1 } });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const out = new Sink();
    const err = new Sink();
    expect(await watchRun(store, { ...base(run), timeoutAfterMs: 400 }, { out, err })).toBe(2);
    expect(out.text.trim().split('\n').length).toBeGreaterThan(1);
    expect(out.text.split('\n')[0]).toMatch(/watch-pipe running .* \| training epoch 0 \(0 done\) batch 1 \(1 done in epoch, 1 total\)/);
    expect(err.text).toContain('--timeout-after 400 ms elapsed');

    const aborter = new AbortController();
    const interrupted = watchRun(store, base(run), { out: new Sink(), err, signal: aborter.signal });
    setTimeout(() => aborter.abort(), 60);
    expect(await interrupted).toBe(130);

    const once = new Sink();
    expect(await watchRun(store, { ...base(run), once: true }, { out: once, err })).toBe(0);
    expect(once.text.trim().split('\n')).toHaveLength(1);
    training.resume();
    await training.done;
  });

  it('waits for an unknown run, then fails with an InputError (exit 2)', async () => {
    const store = EmbeddedStore.create();
    const err = new Sink();
    const started = Date.now();
    await expect(watchRun(store, { ...base('urn:provml:execution:none'), waitMs: 120 }, { out: new Sink(), err })).rejects.toThrow(InputError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(err.text).toContain('waiting for run urn:provml:execution:none');
    await expect(watchRun(store, { ...base('not an iri'), waitMs: 0 }, { out: new Sink(), err })).rejects.toThrow(TypeError);
  });

  it('shows an unreachable endpoint once while waiting, then gives up without repeating it', async () => {
    const port = await freePort();
    const endpoint = new HttpSparqlEndpoint({ url: `http://127.0.0.1:${port}/sparql`, timeoutMs: 2000 });
    try {
      const err = new Sink();
      const error = await watchRun(endpoint, { ...base('urn:provml:execution:r'), waitMs: 150, describe: 'the endpoint' }, { out: new Sink(), err }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^gave up after \d+ ms: cannot read the endpoint: cannot reach SPARQL endpoint/);
      expect(err.text.trim().split('\n')).toEqual([expect.stringMatching(/^provml: cannot read the endpoint: cannot reach SPARQL endpoint .*\(retrying for up to 150 ms\)$/)]);
    } finally {
      await endpoint.close();
    }
  });

  it('fails at once when the endpoint refuses the request (HTTP 401), however long --wait is', async () => {
    const guarded = await startSparqlServer(EmbeddedStore.create(), { authorization: 'Basic nobody' });
    const endpoint = new HttpSparqlEndpoint({ url: guarded.url });
    try {
      const started = Date.now();
      const err = new Sink();
      await expect(watchRun(endpoint, { ...base('urn:provml:execution:r'), waitMs: 30_000 }, { out: new Sink(), err })).rejects.toThrow(/HTTP 401/);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err.text).toBe('');
    } finally {
      await endpoint.close();
      await guarded.close();
    }
  });
});

describe('provml monitor (the command, in process)', () => {
  it('--once on a refused endpoint fails fast with one message and exit 2', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await provml(['monitor', '--run', 'urn:provml:execution:r', '--endpoint', `http://127.0.0.1:${port}/sparql`, '--once']);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^provml: cannot read http:\/\/127\.0\.0\.1:\d+\/sparql: cannot reach SPARQL endpoint [^\n]*\n$/);
  });

  it('--once on a run that is not there: exit 2 at once, saying how to list runs; bad values are exit 2', async () => {
    const fixture = new URL('../../fixtures/training-run.ttl', import.meta.url).pathname;
    const r = await provml(['monitor', '--run', 'urn:provml:execution:none', '--data', fixture]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provml: run not found in .*training-run\.ttl: urn:provml:execution:none; list the runs with: provml sparql/);
    const ok = await provml(['monitor', '--run', 'urn:provml:run:mnist-2025-03-14:workflow-execution', '--data', fixture]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/mnist-classifier completed .* \| training epoch 1 \(2 done\)/);
    expect(ok.stdout).not.toMatch(/lag/);
    for (const bad of [['--interval', '1'], ['--recent', '0'], ['--wait', '-1']]) {
      const b = await provml(['monitor', '--run', 'urn:x:r', '--data', fixture, ...bad]);
      expect(b.code, bad.join(' ')).toBe(2);
    }
    expect((await provml(['monitor', '--run', 'bad iri', '--data', fixture])).stderr).toBe('provml: not a valid run IRI: "bad iri"\n');
  });
});
