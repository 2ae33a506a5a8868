import { Parser } from 'n3';
import { appendFile, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Journal,
  formatBatchHeader,
  readJournal,
  readSentSeqs,
  replayJournal,
  sentSidecarPath,
  type JournalBatch,
} from '../../../src/transport/journal.js';
import { createQuadBatch, type QuadBatch } from '../../../src/transport/sink.js';
import { InMemorySink } from '../../../src/transport/sinks/in-memory.js';
import { JournalSink } from '../../../src/transport/sinks/journal-sink.js';
import { end, fakeRecorder, start, tempDir } from './helpers.js';

async function batch(seq: number, from: number, count: number): Promise<QuadBatch> {
  const events = [];
  for (let i = from; i < from + count; i++) events.push(start(i), end(i));
  return createQuadBatch({ seq, events: events.length, quads: await fakeRecorder(events) });
}

async function readAll(path: string, opts: Parameters<typeof readJournal>[1] = {}): Promise<JournalBatch[]> {
  const out: JournalBatch[] = [];
  for await (const b of readJournal(path, opts)) out.push(b);
  return out;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('Journal', () => {
  it('creates parent dirs and a 0600 file; header precedes each block; file is valid N-Quads', async () => {
    const path = join(dir, 'a', 'b', 'run.nq');
    const j = await Journal.open({ path, durability: 'sync' });
    const b1 = await batch(1, 0, 3);
    await j.append(b1);
    await j.append(await batch(2, 3, 2));
    await j.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'a', 'b'))).isDirectory()).toBe(true);
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(formatBatchHeader(b1))).toBe(true);
    expect(formatBatchHeader(b1)).toMatch(/^# provml batch seq=1 quads=9 events=6 bytes=\d+\n$/);
    expect(new Parser({ format: 'N-Quads' }).parse(text)).toHaveLength(9 + 6);
  });

  it('readJournal returns exactly what was written', async () => {
    const path = join(dir, 'run.nq');
    const written = [await batch(1, 0, 5), await batch(2, 5, 1), createQuadBatch({ seq: 3, events: 4, quads: [] })];
    const j = await Journal.open({ path, durability: 'none' });
    for (const b of written) await j.append(b);
    await j.close();
    const read = await readAll(path);
    expect(read.map((b) => [b.seq, b.events, b.quads.length, b.sent])).toEqual([
      [1, 10, 15, false],
      [2, 2, 3, false],
      [3, 4, 0, false],
    ]);
    for (let i = 0; i < written.length; i++) {
      expect(read[i]?.nquads).toBe(written[i]?.nquads);
      expect(read[i]?.quads.every((q, k) => q.equals(written[i]?.quads[k] ?? null))).toBe(true);
    }
  });

  it('skips a torn trailing block with a warning', async () => {
    const path = join(dir, 'run.nq');
    const j = await Journal.open({ path });
    await j.append(await batch(1, 0, 3));
    await j.append(await batch(2, 3, 3));
    await j.close();
    const { size } = await stat(path);
    await truncate(path, size - 20); // crash in the middle of the last write
    const warnings: string[] = [];
    const read = await readAll(path, { onWarning: (m) => warnings.push(m) });
    expect(read.map((b) => b.seq)).toEqual([1]);
    expect(warnings.join()).toMatch(/torn batch seq=2/);
  });

  it('after a crash, reopening terminates the torn line; later batches stay readable and seq continues', async () => {
    const path = join(dir, 'run.nq');
    let j = await Journal.open({ path });
    await j.append(await batch(1, 0, 2));
    await j.append(await batch(2, 2, 2));
    await j.close();
    await truncate(path, (await stat(path)).size - 7);
    j = await Journal.open({ path });
    expect(j.lastSeq).toBe(2);
    await j.append(await batch(3, 4, 2));
    await j.close();
    const warnings: string[] = [];
    const read = await readAll(path, { onWarning: (m) => warnings.push(m) });
    expect(read.map((b) => b.seq)).toEqual([1, 3]);
    expect(warnings).toHaveLength(1);
  });

  it('a block truncated exactly at a line end is still detected (byte count)', async () => {
    const path = join(dir, 'run.nq');
    const j = await Journal.open({ path });
    await j.append(await batch(1, 0, 2));
    await j.close();
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    // Replace the last quad with a shorter but complete-looking line.
    const forged = [...lines.slice(0, -2), '<urn:a> <urn:p> <urn:b> .', ''].join('\n');
    await appendFile(join(dir, 'forged.nq'), forged);
    const warnings: string[] = [];
    expect(await readAll(join(dir, 'forged.nq'), { onWarning: (m) => warnings.push(m) })).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it('the .sent sidecar marks confirmed batches; replay sends only unconfirmed ones', async () => {
    const path = join(dir, 'run.nq');
    const j = await Journal.open({ path, durability: 'batch' });
    for (let s = 1; s <= 4; s++) await j.append(await batch(s, s * 10, 2));
    await j.markSent(1);
    await j.markSent(3);
    await j.close();
    expect([...(await readSentSeqs(path))]).toEqual([1, 3]);
    expect((await stat(sentSidecarPath(path))).mode & 0o777).toBe(0o600);
    expect((await readAll(path, { unsentOnly: true })).map((b) => b.seq)).toEqual([2, 4]);
    expect((await readAll(path)).map((b) => b.sent)).toEqual([true, false, true, false]);

    const sink = new InMemorySink();
    expect(await replayJournal(path, sink)).toEqual({ sent: 2, quads: 12, alreadySent: 2 });
    expect(sink.batches().map((b) => b.seq)).toEqual([2, 4]);
    // A second replay (e.g. after a crash during the first) has nothing left to send.
    expect(await replayJournal(path, sink)).toEqual({ sent: 0, quads: 0, alreadySent: 4 });
    expect(sink.batches()).toHaveLength(2);
    // And a reopened journal continues numbering after everything seen.
    const j2 = await Journal.open({ path });
    expect(j2.lastSeq).toBe(4);
    await j2.close();
  });

  it('JournalSink opens lazily and writes through the journal', async () => {
    const path = join(dir, 'sink', 'run.nq');
    const sink = new JournalSink({ path, durability: 'sync' });
    await sink.flush(); // nothing opened yet
    await expect(stat(path)).rejects.toThrow();
    await sink.write(await batch(1, 0, 1));
    await sink.flush();
    await sink.close();
    expect((await readAll(path)).map((b) => b.seq)).toEqual([1]);
  });

  it('readJournal of a missing file rejects', async () => {
    await expect(readAll(join(dir, 'nope.nq'))).rejects.toThrow(/ENOENT/);
  });
});
