/**
 * Lineage on a real captured lifecycle: a decorated preparation workflow reads a raw survey file
 * and writes a training file through a transformation with parameters; three decorated trainings
 * (3, 3 and 1 epochs) use it, their epochs saving model files. Captured by `ProvML.init` into an
 * EmbeddedStore, then queried there, through a loopback `startSparqlServer` endpoint (HTTP), and
 * through Virtuoso when it is installed (skipped with a console line otherwise, unless
 * PROVML_REQUIRE_VIRTUOSO=1).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Batch, Epoch, LearningStage, ProvML, Transformation, Workflow, WorkflowRun, ref } from '../../src/index.js';
import { groupByRun, lineage, segment, summarize, toMermaid, type ProvGraph } from '../../src/query/index.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import type { SparqlEndpoint } from '../../src/store/endpoint.js';
import { HttpSparqlEndpoint } from '../../src/store/http.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../support/virtuoso.js';

type DataRef = ReturnType<typeof ref>;
const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/prov-ml#';

@Workflow({ name: 'prepare-survey', persona: 'computational scientist' })
class Preparation {
  constructor(private readonly dir: string) {}

  @WorkflowRun()
  async run(raw: DataRef): Promise<DataRef> {
    return this.tile(raw, { tileSize: 64, threshold: 0.25 });
  }

  @Transformation({ name: 'tile-survey', inputs: { raw: 0 }, params: ['$1.tileSize', '$1.threshold'], outputs: { tiles: '$' } })
  async tile(raw: DataRef, opts: { tileSize: number; threshold: number }): Promise<DataRef> {
    const text = await readFile(raw.uri, 'utf8');
    const out = join(this.dir, 'train.csv');
    await writeFile(out, `${text.length},${opts.tileSize},${opts.threshold}\n`);
    return ref(out, { mediaType: 'text/csv' });
  }
}

@Workflow({ name: 'train-survey', persona: 'ml engineer' })
class Training {
  constructor(
    private readonly dir: string,
    private readonly tag: string,
  ) {}

  @WorkflowRun()
  async run(opts: { lr: number; epochs: number; dataset: DataRef }): Promise<void> {
    await this.train(opts);
  }

  @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['dataset'] })
  async train(opts: { lr: number; epochs: number; dataset: DataRef }): Promise<void> {
    for (let e = 0; e < opts.epochs; e++) await this.epoch(e);
  }

  @Epoch({ indexArg: 0, measures: ['loss'], models: ['model'] })
  async epoch(epoch: number): Promise<{ loss: number; model: DataRef }> {
    let loss = 0;
    for (let b = 0; b < 2; b++) loss += this.batch(b, epoch).loss;
    const file = join(this.dir, `model-${this.tag}-${epoch}.json`);
    await writeFile(file, JSON.stringify({ tag: this.tag, epoch }));
    return { loss, model: ref(file, { mediaType: 'application/json' }) };
  }

  @Batch({ indexArg: 0, measures: ['loss'] })
  batch(b: number, epoch: number): { loss: number } {
    return { loss: 1 / (2 + epoch + b) };
  }
}

let dir: string;
let store: EmbeddedStore;
/** Data node IRI by file name (raw.sgy, train.csv, model-a-0.json…). */
const data: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-lineage-'));
  store = EmbeddedStore.create();
  const prov = ProvML.init({ store, installExitHooks: false, flushIntervalMs: 50 });
  const rawFile = join(dir, 'raw.sgy');
  await writeFile(rawFile, 'SEG-Y survey bytes');
  const dataset = await new Preparation(dir).run(ref(rawFile));
  for (const [tag, epochs] of [['a', 3], ['b', 3], ['c', 1]] as const) await new Training(dir, tag).run({ lr: 0.05, epochs, dataset });
  await prov.shutdown();
  for (const row of await store.select('SELECT ?d ?u WHERE { ?d <https://w3id.org/prov-ml#storageUrl> ?u FILTER NOT EXISTS { ?d a <https://w3id.org/prov-ml#SourceCode> } }')) {
    data[basename(new URL(row.u!.value).pathname)] = row.d!.value;
  }
}, 60_000);

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const label = (g: ProvGraph, iri: string) => g.nodes.find((n) => n.iri === iri)?.label;
const labels = (g: ProvGraph) => g.nodes.map((n) => n.label);
const hasEdge = (g: ProvGraph, from: string, p: string, to: string) => g.edges.some((e) => e.from === from && e.predicate === p && e.to === to);

describe('lineage of a captured lifecycle (embedded store)', () => {
  it('captured the files', () => {
    expect(Object.keys(data).sort()).toEqual(['model-a-0.json', 'model-a-1.json', 'model-a-2.json', 'model-b-0.json', 'model-b-1.json', 'model-b-2.json', 'model-c-0.json', 'raw.sgy', 'train.csv']);
  });

  it('goes back from a model to the training dataset, the transformation, its parameters and the raw file', async () => {
    const model = data['model-a-2.json']!;
    const g = await lineage(store, model);
    const byLabel = (l: string) => g.nodes.find((n) => n.label === l);
    const epoch = byLabel('epoch #2')!;
    const stage = byLabel('train')!;
    const tile = byLabel('tile-survey')!;
    expect(epoch.types).toContain(`${PROVML}EpochExecution`);
    expect(stage.types).toContain(`${PROVML}LearningStageExecution`);
    expect(tile.types).toContain(`${PROVML}DataTransformationExecution`);
    expect(g.nodes.find((n) => n.iri === data['train.csv'])!.types).toContain(`${PROVML}LearningDatasetReferenceValue`);
    expect(labels(g)).toEqual(expect.arrayContaining(['model-a-2.json', 'train.csv', 'raw.sgy', 'tileSize = 64', 'threshold = 0.25', 'lr = 0.05', 'epochs = 3', 'ml engineer', 'computational scientist']));
    // The path, statement by statement.
    expect(hasEdge(g, model, `${PROV}wasGeneratedBy`, epoch.iri)).toBe(true);
    expect(hasEdge(g, epoch.iri, `${PROVML}partOf`, stage.iri)).toBe(true);
    expect(hasEdge(g, stage.iri, `${PROV}used`, data['train.csv']!)).toBe(true);
    expect(hasEdge(g, data['train.csv']!, `${PROV}wasGeneratedBy`, tile.iri)).toBe(true);
    expect(hasEdge(g, tile.iri, `${PROV}used`, data['raw.sgy']!)).toBe(true);
    expect(g.nodes.find((n) => n.iri === data['raw.sgy'])!.depth).toBe(5);
    // Not upstream: other runs' models, later epochs' siblings, batches, losses.
    expect(labels(g)).not.toContain('model-b-2.json');
    expect(labels(g)).not.toContain('epoch #1');
    expect(g.nodes.some((n) => n.types.includes(`${PROVML}BatchExecution`) || n.types.includes(`${PROVML}ModelEvaluation`))).toBe(false);
  });

  it('goes forward from the raw file to every model', async () => {
    const g = await lineage(store, data['raw.sgy']!, { direction: 'forward' });
    for (const [name, iri] of Object.entries(data)) if (name.startsWith('model-')) expect(label(g, iri), name).toBe(name);
    expect(g.nodes.filter((n) => n.types.includes(`${PROVML}BatchExecution`))).toHaveLength(14);
  });

  it('is bounded by maxDepth', async () => {
    const g = await lineage(store, data['model-a-2.json']!, { maxDepth: 3 });
    expect(Math.max(...g.nodes.map((n) => n.depth))).toBe(3);
    expect(labels(g)).toContain('train.csv');
    expect(labels(g)).not.toContain('tile-survey');
    expect(labels(g)).not.toContain('raw.sgy');
  });

  it('prunes excluded classes', async () => {
    const noStage = await lineage(store, data['model-a-2.json']!, { exclude: ['LearningStageExecution'] });
    expect(labels(noStage).sort()).toEqual(['epoch #2', 'model-a-2.json']);
    const noIterations = await lineage(store, data['raw.sgy']!, { direction: 'forward', exclude: ['IterationExecution', 'prov:Agent'] });
    expect(labels(noIterations).some((l) => l.startsWith('model-') || l.startsWith('epoch'))).toBe(false);
    expect(labels(noIterations)).toContain('train');
  });

  it('keeps only the included classes, with edges collapsed through the rest', async () => {
    const model = data['model-a-2.json']!;
    const g = await lineage(store, model, { include: ['DataReferenceValue'] });
    expect(g.nodes.map((n) => n.iri).sort()).toEqual([model, data['train.csv']!, data['raw.sgy']!].sort());
    expect(g.edges.map((e) => [label(g, e.from), e.predicate, label(g, e.to), e.via?.length]).sort()).toEqual([
      ['model-a-2.json', `${PROV}wasInfluencedBy`, 'train.csv', 2],
      ['train.csv', `${PROV}wasInfluencedBy`, 'raw.sgy', 1],
    ]);
    expect(toMermaid(g)).toContain('(["raw.sgy"])');
  });

  it('summarizes one segment per training run and finds the short one', async () => {
    const models = Object.entries(data).filter(([n]) => n.startsWith('model-')).sort().map(([, iri]) => iri);
    const runs = await groupByRun(store, models);
    expect([...runs.values()].map((m) => m.length)).toEqual([3, 3, 1]);
    const segments = await Promise.all([...runs.values()].map((destinations) => segment(store, { sources: [data['raw.sgy']!], destinations })));
    const s = summarize(segments, { by: 'workflow' });
    const epochs = s.groups.find((g) => g.label === 'epoch')!;
    expect(epochs.perSegment).toEqual([3, 3, 1]);
    expect(s.anomalies.map((a) => [a.label, a.segments])).toContainEqual(['epoch', [2]]);
    expect(s.groups.find((g) => g.label === 'tile-survey')).toMatchObject({ count: 1, perSegment: [1, 1, 1] });
  });
});

/** The same questions over HTTP must give the same graphs as the embedded store. */
async function sameAnswers(endpoint: SparqlEndpoint): Promise<void> {
  const model = data['model-a-2.json']!;
  const cases = [
    () => lineage(endpoint, model),
    () => lineage(endpoint, data['raw.sgy']!, { direction: 'forward', exclude: ['BatchExecution'] }),
    () => lineage(endpoint, model, { include: ['DataReferenceValue'] }),
    () => segment(endpoint, { sources: [data['raw.sgy']!], destinations: [model, data['model-c-0.json']!] }),
  ];
  const expected = [
    await lineage(store, model),
    await lineage(store, data['raw.sgy']!, { direction: 'forward', exclude: ['BatchExecution'] }),
    await lineage(store, model, { include: ['DataReferenceValue'] }),
    await segment(store, { sources: [data['raw.sgy']!], destinations: [model, data['model-c-0.json']!] }),
  ];
  for (let i = 0; i < cases.length; i++) expect(await cases[i]!()).toEqual(expected[i]);
  expect([...(await groupByRun(endpoint, [model, data['model-c-0.json']!])).values()]).toEqual([[model], [data['model-c-0.json']]]);
}

describe('lineage over HTTP (loopback SPARQL server)', () => {
  let server: SparqlServer;
  let http: HttpSparqlEndpoint;
  beforeAll(async () => {
    const copy = EmbeddedStore.create();
    copy.loadNQuads(store.dump());
    server = await startSparqlServer({ store: copy });
    http = new HttpSparqlEndpoint({ url: server.queryUrl });
  });
  afterAll(async () => {
    await http?.close();
    await server?.close();
  });

  it('answers like the embedded store', () => sameAnswers(http));
});

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: lineage on Virtuoso — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
}

describe.skipIf(!available && !required)('lineage on Virtuoso', () => {
  let virtuoso: VirtuosoInstance;
  let http: HttpSparqlEndpoint;
  beforeAll(async () => {
    virtuoso = await startVirtuoso();
    http = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } });
    await http.insertQuads(store.dump());
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await virtuoso?.stop();
  });

  it('answers like the embedded store', () => sameAnswers(http));
});
