import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, track } from '../../../src/capture/index.js';
import { provmlCallback } from '../../../src/tfjs.js';
import { ProvML } from '../../../src/tracker.js';
import { expectValid, rows, tf } from './helpers.js';

type Logs = Record<string, number>;

// A real tf.js `model.fitDataset` (pure-JS CPU backend) with dataset validation and per-batch
// sampling (captureEvery); the store is compared with what tf.js reported to another callback.
describe.skipIf(tf === undefined)('provml/tfjs: a real model.fitDataset, and captureEvery', () => {
  let dir: string;
  let trainFile: string;
  let valFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-tfjs-ds-'));
    trainFile = join(dir, 'train.csv');
    valFile = join(dir, 'val.csv');
    await writeFile(trainFile, 'x0,x1,x2,y\n1,2,3,1\n');
    await writeFile(valFile, 'x0,x1,x2,y\n3,2,1,0\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** n seeded examples of 3 features as a tf.data dataset of {xs, ys}, in batches of `batch`. */
  function data(t: typeof TF, n: number, batch: number, seed: number) {
    const xs = t.randomNormal([n, 3], 0, 1, 'float32', seed);
    const ys = t.tidy(() => xs.sum(1, true).greater(0).toFloat());
    const ds = t.data.zip({ xs: t.data.array(xs.unstack()), ys: t.data.array(ys.unstack()) }).batch(batch);
    return { ds: ds as unknown as TF.data.Dataset<TF.TensorContainer>, dispose: () => t.dispose([xs, ys]) };
  }

  function model(t: typeof TF): TF.Sequential {
    const m = t.sequential({ layers: [t.layers.dense({ inputShape: [3], units: 4, activation: 'tanh' }), t.layers.dense({ units: 1, activation: 'sigmoid' })] });
    m.compile({ optimizer: t.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return m;
  }

  it('fitDataset: epochs, every 2nd batch with its true index and logs, val_* as a validation stage on its own data', async () => {
    const t = tf!;
    const train = data(t, 40, 8, 3); // 5 batches of 8 per epoch
    const val = data(t, 16, 8, 4);
    const m = model(t);
    const seen: Array<{ epoch: number; batch: number; logs: Logs }> = [];
    let current = -1;
    // What tf.js reports, seen by a second (plain) callback. A list that starts with a plain object
    // is all wrapped in tf.js CustomCallbacks, provml's too: this fit also runs that path.
    const spy = { onEpochBegin: (e: number) => void (current = e), onBatchEnd: (b: number, logs?: TF.Logs) => void seen.push({ epoch: current, batch: b, logs: { ...logs } as Logs }) };
    const errors: unknown[] = [];
    const cb = provmlCallback({ model: m, captureEvery: 2, inputs: { train: ref(trainFile) }, validation: { inputs: { val: ref(valFile) } }, onError: (e) => errors.push(e) });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      const history = await track.workflow('tfjs-fit-dataset', () => m.fitDataset(train.ds, { epochs: 2, validationData: val.ds, verbose: 0, callbacks: [spy, cb] }));
      expect(errors).toEqual([]);
      expect(history.epoch).toEqual([0, 1]);
      expect(seen.map((s) => `${s.epoch}.${s.batch}`)).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '1.0', '1.1', '1.2', '1.3', '1.4']);
      const h = history.history as Record<string, number[]>;
      train.dispose();
      val.dispose();
      m.dispose();
      await prov.flush();

      const [stage] = await rows(prov, `SELECT ?s WHERE { ?s a provml:LearningStageExecution ; provml:executes/provml:hasStageType provml:Training }`);
      const S = stage!.s!;
      // fitDataset's params: epochs and the dataset's size in batches; the batch size from the first batch.
      const hp = await rows(prov, `SELECT ?n ?v WHERE { <${S}> prov:used ?x . ?x a provml:LearningHyperParameterSetting ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      const hps = Object.fromEntries(hp.map((r) => [r.n, r.v]));
      expect(hps).toMatchObject({ epochs: '2', batchesPerEpoch: '5', batchSize: '8', optimizer: 'Adam', learningRate: '0.01' });
      expect(hps.initialEpoch).toBeUndefined(); // fitDataset does not give it to callbacks
      const attrs = await rows(prov, `SELECT ?n ?v WHERE { ?a a provml:AttributeValue ; prov:wasGeneratedBy <${S}> ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(attrs.map((r) => [r.n, r.v]))).toEqual({ captureEvery: '2', stoppedEarly: 'false' });
      const arch = await rows(prov, `SELECT ?n ?v WHERE { ?x a provml:ModelHyperParameterValue ; prov:wasGeneratedBy <${S}> ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(arch.map((r) => [r.n, r.v]))).toMatchObject({ layers: '2', params: '21', trainableParams: '21', 'layer0.activation': 'tanh', 'layer1.units': '1' });

      // Epochs in full: every log, as History has it, and how many batches each really had.
      const epochLogs = await rows(prov, `SELECT ?i ?n ?v WHERE { ?e a provml:EpochExecution ; provml:partOf <${S}> ; provml:iterationIndex ?i .
        ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(epochLogs).toHaveLength(2 * 4);
      for (const r of epochLogs) expect(Number(r.v)).toBe(h[r.n!]![Number(r.i)]);
      const counts = await rows(prov, `SELECT ?i ?v WHERE { ?e a provml:EpochExecution ; provml:partOf <${S}> ; provml:iterationIndex ?i .
        ?a a provml:AttributeValue ; prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name "batches" }`);
      expect(counts.map((r) => [r.i, r.v]).sort()).toEqual([['0', '5'], ['1', '5']]);

      // Batches 0, 2, 4 of each epoch, with their true index and exactly the logs tf.js reported.
      const batches = await rows(prov, `SELECT ?i ?b ?n ?v ?start ?end WHERE { ?x a provml:BatchExecution ; provml:iterationIndex ?b ; provml:partOf ?e ;
        prov:startedAtTime ?start ; prov:endedAtTime ?end . ?e provml:partOf <${S}> ; provml:iterationIndex ?i .
        ?m prov:wasGeneratedBy ?x ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect([...new Set(batches.map((r) => `${r.i}.${r.b}`))].sort()).toEqual(['0.0', '0.2', '0.4', '1.0', '1.2', '1.4']);
      expect(batches).toHaveLength(6 * 2);
      for (const r of batches) {
        const logs = seen.find((s) => s.epoch === Number(r.i) && s.batch === Number(r.b))!.logs;
        expect(Number(r.v)).toBe(logs[r.n!]);
        expect(Date.parse(r.end!)).toBeGreaterThanOrEqual(Date.parse(r.start!));
      }

      // The validation stage uses the validation data; its epochs hold val_* without the prefix, and start when the last batch ended.
      const [v] = await rows(prov, `SELECT ?v ?url WHERE { ?v provml:partOf <${S}> ; provml:executes/provml:hasStageType provml:Validation ; prov:used ?d . ?d provml:storageUrl ?url }`);
      expect(v!.url).toContain('val.csv');
      const valLogs = await rows(prov, `SELECT ?i ?n ?v ?start WHERE { ?e a provml:EpochExecution ; provml:partOf <${v!.v}> ; provml:iterationIndex ?i ; prov:startedAtTime ?start .
        ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(valLogs).toHaveLength(2 * 2);
      for (const r of valLogs) {
        expect(Number(r.v)).toBe(h[`val_${r.n}`]![Number(r.i)]);
        const last = batches.find((b) => b.i === r.i && b.b === '4')!;
        expect(Date.parse(r.start!)).toBeGreaterThanOrEqual(Date.parse(last.end!));
      }

      await expectValid(prov);
    } finally {
      await prov.shutdown();
    }
  });

  it('fitDataset with batchesPerEpoch on a repeated dataset records that number as a hyperparameter', async () => {
    const t = tf!;
    const train = data(t, 24, 4, 5);
    const m = model(t);
    const cb = provmlCallback({ inputs: { train: ref(trainFile) } });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      await track.workflow('tfjs-fit-dataset-steps', () => m.fitDataset(train.ds.repeat(), { epochs: 2, batchesPerEpoch: 3, verbose: 0, callbacks: cb }));
      train.dispose();
      m.dispose();
      await prov.flush();
      const hp = await rows(prov, `SELECT ?n ?v WHERE { ?s a provml:LearningStageExecution ; prov:used ?x . ?x a provml:LearningHyperParameterSetting ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(hp.map((r) => [r.n, r.v]))).toMatchObject({ epochs: '2', batchesPerEpoch: '3', batchSize: '4' });
      const batches = await rows(prov, `SELECT ?x WHERE { ?x a provml:BatchExecution }`);
      expect(batches).toHaveLength(6);
      const stages = await rows(prov, `SELECT ?s WHERE { ?s a provml:LearningStageExecution }`);
      expect(stages).toHaveLength(1); // no val_* logs, no validation stage
      await expectValid(prov);
    } finally {
      await prov.shutdown();
    }
  });

  it('captureEvery: a failing batch that was not to be sampled is still recorded, as failed', async () => {
    const cb = provmlCallback({ captureEvery: 2, inputs: { train: ref(trainFile) } });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      await track.workflow('tfjs-sampled-failure', () => {
        cb.onTrainBegin.call({ params: { epochs: 1, batchSize: 4, samples: 24, metrics: ['loss'] } });
        cb.onEpochBegin(0);
        for (const b of [0, 1, 2]) cb.onBatchEnd(b, { batch: b, size: 4, loss: 1 / (b + 1) });
        cb.fail(new Error('NaN loss')); // batch 3 of 6 is running
      });
      await prov.flush();
      const batches = await rows(prov, `SELECT ?i ?status WHERE { ?b a provml:BatchExecution ; provml:iterationIndex ?i ; provml:status ?status } ORDER BY ?i`);
      expect(batches.map((r) => [r.i, r.status])).toEqual([['0', 'completed'], ['2', 'completed'], ['3', 'failed']]);
    } finally {
      await prov.shutdown();
    }
  });

  it('fail() also fails the validation stage; validation: false and architecture: false leave them out', async () => {
    const params = { epochs: 3, batchSize: 4, samples: 8, metrics: ['loss', 'val_loss'] };
    const arch = { layers: [{ getClassName: () => 'Dense', countParams: () => 5 }], countParams: () => 5 };
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      for (const [name, opts] of [['on', {}], ['off', { validation: false, architecture: false }]] as const) {
        const cb = provmlCallback({ name, model: arch, inputs: { train: ref(trainFile) }, ...opts });
        await track.workflow(`tfjs-validation-${name}`, () => {
          cb.onTrainBegin.call({ params });
          cb.onEpochBegin(0);
          for (const b of [0, 1]) cb.onBatchEnd(b, { batch: b, size: 4, loss: 1 });
          void cb.onEpochEnd(0, { loss: 1, val_loss: 2 });
          cb.onEpochBegin(1);
          cb.onBatchEnd(0, { batch: 0, size: 4, loss: 1 });
          cb.fail(new Error('NaN loss'));
        });
      }
      await prov.flush();
      const failed = await rows(prov, `SELECT ?name ?k WHERE { ?w provml:executes/provml:name ?wf . ?x provml:partOf* ?w ; a ?k ; provml:status "failed" ; provml:executes/provml:name ?name .
        FILTER(?wf = "tfjs-validation-on") }`);
      expect(failed.map((r) => `${r.k!.slice(r.k!.indexOf('#') + 1)} ${r.name}`).sort()).toEqual([
        'BatchExecution batch',
        'EpochExecution epoch',
        'LearningStageExecution on',
        'LearningStageExecution validation',
      ]);
      const stages = await rows(prov, `SELECT ?name (COUNT(DISTINCT ?x) AS ?n) WHERE { ?s a provml:LearningStageExecution ; provml:executes/provml:name ?name .
        OPTIONAL { ?x a provml:ModelHyperParameterValue ; prov:wasGeneratedBy ?s } } GROUP BY ?name`);
      expect(Object.fromEntries(stages.map((r) => [r.name, r.n]))).toEqual({ on: '4', validation: '0', off: '0' }); // layers, params, layer0.type, layer0.params
      const valOnEpoch = await rows(prov, `SELECT ?v WHERE { ?s provml:executes/provml:name "off" . ?e provml:partOf ?s ; a provml:EpochExecution .
        ?m prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name "val_loss" }`);
      expect(valOnEpoch.map((r) => r.v)).toEqual(['2']);
    } finally {
      await prov.shutdown();
    }
  });

  it('captureEvery must be a positive integer', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) expect(() => provmlCallback({ captureEvery: n })).toThrow(TypeError);
    expect(() => provmlCallback({ captureEvery: 1 })).not.toThrow();
  });
});
