/**
 * A custom TensorFlow.js training loop (`optimizer.minimize` per batch, no `model.fit`, so no
 * callback runs) captured with decorators: the class is the workflow, `train` the learning stage,
 * `epoch` and `batch` its iterations — nesting comes from the call stack. Each epoch saves the
 * model and returns it, so every epoch's model is in the provenance with the epoch it was made at.
 * The same loop with `track` instead of decorators: ./track.ts.
 *
 * Run: `npx tsx examples/custom-loop/main.ts` (PROVML_EXAMPLE_DIR picks the output directory).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Batch, Epoch, LearningStage, ProvML, Workflow, WorkflowRun, currentRun, ref } from '../../src/index.js';
import { runEpochs, runHyperparameters } from '../../src/query/index.js';
import { makeData, makeModel, outputDir, saveModel, step } from './common.js';

type DataRef = ReturnType<typeof ref>;

interface TrainOptions {
  learningRate: number;
  epochs: number;
  batchSize: number;
  train: DataRef;
}

@Workflow({ name: 'custom-loop', persona: 'ML engineer', algorithm: 'dense neural network' })
class Trainer {
  private readonly model = makeModel();
  private optimizer!: tf.Optimizer;

  constructor(
    private readonly dir: string,
    private readonly xs: tf.Tensor2D,
    private readonly ys: tf.Tensor2D,
  ) {}

  @WorkflowRun()
  async run(o: TrainOptions): Promise<string> {
    await this.train(o);
    return currentRun()!.iri;
  }

  @LearningStage({ stage: 'training', hyperparameters: ['learningRate', 'epochs', 'batchSize'], inputs: ['train'], models: ['model'] })
  async train(o: TrainOptions): Promise<{ model: DataRef }> {
    this.optimizer = tf.train.sgd(o.learningRate);
    let model: DataRef | undefined;
    for (let e = 0; e < o.epochs; e++) model = (await this.epoch(e, o.batchSize)).model;
    return { model: model! }; // the stage's model: the last epoch's
  }

  @Epoch({ indexArg: 0, measures: ['loss'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(epoch: number, batchSize: number): Promise<{ loss: number; model: DataRef; epoch: number }> {
    const batches = Math.ceil(this.xs.shape[0] / batchSize);
    let sum = 0;
    for (let b = 0; b < batches; b++) sum += this.batch(b, batchSize).loss;
    return { loss: sum / batches, model: ref(await saveModel(this.model, this.dir, epoch)), epoch };
  }

  @Batch({ indexArg: 0, measures: ['loss'] })
  batch(index: number, batchSize: number): { loss: number } {
    return { loss: step(this.model, this.optimizer, this.xs, this.ys, index, batchSize) };
  }
}

const dir = await outputDir('custom-loop');
const { xs, ys, file } = await makeData(dir);
const prov = ProvML.init({ journal: join(dir, 'provenance.nq') });
const run = await new Trainer(dir, xs, ys).run({ learningRate: 0.5, epochs: 4, batchSize: 40, train: ref(file) });

await prov.flush();
console.table(await runHyperparameters(prov.store!, run).then((hp) => hp.map(({ name, value }) => ({ name, value }))));
const epochs = await runEpochs(prov.store!, run);
console.table(epochs.map((e) => ({ epoch: e.epoch, batches: e.batches, loss: e.measures.loss, ms: e.durationMs })));
await prov.shutdown();
console.log(`run ${run}: ${epochs.length} epochs of ${epochs[0]?.batches ?? 0} batches recorded; journal ${join(dir, 'provenance.nq')}`);
