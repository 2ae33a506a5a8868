import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultMode } from '../../support/fault-proxy.js';
import { startProxied, tempDir } from './harness.js';
import { referenceRun, runScenario, sleep, type ScenarioResult } from './scenario.js';

/**
 * The endpoint misbehaves over HTTP, through the fault proxy, from epoch 1 to epoch 4 of the
 * training: it answers 500, hangs past the client's timeout, or resets connections mid-request.
 * The final triple count equals a fault-free run's exactly; the training never sees an exception.
 */

let reference: ScenarioResult;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());
beforeAll(async () => {
  reference = await referenceRun();
});

const cases: { mode: FaultMode; what: string }[] = [
  { mode: 'error500', what: 'answers HTTP 500' },
  { mode: 'hang', what: 'hangs past the request timeout' },
  { mode: 'reset', what: 'resets connections mid-request' },
];

describe('HTTP faults through the fault proxy', () => {
  for (const { mode, what } of cases) {
    it(`endpoint ${what} mid-run: exact count after recovery and push`, async () => {
      const { backend, proxy, close } = await startProxied('pass');
      try {
        const r = await runScenario({
          backend,
          origin: proxy.origin,
          dir,
          timeoutMs: 300,
          afterEpoch: async (e) => {
            if (e === 1) await proxy.setMode(mode);
            if (e === 2) await sleep(mode === 'hang' ? 700 : 250); // the fault lasts a while
            if (e === 4) await proxy.setMode('pass');
          },
        });
        console.info(`[faults] ${mode}`, { reference: reference.final, afterShutdown: r.afterShutdown, final: r.final, faulted: proxy.byMode[mode], push: r.push.summary, stats: r.stats });
        expect(proxy.byMode[mode]).toBeGreaterThan(0); // the fault was really met
        expect(r.userError).toBeUndefined();
        expect(r.epochLosses).toEqual(reference.epochLosses);
        expect(r.losses).toEqual(reference.losses);
        expect(r.stats.captured).toBe(reference.stats.captured);
        expect(r.stats.dropped).toBe(0);
        expect(r.stats.deadLettered).toBe(0); // 5xx, timeouts and resets are retryable
        expect(r.push.code).toBe(0);
        expect(r.final).toBe(reference.final);
        expect(r.afterShutdown).toBe(reference.final); // drained by the tracker once the fault ended
      } finally {
        await close();
      }
    });
  }
});
