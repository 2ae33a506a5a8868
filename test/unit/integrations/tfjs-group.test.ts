// BatchGroup (integrations/tfjs/group.ts): the TF.js callback reads each ended batch's logs into
// one row of the group and records the group in one call. What the writer receives must be what
// the batch's logs held — every readable measure, in order, none invented — whatever the logs do
// from one batch to the next.
import { afterEach, describe, expect, test } from 'vitest';
import { holdingAny, releaseHeld } from '../../../src/capture/held.js';
import type { BatchOut } from '../../../src/capture/api-batch.js';
import { BatchGroup, GROUP_BATCHES } from '../../../src/integrations/tfjs/group.js';

/** A scalar tensor as tf.js logs it (the callback reads it with dataSync). */
const scalar = (x: number) => ({ size: 1, dtype: 'float32', isDisposed: false, dataSync: () => Float32Array.of(x) });

interface Written {
  index: number;
  from: number;
  to: number;
  measures: Record<string, number>;
}

/** A group whose writes are collected as plain rows (a write call per element of `calls`). */
function collecting(only?: string[], holdMs = 1000): { group: BatchGroup; calls: Written[][]; outsSeen: (readonly BatchOut[])[] } {
  const calls: Written[][] = [];
  const outsSeen: (readonly BatchOut[])[] = [];
  const group = new BatchGroup(only, (count, index, from, to, outs, values, n) => {
    outsSeen.push(outs);
    const rows: Written[] = [];
    for (let c = 0; c < count; c++) {
      const measures: Record<string, number> = {};
      for (let k = 0; k < n[c]!; k++) measures[outs[k]!.name] = values[c * 16 + k]!;
      rows.push({ index: index[c]!, from: from[c]!, to: to[c]!, measures });
    }
    calls.push(rows);
  });
  group.holdMs = holdMs;
  return { group, calls, outsSeen };
}

describe('BatchGroup', () => {
  afterEach(() => releaseHeld());

  test('holds batches with the same logs and writes them in one call, values as logged', () => {
    const { group, calls } = collecting();
    for (let i = 0; i < 3; i++) expect(group.add(i, 10 * i, 10 * i + 5, { batch: i, size: 32, loss: scalar(1 / (i + 1)), acc: i / 10 })).toBe(true);
    expect(calls).toEqual([]);
    expect(holdingAny()).toBe(true); // registered with capture while held
    group.write();
    expect(holdingAny()).toBe(false);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(calls[0]![2]).toEqual({ index: 2, from: 20, to: 25, measures: { loss: Math.fround(1 / 3), acc: 0.2 } });
  });

  test('a full group, an old one and a slow batch are written at once', () => {
    const full = collecting();
    for (let i = 0; i < GROUP_BATCHES; i++) full.group.add(i, i, i + 0.5, { loss: i });
    expect(full.calls.map((c) => c.length)).toEqual([GROUP_BATCHES]);

    const old = collecting(undefined, 10);
    old.group.add(0, 0, 1, { loss: 0 });
    old.group.add(1, 1, 5, { loss: 1 });
    old.group.add(2, 5, 11, { loss: 2 }); // 10 ms after the first batch ended
    expect(old.calls.map((c) => c.length)).toEqual([3]);

    const slow = collecting(undefined, 10);
    slow.group.add(0, 0, 20, { loss: 0 });
    expect(slow.calls.map((c) => c.length)).toEqual([1]);
  });

  test('logs that change start a new group: a key more, a key less, a value that is no longer a number', () => {
    const { group, calls } = collecting();
    group.add(0, 0, 1, { loss: 1 });
    group.add(1, 1, 2, { loss: 2, acc: 0.5 }); // a key more
    group.add(2, 2, 3, { acc: 0.6 }); // a key less
    group.add(3, 3, 4, { acc: 'n/a' }); // not a number: no measure
    group.add(4, 4, 5, { acc: 'n/a' });
    group.add(5, 5, 6, { acc: scalar(0.75) }); // readable again
    group.write();
    expect(calls.map((c) => c.map((r) => r.measures))).toEqual([[{ loss: 1 }], [{ loss: 2, acc: 0.5 }], [{ acc: 0.6 }], [{}, {}], [{ acc: 0.75 }]]);
    expect(calls.flat().map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('new keys with the same measures keep the same list (the encoder caches its words by list)', () => {
    const { group, outsSeen } = collecting();
    group.add(0, 0, 1, { loss: 1, note: 'n/a' });
    group.add(1, 1, 2, { loss: 2 }); // other keys, the same measures
    group.write();
    expect(outsSeen).toHaveLength(2);
    expect(outsSeen[1]).toBe(outsSeen[0]);
  });

  test('the same keys in another order are not taken as the group', () => {
    const { group, calls } = collecting();
    group.add(0, 0, 1, { loss: 1, acc: 2 });
    group.add(1, 1, 2, { acc: 3, loss: 4 });
    group.write();
    expect(calls.map((c) => c.map((r) => r.measures))).toEqual([[{ loss: 1, acc: 2 }], [{ acc: 3, loss: 4 }]]);
  });

  test('more than 16 measures are not taken (the caller records them the general way); the group before is written', () => {
    const { group, calls } = collecting();
    group.add(0, 0, 1, { loss: 1 });
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, k) => [`m${k}`, k]));
    expect(group.add(1, 1, 2, many)).toBe(false);
    expect(calls.map((c) => c.length)).toEqual([1]);
    expect(holdingAny()).toBe(false);
    expect(group.add(2, 2, 3, { loss: 3 })).toBe(true);
  });

  test('with measures named, only those are read, and a missing one is no measure', () => {
    const { group, calls } = collecting(['loss', 'mse']);
    group.add(0, 0, 1, { loss: 1, mse: 2, acc: 9 });
    group.add(1, 1, 2, { loss: 3, acc: 9 }); // mse missing
    group.add(2, 2, 3, { loss: 4, mse: scalar(5), other: 1 });
    group.write();
    expect(calls.map((c) => c.map((r) => r.measures))).toEqual([[{ loss: 1, mse: 2 }], [{ loss: 3 }], [{ loss: 4, mse: 5 }]]);
  });

  test('no logs: a batch without measures', () => {
    const { group, calls } = collecting();
    expect(group.add(0, 0, 1, undefined)).toBe(true);
    expect(group.add(1, 1, 2, {})).toBe(true);
    group.write();
    expect(calls.flat().map((r) => r.measures)).toEqual([{}, {}]);
  });

  test('without a lane (holdMs 0) nothing is held', () => {
    const { group, calls } = collecting(undefined, 0);
    group.add(0, 0, 0, { loss: 1 });
    expect(calls).toHaveLength(1);
    expect(holdingAny()).toBe(false);
  });

  test('a release (flush, shutdown, exit) writes what is held', () => {
    const { group, calls } = collecting();
    group.add(0, 0, 1, { loss: 1 });
    releaseHeld();
    expect(calls.flat().map((r) => r.index)).toEqual([0]);
    expect(holdingAny()).toBe(false);
  });
});
