/**
 * Lifecycle query acceptance suite (issue: reading provenance back). The lifecycle of
 * test/support/lifecycle.ts — curation → two preparations → trainings T1, T2 on dataset A and T3
 * on dataset B — is captured into a target store; domain facts live in a separate graph, or in a
 * second endpoint. Q1–Q6 must return exactly the rows the lifecycle's tables imply. Then T4 (on A)
 * starts and pauses after two epochs: Q3–Q5 must show its partial results, and the full ones after
 * it finishes. Registered for the embedded store and for Virtuoso.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvML, type ProvMLOptions } from '../../../src/index.js';
import { q1, q2, q3, q4, q5, q6, type DomainSource } from '../../../src/query/lifecycle/index.js';
import { termNumber } from '../../../src/query/sparql.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import {
  BATCHES, EPOCHS, PREPARATIONS, SURVEYS, TRAININGS, Training, domainTriples, epochAccuracy, epochLoss, files, runLifecycle,
  type DatasetName, type Gate, type TrainingName,
} from '../../support/lifecycle.js';

/** Where the lifecycle lands. */
export interface LifecycleTarget {
  name: string;
  setup(): Promise<{ options: ProvMLOptions; endpoint?: SparqlEndpoint; teardown?: () => Promise<void> }>;
  /** Significant digits of xsd:double values in results (Virtuoso: 6); default exact. */
  doubleDigits?: number;
}

const DOMAIN_GRAPH = 'urn:example:geology';
const SLICES_A = { firstInline: PREPARATIONS.A.firstInline, lastInline: PREPARATIONS.A.lastInline };

export function lifecycleSuite(target: LifecycleTarget): void {
  describe(`lifecycle queries Q1–Q6 on ${target.name}`, () => {
    let dir: string;
    let prov: ProvML;
    let store: SparqlEndpoint;
    let teardown: (() => Promise<void>) | undefined;
    const close = (actual: number | undefined, expected: number): void => {
      expect(actual).toBeDefined();
      const tol = target.doubleDigits === undefined ? 1e-12 : 10 ** (1 - target.doubleDigits);
      expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * tol + 1e-12);
    };
    const closeRecord = (actual: Record<string, unknown>, expected: Record<string, number>): void => {
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      for (const [k, v] of Object.entries(expected)) close(actual[k] as number, v);
    };

    // Lookups by file: each test derives the IRIs it expects from the files the lifecycle wrote.
    const nodeOf = async (path: string): Promise<string> => {
      const url = files(dir).url(path);
      const rows = await store.select(`SELECT ?n WHERE { ?n <https://w3id.org/prov-ml#storageUrl> ?u FILTER(STR(?u) = ${JSON.stringify(url)}) }`);
      expect(rows, `a data node for ${url}`).toHaveLength(1);
      return rows[0]!.n!.value;
    };
    const model = (t: TrainingName, e: number) => nodeOf(files(dir).model(t, e));
    const dataset = (d: DatasetName) => nodeOf(files(dir).dataset(d));
    const survey = (s: keyof typeof SURVEYS) => nodeOf(files(dir).survey(s));
    /** Run and stage IRIs of a training, found from its first model. */
    const runOf = async (t: TrainingName): Promise<{ run: string; stage: string }> => {
      const m = await model(t, 0);
      const [r] = await store.select(`PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX provml: <https://w3id.org/prov-ml#>
        SELECT ?run ?stage WHERE { <${m}> prov:wasGeneratedBy/provml:partOf ?stage . ?stage provml:partOf ?run }`);
      return { run: r!.run!.value, stage: r!.stage!.value };
    };
    /** Every finished batch duration of a stage, by epoch: read one by one, aggregated here. */
    const batchDurations = async (stage: string): Promise<Map<number, number[]>> => {
      const rows = await store.select(`PREFIX provml: <https://w3id.org/prov-ml#>
        SELECT ?i ?ms WHERE { ?e provml:partOf <${stage}> ; provml:iterationIndex ?i . ?b provml:partOf ?e ; a provml:BatchExecution ; provml:durationMs ?ms }`);
      const out = new Map<number, number[]>();
      for (const r of rows) {
        const i = termNumber(r.i)!;
        out.set(i, [...(out.get(i) ?? []), termNumber(r.ms)!]);
      }
      return out;
    };
    const epochDurations = async (stage: string): Promise<number[]> =>
      (await store.select(`PREFIX provml: <https://w3id.org/prov-ml#> SELECT ?ms WHERE { ?e provml:partOf <${stage}> ; a provml:EpochExecution ; provml:durationMs ?ms }`)).map((r) => termNumber(r.ms)!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'provml-lifecycle-'));
      const t = await target.setup();
      teardown = t.teardown;
      prov = ProvML.init({ installExitHooks: false, flushIntervalMs: 50, environment: false, ...t.options });
      await runLifecycle(dir);
      await prov.flush();
      store = t.endpoint ?? prov.store!;
      await store.insertQuads(domainTriples(dir), DOMAIN_GRAPH);
    }, 120_000);

    afterAll(async () => {
      await prov?.shutdown();
      await teardown?.();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const expectedSource = async (s: keyof typeof SURVEYS, withDomain: boolean) => {
      const { inlines, crosslines, latitude, longitude, basin, field } = SURVEYS[s];
      return {
        data: await survey(s),
        storageUrl: files(dir).url(files(dir).survey(s)),
        characteristics: { inlines, crosslines, latitude, longitude },
        domain: withDomain ? { basin, field } : {},
      };
    };
    const strip = <T extends { checksum?: string }>(rows: T[]) => rows.map(({ checksum, ...rest }) => (expect(checksum).toMatch(/^[0-9a-f]{64}$/), rest));

    it('Q1: a model → the seismic file behind its training set, its slices and coordinates, basin and field from the domain graph', async () => {
      for (const [t, s] of [['T1', 'netherlands'], ['T2', 'netherlands'], ['T3', 'santos']] as const) {
        const m = await model(t, 2);
        const rows = await q1(store, { model: m, domain: { graph: DOMAIN_GRAPH } });
        const ds = await dataset(TRAININGS[t].dataset);
        expect(strip(rows)).toEqual([{ model: m, dataset: ds, ...(await expectedSource(s, true)) }]);
      }
    });

    it('Q1: domain facts from a second endpoint are joined on the client; without a domain source only provenance comes back', async () => {
      const kg = EmbeddedStore.create();
      await kg.insertQuads(domainTriples(dir));
      const m = await model('T3', 1);
      const remote: DomainSource = { endpoint: kg, properties: { oilBasin: 'http://example.org/geo#basin' } };
      const [row] = await q1(store, { model: m, domain: remote });
      expect(row?.domain).toEqual({ oilBasin: SURVEYS.santos.basin });
      const [plain] = await q1(store, { model: m, domain: { graph: 'urn:example:empty' } });
      expect(plain?.domain).toEqual({});
      expect(plain?.characteristics.inlines).toBe(SURVEYS.santos.inlines);
      await kg.close();
    });

    it('Q2: a model → tile size, noise threshold and slice range of the preparation that made its training set', async () => {
      const m = await model('T2', 0);
      const rows = await q2(store, { model: m });
      const p = PREPARATIONS.A;
      const got = rows.map((r) => [r.transformation, r.parameter, r.value]).sort();
      const want = [
        ['select-slices', 'firstInline', p.firstInline], ['select-slices', 'lastInline', p.lastInline],
        ['tile-and-denoise', 'noiseThreshold', p.noiseThreshold], ['tile-and-denoise', 'tileSize', p.tileSize],
      ].sort();
      expect(got.map(([a, b]) => [a, b])).toEqual(want.map(([a, b]) => [a, b]));
      got.forEach((g, i) => close(g[2] as number, want[i]![2] as number));
      expect(new Set(rows.map((r) => r.dataset))).toEqual(new Set([await dataset('A')]));
    });

    it('Q3: a dataset → the least-loss model of all its trainings, with hyperparameters and evaluations; and per run', async () => {
      const best = await q3(store, { dataset: await dataset('A') });
      // T2's last epoch: 0.8 / 3 beats T1's 1.0 / 3.
      expect(best?.model).toBe(await model('T2', EPOCHS - 1));
      expect(best?.run).toBe((await runOf('T2')).run);
      expect(best?.epoch).toBe(EPOCHS - 1);
      close(best?.value, epochLoss('T2', EPOCHS - 1));
      closeRecord(best!.hyperparameters, { learningRate: TRAININGS.T2.learningRate, batchSize: TRAININGS.T2.batchSize, epochs: EPOCHS });
      closeRecord(best!.evaluations, { loss: epochLoss('T2', EPOCHS - 1), accuracy: epochAccuracy('T2', EPOCHS - 1) });
      expect(best?.modelHyperparameters).toEqual({ epoch: EPOCHS - 1 });

      const inT1 = await q3(store, { dataset: await dataset('A'), run: (await runOf('T1')).run });
      expect(inT1?.model).toBe(await model('T1', EPOCHS - 1));
      const mostAccurate = await q3(store, { dataset: await dataset('B'), measure: 'accuracy', order: 'max' });
      expect(mostAccurate?.model).toBe(await model('T3', EPOCHS - 1));
      expect(await q3(store, { dataset: await dataset('B'), measure: 'no-such-measure' })).toBeUndefined();
    });

    it('Q4: batch time avg/min/max per epoch of every training on a dataset', async () => {
      const rows = await q4(store, { dataset: await dataset('A') });
      const expected = [];
      for (const t of ['T1', 'T2'] as const) {
        const { run, stage } = await runOf(t);
        const durations = await batchDurations(stage);
        for (let e = 0; e < EPOCHS; e++) {
          const d = durations.get(e)!;
          expected.push({ run, stage, epoch: e, batches: BATCHES, avg: mean(d), min: Math.min(...d), max: Math.max(...d) });
        }
      }
      const key = (r: { run: string; epoch: number }) => `${r.run} ${r.epoch}`;
      expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
      for (const r of rows) {
        const e = expected.find((x) => key(x) === key(r))!;
        expect([r.stage, r.batches]).toEqual([e.stage, e.batches]);
        close(r.avgMs, e.avg);
        close(r.minMs, e.min);
        close(r.maxMs, e.max);
      }
      expect(await q4(store, { dataset: await dataset('A'), run: (await runOf('T1')).run })).toHaveLength(EPOCHS);
    });

    it('Q5: a slice range → average batch and epoch time and the evaluations of each model trained on the dataset it produced', async () => {
      const rows = await q5(store, { parameters: SLICES_A });
      expect(rows.map((r) => r.run).sort()).toEqual([(await runOf('T1')).run, (await runOf('T2')).run].sort());
      for (const t of ['T1', 'T2'] as const) {
        const { run, stage } = await runOf(t);
        const r = rows.find((x) => x.run === run)!;
        expect([r.dataset, r.stage, r.epochs, r.batches]).toEqual([await dataset('A'), stage, EPOCHS, EPOCHS * BATCHES]);
        close(r.avgBatchMs, mean([...(await batchDurations(stage)).values()].flat()));
        close(r.avgEpochMs, mean(await epochDurations(stage)));
        expect(r.models.map((m) => m.epoch)).toEqual([0, 1, 2]);
        for (const m of r.models) {
          expect(m.model).toBe(await model(t, m.epoch!));
          closeRecord(m.evaluations, { loss: epochLoss(t, m.epoch!), accuracy: epochAccuracy(t, m.epoch!) });
        }
      }
      expect(await q5(store, { parameters: { firstInline: 100, lastInline: 301 } })).toEqual([]);
      expect(await q5(store, { parameters: { firstInline: PREPARATIONS.B.firstInline } })).toHaveLength(1);
    });

    it('Q6: the same slice range → the seismic file, its number of slices, basin and field', async () => {
      const rows = await q6(store, { parameters: SLICES_A, domain: { graph: DOMAIN_GRAPH } });
      expect(strip(rows)).toEqual([{ dataset: await dataset('A'), ...(await expectedSource('netherlands', true)) }]);
      const byTile = await q6(store, { parameters: { tileSize: PREPARATIONS.B.tileSize, noiseThreshold: PREPARATIONS.B.noiseThreshold }, domain: { graph: DOMAIN_GRAPH } });
      expect(strip(byTile)).toEqual([{ dataset: await dataset('B'), ...(await expectedSource('santos', true)) }]);
    });

    it('Q3–Q5 online: a training still running shows what it captured so far, then its full results', async () => {
      let reached!: () => void;
      let release!: () => void;
      const waiting = new Promise<void>((r) => (reached = r));
      const gate: Gate = { after: 1, reached, release: new Promise<void>((r) => (release = r)) };
      const running = new Training(dir, 'T4', gate).run();
      await waiting;
      await prov.flush();

      const dsA = await dataset('A');
      const { run, stage } = await runOf('T4');
      const partialBest = await q3(store, { dataset: dsA });
      expect(partialBest?.model).toBe(await model('T4', 1)); // 0.5 / 2 already beats T2's 0.8 / 3
      close(partialBest?.value, epochLoss('T4', 1));
      expect((await q4(store, { dataset: dsA, run })).map((r) => [r.epoch, r.batches])).toEqual([[0, BATCHES], [1, BATCHES]]);
      const partial = (await q5(store, { parameters: SLICES_A })).find((r) => r.run === run);
      expect([partial?.stage, partial?.epochs, partial?.batches, partial?.models.length]).toEqual([stage, 2, 2 * BATCHES, 2]);
      const [runEnd] = await store.select(`PREFIX prov: <http://www.w3.org/ns/prov#> ASK { <${run}> prov:endedAtTime ?t }`.replace('ASK', 'SELECT (COUNT(*) AS ?n) WHERE'));
      expect(termNumber(runEnd?.n)).toBe(0); // the run is really still open

      release();
      await running;
      await prov.flush();
      const finalBest = await q3(store, { dataset: dsA });
      expect(finalBest?.model).toBe(await model('T4', EPOCHS - 1));
      expect((await q4(store, { dataset: dsA, run })).map((r) => r.epoch)).toEqual([0, 1, 2]);
      const full = (await q5(store, { parameters: SLICES_A })).find((r) => r.run === run);
      expect([full?.epochs, full?.batches, full?.models.length]).toEqual([EPOCHS, EPOCHS * BATCHES, EPOCHS]);
    });
  });
}
