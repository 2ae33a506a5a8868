import { DataFactory } from 'n3';
import { describe, expect, it, vi } from 'vitest';
import { rateLimitedLogger } from '../../../src/transport/logger.js';
import { DEFAULT_RETRY, backoffDelay } from '../../../src/transport/retry.js';
import { createQuadBatch, parseNQuads, toNQuads } from '../../../src/transport/sink.js';
import { InMemorySink } from '../../../src/transport/sinks/in-memory.js';
import { fakeRecorder, start } from './helpers.js';

const { namedNode: n, literal, quad } = DataFactory;

describe('QuadBatch', () => {
  it('serializes N-Quads once, lazily, and round-trips', async () => {
    const quads = await fakeRecorder([start(1), start(2)]);
    const batch = createQuadBatch({ seq: 7, events: 2, quads });
    const text = batch.nquads;
    expect(batch.nquads).toBe(text); // memoised: same string instance
    expect(text.split('\n').filter(Boolean)).toHaveLength(2);
    const back = createQuadBatch({ seq: 7, events: 2, nquads: text });
    expect(back.quads).toHaveLength(2);
    expect(back.quads.every((q, i) => q.equals(quads[i] ?? null))).toBe(true);
  });

  it('escapes literals correctly', () => {
    const q = quad(n('urn:a'), n('urn:p'), literal('line1\nline2 "quoted" \\ é'), n('urn:g'));
    const text = toNQuads([q]);
    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    expect(parseNQuads(text)[0]?.equals(q)).toBe(true);
    expect(toNQuads([])).toBe('');
  });
});

describe('InMemorySink', () => {
  it('keeps batches, quads and a deduplicated dataset; reset forgets', async () => {
    const sink = new InMemorySink();
    const b = createQuadBatch({ seq: 1, events: 2, quads: await fakeRecorder([start(1), start(2)]) });
    await sink.write(b);
    await sink.write(b);
    expect(sink.batches()).toHaveLength(2);
    expect(sink.quads()).toHaveLength(4);
    expect(sink.dataset.size).toBe(2);
    sink.reset();
    expect(sink.quads()).toHaveLength(0);
    expect(sink.dataset.size).toBe(0);
  });
});

describe('retry and logging helpers', () => {
  it('backoff grows exponentially with jitter and is capped', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(50);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(100);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(400);
    expect(backoffDelay(30, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('rate-limited logger prints a burst, then a suppressed-count line', () => {
    let t = 0;
    const warn = vi.fn();
    const log = rateLimitedLogger({ warn }, { burst: 2, intervalMs: 1000 }, () => t);
    for (let i = 0; i < 10; i++) log.warn(`m${i}`);
    expect(warn).toHaveBeenCalledTimes(2);
    t = 1500;
    log.warn('later');
    expect(warn.mock.calls.map((c) => c[0])).toEqual(['m0', 'm1', 'provml: 8 similar message(s) suppressed', 'later']);
  });
});
