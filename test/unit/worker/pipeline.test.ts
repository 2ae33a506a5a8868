import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { track } from '../../../src/capture/api.js';
import { Batch, Epoch, WorkflowRun } from '../../../src/capture/decorators.js';
import { ProvML } from '../../../src/tracker.js';

const open: ProvML[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.shutdown()));
});
function init(options: Parameters<typeof ProvML.init>[0] = {}): ProvML {
  const prov = ProvML.init({ installExitHooks: false, environment: false, files: false, logger: { warn() {} }, ...options });
  open.push(prov);
  return prov;
}

describe('the worker pipeline', () => {
  it('runs in a worker by default, and on this thread when asked or when given objects', () => {
    expect(init().thread).toBe('worker');
    expect(init({ global: false, thread: 'main' }).thread).toBe('main');
    expect(init({ global: false, sink: { name: 'x', write: async () => undefined } }).thread).toBe('main');
    expect(() => init({ global: false, thread: 'worker', sink: { name: 'x', write: async () => undefined } })).toThrow(/cannot move to the worker/);
  });

  it('hands the last events of a quiet program off by itself — no flush, no further events', async () => {
    const prov = init({ flushIntervalMs: 100 });
    for (let round = 1; round <= 3; round++) {
      track.workflow({ name: 'quiet' }, () => undefined); // then nothing happens on this thread
      await vi.waitFor(() => expect(prov.stats().sent).toBe(prov.stats().captured), { timeout: 10_000, interval: 20 });
    }
    expect(prov.stats().captured).toBe(7); // one spec + three runs of start and end
  });

  it('hands a steady stream off when a chunk fills or is flushIntervalMs old, never earlier', async () => {
    // A training's loop: 2.5 ms of work per batch, one awaited turn between batches. The first chunk
    // (room for 64 events) fills before it is 100 ms old; the hand-off timer armed by its first event
    // must not then post the next chunk young (it did: chunks went every ~half interval).
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const at: number[] = []; // each batch's call time
    class Loop {
      @WorkflowRun()
      async run(): Promise<void> {
        await this.epoch();
      }
      @Epoch()
      async epoch(): Promise<void> {
        for (let b = 0; b < 200; b++) {
          at.push(performance.now());
          this.step();
          spin(2.5);
          await new Promise((r) => setImmediate(r));
        }
      }
      @Batch()
      step(): void {}
    }
    const prov = init({ flushIntervalMs: 100 });
    await prov.flush(); // the worker is up
    const posts: { t: number; n: number }[] = [];
    const original = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      const m = args[0] as { type?: string; n?: number };
      if (m.type === 'events') posts.push({ t: performance.now(), n: m.n! });
      original.apply(this, args);
    };
    try {
      await new Loop().run();
    } finally {
      Worker.prototype.postMessage = original;
    }
    await prov.flush();
    // Events before batch 0: the specs of the three plans and the starts of the run and the epoch.
    const first = 5;
    let seen = 0;
    const early: string[] = [];
    for (const p of posts) {
      const batch = Math.max(0, Math.floor((seen - first) / 2)); // the batch its first event belongs to
      const age = p.t - at[Math.min(batch, at.length - 1)]!;
      if (age < 95 && p.n < 64) early.push(`${p.n} events after ${age.toFixed(1)} ms`);
      seen += p.n;
    }
    expect(posts.length).toBeGreaterThan(2);
    expect(early).toEqual([]);
    expect(prov.stats()).toMatchObject({ captured: 407, sent: 407, dropped: 0 });
  });

  it('answers queries from this thread through prov.store, also after shutdown', async () => {
    const prov = init();
    track.workflow({ name: 'q' }, () => undefined);
    await prov.flush();
    await prov.shutdown();
    const rows = await prov.store!.select('SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/prov-ml#WorkflowExecution> }');
    expect(Number(rows[0]?.n?.value)).toBe(1);
    expect(prov.stats()).toMatchObject({ captured: 3, sent: 3, dropped: 0 });
  });

  it('counts events after shutdown as captured and dropped, and never throws', async () => {
    const prov = init();
    await prov.shutdown();
    expect(() => track.workflow({ name: 'late', tracker: prov }, () => undefined)).not.toThrow();
    const s = prov.stats();
    expect(s.dropped).toBe(s.captured);
    expect(s.captured).toBeGreaterThan(0);
  });
});
