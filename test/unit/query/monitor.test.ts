import { readFile } from 'node:fs/promises';
import { Parser } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvML, track } from '../../../src/index.js';
import { boundQuery } from '../../../src/query/monitor-queries.js';
import { batchTimeStats, createMonitor, monitorSnapshot } from '../../../src/query/index.js';
import { iriTerm } from '../../../src/query/sparql.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { epochAccuracy, epochLoss, startTraining } from './monitor-training.js';

let prov: ProvML | undefined;
afterEach(async () => {
  await prov?.shutdown();
  prov = undefined;
});

function tracker(store: EmbeddedStore): ProvML {
  prov = ProvML.init({ store, environment: false, files: false, installExitHooks: false, flushIntervalMs: 20 });
  return prov;
}

describe('monitor snapshot', () => {
  it('shows a training half-way (partial epoch, batch in flight), then finished', async () => {
    const store = EmbeddedStore.create();
    const p = tracker(store);
    const training = startTraining({ name: 'monitor-unit', epochs: 4, batches: 3, pauseAt: { epoch: 2, batch: 1 } });
    const run = await training.run;
    await training.paused;
    await p.flush();

    const monitor = createMonitor(store, run);
    const mid = await monitor.snapshot();
    expect(mid).toMatchObject({
      run,
      workflow: 'monitor-unit',
      finished: false,
      stage: 'training',
      epoch: { current: 2, completed: 2 },
      // batch 1 of epoch 2 has started, not ended; 3 + 3 + 1 batches have ended
      batch: { current: 1, completedInEpoch: 1, completed: 7 },
      measure: 'loss',
      lossPerEpoch: [epochLoss(0), epochLoss(1)],
      lastEvaluation: { loss: epochLoss(1), accuracy: epochAccuracy(1) },
      lastEvaluationEpoch: 1,
    });
    expect(mid!.status).toBeUndefined();
    expect(mid!.endedAt).toBeUndefined();
    expect(mid!.batchTime!.count).toBe(4); // the finished batches of the current and previous epoch
    expect(mid!.batchTime!.min).toBeGreaterThan(0);
    expect(mid!.batchTime!.p95).toBeGreaterThanOrEqual(mid!.batchTime!.p50);
    expect(mid!.lagMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(mid!.lastEventAt!)).toBeGreaterThanOrEqual(Date.parse(mid!.startedAt));

    training.resume();
    await training.done;
    await p.flush();
    const end = await monitor.snapshot(); // the same monitor: finished epochs' batch counts cached
    expect(end).toMatchObject({
      finished: true,
      status: 'completed',
      epoch: { current: 3, completed: 4 },
      batch: { current: 2, completedInEpoch: 3, completed: 12 },
      lossPerEpoch: [0, 1, 2, 3].map(epochLoss),
      lastEvaluation: { loss: epochLoss(3), accuracy: epochAccuracy(3) },
      lastEvaluationEpoch: 3,
    });
    expect(end!.endedAt).toBeDefined();
    expect(end!.elapsedMs).toBe(Date.parse(end!.endedAt!) - Date.parse(end!.startedAt));
    // a fresh one-shot snapshot agrees with the cached monitor
    const fresh = await monitorSnapshot(store, run);
    expect({ ...fresh, lagMs: 0, takenAt: '' }).toEqual({ ...end, lagMs: 0, takenAt: '' });
    // another measure
    expect((await monitorSnapshot(store, run, { measure: 'accuracy' }))!.lossPerEpoch).toEqual([0, 1, 2, 3].map(epochAccuracy));
  });

  it('sees epochs started directly in the workflow, outside any stage', async () => {
    const store = EmbeddedStore.create();
    const p = tracker(store);
    let run = '';
    await track.workflow({ name: 'no-stage' }, async () => {
      const epoch = track.start('epoch', { index: 0, measures: ['loss'] });
      run = `urn:provml:execution:${epoch.root}`;
      track.start('batch', { parent: epoch, index: 0 }).end();
      epoch.end({ loss: 0.5 });
    });
    await p.flush();
    const s = await monitorSnapshot(store, run);
    expect(s).toMatchObject({ workflow: 'no-stage', finished: true, epoch: { current: 0, completed: 1 }, batch: { completed: 1 }, lossPerEpoch: [0.5] });
    expect(s!.stage).toBeUndefined();
  });

  it('answers undefined for an unknown run and throws on an invalid IRI', async () => {
    const store = EmbeddedStore.create();
    expect(await monitorSnapshot(store, 'urn:provml:execution:nope')).toBeUndefined();
    for (const bad of ['urn:x> } ; DROP ALL #', 'no scheme', '']) expect(() => createMonitor(store, bad)).toThrow(TypeError);
    expect(() => createMonitor(store, 'urn:a', { recentBatches: 0 })).toThrow(TypeError);
  });

  it('binds the reviewed templates through the AST: the run IRI only as a term, no ?run left', () => {
    const run = iriTerm('urn:provml:execution:abc');
    for (const name of ['header', 'lastChildEvent', 'epochs', 'epochMeasures'] as const) {
      const q = boundQuery(name, { run });
      expect(q).toContain('<urn:provml:execution:abc>');
      expect(q).not.toMatch(/\?run\b/);
    }
    const q = boundQuery('recentBatches', { run, epochs: ['urn:provml:execution:e1', 'urn:provml:execution:e2'], limit: 7 });
    expect(q).toMatch(/VALUES \?epoch \{\s*<urn:provml:execution:e1>\s*<urn:provml:execution:e2>\s*\}/);
    expect(q).toMatch(/LIMIT 7/);
    expect(() => boundQuery('batchCounts', { run, epochs: ['x> } DROP ALL #'] })).toThrow();
  });

  it('reads hand-written provenance that states only the most specific class (the test fixture)', async () => {
    const store = EmbeddedStore.create();
    const ttl = await readFile(new URL('../../fixtures/training-run.ttl', import.meta.url), 'utf8');
    await store.insertQuads(new Parser().parse(ttl), 'urn:provml:graph:fixture');
    const s = await monitorSnapshot(store, 'urn:provml:run:mnist-2025-03-14:workflow-execution', { now: () => Date.parse('2025-03-14T09:05:11.000Z') });
    expect(s).toMatchObject({
      workflow: 'mnist-classifier',
      status: 'completed',
      finished: true,
      elapsedMs: 310_000,
      stage: 'training',
      epoch: { current: 1, completed: 2 },
      batch: { completedInEpoch: 2, completed: 4 },
      lagMs: 1000,
    });
    expect(s!.lossPerEpoch).toHaveLength(2);
  });
});

describe('batchTimeStats', () => {
  it('computes count, mean, min, max and nearest-rank percentiles', () => {
    expect(batchTimeStats([30, 10, 20])).toEqual({ count: 3, mean: 20, min: 10, max: 30, p50: 20, p95: 30 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(batchTimeStats(hundred)).toMatchObject({ p50: 50, p95: 95, min: 1, max: 100, mean: 50.5 });
    expect(batchTimeStats([])).toEqual({ count: 0, mean: 0, min: 0, max: 0, p50: 0, p95: 0 });
  });
});
