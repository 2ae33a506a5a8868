import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { Transport } from '../../src/transport/pipeline.js';
import { createQuadBatch, type QuadBatch } from '../../src/transport/sink.js';
import { EmbeddedStoreSink } from '../../src/transport/sinks/embedded-store.js';
import { end, fakeQuads, start, tempDir } from '../unit/transport/helpers.js';

// The embedded store's sink holding its indexing (the worker holds while a training stage runs).

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

/** Batch `seq` of two events (three quads) about execution e<seq>. */
function batch(seq: number): QuadBatch {
  return createQuadBatch({ seq, events: 2, quads: fakeQuads([start(seq), end(seq)]) });
}
const BROKEN = createQuadBatch({ seq: 99, events: 5, nquads: '<urn:a> <urn:b> "unterminated .\n', size: 1 });

describe('EmbeddedStoreSink with hold', () => {
  it('keeps batches out of the store while hold() is true and indexes them all at release()', async () => {
    const store = await EmbeddedStore.open();
    let holding = true;
    const sink = new EmbeddedStoreSink(store, { hold: () => holding });
    for (let s = 1; s <= 4; s++) await sink.write(batch(s));
    expect(store.size).toBe(0);
    expect(sink.held).toBe(8);
    sink.release();
    expect(store.size).toBe(12);
    expect(sink.held).toBe(0);

    await sink.write(batch(5)); // still holding
    holding = false;
    await sink.write(batch(6)); // the first write after: what was held goes first, then this one
    expect(store.size).toBe(18);
    expect(sink.held).toBe(0);
  });

  it('indexes everything held at flush() and close(), and past maxHeldBytes', async () => {
    const store = await EmbeddedStore.open();
    const sink = new EmbeddedStoreSink(store, { hold: () => true, maxHeldBytes: batch(1).nquads.length * 2.5 });
    await sink.write(batch(1));
    await sink.write(batch(2));
    expect(store.size).toBe(0);
    await sink.write(batch(3)); // over 2.5 batches' text
    expect(store.size).toBe(9);
    await sink.write(batch(4));
    await sink.flush();
    expect(store.size).toBe(12);
    await sink.write(batch(5));
    await sink.close();
    expect(store.size).toBe(15);
  });

  it('a held batch the store refuses is reported alone; the others are indexed', async () => {
    const store = await EmbeddedStore.open();
    const late: [number, number][] = [];
    const sink = new EmbeddedStoreSink(store, { hold: () => true, onLateFailure: (b) => late.push([b.seq, b.events]) });
    await sink.write(batch(1));
    await sink.write(BROKEN);
    await sink.write(batch(2));
    sink.release();
    expect(late).toEqual([[99, 5]]);
    expect(store.size).toBe(6);

    const bare = new EmbeddedStoreSink(await EmbeddedStore.open(), { hold: () => true });
    await bare.write(BROKEN);
    await bare.write(batch(3));
    expect(() => bare.release()).toThrow(/unterminated|Unexpected|literal|end/i); // without the hook it throws…
    expect(bare.store.size).toBe(3); // …after indexing the rest
  });

  it('behind a transport, a late refusal moves its events from sent to the dead-letter file', async () => {
    const store = await EmbeddedStore.open();
    const errors: { outcome: string; events?: number }[] = [];
    let t!: Transport;
    const sink = new EmbeddedStoreSink(store, { hold: () => true, onLateFailure: (b, e) => t.refusedLate(b, e) });
    let n = 0;
    t = new Transport({
      // every third batch is text Oxigraph refuses
      recorder: (events) => (++n % 3 === 0 ? { nquads: '<urn:x> <urn:y> "broken .\n', count: 1 } : fakeQuads(events)),
      sink,
      batchSize: 2,
      installExitHooks: false,
      deadLetter: `${dir}/dead.nq`,
      logger: { warn() {} },
      onError: (_e, c) => errors.push({ outcome: c.outcome, ...(c.events !== undefined ? { events: c.events } : {}) }),
    });
    for (let i = 0; i < 12; i++) t.emit(i % 2 ? end(i - 1) : start(i));
    await vi.waitFor(() => expect(t.stats()).toMatchObject({ sent: 12, held: 12 }), { timeout: 10_000, interval: 10 }); // accepted, not indexed
    expect(store.size).toBe(0);
    await t.flush();
    expect(t.stats()).toMatchObject({ captured: 12, sent: 8, deadLettered: 4, dropped: 0, held: 0 });
    expect(errors).toEqual([
      { outcome: 'deadLettered', events: 2 },
      { outcome: 'deadLettered', events: 2 },
    ]);
    expect(store.size).toBe(12); // four good batches of three quads
    await t.shutdown();
  });
});
