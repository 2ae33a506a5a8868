import { describe, expect, it } from 'vitest';
import type { ActivityKind, CaptureEvent, Fact, ValueRole } from '../../../src/capture/events.js';
import { EventDecoder } from '../../../src/worker/decoder.js';
import { EventEncoder } from '../../../src/worker/encoder.js';
import { MAX_RECORD_WORDS, type EventChunk } from '../../../src/worker/protocol.js';
import { LAST_ID, uuidv7 } from '../../../src/capture/ids.js';

/** A seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: ActivityKind[] = ['workflow', 'transformation', 'featureExtraction', 'stage', 'epoch', 'batch'];
const ROLES: ValueRole[] = ['parameter', 'hyperparameter', 'measure', 'model', 'characteristic', 'attribute'];

/** A stream shaped like real capture: nested runs, start/end pairs, numeric and other facts, specs, errors. */
function stream(n: number, seed: number): CaptureEvent[] {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const out: CaptureEvent[] = [];
  const roots = ['0190-root-a', '0190-root-b', '0190-root-c'];
  const parents = ['p-1', 'p-2', undefined];
  let id = 0;
  let t = 1_765_000_000_000.123;
  const open: { id: string; root: string; kind: ActivityKind }[] = [];
  while (out.length < n) {
    t += r() * 3;
    const x = r();
    if (x < 0.03) out.push({ t: 'spec', spec: `Spec#${Math.floor(r() * 5)}`, kind: pick(KINDS), name: 'n', attributes: [{ role: 'measure', name: 'loss', direction: 'out' }] });
    else if (x < 0.55 || open.length === 0) {
      const kind = pick(KINDS);
      const own = `id-${id++}`;
      const root = kind === 'workflow' && r() < 0.5 ? own : pick(roots);
      const parent = pick(parents);
      const e: CaptureEvent = { t: 'start', id: own, spec: `Spec#${Math.floor(r() * 5)}`, kind, root, at: t };
      if (parent !== undefined) e.parent = parent;
      if (r() < 0.6) e.index = Math.floor(r() * 1000);
      const facts = makeFacts(r, pick);
      if (facts) e.facts = facts;
      out.push(e);
      open.push({ id: own, root, kind });
    } else {
      const o = r() < 0.8 ? open.pop()! : open.splice(Math.floor(r() * open.length), 1)[0]!;
      const e: CaptureEvent = { t: 'end', id: o.id, kind: o.kind, root: o.root, at: t };
      const facts = makeFacts(r, pick);
      if (facts) e.facts = facts;
      if (r() < 0.05) e.error = { name: 'TypeError', message: 'boom' };
      out.push(e);
    }
  }
  return out;
}

function makeFacts(r: () => number, pick: <T>(a: readonly T[]) => T): Fact[] | undefined {
  const x = r();
  if (x < 0.4) return undefined;
  const n = x < 0.97 ? 1 + Math.floor(r() * 4) : 20; // now and then more than a chunk slot takes
  const facts: Fact[] = [];
  for (let i = 0; i < n; i++) {
    const y = r();
    const value = y < 0.8 ? (y < 0.05 ? Number.NaN : y < 0.1 ? -Infinity : r() * 10) : y < 0.9 ? 'adam' : { $: 'ref' as const, uri: '/data/train.csv' };
    facts.push({ role: pick(ROLES), name: pick(['loss', 'acc', 'lr', 'val_loss']), value });
  }
  return facts;
}

function roundTrip(events: readonly CaptureEvent[], cap: number, every = 97): { out: CaptureEvent[]; chunks: EventChunk[] } {
  const enc = new EventEncoder(cap);
  const dec = new EventDecoder();
  const chunks: EventChunk[] = [];
  const take = () => {
    const c = enc.take(false);
    if (c) chunks.push(structuredClone(c, { transfer: [c.buffer] })); // as postMessage delivers it
  };
  events.forEach((e, i) => {
    if (enc.add(e) || i % every === every - 1) take(); // full chunks, and time-based hand-offs mid-stream
  });
  take();
  const out: CaptureEvent[] = [];
  for (const c of chunks) dec.decode(c, (e) => out.push(e));
  return { out, chunks };
}

describe('the hand-off codec (user thread → worker)', () => {
  for (const seed of [1, 2, 3]) {
    it(`decodes exactly the events it encoded, in order (seed ${seed}, 20,000 events, chunks of 64)`, () => {
      const events = stream(20_000, seed);
      const { out } = roundTrip(events, 64);
      expect(out).toEqual(events);
    });
  }

  it('sends what can be derived only once: one id per batch call, roots and parents when they change, names once', () => {
    const events: CaptureEvent[] = [];
    for (let i = 0; i < 256; i++) {
      events.push({ t: 'start', id: `b${i}`, spec: 'T#batch', kind: 'batch', parent: 'epoch-1', root: 'run-1', at: i, index: i });
      events.push({ t: 'end', id: `b${i}`, kind: 'batch', root: 'run-1', at: i + 0.5, facts: [{ role: 'measure', name: 'loss', value: 1 / (i + 1) }] });
    }
    const { out, chunks } = roundTrip(events, 512, Infinity);
    expect(out).toEqual(events);
    // Buffers grow from 64 events, doubling each time one fills up: 64 + 128 + 256, then the rest.
    expect(chunks.map((c) => c.n)).toEqual([64, 128, 256, 64]);
    let first = 0;
    for (const [k, c] of chunks.entries()) {
      const starts = events.slice(first, first + c.n).filter((e) => e.t === 'start') as Array<{ id: string }>;
      first += c.n;
      // per chunk: the first start's id, root and parent, then only one id per batch call
      expect(c.strings).toEqual([starts[0]!.id, 'run-1', 'epoch-1', ...starts.slice(1).map((e) => e.id)]);
      expect(c.dict).toEqual(k === 0 ? ['T#batch', 'loss'] : []); // names once per process
      expect(c.raw).toEqual([]);
      expect(c.words).toBe((c.n / 2) * 7); // start: head, at, index (3 words); end: head, at, one fact (4)
    }
  });

  it('sizes each buffer from the chunk before: small hand-offs get small buffers, never more than cap events', () => {
    const enc = new EventEncoder(4096);
    const sizes: number[] = [];
    const add = (n: number) => {
      for (let i = 0; i < n; i++) {
        if (enc.add({ t: 'end', id: `x${i}`, kind: 'batch', root: 'r', at: i })) sizes.push(enc.take(false)!.buffer.byteLength);
      }
      const c = enc.take(false);
      if (c) sizes.push(c.buffer.byteLength);
    };
    add(10); // a time-based hand-off of 10 events
    add(10);
    add(5000); // a burst: 64 → 128 → … → 4096-event buffers
    const words = (cap: number) => (cap * 8 + MAX_RECORD_WORDS) * 8;
    expect(sizes.slice(0, 2)).toEqual([words(64), words(64)]);
    expect(Math.max(...sizes)).toBe(words(4096));
  });

  it('sends the ids this thread makes as two numbers: a chunk of batches carries no id strings', () => {
    const enc = new EventEncoder(512);
    const dec = new EventDecoder();
    const events: CaptureEvent[] = [];
    const chunks: EventChunk[] = [];
    const epoch = uuidv7(1_765_000_000_000);
    const run = uuidv7(1_765_000_000_000);
    let t = 1_765_000_000_000.5;
    for (let i = 0; i < 300; i++) {
      t += i % 7 === 0 ? 1.25 : 0.01; // several ids per millisecond, and new milliseconds
      const id = uuidv7(t); // as capture does: the start is encoded right after its id is made
      const start: CaptureEvent = { t: 'start', id, spec: 'T#batch', kind: 'batch', parent: epoch, root: run, at: t, index: i };
      const end: CaptureEvent = { t: 'end', id, kind: 'batch', root: run, at: t + 0.005, facts: [{ role: 'measure', name: 'loss', value: 1 / (i + 1) }] };
      events.push(start, end);
      if (enc.add(start)) chunks.push(enc.take(false)!);
      if (enc.add(end)) chunks.push(enc.take(false)!);
    }
    chunks.push(enc.take(false)!);
    expect(chunks.length).toBeGreaterThan(2);
    const out: CaptureEvent[] = [];
    for (const c of chunks) {
      expect(c.strings).toEqual([run, epoch]); // root and parent once per chunk; no batch id as a string
      dec.decode(structuredClone(c, { transfer: [c.buffer] }), (e) => out.push(e));
    }
    expect(out).toEqual(events);
    // A decoder told another thread's node rebuilds that thread's ids (here: a wrong one differs).
    const other = new EventDecoder('-7000-8000-000000');
    const c2 = (() => {
      const e2 = new EventEncoder(8);
      const id = uuidv7(t + 5);
      e2.add({ t: 'start', id, spec: 'T#batch', kind: 'batch', root: run, at: t + 5 });
      return { id, chunk: e2.take(false)! };
    })();
    const seen: CaptureEvent[] = [];
    other.decode(c2.chunk, (e) => seen.push(e));
    expect((seen[0] as { id: string }).id).not.toBe(c2.id);
    expect((seen[0] as { id: string }).id.slice(0, 13) + (seen[0] as { id: string }).id.slice(30)).toBe(c2.id.slice(0, 13) + c2.id.slice(30));
  });

  it('the batch lane writes the same records as add() of the two events', () => {
    const viaEvents = new EventEncoder(64);
    const viaLane = new EventEncoder(64);
    const outs = [
      { role: 'measure' as const, name: 'loss' },
      { role: 'measure' as const, name: 'acc' },
    ];
    const values = new Float64Array(16);
    const run = uuidv7(5);
    const epoch = uuidv7(6);
    for (let i = 0; i < 40; i++) {
      const id = uuidv7(10 + i);
      const n = i % 3; // no facts, one, two
      values[0] = i / 3;
      values[1] = i % 2 === 0 ? Number.NaN : -i;
      viaEvents.add({ t: 'start', id, spec: 'T#b', kind: 'batch', parent: epoch, root: run, at: 10 + i, index: i });
      viaLane.addBatchStart(LAST_ID.ms, LAST_ID.counter, run, epoch, 'T#b', 10 + i, i);
      const facts = outs.slice(0, n).map((o, k) => ({ ...o, value: values[k]! }));
      viaEvents.add({ t: 'end', id, kind: 'batch', root: run, at: 10.5 + i, ...(n > 0 ? { facts } : {}) });
      viaLane.addBatchEnd(LAST_ID.ms, LAST_ID.counter, run, 10.5 + i, outs, values, n);
    }
    const a = viaEvents.take(false)!;
    const b = viaLane.take(false)!;
    expect({ ...b, buffer: undefined }).toEqual({ ...a, buffer: undefined });
    expect(new Float64Array(b.buffer, 0, b.words)).toEqual(new Float64Array(a.buffer, 0, a.words));
  });
});
