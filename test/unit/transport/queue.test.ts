import { describe, expect, it, vi } from 'vitest';
import type { CaptureEvent } from '../../../src/capture/events.js';
import { EventQueue, type FullQueuePolicy } from '../../../src/transport/queue.js';
import { start } from './helpers.js';

function make(policy: FullQueuePolicy, capacity = 4, batchSize = 2) {
  const handoffs: { chunk: CaptureEvent[]; policy: string }[] = [];
  const ready = vi.fn();
  const q = new EventQueue({
    capacity,
    batchSize,
    policy,
    hooks: { onHandoff: (chunk, p) => handoffs.push({ chunk, policy: p }), onBatchReady: ready },
  });
  return { q, handoffs, ready };
}

describe('EventQueue', () => {
  it('accepts up to capacity and signals each time batchSize is reached', () => {
    const { q, ready } = make('drop', 4, 2);
    for (let i = 0; i < 4; i++) expect(q.push(start(i))).toBe(true);
    expect(q.length).toBe(4);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(q.take().map((e) => (e as { id: string }).id)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(q.length).toBe(0);
    q.push(start(9));
    q.push(start(10));
    expect(ready).toHaveBeenCalledTimes(2);
  });

  it("'drop' refuses events when full and counts them", () => {
    const { q, handoffs } = make('drop', 3, 3);
    let accepted = 0;
    for (let i = 0; i < 10; i++) if (q.push(start(i))) accepted++;
    expect(accepted).toBe(3);
    expect(q.rejected).toBe(7);
    expect(handoffs).toHaveLength(0);
  });

  it("'spill' hands the full array itself (no copy) to the consumer and accepts the event", () => {
    const { q, handoffs } = make('spill', 3, 3);
    for (let i = 0; i < 3; i++) q.push(start(i));
    const before = q.take();
    for (const e of before) q.push(e);
    expect(q.push(start(3))).toBe(true);
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]?.policy).toBe('spill');
    expect(handoffs[0]?.chunk).toHaveLength(3);
    expect(q.length).toBe(1);
  });

  it("'block' drains a copy synchronously and never refuses", () => {
    const { q, handoffs } = make('block', 2, 2);
    for (let i = 0; i < 7; i++) expect(q.push(start(i))).toBe(true);
    expect(handoffs.map((h) => h.chunk.length)).toEqual([2, 2, 2]);
    expect(handoffs.every((h) => h.policy === 'block')).toBe(true);
    expect(q.length).toBe(1);
  });

  it('takeFullBatches leaves the partial batch queued', () => {
    const { q } = make('spill', 100, 10);
    for (let i = 0; i < 35; i++) q.push(start(i));
    const full = q.takeFullBatches();
    expect(full).toHaveLength(30);
    expect(q.length).toBe(5);
    expect(q.takeFullBatches()).toHaveLength(0);
    expect(q.take().map((e) => (e as { id: string }).id)).toEqual(['e30', 'e31', 'e32', 'e33', 'e34']);
  });
});
