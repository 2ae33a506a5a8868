import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/transport/journal.js';
import { silentLogger } from '../../../src/transport/logger.js';
import type { TransportOptions } from '../../../src/transport/options.js';
import { Transport } from '../../../src/transport/pipeline.js';
import type { Quad } from '@rdfjs/types';
import { TestSink, fakeRecorder, start, tempDir, tick } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
const open: Transport[] = [];
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  await cleanup();
});
function transport(options: Partial<TransportOptions> & Pick<TransportOptions, 'sink'>): Transport {
  const t = new Transport({ recorder: fakeRecorder, logger: silentLogger, installExitHooks: false, ...options });
  open.push(t);
  return t;
}

async function journalQuads(path: string): Promise<{ quads: Quad[]; events: number; sent: number[] }> {
  const quads: Quad[] = [];
  let events = 0;
  const sent: number[] = [];
  for await (const b of readJournal(path)) {
    if (b.sent) sent.push(b.seq);
    else {
      quads.push(...b.quads);
      events += b.events;
    }
  }
  return { quads, events, sent };
}

describe("full-queue policy 'spill'", () => {
  it('loses nothing, keeps memory bounded and delivers what waited on disk: 200k events, slow sink, journal', async () => {
    const N = 200_000;
    const sink = new TestSink(5);
    const path = join(dir, 'journal.nq');
    const queueSize = 1000;
    const maxBacklogEvents = 4000;
    const t = transport({ sink, queueSize, batchSize: 500, maxBacklogEvents, journal: { path, durability: 'none' } });
    for (let i = 0; i < N; i++) {
      t.emit(start(i));
      if (i % 2000 === 1999) await tick(); // a training loop yields to the event loop now and then
    }
    await t.flush();
    const s = t.stats();
    expect(s.captured).toBe(N);
    expect(s.dropped).toBe(0);
    // The slow sink could not keep up, so batches waited on disk; flush() delivered them all.
    expect(s).toMatchObject({ sent: N, journaled: 0 });
    expect(new Set(sink.quads().map((q) => q.subject.value)).size).toBe(N);
    const j = await journalQuads(path);
    expect(j.sent.length).toBe(N / 500); // write-ahead: every batch is in the journal, marked delivered
    expect(j.events).toBe(0); // none left undelivered
    // Bounded: backlog limit + what one producer turn adds + the two batches in flight.
    expect(s.maxBuffered).toBeLessThanOrEqual(maxBacklogEvents + 2000 + 2 * queueSize);
    expect(sink.batches.length).toBe(N / 500); // each batch delivered once, from memory or from disk
  }, 60_000);

  it('without a journal, overflow goes to a lazily created 0600 spill file', async () => {
    const sink = new TestSink(20);
    const spillPath = join(dir, 'spill', 'overflow.nq');
    const warnings: string[] = [];
    const t = transport({
      sink,
      queueSize: 100,
      batchSize: 50,
      maxBacklogEvents: 200,
      spillPath,
      logger: { warn: (m) => warnings.push(m) },
    });
    for (let i = 0; i < 5000; i++) {
      t.emit(start(i));
      if (i % 500 === 499) await tick();
    }
    await t.flush();
    const s = t.stats();
    expect(s).toMatchObject({ captured: 5000, sent: 5000, journaled: 0, dropped: 0 }); // disk was a buffer
    expect(new Set(sink.quads().map((q) => q.subject.value)).size).toBe(5000);
    expect((await stat(spillPath)).mode & 0o777).toBe(0o600);
    const spilled = await journalQuads(spillPath);
    expect(spilled.sent.length).toBeGreaterThan(0); // the slow sink made it spill, and the spilled batches were delivered
    expect(spilled.events).toBe(0); // none left on disk only
    expect(warnings.some((w) => w.includes(spillPath))).toBe(true);
    await t.shutdown();
    await expect(stat(spillPath)).rejects.toThrow(/ENOENT/); // spent: everything in it was delivered
  });

  it('with spillPath false, keeps overflow in memory and still loses nothing', async () => {
    const sink = new TestSink(2);
    const t = transport({ sink, queueSize: 50, batchSize: 50, maxBacklogEvents: 100, spillPath: false });
    for (let i = 0; i < 3000; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 3000, sent: 3000, journaled: 0, dropped: 0 });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("full-queue policy 'drop'", () => {
  it('discards exactly the events that do not fit and counts them', async () => {
    const sink = new TestSink();
    const t = transport({ sink, fullQueuePolicy: 'drop', queueSize: 10, batchSize: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 25; i++) t.emit(start(i)); // one synchronous burst: nothing drains meanwhile
    expect(t.stats()).toMatchObject({ captured: 25, dropped: 15 }); // every offered event is counted once
    await t.flush();
    for (let i = 25; i < 30; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 30, sent: 15, dropped: 15 });
    expect(sink.events()).toBe(15);
  });
});

describe("full-queue policy 'block'", () => {
  it('drains in the producer and loses nothing, even with a slow sink', async () => {
    const sink = new TestSink(3);
    const t = transport({ sink, fullQueuePolicy: 'block', queueSize: 10, batchSize: 5, maxBacklogEvents: 10 });
    for (let i = 0; i < 1000; i++) t.emit(start(i));
    expect(t.stats().dropped).toBe(0);
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 1000, sent: 1000, journaled: 0, dropped: 0 });
    expect(new Set(sink.quads().map((q) => q.subject.value)).size).toBe(1000);
  });
});
