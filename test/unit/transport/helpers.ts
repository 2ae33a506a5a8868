import type { Quad } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureEvent } from '../../../src/capture/events.js';
import type { BatchRecorder } from '../../../src/transport/options.js';
import type { QuadBatch, Sink } from '../../../src/transport/sink.js';

const { namedNode: n, literal, quad } = DataFactory;
const P = 'urn:provml:test#';

/** Fake record layer: one quad per event (two for `end`), in graph `urn:provml:run:<root>`. */
export function fakeQuads(events: readonly CaptureEvent[]): Quad[] {
  const out: Quad[] = [];
  for (const e of events) {
    if (e.t === 'spec') {
      out.push(quad(n(`urn:provml:spec:${e.spec}`), n(`${P}kind`), literal(e.kind), n('urn:provml:run:spec')));
      continue;
    }
    if (e.t === 'describe') continue;
    const g = n(`urn:provml:run:${e.root}`);
    const s = n(`urn:provml:exec:${e.id}`);
    out.push(quad(s, n(`${P}${e.t}`), literal(String(e.at)), g));
    if (e.t === 'end') out.push(quad(s, n(`${P}kind`), literal(e.kind), g));
  }
  return out;
}

/** {@link fakeQuads} as the transport's recorder. */
export const fakeRecorder: (events: readonly CaptureEvent[]) => Quad[] = fakeQuads;

/** A start event with a unique id `e<i>` in run `root`. */
export function start(i: number, root = 'r1'): CaptureEvent {
  return { t: 'start', id: `e${i}`, spec: 'S', kind: 'batch', root, at: i };
}

/** An end event for `e<i>`. */
export function end(i: number, root = 'r1'): CaptureEvent {
  return { t: 'end', id: `e${i}`, kind: 'batch', root, at: i + 0.5 };
}

/** Subjects (execution ids) found in some quads. */
export function ids(quads: readonly Quad[]): Set<string> {
  return new Set(quads.map((q) => q.subject.value));
}

/** A sink that records batches, optionally slowly, optionally failing the first `failures` writes. */
export class TestSink implements Sink {
  readonly name = 'test';
  batches: QuadBatch[] = [];
  writes = 0;
  closed = 0;
  flushed = 0;
  constructor(
    public delayMs = 0,
    public failures = 0,
  ) {}
  async write(batch: QuadBatch): Promise<void> {
    this.writes++;
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failures > 0) {
      this.failures--;
      throw new Error('sink down');
    }
    this.batches.push(batch);
  }
  async flush(): Promise<void> {
    this.flushed++;
  }
  async close(): Promise<void> {
    this.closed++;
  }
  events(): number {
    return this.batches.reduce((a, b) => a + b.events, 0);
  }
  quads(): Quad[] {
    return this.batches.flatMap((b) => b.quads);
  }
}

/** A fresh temp dir and its cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'provml-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Let setImmediate / I/O callbacks run. */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
