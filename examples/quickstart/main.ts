/**
 * provml quickstart (`npm run demo`): a decorated data preparation and training, recorded as
 * PROV-ML into the embedded store with zero setup, then read back by SPARQL.
 *
 * The scenario follows shared/QUERIES.md in miniature: a preparation workflow turns "raw survey"
 * data into training / validation files (tile size, noise threshold as parameters); a training
 * workflow runs epochs of mini-batches over the training file, records the loss per batch, the loss
 * and accuracy per epoch and a model file per epoch, then validates the model.
 */
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Batch, Epoch, LearningStage, ProvML, Transformation, Workflow, WorkflowRun, ref } from '../../src/index.js';
import { lineage, listRuns, q3, runDatasets, runEpochs, runHyperparameters, toMermaid } from '../../src/query/index.js';
import { validateDataset } from '../../src/validate/index.js';
import { LogisticModel, makeBlobs, type Example } from './model.js';

type DataRef = ReturnType<typeof ref>;
const OUT = resolve(process.env.PROVML_DEMO_DIR ?? '.provml-demo');

// ---------------------------------------------------------------------------------------------
// Phase 2 of the lifecycle: learning-data preparation.

@Workflow({ name: 'prepare-seismic-tiles', study: 'seismic stratigraphy', experiment: 'quickstart', persona: 'computational scientist' })
class Preparation {
  @WorkflowRun()
  async run(): Promise<{ train: DataRef; validation: DataRef }> {
    const raw = await this.acquire(400);
    return this.split(raw, { tileSize: 4, noiseThreshold: 0.1, validationShare: 0.25 });
  }

  @Transformation({ name: 'acquire-survey', params: { samples: 0 }, outputs: { survey: '$' } })
  async acquire(samples: number): Promise<DataRef> {
    const file = join(OUT, 'survey.json');
    await writeFile(file, JSON.stringify(makeBlobs(samples, 4, 42)));
    return ref(file, { mediaType: 'application/json' });
  }

  @Transformation({
    name: 'split-tiles',
    inputs: { survey: 0 },
    params: ['$1.tileSize', '$1.noiseThreshold', '$1.validationShare'],
    outputs: ['train', 'validation'],
  })
  async split(survey: DataRef, opts: { tileSize: number; noiseThreshold: number; validationShare: number }): Promise<{ train: DataRef; validation: DataRef }> {
    const all = JSON.parse(await readFile(survey.uri, 'utf8')) as Example[];
    const cut = Math.round(all.length * (1 - opts.validationShare));
    const trainFile = join(OUT, 'train.json');
    const validationFile = join(OUT, 'validation.json');
    await writeFile(trainFile, JSON.stringify(all.slice(0, cut)));
    await writeFile(validationFile, JSON.stringify(all.slice(cut)));
    return { train: ref(trainFile, { mediaType: 'application/json' }), validation: ref(validationFile, { mediaType: 'application/json' }) };
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 3: learning. Datasets link the two workflows: same file content, same node.

interface TrainOptions {
  learningRate: number;
  epochs: number;
  batchSize: number;
  train: DataRef;
  validation: DataRef;
}

@Workflow({ name: 'train-classifier', study: 'seismic stratigraphy', experiment: 'quickstart', persona: 'ML engineer', algorithm: 'logistic regression', software: 'provml quickstart' })
class Training {
  private model = new LogisticModel(4);
  private data: Example[] = [];

  @WorkflowRun()
  async run(opts: TrainOptions): Promise<void> {
    await this.train(opts);
    await this.validate({ validation: opts.validation });
  }

  @LearningStage({ stage: 'training', hyperparameters: ['learningRate', 'epochs', 'batchSize'], inputs: ['train'], models: ['model'] })
  async train(opts: TrainOptions): Promise<{ model: DataRef }> {
    this.data = JSON.parse(await readFile(opts.train.uri, 'utf8')) as Example[];
    let model: DataRef | undefined;
    for (let e = 0; e < opts.epochs; e++) model = (await this.epoch(e, opts.batchSize, opts.learningRate)).model;
    return { model: model! };
  }

  @Epoch({ indexArg: 0, measures: ['loss', 'accuracy'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(epoch: number, batchSize: number, learningRate: number): Promise<{ loss: number; accuracy: number; model: DataRef; epoch: number }> {
    for (let start = 0; start < this.data.length; start += batchSize) {
      this.batch(start / batchSize, this.data.slice(start, start + batchSize), learningRate);
    }
    const { loss, accuracy } = this.model.evaluate(this.data);
    const file = join(OUT, `model-epoch-${epoch}.json`);
    await writeFile(file, JSON.stringify({ w: this.model.w, b: this.model.b }));
    return { loss, accuracy, model: ref(file, { mediaType: 'application/json' }), epoch };
  }

  @Batch({ indexArg: 0, measures: ['loss'] })
  batch(_index: number, examples: Example[], learningRate: number): { loss: number } {
    return { loss: this.model.step(examples, learningRate) };
  }

  @LearningStage({ stage: 'validation', inputs: ['validation'], measures: ['accuracy', 'loss'] })
  async validate(opts: { validation: DataRef }): Promise<{ accuracy: number; loss: number }> {
    const data = JSON.parse(await readFile(opts.validation.uri, 'utf8')) as Example[];
    return this.model.evaluate(data);
  }
}

// ---------------------------------------------------------------------------------------------
// Run both workflows, then read the provenance back.

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const journal = join(OUT, 'journal.nq');
  const prov = ProvML.init({ journal: { path: journal, durability: 'batch' } });

  const started = performance.now();
  const { train, validation } = await new Preparation().run();
  await new Training().run({ learningRate: 0.5, epochs: 5, batchSize: 25, train, validation });
  const userMs = performance.now() - started;
  await prov.flush();

  const store = prov.store!;
  const runs = await listRuns(store);
  const rel = (u?: string) => (u ? relative(process.cwd(), new URL(u).pathname) : '');
  console.log(`\nprovml quickstart — ${runs.length} workflow runs captured in ${userMs.toFixed(0)} ms of user code\n`);
  console.table(runs.map((r) => ({ workflow: r.workflow, status: r.status, persona: r.persona, learning: r.learning, run: r.run })));

  const training = runs.find((r) => r.learning);
  if (training) {
    console.log('\nHyperparameters of the training run:');
    console.table(await runHyperparameters(store, training.run).then((hp) => hp.map(({ name, value }) => ({ name, value }))));
    console.log('Epochs (loss and accuracy per epoch, batches per epoch):');
    console.table((await runEpochs(store, training.run)).map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, loss: round(e.measures.loss), accuracy: round(e.measures.accuracy), ms: round(e.durationMs) })));
    console.log('Datasets and models the training used or generated:');
    console.table((await runDatasets(store, training.run)).map((d) => ({ role: d.role, by: d.kind, file: rel(d.storageUrl), sha256: d.checksum?.slice(0, 12), bytes: d.byteSize })));
  }
  const trainNode = training && (await runDatasets(store, training.run)).find((d) => d.role === 'used' && d.storageUrl?.endsWith('/train.json'));
  const best = trainNode && (await q3(store, { dataset: trainNode.data }));
  if (best) {
    console.log('Q3 — the least-loss model trained on train.json, with its hyperparameters and evaluations:');
    console.table([{ epoch: best.epoch, ...best.hyperparameters, ...Object.fromEntries(Object.entries(best.evaluations).map(([k, v]) => [k, round(v)])), model: best.model }]);
    const graph = await lineage(store, best.model, { direction: 'backward', include: ['DataReferenceValue', 'ModelReferenceValue', 'DataTransformationExecution', 'ParameterValue'], exclude: ['BatchExecution'] });
    console.log('Its lineage back to the raw survey (data, transformations and parameters), as Mermaid:');
    console.log(toMermaid(graph));
  }
  const prep = runs.find((r) => !r.learning);
  if (prep) {
    console.log('Files the preparation generated (the same nodes the training used):');
    console.table((await runDatasets(store, prep.run)).filter((d) => d.role === 'generated').map((d) => ({ file: rel(d.storageUrl), node: d.data })));
  }
  const [{ n } = { n: undefined }] = await store.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }');
  const report = await validateDataset(await store.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }'));
  console.log(`SHACL (shapes/prov-ml.shapes.ttl): ${report.conforms ? 'conforms' : `${report.results.length} violations`}`);
  for (const r of report.results.slice(0, 5)) console.log(`  ${r.focusNode} ${r.path ?? ''}: ${r.message}`);
  await prov.shutdown();
  const s = prov.stats();
  console.log(`${n?.value} triples in the embedded store; events captured ${s.captured}, stored ${s.sent}, dropped ${s.dropped}.`);
  console.log(`Journal (N-Quads, replayable into any SPARQL endpoint): ${relative(process.cwd(), journal)}`);
}

function round(x: number | undefined): number | undefined {
  return x === undefined ? undefined : Math.round(x * 1000) / 1000;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
