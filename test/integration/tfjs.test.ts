import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, track, type DataRefSummary } from '../../src/capture/index.js';
import { MLS_NS, PROV_NS, PROVML_NS } from '../../src/generated/vocab.js';
import { provmlCallback } from '../../src/tfjs.js';
import { ProvML } from '../../src/tracker.js';
import { validateDataset } from '../../src/validate/index.js';

// A real tf.js fit (pure-JS CPU backend). Skips only when @tensorflow/tfjs cannot be imported.
const tf: typeof TF | undefined = await import('@tensorflow/tfjs').catch((err: unknown) => {
  console.warn(`tfjs integration test skipped: @tensorflow/tfjs cannot be imported (${String(err)})`);
  return undefined;
});

const P = `PREFIX provml: <${PROVML_NS}> PREFIX prov: <${PROV_NS}> PREFIX mls: <${MLS_NS}>`;

describe.skipIf(tf === undefined)('provml/tfjs: provmlCallback on a real model.fit (skipped if @tensorflow/tfjs is missing)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-tfjs-'));
    await tf!.setBackend('cpu');
    await tf!.ready();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('records stage → 3 epochs → 12 batches with measures, hyperparameters, dataset and models', async () => {
    const t = tf!;
    expect(t.getBackend()).toBe('cpu');
    const trainFile = join(dir, 'train.csv');
    await writeFile(trainFile, 'x0,x1,x2,x3,y\n');

    // 64 samples × 4 features, a learnable binary target.
    const xs = t.randomNormal([64, 4], 0, 1, 'float32', 42);
    const ys = t.tidy(() => xs.sum(1, true).greater(0).toFloat());
    const model = t.sequential({
      layers: [t.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), t.layers.dense({ units: 1, activation: 'sigmoid' })],
    });
    model.compile({ optimizer: t.train.sgd(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

    const saved: string[] = [];
    const errors: unknown[] = [];
    const callbacks = provmlCallback({
      hyperparameters: { learningRate: 0.01 },
      model,
      inputs: { train: ref(trainFile, { mediaType: 'text/csv' }) },
      onError: (e) => errors.push(e),
      saveModel: async (epoch): Promise<DataRefSummary> => {
        const file = join(dir, `model-${epoch}.json`);
        await writeFile(file, JSON.stringify({ epoch }));
        saved.push(file);
        return ref(file, { mediaType: 'application/json' });
      },
    });
    // Type-level check: the callback is a tf.js CustomCallbackArgs.
    const asTf: TF.CustomCallbackArgs = callbacks;
    expect(asTf).toBe(callbacks);
    // One hook per batch: tf.js awaits every hook it finds, so there is no onBatchBegin.
    expect(Object.keys(callbacks).filter((k) => k.startsWith('onBatch'))).toEqual(['onBatchEnd']);

    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      const started = performance.now();
      const history = await track.workflow({ name: 'tfjs-fit', study: 'synthetic' }, () =>
        model.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, validationSplit: 0, callbacks }),
      );
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(history.epoch).toEqual([0, 1, 2]);
      expect(errors).toEqual([]);
      expect(saved).toHaveLength(3);
      expect(callbacks.execution).toBeUndefined(); // the stage ended
      t.dispose([xs, ys]);
      model.dispose();
      await prov.flush();
      const store = prov.store!;
      const q = async (body: string) => store.select(`${P} ${body}`);

      const stages = await q('SELECT ?s WHERE { ?s a provml:LearningStageExecution }');
      expect(stages).toHaveLength(1);
      const stage = stages[0]!.s!.value;
      const epochs = await q(`SELECT ?e ?i WHERE { ?e a provml:EpochExecution ; provml:partOf <${stage}> ; provml:iterationIndex ?i } ORDER BY ?i`);
      expect(epochs.map((r) => Number(r.i!.value))).toEqual([0, 1, 2]);
      const batches = await q(`SELECT ?b ?e ?i WHERE { ?b a provml:BatchExecution ; provml:partOf ?e ; provml:iterationIndex ?i . ?e a provml:EpochExecution ; provml:partOf <${stage}> }`);
      expect(batches).toHaveLength(12);
      expect(batches.map((r) => Number(r.i!.value)).sort()).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
      // A batch starts where the previous one ended (the first where its epoch began) and ends after.
      const times = await q(`SELECT ?e ?i ?es ?s ?t WHERE { ?b a provml:BatchExecution ; provml:partOf ?e ; provml:iterationIndex ?i ;
        prov:startedAtTime ?s ; prov:endedAtTime ?t . ?e prov:startedAtTime ?es } ORDER BY ?e ?i`);
      expect(times).toHaveLength(12);
      const ms = (v: { value: string } | undefined) => Date.parse(v!.value);
      times.forEach((r, k) => {
        expect(ms(r.t)).toBeGreaterThanOrEqual(ms(r.s));
        const prev = times[k - 1];
        if (Number(r.i!.value) === 0) expect(ms(r.s)).toBeGreaterThanOrEqual(ms(r.es));
        else expect(ms(r.s)).toBeGreaterThanOrEqual(ms(prev!.t));
      });

      // Every batch generated exactly one numeric loss evaluation.
      const batchLoss = await q(`SELECT ?b ?v WHERE { ?b a provml:BatchExecution . ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?b ; mls:hasValue ?v ; provml:valueOf/provml:name "loss" }`);
      expect(batchLoss).toHaveLength(12);
      expect(new Set(batchLoss.map((r) => r.b!.value)).size).toBe(12);
      for (const r of batchLoss) expect(Number.isFinite(Number(r.v!.value))).toBe(true);
      const batchOther = await q(`SELECT DISTINCT ?n WHERE { ?b a provml:BatchExecution . ?m prov:wasGeneratedBy ?b ; provml:valueOf/provml:name ?n }`);
      expect(batchOther.map((r) => r.n!.value).sort()).toEqual(['acc', 'loss']); // not tf's batch/size bookkeeping

      // Epochs: loss and the other logs, plus the saved model with the epoch as model hyperparameter.
      const epochMeasures = await q(`SELECT ?e ?n WHERE { ?e a provml:EpochExecution . ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?e ; provml:valueOf/provml:name ?n }`);
      for (const { e } of epochs) expect(epochMeasures.filter((r) => r.e!.value === e!.value).map((r) => r.n!.value).sort()).toEqual(['acc', 'loss']);
      const models = await q(`SELECT ?e ?model ?epoch WHERE { ?model a provml:ModelReferenceValue ; prov:wasGeneratedBy ?e . ?e a provml:EpochExecution .
        ?h a provml:ModelHyperParameterValue ; provml:characterizes ?model ; mls:hasValue ?epoch ; prov:wasGeneratedBy ?e }`);
      expect(models.map((r) => Number(r.epoch!.value)).sort()).toEqual([0, 1, 2]);
      const evaluated = await q(`SELECT ?m WHERE { ?m a provml:ModelEvaluation ; provml:evaluatesModel ?model ; prov:wasGeneratedBy ?e . ?e a provml:EpochExecution }`);
      expect(evaluated).toHaveLength(6);

      // The stage: hyperparameters (yours + fit params + optimizer), the dataset, final measures and model.
      const hp = await q(`SELECT ?n ?v WHERE { <${stage}> prov:used ?s . ?s a provml:LearningHyperParameterSetting ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      const hps = Object.fromEntries(hp.map((r) => [r.n!.value, r.v!.value]));
      expect(hps).toMatchObject({ learningRate: '0.01', epochs: '3', batchSize: '16', initialEpoch: '0', optimizer: 'SGD' });
      const data = await q(`SELECT ?d ?url WHERE { <${stage}> prov:used ?d . ?d a provml:LearningDatasetReferenceValue ; provml:storageUrl ?url }`);
      expect(data).toHaveLength(1);
      expect(data[0]!.url!.value).toContain(trainFile);
      // (The architecture, as model hyperparameters, is checked in tfjs/fit.test.ts.)
      const stageOut = await q(`SELECT ?n WHERE { ?m prov:wasGeneratedBy <${stage}> ; provml:valueOf/provml:name ?n FILTER NOT EXISTS { ?m a provml:ModelHyperParameterValue } }`);
      expect(stageOut.map((r) => r.n!.value).sort()).toEqual(['acc', 'loss', 'samples', 'stoppedEarly']);
      const finalModel = await q(`SELECT ?url WHERE { ?m a provml:ModelReferenceValue ; prov:wasGeneratedBy <${stage}> ; provml:storageUrl ?url }`);
      expect(finalModel.map((r) => r.url!.value)).toEqual([expect.stringContaining(saved[2]!)]);

      // Nested under the track.workflow execution, which is a learning process execution.
      const wf = await q(`SELECT ?w WHERE { <${stage}> provml:partOf ?w . ?w a provml:LearningProcessExecution }`);
      expect(wf).toHaveLength(1);

      const quads = await store.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }');
      const report = await validateDataset(quads);
      expect(report.results).toEqual([]);
      expect(report.conforms).toBe(true);
    } finally {
      await prov.shutdown();
    }
  });

  it('never throws into tf.js and routes its failures to onError', async () => {
    const errors: unknown[] = [];
    const cb = provmlCallback({ onError: (e) => errors.push(e), saveModel: () => { throw new Error('disk full'); } });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      await track.workflow('broken', async () => {
        cb.onTrainBegin.call(null);
        cb.onEpochBegin.call(null, 0);
        cb.onBatchEnd(0, { loss: 1, size: 4 });
        await cb.onEpochEnd(0, { loss: 1 });
        cb.onTrainEnd();
      });
      expect(errors.map(String)).toEqual(['Error: disk full']);
      await prov.flush();
      const rows = await prov.store!.select(`${P} SELECT ?e WHERE { ?e a provml:EpochExecution ; provml:status "completed" }`);
      expect(rows).toHaveLength(1);
    } finally {
      await prov.shutdown();
    }
  });

  it('fail() ends the open batch, epoch and stage as failed (a throwing fit never calls onTrainEnd)', async () => {
    const cb = provmlCallback({ inputs: { train: ref('train.csv') } });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      await track.workflow('failing', () => {
        cb.onTrainBegin.call({ params: { epochs: 2, batchSize: 8, samples: 16, metrics: ['loss'] } });
        cb.onEpochBegin(0);
        cb.onBatchEnd(0, { loss: 1, size: 8 });
        cb.fail(new Error('NaN loss')); // batch 1 of 2 is running
      });
      await prov.flush();
      const rows = await prov.store!.select(`${P} SELECT ?k ?msg WHERE { ?e a ?k ; provml:status "failed" ; provml:errorMessage ?msg }`);
      const kinds = rows.map((r) => r.k!.value.slice(PROVML_NS.length)).sort();
      expect(kinds).toEqual(['BatchExecution', 'EpochExecution', 'LearningStageExecution']);
      expect(new Set(rows.map((r) => r.msg!.value))).toEqual(new Set(['Error: NaN loss']));
      const batches = await prov.store!.select(`${P} SELECT ?i ?status WHERE { ?b a provml:BatchExecution ; provml:iterationIndex ?i ; provml:status ?status } ORDER BY ?i`);
      expect(batches.map((r) => [Number(r.i!.value), r.status!.value])).toEqual([[0, 'completed'], [1, 'failed']]);
    } finally {
      await prov.shutdown();
    }
  });
});
