/**
 * Lineage, segmentation and summarization on a hand-written graph (test/fixtures/lineage/runs.ttl)
 * whose expected subgraphs are known exactly: three runs on one prepared dataset, run C with one
 * epoch fewer than A and B.
 */
import { readFile } from 'node:fs/promises';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineage, segment, summarize, summaryGraph, type ProvGraph } from '../../../src/query/index.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';

const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/prov-ml#';
const ex = (s: string) => `urn:ex:${s}`;
const FIXTURE = new URL('../../fixtures/lineage/runs.ttl', import.meta.url);

/** Edges as `from predicate-local-name to` strings with the `urn:ex:` prefix dropped, sorted. */
function edgeSet(g: ProvGraph): string[] {
  const short = (iri: string) => iri.replace('urn:ex:', '');
  return g.edges.map((e) => `${short(e.from)} ${e.predicate.slice(e.predicate.search(/[#][^#]*$/) + 1)} ${short(e.to)}`).sort();
}
function nodeSet(g: ProvGraph): string[] {
  return g.nodes.map((n) => n.iri.replace('urn:ex:', '')).sort();
}

let store: EmbeddedStore;

beforeAll(async () => {
  store = EmbeddedStore.create();
  await store.insertQuads(new Parser().parse(await readFile(FIXTURE, 'utf8')), 'urn:provml:graph:fixture');
});
afterAll(() => store.close());

const models = (run: string, n: number) => Array.from({ length: n }, (_, i) => ex(`${run}-m${i}`));
/** What every segment raw file → models of one run must contain besides its epochs and models. */
const trunk = ['prepare', 'raw', 'train-set'];

describe('segment', () => {
  it('keeps exactly the nodes and edges on paths from a source to the destinations', async () => {
    const g = await segment(store, { sources: [ex('raw')], destinations: models('a', 3) });
    expect(nodeSet(g)).toEqual([...trunk, 'a-e0', 'a-e1', 'a-e2', 'a-m0', 'a-m1', 'a-m2', 'a-stage'].sort());
    expect(edgeSet(g)).toEqual(
      [
        'prepare used raw',
        'train-set wasGeneratedBy prepare',
        'a-stage used train-set',
        ...[0, 1, 2].flatMap((i) => [`a-e${i} partOf a-stage`, `a-m${i} wasGeneratedBy a-e${i}`]),
      ].sort(),
    );
    // Left out: the raw file's other product, hyperparameters, losses, batches, other runs, the author.
    const depth = Object.fromEntries(g.nodes.map((n) => [n.iri.replace('urn:ex:', ''), n.depth]));
    expect(depth).toMatchObject({ raw: 0, prepare: 1, 'train-set': 2, 'a-stage': 3, 'a-e0': 4, 'a-m0': 5 });
    expect(g.roots).toEqual([ex('raw'), ...models('a', 3)]);
    expect(g.nodes.find((n) => n.iri === ex('a-e1'))).toMatchObject({ kind: 'activity', label: 'epoch #1', plan: { iri: ex('plan-epoch'), name: 'epoch' } });
    expect(g.nodes.find((n) => n.iri === ex('raw'))).toMatchObject({ kind: 'entity', label: 'raw survey.sgy' });
  });

  it('connects an author to a model through the execution associated with them', async () => {
    const g = await segment(store, { sources: [ex('alice')], destinations: [ex('b-m0')] });
    expect(nodeSet(g)).toEqual(['alice', 'b-e0', 'b-m0', 'b-stage', 'prepare', 'train-set']);
    expect(edgeSet(g)).toContain('prepare wasAssociatedWith alice');
    expect(g.nodes.find((n) => n.iri === ex('alice'))).toMatchObject({ kind: 'agent', label: 'alice', depth: 0 });
  });

  it('bounds paths by maxHops (raw file → model is 5 hops)', async () => {
    const opts = { sources: [ex('raw')], destinations: [ex('a-m0')] };
    expect((await segment(store, { ...opts, maxHops: 4 })).nodes).toEqual([]);
    expect(nodeSet(await segment(store, { ...opts, maxHops: 5 }))).toEqual([...trunk, 'a-e0', 'a-m0', 'a-stage'].sort());
  });

  it('prunes excluded classes and collapses edges through nodes include leaves out', async () => {
    const none = await segment(store, { sources: [ex('raw')], destinations: [ex('a-m0')], exclude: ['LearningStageExecution'] });
    expect(none.nodes).toEqual([]);
    const files = await segment(store, { sources: [ex('raw')], destinations: [ex('a-m0')], include: ['DataReferenceValue'] });
    expect(nodeSet(files)).toEqual(['a-m0', 'raw', 'train-set']);
    expect(files.edges).toEqual([
      { from: ex('a-m0'), predicate: `${PROV}wasInfluencedBy`, to: ex('train-set'), via: [ex('a-e0'), ex('a-stage')] },
      { from: ex('train-set'), predicate: `${PROV}wasInfluencedBy`, to: ex('raw'), via: [ex('prepare')] },
    ]);
  });

  it('rejects invalid IRIs and empty source lists', async () => {
    await expect(segment(store, { sources: ['urn:x> } DROP ALL'], destinations: [ex('a-m0')] })).rejects.toThrow(/not a valid IRI/);
    await expect(segment(store, { sources: [], destinations: [ex('a-m0')] })).rejects.toThrow(/at least one source/);
  });
});

describe('summarize', () => {
  let segments: ProvGraph[];
  beforeAll(async () => {
    segments = await Promise.all(
      [models('a', 3), models('b', 3), models('c', 2)].map((destinations) => segment(store, { sources: [ex('raw')], destinations })),
    );
  });

  it('groups by type with counts per segment, shared nodes counted once', () => {
    const s = summarize(segments, { by: 'type' });
    expect(s.segments).toBe(3);
    const groups = Object.fromEntries(s.groups.map((g) => [g.label, { count: g.count, perSegment: g.perSegment, kind: g.kind }]));
    expect(groups).toEqual({
      DataReferenceValue: { count: 1, perSegment: [1, 1, 1], kind: 'entity' },
      DataTransformationExecution: { count: 1, perSegment: [1, 1, 1], kind: 'activity' },
      EpochExecution: { count: 8, perSegment: [3, 3, 2], kind: 'activity' },
      LearningDatasetReferenceValue: { count: 1, perSegment: [1, 1, 1], kind: 'entity' },
      LearningStageExecution: { count: 3, perSegment: [1, 1, 1], kind: 'activity' },
      ModelReferenceValue: { count: 8, perSegment: [3, 3, 2], kind: 'entity' },
    });
    const edge = (from: string, p: string, to: string) => s.edges.find((e) => e.from === PROVML + from && e.predicate === p && e.to === PROVML + to);
    expect(edge('EpochExecution', `${PROVML}partOf`, 'LearningStageExecution')).toMatchObject({ count: 8, perSegment: [3, 3, 2] });
    expect(edge('ModelReferenceValue', `${PROV}wasGeneratedBy`, 'EpochExecution')).toMatchObject({ count: 8, perSegment: [3, 3, 2] });
    expect(edge('LearningStageExecution', `${PROV}used`, 'LearningDatasetReferenceValue')).toMatchObject({ count: 3, perSegment: [1, 1, 1] });
    expect(s.edges).toHaveLength(5);
  });

  it('points at the abnormal run', () => {
    const s = summarize(segments, { by: 'type' });
    expect(s.anomalies).toEqual([
      { group: `${PROVML}EpochExecution`, label: 'EpochExecution', typical: 3, segments: [2], counts: [3, 3, 2] },
      { group: `${PROVML}ModelReferenceValue`, label: 'ModelReferenceValue', typical: 3, segments: [2], counts: [3, 3, 2] },
    ]);
  });

  it('groups executions by plan at the workflow level', () => {
    const s = summarize(segments, { by: 'workflow' });
    expect(s.groups.map((g) => [g.label, g.perSegment])).toEqual(
      expect.arrayContaining([
        ['prepare-tiles', [1, 1, 1]],
        ['train', [1, 1, 1]],
        ['epoch', [3, 3, 2]],
      ]),
    );
    expect(s.groups.find((g) => g.label === 'epoch')!.id).toBe(ex('plan-epoch'));
  });

  it('draws as a graph with counts in the labels', () => {
    const g = summaryGraph(summarize(segments));
    expect(g.nodes.map((n) => n.label)).toContain('EpochExecution ×8 (3 | 3 | 2)');
    expect(g.nodes.map((n) => n.label)).toContain('DataReferenceValue ×1');
    expect(g.edges.map((e) => e.label)).toContain('partOf ×8 (3 | 3 | 2)');
  });

  it('reports no anomaly without a majority, and rejects an unknown level', () => {
    expect(summarize(segments.slice(1)).anomalies).toEqual([]); // 3 vs 2 epochs: which one is odd?
    expect(() => summarize(segments, { by: 'color' as 'type' })).toThrow(/type" or "workflow/);
  });
});

describe('lineage on the hand-written graph', () => {
  it('backward from a model: epoch, stage, dataset, preparation, parameter, raw file, author', async () => {
    const g = await lineage(store, ex('c-m1'));
    expect(nodeSet(g)).toEqual(['alice', 'c-e1', 'c-lr', 'c-m1', 'c-stage', 'prepare', 'raw', 'tile-size', 'train-set']);
    expect(g.nodes.find((n) => n.iri === ex('tile-size'))).toMatchObject({ label: 'tileSize = 64', attribute: { iri: ex('attr-tile'), name: 'tileSize' } });
  });

  it('forward from the raw file reaches every model, and follows only the given predicates', async () => {
    const g = await lineage(store, ex('raw'), { direction: 'forward' });
    for (const m of [...models('a', 3), ...models('b', 3), ...models('c', 2)]) expect(nodeSet(g)).toContain(m.replace('urn:ex:', ''));
    expect(nodeSet(g)).toContain('preview');
    const usedOnly = await lineage(store, ex('raw'), { direction: 'forward', predicates: ['used'] });
    expect(nodeSet(usedOnly)).toEqual(['prepare', 'preview-exec', 'raw']);
  });

  it('ends at cycles (each node entered once)', async () => {
    const cyc = EmbeddedStore.create();
    await cyc.insertQuads(
      new Parser().parse(`@prefix prov: <${PROV}> . <urn:c:a> prov:wasDerivedFrom <urn:c:b> . <urn:c:b> prov:wasDerivedFrom <urn:c:c> . <urn:c:c> prov:wasDerivedFrom <urn:c:a> .`),
    );
    const g = await lineage(cyc, 'urn:c:a');
    expect(g.nodes.map((n) => [n.iri, n.depth])).toEqual([['urn:c:a', 0], ['urn:c:b', 1], ['urn:c:c', 2]]);
    expect(g.edges).toHaveLength(3);
    const seg = await segment(cyc, { sources: ['urn:c:a'], destinations: ['urn:c:a'] });
    // Forward from a: c was derived from a (1 hop), b from c (2 hops); the cycle closes back at a.
    expect(seg.nodes.map((n) => [n.iri, n.depth])).toEqual([['urn:c:a', 0], ['urn:c:c', 1], ['urn:c:b', 2]]);
    expect(seg.edges).toHaveLength(3);
    await cyc.close();
  });

  it('stops at maxNodes and says so', async () => {
    const g = await lineage(store, ex('raw'), { direction: 'forward', maxNodes: 4 });
    expect(g.nodes).toHaveLength(4);
    expect(g.truncated).toBe(true);
  });
});
