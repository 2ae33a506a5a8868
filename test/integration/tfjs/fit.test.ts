import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref, track, type DataRefSummary } from '../../../src/capture/index.js';
import { q3 } from '../../../src/query/lifecycle/index.js';
import { monitorSnapshot } from '../../../src/query/monitor.js';
import { modelArchitecture, provmlCallback } from '../../../src/tfjs.js';
import { ProvML } from '../../../src/tracker.js';
import { expectValid, rows, summaryOf, tf } from './helpers.js';

// A real tf.js `model.fit` (pure-JS CPU backend) with validationSplit and tf.js's own early
// stopping; what the store holds is compared with what tf.js reported (History, model.summary()).
describe.skipIf(tf === undefined)('provml/tfjs: a real model.fit with validation, early stopping and the architecture', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-tfjs-fit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('records val_* as a validation stage, the architecture as model hyperparameters and the early stop', async () => {
    const t = tf!;
    const trainFile = join(dir, 'train.csv');
    await writeFile(trainFile, 'x0,x1,x2,x3,y\n');
    const xs = t.randomNormal([64, 4], 0, 1, 'float32', 7);
    const ys = t.tidy(() => xs.sum(1, true).greater(0).toFloat());
    const init = (seed: number) => t.initializers.glorotUniform({ seed });
    // A batch normalization has non-trainable weights: total ≠ trainable parameters.
    const model = t.sequential({
      layers: [
        t.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: init(1) }),
        t.layers.batchNormalization(),
        t.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }),
      ],
    });
    model.compile({ optimizer: t.train.sgd(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const summary = summaryOf(model);
    expect(summary.total).toBeGreaterThan(summary.trainable);

    const errors: unknown[] = [];
    const cb = provmlCallback({
      model,
      inputs: { train: ref(trainFile, { mediaType: 'text/csv' }) },
      onError: (e) => errors.push(e),
      saveModel: async (epoch): Promise<DataRefSummary> => {
        const file = join(dir, `model-${epoch}.json`);
        await writeFile(file, JSON.stringify({ epoch }));
        return ref(file, { mediaType: 'application/json' });
      },
    });
    // Stops after epoch 2 of 6: no val_loss improves by 1e9 on the first, and patience is 2.
    const stopper = t.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 1e9 });
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      let runIri = '';
      const history = await track.workflow('tfjs-fit-validation', (run) => {
        runIri = run.iri;
        // Next to a tf.js BaseCallback, the plain callback object is wrapped in a CustomCallback.
        return model.fit(xs, ys, { epochs: 6, batchSize: 16, shuffle: false, verbose: 0, validationSplit: 0.25, callbacks: [stopper, new t.CustomCallback(cb)] });
      });
      expect(errors).toEqual([]);
      expect(history.epoch).toEqual([0, 1, 2]);
      expect((stopper as unknown as { stoppedEpoch: number }).stoppedEpoch).toBe(2);
      const h = history.history as Record<string, number[]>;
      expect(Object.keys(h).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      const architecture = modelArchitecture(model);
      t.dispose([xs, ys]);
      model.dispose();
      await prov.flush();

      const [stage] = await rows(prov, `SELECT ?s WHERE { ?s a provml:LearningStageExecution ; provml:executes/provml:hasStageType provml:Training }`);
      const S = stage!.s!;

      // Early stopping, on the training stage.
      const attrs = await rows(prov, `SELECT ?n ?v WHERE { ?a a provml:AttributeValue ; prov:wasGeneratedBy <${S}> ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(attrs.map((r) => [r.n, r.v]))).toEqual({ samples: '48', stoppedEarly: 'true', stoppedAtEpoch: '2' });

      // Training epochs: every log tf.js's History has, val_* included, with the same values.
      const epochLogs = await rows(prov, `SELECT ?i ?n ?v WHERE { ?e a provml:EpochExecution ; provml:partOf <${S}> ; provml:iterationIndex ?i .
        ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(epochLogs).toHaveLength(3 * 4);
      for (const r of epochLogs) expect(Number(r.v)).toBe(h[r.n!]![Number(r.i)]);
      // 48 training samples (validationSplit 0.25 of 64) in batches of 16: 3 batches per epoch.
      const batches = await rows(prov, `SELECT ?i ?b WHERE { ?x a provml:BatchExecution ; provml:iterationIndex ?b ; provml:partOf ?e . ?e provml:partOf <${S}> ; provml:iterationIndex ?i }`);
      expect(batches.map((r) => `${r.i}.${r.b}`).sort()).toEqual(['0.0', '0.1', '0.2', '1.0', '1.1', '1.2', '2.0', '2.1', '2.2']);
      const batchMeasures = await rows(prov, `SELECT DISTINCT ?n WHERE { ?b a provml:BatchExecution . ?m prov:wasGeneratedBy ?b ; provml:valueOf/provml:name ?n }`);
      expect(batchMeasures.map((r) => r.n).sort()).toEqual(['acc', 'loss']);

      // The validation stage: part of the training, one epoch per validated epoch, val_* without the prefix.
      const val = await rows(prov, `SELECT ?v ?d WHERE { ?v a provml:LearningStageExecution ; provml:partOf <${S}> ;
        provml:executes/provml:hasStageType provml:Validation ; prov:used ?d . ?d a provml:LearningDatasetReferenceValue }`);
      expect(val).toHaveLength(1);
      const [train] = await rows(prov, `SELECT ?d WHERE { <${S}> prov:used ?d . ?d a provml:LearningDatasetReferenceValue }`);
      expect(val[0]!.d).toBe(train!.d); // validationSplit: the tail of the training data
      const V = val[0]!.v!;
      const valLogs = await rows(prov, `SELECT ?i ?n ?v ?start ?end WHERE { ?e a provml:EpochExecution ; provml:partOf <${V}> ; provml:iterationIndex ?i ;
        prov:startedAtTime ?start ; prov:endedAtTime ?end . ?m a provml:ModelEvaluation ; prov:wasGeneratedBy ?e ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(valLogs).toHaveLength(3 * 2);
      for (const r of valLogs) expect(Number(r.v)).toBe(h[`val_${r.n}`]![Number(r.i)]);
      for (const r of valLogs) expect(Date.parse(r.end!)).toBeGreaterThanOrEqual(Date.parse(r.start!));
      const valFinal = await rows(prov, `SELECT ?n ?v WHERE { ?m a provml:ModelEvaluation ; prov:wasGeneratedBy <${V}> ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(valFinal.map((r) => [r.n, Number(r.v)]))).toEqual({ loss: h.val_loss![2], acc: h.val_acc![2] });

      // The architecture: model hyperparameters of the training stage, characterizing its model; as model.summary() says.
      const arch = await rows(prov, `SELECT ?n ?v ?model WHERE { ?x a provml:ModelHyperParameterValue ; prov:wasGeneratedBy <${S}> ; mls:hasValue ?v ; provml:valueOf/provml:name ?n .
        OPTIONAL { ?x provml:characterizes ?model } }`);
      const recorded = Object.fromEntries(arch.map((r) => [r.n, r.v]));
      expect(recorded).toEqual(Object.fromEntries(Object.entries(architecture).map(([k, v]) => [k, String(v)])));
      expect(new Set(arch.map((r) => r.model)).size).toBe(1);
      expect(arch[0]!.model).toBeDefined();
      expect(recorded).toMatchObject({
        layers: String(summary.layers.length),
        params: String(summary.total),
        trainableParams: String(summary.trainable),
        inputShape: '[null,4]',
        outputShape: '[null,1]',
        'layer0.units': '8',
        'layer0.activation': 'relu',
        'layer2.units': '1',
        'layer2.activation': 'sigmoid',
      });
      summary.layers.forEach((l, i) => {
        expect(recorded).toMatchObject({ [`layer${i}.type`]: l.type, [`layer${i}.name`]: l.name, [`layer${i}.outputShape`]: l.shape, [`layer${i}.params`]: String(l.params) });
      });
      expect(summary.layers.map((l) => l.type)).toEqual(['Dense', 'BatchNormalization', 'Dense']);

      const hp = await rows(prov, `SELECT ?n ?v WHERE { <${S}> prov:used ?s . ?s a provml:LearningHyperParameterSetting ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
      expect(Object.fromEntries(hp.map((r) => [r.n, r.v]))).toMatchObject({ epochs: '6', batchSize: '16', initialEpoch: '0', optimizer: 'SGD', learningRate: '0.05' });

      // The monitor keeps following the training (the validation stage is inside it); Q3 ranks the epochs' models by val_loss.
      const snap = (await monitorSnapshot(prov.store!, runIri))!;
      expect(snap.stage).toBe('training');
      expect(snap.epoch).toMatchObject({ current: 2, completed: 3, stage: 'training' });
      expect(snap.lossPerEpoch).toEqual(h.loss);
      expect((await monitorSnapshot(prov.store!, runIri, { measure: 'val_loss' }))!.lossPerEpoch).toEqual(h.val_loss);
      const best = (await q3(prov.store!, { dataset: train!.d!, measure: 'val_loss' }))!;
      expect(best.stage).toBe(S);
      expect(best.value).toBe(Math.min(...h.val_loss!));
      expect(best.epoch).toBe(h.val_loss!.indexOf(best.value));

      await expectValid(prov);
    } finally {
      await prov.shutdown();
    }
  });
});
