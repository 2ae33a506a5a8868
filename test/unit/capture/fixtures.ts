/**
 * Decorated classes shared by both decorator flavours: this file is compiled with legacy
 * decorators by the `unit` vitest project and with TC39 decorators by the `tc39` project.
 */
import {
  Batch,
  Epoch,
  LearningStage,
  Transformation,
  Workflow,
  WorkflowRun,
  ref,
  type DataRefSummary,
} from '../../../src/capture/index.js';
import { tick } from './helpers.js';

/** Records which decorator flavour the runtime used for this file. */
export const flavourSeen: string[] = [];
function probe(_value: unknown, context: unknown): void {
  flavourSeen.push(typeof context === 'object' && context !== null && 'kind' in context ? 'tc39' : 'legacy');
}

export interface TrainOpts {
  lr: number;
  epochs: number;
  dataset: DataRefSummary;
}

@Workflow({ name: 'digits', study: 'mnist', experiment: 'exp-1', persona: 'ml-engineer', algorithm: 'MLP', software: 'provml-test' })
export class Trainer {
  readonly losses: number[] = [];
  batchesPerEpoch = 5;

  @WorkflowRun()
  async main(lr: number): Promise<DataRefSummary> {
    const dataset = await this.prepare('raw/digits.csv', { ratio: 0.8 });
    const { model } = await this.train({ lr, epochs: 3, dataset });
    return model;
  }

  @probe
  @Transformation({ name: 'split', params: { ratio: '$1.ratio' }, inputs: { source: 0 }, outputs: { dataset: '$' } })
  async prepare(source: string, opts: { ratio: number }): Promise<DataRefSummary> {
    await tick();
    return ref(`data/${source.length}-${opts.ratio}.csv`, { mediaType: 'text/csv' });
  }

  @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['dataset'], models: ['model'] })
  async train(opts: TrainOpts): Promise<{ model: DataRefSummary }> {
    let model = ref('models/none.json');
    for (let e = 0; e < opts.epochs; e++) {
      await tick();
      model = (await this.epoch(e, opts.lr)).model;
    }
    return { model };
  }

  @Epoch({ indexArg: 0, measures: ['loss'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(epoch: number, lr: number): Promise<{ loss: number; model: DataRefSummary; epoch: number }> {
    let loss = 0;
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      await tick();
      loss = this.batch([epoch, b], lr);
    }
    return { loss, model: ref(`models/epoch-${epoch}.json`), epoch };
  }

  /** Sync, returns a bare number, index from the automatic per-epoch counter. */
  @Batch({ measures: ['loss'] })
  batch(xy: [number, number], lr: number): number {
    const loss = 1 / (1 + xy[0] * 10 + xy[1]) + lr;
    this.losses.push(loss);
    return loss;
  }

  /** Async batch whose index comes from an options-object key. */
  @Batch({ indexArg: 'i', measures: { loss: 'metrics.loss' } })
  async asyncBatch(opts: { i: number }): Promise<{ metrics: { loss: number } }> {
    await tick();
    return { metrics: { loss: opts.i / 10 } };
  }

  @Transformation()
  fails(err: unknown): never {
    throw err;
  }

  @Transformation()
  async failsAsync(err: unknown): Promise<never> {
    await tick();
    throw err;
  }
}

/** A workflow delimited by the `run` option; the entry method is not itself decorated. */
@Workflow({ name: 'etl', run: 'go' })
export class Etl {
  async go(n: number): Promise<number> {
    let s = 0;
    for (let i = 0; i < n; i++) s += await this.step(i);
    return s;
  }

  @Transformation({ params: { i: 0 }, outputs: '$' })
  async step(i: number): Promise<number> {
    await tick();
    return i * 2;
  }
}

/** No @Workflow: calls outside any workflow start an implicit workflow per instance. */
export class Loose {
  @Transformation({ params: ['factor'], outputs: { out: '$' } })
  scale(opts: { factor: number }, x: number): number {
    return x * opts.factor;
  }

  @Transformation({ outputs: { out: '$' } })
  static twice(x: number): number {
    return 2 * x;
  }
}
