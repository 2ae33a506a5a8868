import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/transport/logger.js';
import type { TransportOptions } from '../../../src/transport/options.js';
import { Transport } from '../../../src/transport/pipeline.js';
import { InMemorySink } from '../../../src/transport/sinks/in-memory.js';
import { TestSink, end, fakeRecorder, ids, start, tick } from './helpers.js';

const open: Transport[] = [];
function transport(options: Partial<TransportOptions> & Pick<TransportOptions, 'sink'>): Transport {
  const t = new Transport({ recorder: fakeRecorder, logger: silentLogger, installExitHooks: false, ...options });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
});

describe('Transport batching', () => {
  it('sends full batches as soon as batchSize is reached, leaving the partial one for the timer', async () => {
    const sink = new TestSink();
    const t = transport({ sink, batchSize: 10, queueSize: 100, flushIntervalMs: 60_000 });
    for (let i = 0; i < 35; i++) t.emit(start(i));
    expect(sink.batches).toHaveLength(0); // nothing happens on the producer's turn
    await vi.waitFor(() => expect(sink.batches).toHaveLength(3));
    expect(sink.batches.map((b) => b.events)).toEqual([10, 10, 10]);
    expect(sink.batches.map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(t.stats().queueLength).toBe(5);
    await t.flush();
    expect(sink.batches.map((b) => b.events)).toEqual([10, 10, 10, 5]);
  });

  it('sends a partial batch when flushIntervalMs elapses', async () => {
    const sink = new TestSink();
    const t = transport({ sink, batchSize: 100, flushIntervalMs: 40 });
    for (let i = 0; i < 5; i++) t.emit(start(i));
    await tick();
    expect(sink.batches).toHaveLength(0);
    await vi.waitFor(() => expect(sink.batches).toHaveLength(1), { timeout: 2000 });
    expect(sink.batches[0]?.events).toBe(5);
    expect(t.stats()).toMatchObject({ captured: 5, recorded: 5, sent: 5, queueLength: 0 });
  });

  it('uses unref()ed timers (a tracker alone does not keep the process alive)', () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    transport({ sink: new TestSink() });
    const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    spy.mockRestore();
  });

  it('flush resolves only after the data has landed, and flushes the sink', async () => {
    const sink = new TestSink(30);
    const t = transport({ sink, batchSize: 8 });
    for (let i = 0; i < 20; i++) t.emit(end(i));
    await t.flush();
    expect(sink.events()).toBe(20);
    expect(ids(sink.quads()).size).toBe(20);
    expect(sink.flushed).toBeGreaterThanOrEqual(1);
    expect(t.stats()).toMatchObject({ captured: 20, recorded: 20, sent: 20, dropped: 0, queueLength: 0 });
  });

  it('flush waits for what was emitted before it, not for later events', async () => {
    const sink = new TestSink(20);
    const t = transport({ sink, batchSize: 5, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) t.emit(start(i));
    const f = t.flush();
    for (let i = 5; i < 7; i++) t.emit(start(i));
    await f;
    expect(sink.events()).toBeGreaterThanOrEqual(5);
    await t.flush();
    expect(sink.events()).toBe(7);
  });

  it('shutdown is idempotent, closes the sink once, and later events are counted as dropped', async () => {
    const sink = new TestSink(5);
    const t = transport({ sink });
    for (let i = 0; i < 3; i++) t.emit(start(i));
    const a = t.shutdown();
    expect(t.shutdown()).toBe(a);
    t.emit(start(99)); // during shutdown
    await a;
    await t.shutdown();
    expect(sink.closed).toBe(1);
    expect(() => t.emit(start(100))).not.toThrow();
    await t.flush(); // no-op after shutdown
    expect(t.stats()).toMatchObject({ captured: 5, sent: 3, dropped: 2 });
  });

  it('works with an async recorder and InMemorySink', async () => {
    const sink = new InMemorySink();
    const t = transport({ sink, recorder: async (e) => fakeRecorder(e) });
    t.emit(start(1, 'A'));
    t.emit(end(1, 'A'));
    await t.flush();
    expect(sink.dataset.size).toBe(3);
    expect(sink.dataset.getGraphs(null, null, null).map((g) => g.value)).toEqual(['urn:provml:run:A']);
  });

  it('rejects contradictory settings at construction', () => {
    expect(() => new Transport({ recorder: fakeRecorder })).toThrow(/needs a sink/);
    expect(() => new Transport({ recorder: fakeRecorder, mode: 'offline' })).toThrow(/needs a journal/);
    expect(() => new Transport({ recorder: fakeRecorder, sink: new TestSink(), batchSize: 0 })).toThrow(RangeError);
  });
});
