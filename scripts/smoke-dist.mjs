// Smoke test of the built package (dist/), ESM and CJS: the public entry points load, a tracked
// run lands in the embedded store, and the `provml/tfjs` subpath shares capture state with `provml`
// (one activity context, one default tracker). Run after `npm run build`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

async function check(label, main, tfjs) {
  const prov = main.ProvML.init({ installExitHooks: false, environment: false });
  if (prov.thread !== 'worker') throw new Error(`${label}: the pipeline should run in the worker (dist/worker.*), got ${prov.thread}`);
  await main.track.workflow('smoke', async () => {
    // Drive the tf.js callback by hand, as model.fit would: 1 epoch × 2 batches.
    const cb = tfjs.provmlCallback({ inputs: { train: main.ref('/dev/null') } });
    const self = { params: { epochs: 1, batchSize: 2, samples: 4 } };
    await cb.onTrainBegin.call(self, {});
    await cb.onEpochBegin.call(self, 0, {});
    for (const b of [0, 1]) {
      await cb.onBatchBegin?.call(self, b, { batch: b, size: 2 });
      await cb.onBatchEnd.call(self, b, { batch: b, size: 2, loss: 0.5 - b / 10 });
    }
    await cb.onEpochEnd.call(self, 0, { loss: 0.45 });
    await cb.onTrainEnd.call(self, {});
  });
  await prov.flush();
  const rows = await prov.store.select(
    'PREFIX provml: <https://w3id.org/prov-ml#> SELECT (COUNT(?b) AS ?n) WHERE { ?b a provml:BatchExecution ; provml:partOf/provml:partOf/provml:partOf ?wf . ?wf a provml:WorkflowExecution }',
  );
  await prov.shutdown();
  const n = Number(rows[0]?.n?.value ?? 0);
  if (n !== 2) throw new Error(`${label}: expected 2 batches nested under the workflow, got ${n}`);
  console.log(`${label}: ok (2 batches nested under the workflow run, recorded in the worker)`);
}

await check('esm', await import('../dist/index.js'), await import('../dist/tfjs.js'));
await check('cjs', require('../dist/index.cjs'), require('../dist/tfjs.cjs'));
for (const sub of ['vocab', 'model', 'query', 'validate', 'report', 'export']) {
  await import(`../dist/${sub}.js`);
  require(`../dist/${sub}.cjs`);
}
console.log('subpaths: ok');
