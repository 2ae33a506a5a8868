/**
 * Versions as one recorder sees them (src/record/values.ts): a rewritten file is a new node, and
 * the recorder links it to the content it saw at the same URL before (`prov:wasRevisionOf`) — once
 * per change, never in a cycle, never without a checksum. Links across processes come from the
 * store (test/integration/versions-reproduce.test.ts).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, Store } from 'n3';
import { describe, expect, it } from 'vitest';
import { ref, setDefaultEmitter, track, type CaptureEvent, type EventEmitterLike } from '../../../src/capture/index.js';
import { PROV, PROVML } from '../../../src/generated/vocab.js';
import { storageUrlOf } from '../../../src/record/files.js';
import { IriMinter } from '../../../src/record/iri.js';
import { Recorder } from '../../../src/record/recorder.js';
import { VersionTracker } from '../../../src/record/values.js';
import { parseNQuads } from '../../../src/transport/sink.js';
import { validateDataset } from '../../../src/validate/index.js';

class Collect implements EventEmitterLike {
  readonly events: CaptureEvent[] = [];
  emit(e: CaptureEvent): void {
    this.events.push(e);
  }
}

async function capture(run: () => unknown): Promise<CaptureEvent[]> {
  const em = new Collect();
  const prev = setDefaultEmitter(em);
  try {
    await run();
  } finally {
    setDefaultEmitter(prev);
  }
  return em.events;
}

/** One transformation writing `content` to `file` and returning a reference to it. */
async function write(file: string, content: string): Promise<CaptureEvent[]> {
  await writeFile(file, content);
  return capture(() => track.workflow('writer', () => track.transformation('write', { outputs: ['data'] }, () => ({ data: ref(file) }))));
}

const revisions = (store: Store) => store.getQuads(null, PROV.wasRevisionOf, null, null).map((q) => [q.subject.value, q.object.value, q.graph.value]);
const nodeOf = (store: Store, checksum: string) => store.getSubjects(PROVML.checksum, DataFactory.literal(checksum), null)[0]!.value;

describe('VersionTracker', () => {
  it('says which content a new one revises: the last seen at the URL, for a content not seen there before', () => {
    const v = new VersionTracker();
    expect(v.observe('file:///m', 'a')).toBeUndefined();
    expect(v.observe('file:///m', 'a')).toBeUndefined(); // the same content again
    expect(v.observe('file:///m', 'b')).toBe('a');
    expect(v.observe('file:///other', 'x')).toBeUndefined(); // URLs are independent
    expect(v.observe('file:///m', 'a')).toBeUndefined(); // a comes back: no b → a link (no cycle)
    expect(v.observe('file:///m', 'c')).toBe('a'); // c follows what the URL held last
  });
});

describe('Recorder: versions of a file in one process', () => {
  it('links a rewritten file to the content it replaced, in the shared graph, and the graph conforms', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provml-versions-'));
    const file = join(dir, 'table.csv');
    const rec = new Recorder({ environment: false });
    const quads = [
      ...parseNQuads((await rec.record(await write(file, 'x\n1\n'))).nquads),
      ...parseNQuads((await rec.record(await write(file, 'x\n1\n2\n'))).nquads),
      ...parseNQuads((await rec.record(await write(file, 'x\n1\n2\n3\n'))).nquads),
    ];
    const store = new Store(quads);
    const nodes = store.getSubjects(PROVML.storageUrl, null, null).map((t) => t.value);
    expect(new Set(nodes).size).toBe(3); // three contents, three nodes, one URL
    expect(new Set(store.getObjects(null, PROVML.storageUrl, null).map((t) => t.value))).toEqual(new Set([storageUrlOf(file)]));
    const [v1, v2, v3] = ['x\n1\n', 'x\n1\n2\n', 'x\n1\n2\n3\n'].map((c) => nodeOf(store, sha256(c)));
    const shared = new IriMinter().sharedGraph();
    expect(revisions(store).sort()).toEqual([
      [v2, v1, shared],
      [v3, v2, shared],
    ].sort());
    expect((await validateDataset(quads)).conforms).toBe(true);
  });

  it('writes no link for the same content recorded again, nor for content that comes back (no cycle)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provml-versions-'));
    const file = join(dir, 'table.csv');
    const rec = new Recorder({ environment: false });
    const quads = [];
    for (const content of ['A\n', 'A\n', 'B\n', 'A\n']) quads.push(...parseNQuads((await rec.record(await write(file, content))).nquads));
    const store = new Store(quads);
    expect(revisions(store)).toEqual([[nodeOf(store, sha256('B\n')), nodeOf(store, sha256('A\n')), new IriMinter().sharedGraph()]]);
  });

  it('links nothing across recorders (each process sees only its own), nor without checksums', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provml-versions-'));
    const file = join(dir, 'table.csv');
    const first = await new Recorder({ environment: false }).record(await write(file, 'one\n'));
    const second = await new Recorder({ environment: false }).record(await write(file, 'two\n'));
    expect(revisions(new Store([...parseNQuads(first.nquads), ...parseNQuads(second.nquads)]))).toEqual([]);

    const blind = new Recorder({ environment: false, files: false });
    const a = await blind.record(await write(file, 'three\n'));
    const b = await blind.record(await write(file, 'four\n'));
    expect(revisions(new Store([...parseNQuads(a.nquads), ...parseNQuads(b.nquads)]))).toEqual([]);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
