/**
 * The README's own pattern ("## Using it") as a small lifecycle for the query tests, with the
 * three shapes user reports came from:
 *
 * - the raw file is *generated* by a step (`acquire-survey` writes it from a `samples` parameter),
 *   as in the quickstart demo — Q1/Q6 must still find it;
 * - the learning stage declares `models: ['model']` and returns its last epoch's model, which the
 *   epoch declares too — Q5 must report that model's epoch;
 * - a parameter captured as a string (`slices: '100'`, as read from argv) next to numeric ones
 *   (`tileSize`, `scale`) — Q5/Q6 filters must compare numerically and accept ranges.
 *
 * Two preparations (X, Y), one training on each. Index options are left out (the automatic counter
 * numbers epochs and batches 0, 1, 2…).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Batch, Epoch, LearningStage, Transformation, Workflow, WorkflowRun, ref } from '../../../src/index.js';

type DataRef = ReturnType<typeof ref>;

export const README_PREPARATIONS = {
  X: { samples: 400, tileSize: 4, slices: '100', scale: 0.25 },
  Y: { samples: 200, tileSize: 8, slices: '300', scale: 0.5 },
} as const;
export type ReadmePreparationName = keyof typeof README_PREPARATIONS;

export const README_TRAININGS = {
  RX: { preparation: 'X', lr: 0.01, epochs: 3 },
  RY: { preparation: 'Y', lr: 0.001, epochs: 2 },
} as const satisfies Record<string, { preparation: ReadmePreparationName; lr: number; epochs: number }>;
export type ReadmeTrainingName = keyof typeof README_TRAININGS;

export const README_BATCHES = 2;
export const readmeLoss = (t: ReadmeTrainingName, epoch: number): number => (t === 'RX' ? 0.9 : 0.7) / (epoch + 1);

/** File layout under `dir`. */
export function readmeFiles(dir: string) {
  return {
    survey: (p: ReadmePreparationName) => join(dir, `survey-${p}.json`),
    tiles: (p: ReadmePreparationName) => join(dir, `tiles-${p}.csv`),
    model: (t: ReadmeTrainingName, epoch: number) => join(dir, `model-${t}-${epoch}.json`),
    url: (path: string) => pathToFileURL(path).href,
  };
}

@Workflow({ name: 'readme-prepare', persona: 'computational scientist' })
export class ReadmePreparation {
  constructor(
    private readonly dir: string,
    private readonly name: ReadmePreparationName,
  ) {}

  @WorkflowRun()
  async run(): Promise<DataRef> {
    const p = README_PREPARATIONS[this.name];
    const raw = await this.acquire(p.samples);
    return this.prepare(raw, { tileSize: p.tileSize, slices: p.slices, scale: p.scale });
  }

  @Transformation({ name: 'acquire-survey', params: { samples: 0 }, outputs: { survey: '$' } })
  async acquire(samples: number): Promise<DataRef> {
    const file = readmeFiles(this.dir).survey(this.name);
    await writeFile(file, JSON.stringify({ survey: this.name, samples }));
    return ref(file, { mediaType: 'application/json' });
  }

  @Transformation({ name: 'tile', inputs: { raw: 0 }, params: ['$1.tileSize', '$1.slices', '$1.scale'], outputs: { tiles: '$' } })
  async prepare(raw: DataRef, o: { tileSize: number; slices: string; scale: number }): Promise<DataRef> {
    const file = readmeFiles(this.dir).tiles(this.name);
    await writeFile(file, `tiles ${o.tileSize} ${o.slices} ${o.scale} of ${raw.uri}`);
    return ref(file);
  }
}

@Workflow({ name: 'readme-train', persona: 'ML engineer' })
export class ReadmeTraining {
  constructor(
    private readonly dir: string,
    private readonly name: ReadmeTrainingName,
  ) {}

  @WorkflowRun()
  async run(): Promise<void> {
    const t = README_TRAININGS[this.name];
    await this.train({ lr: t.lr, epochs: t.epochs, data: ref(readmeFiles(this.dir).tiles(t.preparation)) });
  }

  // As in the README: the stage declares the model it returns — its last epoch's model.
  @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['data'], models: ['model'] })
  async train(o: { lr: number; epochs: number; data: DataRef }): Promise<{ model: DataRef }> {
    let model: DataRef | undefined;
    for (let e = 0; e < o.epochs; e++) model = (await this.epoch(e)).model;
    return { model: model! };
  }

  @Epoch({ measures: ['loss', 'accuracy'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(e: number): Promise<{ loss: number; accuracy: number; model: DataRef; epoch: number }> {
    for (let b = 0; b < README_BATCHES; b++) this.batch(e, b);
    const file = readmeFiles(this.dir).model(this.name, e);
    await writeFile(file, JSON.stringify({ training: this.name, epoch: e }));
    const loss = readmeLoss(this.name, e);
    return { loss, accuracy: 1 - loss / 2, model: ref(file, { mediaType: 'application/json' }), epoch: e };
  }

  @Batch({ measures: ['loss'] })
  batch(e: number, b: number): number {
    return readmeLoss(this.name, e) + (README_BATCHES - b) / 100;
  }
}

/** Both preparations, then both trainings, into whatever tracker is installed. */
export async function runReadmeLifecycle(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await new ReadmePreparation(dir, 'X').run();
  await new ReadmePreparation(dir, 'Y').run();
  for (const t of ['RX', 'RY'] as const) await new ReadmeTraining(dir, t).run();
}
