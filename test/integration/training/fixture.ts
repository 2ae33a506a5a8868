/**
 * The decorated training used by the capture acceptance suite. This file is compiled with legacy
 * decorators by the `unit` vitest project and with TC39 decorators by the `tc39` project.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Batch, Epoch, LearningStage, Transformation, Workflow, WorkflowRun, ref } from '../../../src/index.js';

export type DataRef = ReturnType<typeof ref>;

/** Records which decorator flavour compiled this file. */
export const flavourSeen: string[] = [];
function probe(_value: unknown, context: unknown): void {
  flavourSeen.push(typeof context === 'object' && context !== null && 'kind' in context ? 'tc39' : 'legacy');
}

@Workflow({ name: 'seismic-training', study: 'stratigraphy', experiment: 'baseline', persona: 'ml-engineer', algorithm: 'logistic-regression' })
export class SeismicTraining {
  /** Every batch loss, in call order, as the user's code computed it. */
  readonly losses: number[] = [];
  readonly epochLosses: number[] = [];

  constructor(private readonly dir: string) {}

  @WorkflowRun()
  async run(opts: { lr: number; epochs: number }): Promise<DataRef> {
    const dataset = await this.prepare(join(this.dir, 'raw.sgy'), { tileSize: 64, threshold: 0.25 });
    const { model } = await this.train({ lr: opts.lr, epochs: opts.epochs, batchSize: 32, dataset });
    return model;
  }

  @probe
  @Transformation({ name: 'prepare-tiles', inputs: { raw: 0 }, params: ['$1.tileSize', '$1.threshold'], outputs: { tiles: '$' } })
  async prepare(raw: string, opts: { tileSize: number; threshold: number }): Promise<DataRef> {
    await writeFile(raw, 'SEGY');
    const out = join(this.dir, `tiles-${opts.tileSize}.csv`);
    await writeFile(out, 'x,y\n0.1,0\n0.9,1\n');
    return ref(out);
  }

  @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs', 'batchSize'], inputs: ['dataset'], models: ['model'] })
  async train(opts: { lr: number; epochs: number; batchSize: number; dataset: DataRef }): Promise<{ model: DataRef }> {
    let model: DataRef = ref(join(this.dir, 'model-none.json'));
    for (let e = 0; e < opts.epochs; e++) model = (await this.epoch(e, opts.lr)).model;
    return { model };
  }

  @Epoch({ indexArg: 0, measures: ['loss'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(epoch: number, lr: number): Promise<{ loss: number; model: DataRef; epoch: number }> {
    let sum = 0;
    for (let b = 0; b < 5; b++) {
      await new Promise((r) => setImmediate(r));
      sum += this.batch(epoch, b, lr);
    }
    const path = join(this.dir, `model-${epoch}.json`);
    await writeFile(path, JSON.stringify({ epoch }));
    this.epochLosses.push(sum / 5);
    return { loss: sum / 5, model: ref(path, { mediaType: 'application/json' }), epoch };
  }

  @Batch({ indexArg: 1, measures: ['loss'] })
  batch(epoch: number, b: number, lr: number): number {
    const loss = 1 / (1 + epoch * 5 + b) + lr;
    this.losses.push(loss);
    return loss;
  }

  /** A transformation that fails with the user's own error. */
  @Transformation({ name: 'broken-step', params: { attempt: 0 } })
  async broken(_attempt: number, error: Error): Promise<never> {
    await new Promise((r) => setImmediate(r));
    throw error;
  }
}
