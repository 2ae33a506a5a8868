/**
 * Decorated subjects of the capture benchmark. Imports provml first so the `Symbol.metadata`
 * polyfill is installed before the decorated classes below are evaluated (TC39 decorators).
 */
import { Batch, Epoch, LearningStage, ProvML, Workflow, WorkflowRun } from '../../src/index.js';

export { ProvML };

export type Body = (t: BenchTrainer) => Promise<void>;

/** The workflow → training stage → epoch frame in which the benchmark bodies run. */
@Workflow({ name: 'capture-bench', experiment: 'bench' })
export class BenchTrainer {
  w = 0.5;

  @WorkflowRun()
  async main(body: Body): Promise<void> {
    await this.train(body);
  }

  @LearningStage({ stage: 'training' })
  async train(body: Body): Promise<void> {
    await this.epoch(body);
  }

  @Epoch()
  async epoch(body: Body): Promise<void> {
    await body(this);
  }

  /** The measured method, captured as one BatchExecution per call (start + end event). */
  @Batch({ measures: ['loss'] })
  step(i: number): { loss: number } {
    return { loss: (i & 1023) * 0.001 * this.w };
  }

  /** The same body, undecorated. */
  plainStep(i: number): { loss: number } {
    return { loss: (i & 1023) * 0.001 * this.w };
  }
}
