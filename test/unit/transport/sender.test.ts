import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/transport/journal.js';
import { silentLogger } from '../../../src/transport/logger.js';
import type { TransportOptions } from '../../../src/transport/options.js';
import { Transport } from '../../../src/transport/pipeline.js';
import type { QuadBatch } from '../../../src/transport/sink.js';
import { TestSink, fakeRecorder, ids, start } from './helpers.js';

/** A sink that records how many writes overlap. */
class ConcurrentSink extends TestSink {
  active = 0;
  maxActive = 0;
  override async write(batch: QuadBatch): Promise<void> {
    this.maxActive = Math.max(this.maxActive, ++this.active);
    try {
      await super.write(batch);
    } finally {
      this.active--;
    }
  }
}

let dir: string;
const open: Transport[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-sender-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  await rm(dir, { recursive: true, force: true });
});
function transport(options: Partial<TransportOptions> & Pick<TransportOptions, 'sink'>): Transport {
  const t = new Transport({ recorder: fakeRecorder, logger: silentLogger, installExitHooks: false, ...options });
  open.push(t);
  return t;
}

describe('sending to a server', () => {
  it('merges batches that queued behind a slow write into one write, and marks every merged batch in .sent', async () => {
    const sink = new TestSink(20);
    const path = join(dir, 'j.nq');
    const t = transport({ sink, batchSize: 10, queueSize: 1000, mergeQuads: 100, journal: { path, durability: 'none' } });
    for (let i = 0; i < 300; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 300, sent: 300, journaled: 0, dropped: 0 });
    expect(ids(sink.quads()).size).toBe(300);
    expect(sink.writes).toBeLessThan(30); // 30 batches of 10 events went out in fewer writes
    expect(Math.max(...sink.batches.map((b) => b.size))).toBeLessThanOrEqual(100);
    let batches = 0;
    for await (const b of readJournal(path)) {
      batches++;
      expect(b.sent).toBe(true);
    }
    expect(batches).toBe(30);
  });

  it('keeps several writes in flight with sendConcurrency', async () => {
    const sink = new ConcurrentSink(15);
    const t = transport({ sink, batchSize: 10, queueSize: 1000, sendConcurrency: 3 });
    for (let i = 0; i < 200; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 200, sent: 200, dropped: 0 });
    expect(sink.maxActive).toBe(3);
    expect(ids(sink.quads()).size).toBe(200);
  });

  it('a merged write that fails leaves each member in the journal, and the drain delivers them all', async () => {
    const sink = new TestSink(5, 2); // the first (merged) write fails twice: attempts exhausted
    const path = join(dir, 'j.nq');
    const t = transport({ sink, batchSize: 10, queueSize: 1000, mergeQuads: 1000, retry: { maxAttempts: 2, initialDelayMs: 1 }, journal: { path, durability: 'none' } });
    for (let i = 0; i < 100; i++) t.emit(start(i));
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 100, sent: 100, journaled: 0, dropped: 0 });
    expect(ids(sink.quads()).size).toBe(100);
  });
});
