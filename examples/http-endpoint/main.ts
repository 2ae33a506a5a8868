/**
 * The TF.js training of ../tfjs-classifier, recorded into a SPARQL server instead of the
 * embedded store. Nothing in the code names the server: `ProvML.init()` reads `PROVML_ENDPOINT`
 * (and `PROVML_GSP_ENDPOINT`, `PROVML_AUTH`…) from the environment, and the queries run over HTTP.
 *
 * Start a local store first, then run the training against it:
 *
 * ```sh
 * npx provml serve --update            # prints its query URL (and Graph Store URL)
 * PROVML_ENDPOINT=http://127.0.0.1:PORT/sparql npx tsx examples/http-endpoint/main.ts
 * ```
 *
 * Without `PROVML_ENDPOINT` the example starts a throwaway loopback server itself, so it runs
 * anywhere. Virtuoso, Fuseki, GraphDB… work the same (see the README's endpoint section).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EmbeddedStore, ProvML, ref, startSparqlServer, track, type SparqlServer } from '../../src/index.js';
import { q3, runEpochs } from '../../src/query/index.js';
import { provmlCallback } from '../../src/tfjs.js';

let server: SparqlServer | undefined;
if (!process.env.PROVML_ENDPOINT) {
  server = await startSparqlServer({ store: EmbeddedStore.create() });
  process.env.PROVML_ENDPOINT = server.queryUrl;
  process.env.PROVML_GSP_ENDPOINT = server.gspUrl;
  console.log(`PROVML_ENDPOINT is not set: started a throwaway SPARQL server at ${server.queryUrl}`);
}

const dir = process.env.PROVML_EXAMPLE_DIR ?? (await mkdtemp(join(tmpdir(), 'provml-http-endpoint-')));
await mkdir(join(dir, 'models'), { recursive: true });
await tf.setBackend('cpu');

const xs = tf.randomNormal([256, 4], 0, 1, 'float32', 7);
const ys = tf.tidy(() => xs.sum(1, true).greater(0).toFloat());
const trainFile = join(dir, 'train.json');
await writeFile(trainFile, JSON.stringify({ x: await xs.array(), y: await ys.array() }));
const model = tf.sequential({
  layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });

// The only difference from the embedded case: the environment names the endpoint.
const prov = ProvML.init();
const train = ref(trainFile);
const callbacks = provmlCallback({
  model,
  inputs: { train },
  saveModel: async (epoch) => {
    const file = join(dir, 'models', `epoch-${epoch}.json`);
    await writeFile(file, JSON.stringify(model.toJSON(null, false)));
    return ref(file);
  },
});
const run = await track.workflow({ name: 'tfjs-classifier-http', persona: 'ML engineer' }, async (r) => {
  await model.fit(xs, ys, { epochs: 5, batchSize: 32, validationSplit: 0.25, verbose: 0, callbacks });
  return r;
});

// Everything captured is on the server once flush() resolves; read it back over HTTP.
await prov.flush();
const endpoint = prov.endpoint!;
const epochs = await runEpochs(endpoint, run.iri);
console.table(epochs.map((e) => ({ epoch: e.epoch, batches: e.batches, loss: e.measures.loss, acc: e.measures.acc })));
const best = await q3(endpoint, { dataset: await prov.iriOf(train) });
console.log(`best model (Q3, least loss): epoch ${best?.epoch}, loss ${best?.value}`);
const stats = prov.stats();
await prov.shutdown();
await server?.close();
console.log(`run ${run.iri}: ${epochs.length} training epochs recorded at ${process.env.PROVML_ENDPOINT}; events ${stats.captured}, sent ${stats.sent}, dropped ${stats.dropped}`);
