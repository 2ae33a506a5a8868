// endedBatches (capture/api-batch.ts): batches an integration learns of at their end — the TF.js
// callback's — go through the emitter's batch lane when it has one. The events the worker
// decodes must be exactly those of track.start + record + end, whichever path a call takes.
import { afterEach, describe, expect, test } from 'vitest';
import { endedBatches, type BatchOut } from '../../../src/capture/api-batch.js';
import { endOpenWorkflows, track, type StartOptions } from '../../../src/capture/index.js';
import { Collector, LaneCollector, normalized } from './helpers.js';

const out = (...names: string[]): BatchOut[] => names.map((name) => ({ role: 'measure', name }));

/** A run with one epoch and the given batches, each [index, names, values], one endedBatches call each. */
function capture(c: Collector, batches: [number, BatchOut[], number[]][], extra: Partial<StartOptions> = {}): unknown[] {
  track.workflow({ name: 'ended', tracker: c }, () => {
    const epoch = track.start('epoch', { name: 'epoch', tracker: c, index: 0, startedAt: 1_700_000_000_000 });
    let t = 1_700_000_000_001;
    for (const [index, outs, vals] of batches) {
      const values = new Float64Array(16);
      values.set(vals);
      const from = t++;
      endedBatches({ name: 'batch', tracker: c, parent: epoch, ...extra }, 1, Float64Array.of(index), Float64Array.of(from), Float64Array.of(from + 0.5), outs, values, Uint8Array.of(vals.length));
    }
    epoch.end();
  });
  return normalized(c.events, (e) => (e.t === 'start' || e.t === 'end') && e.kind === 'batch'); // a batch's given times are kept
}

const cases: Record<string, [number, BatchOut[], number[]][]> = {
  'one measure': [[0, out('loss'), [0.5]]],
  'several measures, the same list each batch': [
    [0, out('loss', 'acc'), [0.5, 0.7]],
    [1, out('loss', 'acc'), [0.4, 0.8]],
  ],
  'no measures': [[3, [], []]],
  'NaN and infinities': [[0, out('loss', 'acc'), [Number.NaN, -Infinity]]],
  'the measures change between batches': [
    [0, out('loss'), [1]],
    [1, out('loss', 'acc'), [2, 3]],
    [2, out('acc'), [4]],
  ],
  'sixteen measures': [[0, out(...Array.from({ length: 16 }, (_, k) => `m${k}`)), Array.from({ length: 16 }, (_, k) => k / 3)]],
};

describe('endedBatches, one batch per call, records exactly what track.start + record + end would', () => {
  afterEach(() => endOpenWorkflows());

  for (const [name, batches] of Object.entries(cases)) {
    test(name, () => {
      const general = capture(new Collector(), batches);
      const lane = new LaneCollector();
      expect(capture(lane, batches)).toEqual(general);
      expect(lane.laneCalls).toBe(2 * batches.length); // the lane was taken, once per start and end
    });
  }

  test('start facts (params, tags) take the general path, and record the same', () => {
    const batches: [number, BatchOut[], number[]][] = [[0, out('loss'), [0.5]]];
    const general = capture(new Collector(), batches, { params: { lr: 0.1 } });
    const lane = new LaneCollector();
    expect(capture(lane, batches, { params: { lr: 0.1 } })).toEqual(general);
    expect(lane.laneCalls).toBe(0);
  });
});

/** The same batches (one measure list) through one endedBatches call: batch c has values[c]. */
function captureGroup(c: Collector, index: number[], outs: BatchOut[], vals: number[][], extra: Partial<StartOptions> = {}): unknown[] {
  track.workflow({ name: 'ended', tracker: c }, () => {
    const epoch = track.start('epoch', { name: 'epoch', tracker: c, index: 0, startedAt: 1_700_000_000_000 });
    const count = index.length;
    const from = Float64Array.from(index, (_, k) => 1_700_000_000_001 + 2 * k);
    const to = Float64Array.from(from, (t) => t + 1);
    const values = new Float64Array(32 * 16);
    const n = new Uint8Array(32);
    vals.forEach((v, k) => {
      values.set(v, k * 16);
      n[k] = v.length;
    });
    endedBatches({ name: 'batch', tracker: c, parent: epoch, ...extra }, count, Float64Array.from(index), from, to, outs, values, n);
    epoch.end();
  });
  return normalized(c.events, (e) => (e.t === 'start' || e.t === 'end') && e.kind === 'batch'); // given start and end times are kept
}

/** The same batches one by one through the general path (track.start + record + endAt). */
function captureGeneral(c: Collector, index: number[], outs: BatchOut[], vals: number[][], extra: Partial<StartOptions> = {}): unknown[] {
  track.workflow({ name: 'ended', tracker: c }, () => {
    const epoch = track.start('epoch', { name: 'epoch', tracker: c, index: 0, startedAt: 1_700_000_000_000 });
    index.forEach((i, k) => {
      const b = track.start('batch', { name: 'batch', tracker: c, parent: epoch, index: i, startedAt: 1_700_000_000_001 + 2 * k, ...extra });
      vals[k]!.forEach((v, j) => b.record(outs[j]!.role, outs[j]!.name, v));
      (b as unknown as { endAt(t: number): void }).endAt(1_700_000_000_002 + 2 * k);
    });
    epoch.end();
  });
  return normalized(c.events, (e) => (e.t === 'start' || e.t === 'end') && e.kind === 'batch');
}

describe('endedBatches records a group exactly as the general path records each batch', () => {
  afterEach(() => endOpenWorkflows());

  test('batches with all, some and none of the measures, through the lane', () => {
    const index = [4, 5, 6];
    const vals = [[0.5, 0.7], [0.4], []];
    const general = captureGeneral(new Collector(), index, out('loss', 'acc'), vals);
    const lane = new LaneCollector();
    expect(captureGroup(lane, index, out('loss', 'acc'), vals)).toEqual(general);
    expect(lane.laneCalls).toBe(6);
  });

  test('without a lane, and with start facts, the general path: the same records', () => {
    const index = [0, 1];
    const vals = [[1], [2]];
    const general = captureGeneral(new Collector(), index, out('loss'), vals, { params: { lr: 0.1 } });
    expect(captureGroup(new Collector(), index, out('loss'), vals, { params: { lr: 0.1 } })).toEqual(general);
    const lane = new LaneCollector();
    expect(captureGroup(lane, index, out('loss'), vals, { params: { lr: 0.1 } })).toEqual(general);
    expect(lane.laneCalls).toBe(0);
  });
});
