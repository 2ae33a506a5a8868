import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBackend, startProxied, tempDir, type Backend } from './harness.js';
import { referenceRun, runScenario, sleep, type ScenarioResult } from './scenario.js';

/**
 * The endpoint is away: down before the training starts (then started), or stopped mid-run and
 * restarted. In both cases the final triple count equals a fault-free run's exactly, and the
 * training never sees an exception.
 */

let reference: ScenarioResult;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

beforeAll(async () => {
  reference = await referenceRun();
  expect(reference.afterShutdown).toBe(reference.final); // nothing left for push
  expect(reference.final).toBeGreaterThan(3000);
});

function expectSameAsReference(r: ScenarioResult): void {
  expect(r.userError).toBeUndefined();
  expect(r.epochLosses).toEqual(reference.epochLosses);
  expect(r.losses).toEqual(reference.losses);
  expect(r.stats.captured).toBe(reference.stats.captured);
  expect(r.stats.dropped).toBe(0);
  expect(r.push.code).toBe(0);
  expect(r.final).toBe(reference.final);
  // The endpoint was back before shutdown: the tracker drained its journal itself.
  expect(r.afterShutdown).toBe(reference.final);
}

describe('endpoint outage', () => {
  it('endpoint down before start, started after the run: exact count after drain/push', async () => {
    const { backend, proxy, close } = await startProxied('down');
    try {
      const r = await runScenario({
        backend,
        origin: proxy.origin,
        dir,
        afterEpoch: (e) => (e === 2 ? sleep(200) : undefined), // let sends fail for a while
        recover: () => proxy.setMode('pass'),
      });
      console.info('[faults] down-before-start', { reference: reference.final, afterShutdown: r.afterShutdown, final: r.final, push: r.push.summary, stats: r.stats });
      expect(r.stats.journaled + r.stats.sent).toBe(r.stats.captured);
      expectSameAsReference(r);
    } finally {
      await close();
    }
  });

  it('endpoint stopped mid-run and restarted on the same port: exact count', async () => {
    const backend: Backend = await startBackend();
    try {
      const r = await runScenario({
        backend,
        origin: new URL(backend.server.url).origin,
        dir,
        afterEpoch: async (e) => {
          if (e === 1) await backend.stop();
          if (e === 3) {
            await sleep(200);
            await backend.restart();
          }
        },
      });
      console.info('[faults] stopped-mid-run', { reference: reference.final, afterShutdown: r.afterShutdown, final: r.final, push: r.push.summary, stats: r.stats });
      expectSameAsReference(r);
    } finally {
      await backend.close();
    }
  });
});
