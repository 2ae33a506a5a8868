/**
 * Capture acceptance suite (issue: capture runtime). A decorated training — workflow → data
 * preparation → training stage → 3 epochs × 5 batches — runs into a store; SPARQL over that
 * store must return exactly what the code did, and the data must conform to the SHACL shapes.
 * Registered once per decorator flavour on the embedded Oxigraph store (the default target), and
 * by test/integration/endpoints/ once per HTTP endpoint (provml serve, Virtuoso) and write path.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvML, type ProvMLOptions } from '../../../src/index.js';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import { listRuns, runDatasets, runEpochs, runHyperparameters } from '../../../src/query/index.js';
import { validateDataset } from '../../../src/validate/index.js';
import type { SeismicTraining } from './fixture.js';

const P = `PREFIX provml: <https://w3id.org/prov-ml#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX mls: <http://www.w3.org/ns/mls#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
`;

type Ctor = new (dir: string) => SeismicTraining;

/**
 * Where the training lands and where the checks query: `options` for `ProvML.init` (merged over
 * `{ installExitHooks: false, flushIntervalMs: 50 }`) and the endpoint to query. Called in the
 * suite's `beforeAll`, so it may use servers a file-level `beforeAll` started.
 */
export interface TrainingTarget {
  /** Shown in the describe title, e.g. `provml serve via Graph Store`. */
  name: string;
  setup(): Promise<{ options: ProvMLOptions; endpoint?: (prov: ProvML) => SparqlEndpoint; teardown?: () => Promise<void> }>;
  /**
   * Significant digits the endpoint keeps when it *writes* xsd:double values in query results
   * (Virtuoso: 6 — it stores the full double but serializes "0.383333"). Losses are then compared
   * to that precision; everything else stays exact. Default: exact.
   */
  doubleDigits?: number;
}

/** `actual` equals `expected`, or (with `digits`) each number agrees to that many significant digits. */
function expectNumbers(actual: number[], expected: number[], digits: number | undefined): void {
  if (digits === undefined) {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) * 10 ** (1 - digits)));
}

/** The default target: the tracker's own in-memory embedded store. */
const embeddedTarget: TrainingTarget = {
  name: 'embedded store',
  setup: async () => ({ options: {} }),
};

export function trainingSuite(flavour: 'legacy' | 'tc39', Training: Ctor, flavourSeen: string[], target: TrainingTarget = embeddedTarget): void {
  describe(`capture → ${target.name} (${flavour} decorators)`, () => {
    let dir: string;
    let prov: ProvML;
    let endpoint: SparqlEndpoint;
    let teardown: (() => Promise<void>) | undefined;
    let training: SeismicTraining;
    let userError: unknown;
    const thrown = new TypeError('tile size must be positive');

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `provml-${flavour}-`));
      const setup = await target.setup();
      teardown = setup.teardown;
      prov = ProvML.init({ installExitHooks: false, flushIntervalMs: 50, ...setup.options });
      endpoint = setup.endpoint ? setup.endpoint(prov) : prov.store!;
      training = new Training(dir);
      await training.run({ lr: 0.05, epochs: 3 });
      try {
        await training.broken(7, thrown);
      } catch (err) {
        userError = err;
      }
      await prov.flush();
    });

    afterAll(async () => {
      await prov.shutdown();
      await teardown?.();
      await rm(dir, { recursive: true, force: true });
    });

    const select = async (q: string) => (await endpoint.select(P + q)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.value])));

    it('compiled the fixture with the intended decorator flavour', () => {
      expect(flavourSeen).toContain(flavour);
    });

    it('stores exactly 3 epochs under the training stage execution, inside the workflow execution', async () => {
      const rows = await select(`SELECT ?epoch ?i ?stage ?wf WHERE {
        ?epoch a provml:EpochExecution ; provml:iterationIndex ?i ; provml:partOf ?stage .
        ?stage a provml:LearningStageExecution ; provml:partOf ?wf .
        ?wf a provml:LearningProcessExecution } ORDER BY ?i`);
      expect(rows.map((r) => Number(r.i))).toEqual([0, 1, 2]);
      expect(new Set(rows.map((r) => r.stage)).size).toBe(1);
      expect(new Set(rows.map((r) => r.wf)).size).toBe(1);
    });

    it('stores exactly 15 batches, 5 per epoch, with the losses the code computed', async () => {
      const rows = await select(`SELECT ?ei ?bi ?loss WHERE {
        ?batch a provml:BatchExecution ; provml:iterationIndex ?bi ; provml:partOf ?epoch .
        ?epoch a provml:EpochExecution ; provml:iterationIndex ?ei .
        ?ev a provml:ModelEvaluation ; prov:wasGeneratedBy ?batch ; mls:hasValue ?loss ;
            provml:valueOf/provml:name "loss" } ORDER BY ?ei ?bi`);
      expect(rows).toHaveLength(15);
      expect(rows.map((r) => [Number(r.ei), Number(r.bi)])).toEqual([0, 1, 2].flatMap((e) => [0, 1, 2, 3, 4].map((b) => [e, b])));
      expectNumbers(rows.map((r) => Number(r.loss)), training.losses, target.doubleDigits);
    });

    it('stores the epoch losses, a model per epoch and the epoch it was produced at', async () => {
      const rows = await select(`SELECT ?i ?loss ?url ?at WHERE {
        ?epoch a provml:EpochExecution ; provml:iterationIndex ?i .
        ?ev a provml:ModelEvaluation ; prov:wasGeneratedBy ?epoch ; mls:hasValue ?loss ; provml:evaluatesModel ?model .
        ?model a provml:ModelReferenceValue ; prov:wasGeneratedBy ?epoch ; provml:storageUrl ?url .
        ?mh a provml:ModelHyperParameterValue ; provml:characterizes ?model ; mls:hasValue ?at } ORDER BY ?i`);
      expectNumbers(rows.map((r) => Number(r.loss)), training.epochLosses, target.doubleDigits);
      expect(rows.map((r) => Number(r.at))).toEqual([0, 1, 2]);
      expect(rows.map((r) => r.url)).toEqual([0, 1, 2].map((e) => `file://${join(dir, `model-${e}.json`)}`));
    });

    it('stores the hyperparameters the training stage used', async () => {
      const rows = await select(`SELECT ?name ?value WHERE {
        ?stage a provml:LearningStageExecution ; prov:used ?s .
        ?s a provml:LearningHyperParameterSetting ; mls:hasValue ?value ; provml:valueOf ?hp .
        ?hp a provml:LearningHyperParameter ; provml:name ?name } ORDER BY ?name`);
      expect(rows).toEqual([
        { name: 'batchSize', value: '32' },
        { name: 'epochs', value: '3' },
        { name: 'lr', value: '0.05' },
      ]);
    });

    it('links the dataset the preparation generated to the training that used it, with its checksum', async () => {
      const rows = await select(`SELECT ?url ?sum ?size ?tile WHERE {
        ?stage a provml:LearningStageExecution ; prov:used ?data .
        ?data a provml:LearningDatasetReferenceValue ; provml:storageUrl ?url ; provml:checksum ?sum ; provml:byteSize ?size ;
              prov:wasGeneratedBy ?prep .
        ?prep a provml:DataTransformationExecution ; provml:executes/provml:name "prepare-tiles" ; prov:used ?p .
        ?p provml:valueOf/provml:name "tileSize" ; mls:hasValue ?tile }`);
      const file = join(dir, 'tiles-64.csv');
      const bytes = await readFile(file);
      expect(rows).toEqual([
        { url: `file://${file}`, sum: createHash('sha256').update(bytes).digest('hex'), size: String(bytes.length), tile: '64' },
      ]);
    });

    it('records the study, experiment, persona and stage type of the workflow', async () => {
      const rows = await select(`SELECT ?wfName ?exp ?study ?persona ?type WHERE {
        ?run a provml:WorkflowExecution ; provml:executes ?wf ; prov:wasAssociatedWith/provml:name ?persona .
        ?wf provml:name ?wfName ; provml:inExperiment ?e . ?e provml:name ?exp ; provml:inStudy/provml:name ?study .
        ?stage a provml:LearningStageExecution ; provml:partOf ?run ; provml:executes/provml:hasStageType ?type }`);
      expect(rows).toEqual([
        { wfName: 'seismic-training', exp: 'baseline', study: 'stratigraphy', persona: 'ml-engineer', type: 'https://w3id.org/prov-ml#Training' },
      ]);
    });

    it('gives the user their own error unchanged and records the failed execution', async () => {
      expect(userError).toBe(thrown);
      expect((userError as Error).stack).toBe(thrown.stack);
      const rows = await select(`SELECT ?status ?msg ?attempt WHERE {
        ?x a provml:DataTransformationExecution ; provml:executes/provml:name "broken-step" ;
           provml:status ?status ; provml:errorMessage ?msg ; prov:endedAtTime ?end ; prov:used/mls:hasValue ?attempt }`);
      expect(rows).toEqual([{ status: 'failed', msg: 'TypeError: tile size must be positive', attempt: '7' }]);
    });

    it('keeps one named graph per workflow execution and uses no blank nodes', async () => {
      const graphs = await select(`SELECT DISTINCT ?g WHERE { GRAPH ?g { ?run a provml:WorkflowExecution } }`);
      const runs = await select(`SELECT ?run WHERE { ?run a provml:WorkflowExecution }`);
      expect(graphs).toHaveLength(runs.length);
      const blanks = await select(`SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }`);
      expect(blanks).toEqual([{ n: '0' }]);
    });

    it('conforms to the PROV-ML SHACL shapes', async () => {
      const quads = await endpoint.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }');
      expect(quads.length).toBeGreaterThan(200);
      const report = await validateDataset(quads);
      expect(report.results).toEqual([]);
    });

    it('reads the run back through provml/query', async () => {
      const runs = await listRuns(endpoint);
      const learning = runs.filter((r) => r.learning);
      expect(learning).toHaveLength(1);
      expect(learning[0]).toMatchObject({ workflow: 'seismic-training', status: 'completed', persona: 'ml-engineer' });
      const run = learning[0]!.run;
      const epochs = await runEpochs(endpoint, run);
      expect(epochs.map((e) => [e.epoch, e.batches, e.stageType])).toEqual([[0, 5, 'training'], [1, 5, 'training'], [2, 5, 'training']]);
      expectNumbers(epochs.map((e) => e.measures.loss!), training.epochLosses, target.doubleDigits);
      expect((await runHyperparameters(endpoint, run)).map((h) => `${h.name}=${h.value}`)).toEqual(['batchSize=32', 'epochs=3', 'lr=0.05']);
      const data = await runDatasets(endpoint, run);
      expect(data.filter((d) => d.role === 'used').map((d) => d.storageUrl)).toEqual([`file://${join(dir, 'tiles-64.csv')}`]);
      expect(data.filter((d) => d.role === 'generated' && d.kind === 'EpochExecution')).toHaveLength(3);
    });

    it('accounts for every captured event', () => {
      const s = prov.stats();
      expect(s.captured).toBeGreaterThan(40);
      expect(s.sent).toBe(s.captured);
      expect(s.dropped + s.journaled).toBe(0);
    });
  });
}
