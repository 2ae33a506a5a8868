import { afterEach, describe, expect, it } from 'vitest';
import { watchRun, type WatchOptions } from '../../../src/cli/monitor-command.js';
import { monitorLine, renderMonitor } from '../../../src/cli/monitor-view.js';
import { formatDuration, formatNumber, sparkline } from '../../../src/cli/sparkline.js';
import { InputError } from '../../../src/cli/load.js';
import { ProvML } from '../../../src/index.js';
import type { MonitorSnapshot } from '../../../src/query/monitor.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { startTraining } from './monitor-training.js';

const snapshot: MonitorSnapshot = {
  run: 'urn:provml:execution:r1',
  workflow: 'digits',
  startedAt: '2025-03-14T09:00:00.000Z',
  finished: false,
  elapsedMs: 65_000,
  stage: 'training',
  epoch: { current: 3, completed: 3 },
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

  it('prints one line per refresh off a TTY, and stops on --timeout-after (1) or abort (130)', async () => {
    const store = EmbeddedStore.create();
    prov = ProvML.init({ store, environment: false, files: false, installExitHooks: false, flushIntervalMs: 10 });
    const training = startTraining({ name: 'watch-pipe', epochs: 2, batches: 2, pauseAt: { epoch: 0, batch: 1 } });
    const run = await training.run;
    await training.paused;
    await prov.flush();
    const out = new Sink();
    const err = new Sink();
    expect(await watchRun(store, { ...base(run), timeoutAfterMs: 400 }, { out, err })).toBe(1);
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
});
