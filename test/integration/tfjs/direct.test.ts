import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ref, track } from '../../../src/capture/index.js';
import { loadedCallbackClass, logNumber } from '../../../src/integrations/tfjs/base.js';
import { provmlCallback } from '../../../src/tfjs.js';
import { ProvML } from '../../../src/tracker.js';
import { expectValid, rows, tf } from './helpers.js';

// With tf.js loaded, provmlCallback() is a tf.js Callback: tf.js calls its hooks itself, with the
// logs' scalar tensors unread (no CustomCallback around it, which reads them asynchronously before
// every hook). The records must be those of the wrapped callback, to the last bit.
describe.skipIf(tf === undefined)('provml/tfjs: the callback as a tf.js Callback', () => {
  const t = tf!;
  const init = (seed: number) => t.initializers.glorotUniform({ seed });
  /** The same seeded model and data each time: two fits of it log the same numbers. */
  function subject() {
    const xs = t.randomNormal([48, 4], 0, 1, 'float32', 11);
    const ys = t.tidy(() => xs.sum(1, true).greater(0).toFloat());
    const model = t.sequential({
      layers: [t.layers.dense({ inputShape: [4], units: 6, activation: 'relu', kernelInitializer: init(1) }), t.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) })],
    });
    model.compile({ optimizer: t.train.sgd(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return { xs, ys, model, dispose: () => (t.dispose([xs, ys]), model.dispose()) };
  }
  const inputs = { train: ref('https://example.org/data/train.csv') };
  const args = { epochs: 3, batchSize: 8, shuffle: false, verbose: 0, validationSplit: 0.25 } as const;

  /** Every batch and epoch measure of the run's training stage, keyed `epoch.batch name` / `epoch name`. */
  async function measures(prov: ProvML, run: string): Promise<Record<string, number>> {
    const b = await rows(prov, `SELECT ?e ?b ?n ?v WHERE { ?s provml:partOf <${run}> ; provml:executes/provml:hasStageType provml:Training .
      ?ep provml:partOf ?s ; provml:iterationIndex ?e . ?x a provml:BatchExecution ; provml:partOf ?ep ; provml:iterationIndex ?b .
      ?m prov:wasGeneratedBy ?x ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
    const e = await rows(prov, `SELECT ?e ?n ?v WHERE { ?s provml:partOf <${run}> ; provml:executes/provml:hasStageType provml:Training .
      ?ep a provml:EpochExecution ; provml:partOf ?s ; provml:iterationIndex ?e . ?m prov:wasGeneratedBy ?ep ; mls:hasValue ?v ; provml:valueOf/provml:name ?n }`);
    return Object.fromEntries([...b.map((r) => [`${r.e}.${r.b} ${r.n}`, Number(r.v)]), ...e.map((r) => [`${r.e} ${r.n}`, Number(r.v)])]);
  }

  it('records what the wrapped callback records, alone or listed with tf.js callbacks', async () => {
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      // Direct, in a list with a tf.js callback (no wrapping needed); a tf.js Callback after it sees the same logs.
      const a = subject();
      const cb = provmlCallback({ model: a.model, inputs });
      expect(cb).toBeInstanceOf(t.Callback);
      const seen: number[] = [];
      const after = new (class extends t.Callback {
        override async onBatchEnd(_b: number, logs?: TF.Logs) {
          seen.push((logs!.loss as unknown as TF.Scalar).dataSync()[0]!); // still a tensor: nobody resolved it
        }
      })();
      const stopper = t.callbacks.earlyStopping({ monitor: 'val_loss', patience: 50 });
      let directRun = '';
      const h = await track.workflow('direct', (run) => ((directRun = run.iri), a.model.fit(a.xs, a.ys, { ...args, callbacks: [cb, stopper, after] })));
      a.dispose();
      // Wrapped: a list starting with a plain object is all CustomCallbacks (the scalars resolved before each hook).
      const b = subject();
      let wrappedRun = '';
      await track.workflow('wrapped', (run) => ((wrappedRun = run.iri), b.model.fit(b.xs, b.ys, { ...args, callbacks: [{ onTrainEnd() {} }, provmlCallback({ model: b.model, inputs })] })));
      b.dispose();
      await prov.flush();

      const direct = await measures(prov, directRun);
      const wrapped = await measures(prov, wrappedRun);
      // 36 training samples in batches of 8: 5 batches × 3 epochs × (loss, acc), 3 epochs × 4 logs.
      expect(Object.keys(direct)).toHaveLength(5 * 3 * 2 + 3 * 4);
      expect(direct).toEqual(wrapped);
      expect(Array.from({ length: 15 }, (_, i) => direct[`${Math.floor(i / 5)}.${i % 5} loss`])).toEqual(seen);
      const hist = h.history as Record<string, number[]>;
      for (const k of ['loss', 'acc', 'val_loss', 'val_acc']) expect([0, 1, 2].map((e) => direct[`${e} ${k}`])).toEqual(hist[k]);
      await expectValid(prov);
    } finally {
      await prov.shutdown();
    }
  });

  it('a flush during the fit records the batches the callback holds', async () => {
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      const s = subject();
      let stored = -1;
      let ended = 0;
      // After provml's callback in the list: batch 3 of epoch 1 has ended for it, and is held.
      const probe = new (class extends t.Callback {
        epoch = -1;
        override async onEpochBegin(e: number) {
          this.epoch = e;
        }
        override async onBatchEnd(b: number) {
          ended++;
          if (this.epoch !== 1 || b !== 3) return;
          await prov.flush();
          stored = (await rows(prov, 'SELECT ?x WHERE { ?x a provml:BatchExecution }')).length;
        }
      })();
      await track.workflow('held', () => s.model.fit(s.xs, s.ys, { ...args, validationSplit: 0, callbacks: [provmlCallback({ model: s.model }), probe] }));
      s.dispose();
      expect(ended).toBe(3 * 6);
      expect(stored).toBe(6 + 4); // epoch 0's 6 batches and epoch 1's first 4
    } finally {
      await prov.shutdown();
    }
  });

  it('lets the event loop turn during a long fit (timers, signals), as the tf.js wrapper would', async () => {
    const prov = ProvML.init({ environment: false, installExitHooks: false });
    try {
      const s = subject();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const t0 = performance.now();
      await s.model.fit(s.xs, s.ys, { epochs: 60, batchSize: 2, shuffle: false, verbose: 0, callbacks: provmlCallback({ model: s.model }) });
      const ms = performance.now() - t0;
      clearInterval(timer);
      s.dispose();
      // tf.js itself never yields in a fit without plain callbacks (0 ticks); the callback yields at
      // the first batch end ≥ 125 ms after its last yield. How many yields a fit gets depends on
      // the machine's speed, so only "at least one" is asserted.
      if (ms >= 400) expect(ticks).toBeGreaterThanOrEqual(1);
      else console.warn(`fit took ${ms.toFixed(0)} ms: too short to check yields`);
    } finally {
      await prov.shutdown();
    }
  });

  it('finds the loaded tf.js, and picks the copy of the model when there are several', () => {
    const model = t.sequential({ layers: [t.layers.dense({ inputShape: [1], units: 1 })] });
    expect(loadedCallbackClass(undefined)).toBe(t.Callback);
    expect(loadedCallbackClass(model)).toBe(t.Callback);
    const cache = createRequire(import.meta.url).cache;
    const key = '/elsewhere/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.node.js';
    cache[key] = { exports: { Callback: class {}, LayersModel: class {} } } as unknown as NodeJS.Module;
    try {
      expect(loadedCallbackClass(model)).toBe(t.Callback); // the copy the model comes from
      expect(loadedCallbackClass(undefined)).toBeUndefined(); // which one? none: the plain object
      expect(provmlCallback()).not.toBeInstanceOf(t.Callback);
    } finally {
      delete cache[key];
      model.dispose();
    }
  });

  it('reads logged numbers and scalar tensors, nothing else', () => {
    const s = t.scalar(0.25);
    const v = t.tensor1d([1, 2]);
    const d = t.scalar(1);
    d.dispose();
    expect([logNumber(3), logNumber(s), logNumber(v), logNumber(d), logNumber('x'), logNumber(null), logNumber({ size: 1, dataSync: 1 })]).toEqual([3, 0.25, undefined, undefined, undefined, undefined, undefined]);
    t.dispose([s, v]);
  });
});
