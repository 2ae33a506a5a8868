import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readJournal, replayJournal } from '../../../src/transport/journal.js';
import { silentLogger } from '../../../src/transport/logger.js';
import type { TransportErrorContext, TransportOptions } from '../../../src/transport/options.js';
import { Transport } from '../../../src/transport/pipeline.js';
import { InMemorySink } from '../../../src/transport/sinks/in-memory.js';
import { TestSink, fakeRecorder, ids, start, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const open: Transport[] = [];
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  await cleanup();
});
function transport(options: Partial<TransportOptions>): Transport {
  const t = new Transport({
    recorder: fakeRecorder,
    logger: silentLogger,
    installExitHooks: false,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  open.push(t);
  return t;
}

describe('sink failures', () => {
  it('retries a sink that fails N times, then sends everything; the producer never sees an error', async () => {
    const sink = new TestSink(0, 3);
    const errors: TransportErrorContext[] = [];
    const t = transport({ sink, batchSize: 10, onError: (_e, ctx) => errors.push(ctx) });
    expect(() => {
      for (let i = 0; i < 10; i++) t.emit(start(i));
    }).not.toThrow();
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 10, sent: 10, retried: 3, failedBatches: 0, dropped: 0 });
    expect(sink.writes).toBe(4);
    expect(errors.map((c) => [c.stage, c.attempt, c.outcome, c.sink, c.seq])).toEqual([
      ['sink', 1, 'retrying', 'test', 1],
      ['sink', 2, 'retrying', 'test', 1],
      ['sink', 3, 'retrying', 'test', 1],
    ]);
  });

  it('a permanently failing sink with a journal: every batch ends up journaled, unconfirmed, replayable', async () => {
    const path = join(dir, 'wal.nq');
    const sink = new TestSink(0, Infinity);
    const onError = vi.fn();
    const t = transport({ sink, batchSize: 5, retry: { maxAttempts: 2, initialDelayMs: 1 }, journal: { path }, onError });
    for (let i = 0; i < 23; i++) t.emit(start(i));
    await t.shutdown();
    // Only the first batch is tried (twice): the next ones queue behind it in the journal, for the
    // drain, which keeps failing (it does not count in retried/failedBatches).
    expect(t.stats()).toMatchObject({ captured: 23, sent: 0, journaled: 23, deadLettered: 0, dropped: 0, failedBatches: 1, retried: 1 });
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ outcome: 'journaled', stage: 'sink' }));

    const back = new InMemorySink();
    for await (const b of readJournal(path)) expect(b.sent).toBe(false);
    expect(await replayJournal(path, back)).toMatchObject({ sent: 5, alreadySent: 0 });
    expect(ids(back.quads()).size).toBe(23);
  });

  it('without a journal, a batch the sink finally refuses waits in the spill file, and the drain delivers it later', async () => {
    const sink = new TestSink(0, 1); // fails once, then works
    const spillPath = join(dir, 'spill.nq');
    const errors: [unknown, TransportErrorContext][] = [];
    const t = transport({ sink, batchSize: 4, spillPath, retry: { maxAttempts: 1, initialDelayMs: 1 }, onError: (e, c) => errors.push([e, c]) });
    for (let i = 0; i < 8; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 8, sent: 8, journaled: 0, dropped: 0, failedBatches: 1 });
    expect(errors.map(([, c]) => c.outcome)).toEqual(['journaled']); // the second batch queued behind it, on disk
    expect(ids(sink.quads()).size).toBe(8);
    for await (const b of readJournal(spillPath)) expect(b.sent).toBe(true); // delivered from disk, marked
  });

  it('without a journal and with spilling off, a permanently failing sink drops (counted, reported with the reason)', async () => {
    const sink = new TestSink(0, Infinity);
    const errors: [unknown, TransportErrorContext][] = [];
    const t = transport({ sink, batchSize: 4, spillPath: false, retry: { maxAttempts: 1 }, onError: (e, c) => errors.push([e, c]) });
    for (let i = 0; i < 8; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 8, sent: 0, dropped: 8, failedBatches: 2, retried: 0 });
    expect(errors).toHaveLength(2);
    expect(String(errors[0]?.[0])).toMatch(/sink down/);
    expect(errors[0]?.[1]).toMatchObject({ stage: 'sink', outcome: 'dropped', events: 4 });
  });

  it('diskful online mode: batches are written ahead, and confirmed ones are marked in .sent', async () => {
    const path = join(dir, 'wal.nq');
    const sink = new TestSink();
    const t = transport({ sink, batchSize: 4, journal: { path, durability: 'sync' } });
    for (let i = 0; i < 10; i++) t.emit(start(i));
    await t.shutdown();
    expect(t.stats()).toMatchObject({ sent: 10, journaled: 0 });
    expect((await readFile(`${path}.sent`, 'utf8')).trim().split('\n')).toEqual(['1', '2', '3']);
    const unsent = [];
    for await (const b of readJournal(path, { unsentOnly: true })) unsent.push(b);
    expect(unsent).toHaveLength(0);

    // A second session on the same journal continues the numbering.
    const t2 = transport({ sink, journal: { path } });
    t2.emit(start(99));
    await t2.shutdown();
    expect(sink.batches.at(-1)?.seq).toBe(4);
  });

  it('offline mode only journals', async () => {
    const path = join(dir, 'offline.nq');
    const t = transport({ mode: 'offline', journal: { path, durability: 'batch' }, batchSize: 3 });
    for (let i = 0; i < 7; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 7, sent: 0, journaled: 7 });
    const seqs = [];
    for await (const b of readJournal(path)) seqs.push(b.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('a throwing recorder drops only its slice; a throwing onError hook is contained', async () => {
    const sink = new TestSink();
    const warn = vi.fn();
    let calls = 0;
    const t = transport({
      sink,
      batchSize: 2,
      logger: { warn },
      recorder: (events) => {
        if (++calls === 2) throw new Error('bad event');
        return fakeRecorder(events);
      },
      onError: () => {
        throw new Error('hook bug');
      },
    });
    for (let i = 0; i < 6; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 6, recorded: 4, sent: 4, dropped: 2 });
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/record error.*bad event[\s\S]*onError hook threw/);
  });

  it('an async recorder that rejects drops its slice and the rest still flows', async () => {
    const sink = new TestSink();
    let calls = 0;
    const t = transport({
      sink,
      batchSize: 2,
      recorder: async (events) => {
        if (++calls === 1) throw new Error('async bad');
        return fakeRecorder(events);
      },
    });
    for (let i = 0; i < 6; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ recorded: 4, sent: 4, dropped: 2 });
  });
});

describe('recorder discipline', () => {
  it('calls the recorder one batch at a time, in event order, even while overflow spills', async () => {
    const path = join(dir, 'j.nq');
    let active = 0;
    let maxActive = 0;
    let last = -1;
    let outOfOrder = 0;
    const t = transport({
      sink: new TestSink(2),
      queueSize: 50,
      batchSize: 25,
      maxBacklogEvents: 100,
      journal: { path, durability: 'none' },
      recorder: async (events) => {
        maxActive = Math.max(maxActive, ++active);
        for (const e of events) {
          const i = Number((e as { id: string }).id.slice(1));
          if (i <= last) outOfOrder++;
          last = i;
        }
        await new Promise((r) => setImmediate(r));
        active--;
        return fakeRecorder(events);
      },
    });
    for (let i = 0; i < 3000; i++) {
      t.emit(start(i));
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await t.flush();
    const s = t.stats();
    expect(s).toMatchObject({ sent: 3000, journaled: 0 }); // what spilled was delivered from the journal
    expect(maxActive).toBe(1);
    expect(outOfOrder).toBe(0);
  });
});

describe('an HTTP 500 that repeats on the same batch (Virtuoso "out of seg data")', () => {
  const SEG = 'Virtuoso XXXXX Error COL..: Insert stopped because out of seg data here or elsewhere host 0 key RDF_QUAD_POGS slice 0';

  async function failingEndpoint() {
    const { EmbeddedStore } = await import('../../../src/store/embedded.js');
    const { HttpSparqlEndpoint } = await import('../../../src/store/http.js');
    const { EndpointSink } = await import('../../../src/transport/sinks/endpoint.js');
    const { startSparqlServer } = await import('../store/sparql-server.js');
    const server = await startSparqlServer({ store: EmbeddedStore.create() });
    // A poison batch: the server fails on it every time (events 0–4) and takes everything else.
    server.failWhen((body) => body.includes('exec:e0>'), 500, { body: SEG });
    const sink = new EndpointSink(new HttpSparqlEndpoint({ url: server.url, timeoutMs: 5000 }));
    return { server, sink, faults: () => server.requests.filter((r) => r.kind === 'fault').length };
  }

  it('a poison batch is dead-lettered after the 3rd identical answer (counted, reported, replayable) while the others are stored', async () => {
    const { server, sink, faults } = await failingEndpoint();
    const deadLetter = join(dir, 'dead.nq');
    const errors: [unknown, TransportErrorContext][] = [];
    // Two lanes: the healthy batch (e5–e9) is stored while the poison one (e0–e4) is retried.
    const t = transport({ sink, batchSize: 5, sendConcurrency: 2, deadLetter, retry: { maxAttempts: 10, initialDelayMs: 30, maxDelayMs: 30 }, onError: (e, c) => errors.push([e, c]) });
    for (let i = 0; i < 10; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 10, sent: 5, deadLettered: 5, journaled: 0, dropped: 0 });
    expect(faults()).toBe(3);
    expect(errors.map(([, c]) => c.outcome).at(-1)).toBe('deadLettered');
    expect(String(errors.at(-1)![0])).toMatch(/HTTP 500 3 times in a row to the same request, so it is treated as permanent/);
    expect(await readFile(deadLetter, 'utf8')).toMatch(/status=500 .*out of seg data/);
    const back = new InMemorySink();
    expect(await replayJournal(deadLetter, back)).toMatchObject({ sent: 1 });
    expect(ids(back.quads()).size).toBe(5);
    await t.shutdown();
    await server.close();
  });

  it('while the whole server answers 500 (an outage) nothing is dead-lettered: batches wait and are retried', async () => {
    const { EmbeddedStore } = await import('../../../src/store/embedded.js');
    const { HttpSparqlEndpoint } = await import('../../../src/store/http.js');
    const { EndpointSink } = await import('../../../src/transport/sinks/endpoint.js');
    const { startSparqlServer } = await import('../store/sparql-server.js');
    const server = await startSparqlServer({ store: EmbeddedStore.create() });
    server.failNext(12, 500, { body: SEG });
    const sink = new EndpointSink(new HttpSparqlEndpoint({ url: server.url, timeoutMs: 5000 }));
    const path = join(dir, 'outage.nq');
    const t = transport({ sink, batchSize: 5, journal: { path }, drainMaxDelayMs: 5, retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 5 } });
    for (let i = 0; i < 10; i++) t.emit(start(i));
    await t.flush();
    await vi.waitFor(() => expect(t.stats()).toMatchObject({ sent: 10 }), { timeout: 10_000 });
    expect(t.stats()).toMatchObject({ captured: 10, deadLettered: 0, dropped: 0 });
    await t.shutdown();
    await server.close();
  });
});
