import { afterEach, describe, expect, it, vi } from 'vitest';
import { track } from '../../../src/capture/api.js';
import { ProvML } from '../../../src/tracker.js';

// The worker's embedded store holds its indexing while a training stage is open (ARCHITECTURE:
// "where each piece of work runs"); queries and flushes see everything all the same.

const open: ProvML[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.shutdown()));
});
function init(options: Parameters<typeof ProvML.init>[0] = {}): ProvML {
  const prov = ProvML.init({ installExitHooks: false, environment: false, files: false, logger: { warn() {} }, flushIntervalMs: 20, ...options });
  open.push(prov);
  return prov;
}
const BATCHES = 'SELECT (COUNT(?b) AS ?n) WHERE { ?b a <https://w3id.org/prov-ml#BatchExecution> }';
const count = async (prov: ProvML): Promise<number> => Number((await prov.store!.select(BATCHES))[0]?.n?.value);
const settled = (prov: ProvML) => vi.waitFor(() => expect(prov.stats().queueLength).toBe(0), { timeout: 10_000, interval: 10 });

describe('the embedded store in the worker, during a training', () => {
  it('holds batches while a training stage is open, answers a query with all of them, and indexes the rest when the stage ends', async () => {
    const prov = init();
    await track.workflow({ name: 'hold' }, async () => {
      await track.stage('training', async () => {
        for (const [i] of track.loop('batch', 40, { measures: ['loss'] })) track.measure('loss', 1 / (i + 1));
        await settled(prov);
        const during = prov.stats();
        expect(during.sent).toBe(during.captured); // all of it accepted by the store…
        expect(during.held).toBeGreaterThanOrEqual(80); // …and every batch's start and end held, not indexed
        expect(await count(prov)).toBe(40); // a query indexes what is held first
        expect(prov.stats().held).toBe(0);

        for (const [i] of track.loop('batch', 10)) void i;
        await vi.waitFor(() => expect(prov.stats().held).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
      });
      await vi.waitFor(() => expect(prov.stats().held).toBe(0), { timeout: 10_000, interval: 10 }); // the stage ended: no query, no flush
    });
    await prov.flush();
    expect(await count(prov)).toBe(50);
    expect(prov.stats()).toMatchObject({ held: 0, dropped: 0, journaled: 0 });
  });

  it('does not hold outside a training stage, nor during a validation stage', async () => {
    const prov = init();
    await track.workflow({ name: 'nohold' }, async () => {
      for (const [i] of track.loop('batch', 20)) void i;
      await track.stage('validation', async () => {
        for (const [i] of track.loop('batch', 20)) void i;
        await settled(prov);
        await vi.waitFor(() => expect(prov.stats().sent).toBeGreaterThanOrEqual(80), { timeout: 10_000, interval: 10 });
        expect(prov.stats().held).toBe(0);
      });
    });
    await prov.flush();
    expect(await count(prov)).toBe(40);
  });

  it('a flush indexes what is held even while the stage stays open', async () => {
    const prov = init();
    await track.stage('training', async () => {
      for (const [i] of track.loop('batch', 30)) void i;
      await settled(prov);
      await vi.waitFor(() => expect(prov.stats().held).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
      await prov.flush();
      expect(prov.stats().held).toBe(0);
    });
    await prov.flush();
    expect(await count(prov)).toBe(30);
  });
});
