/**
 * The reference lifecycle of shared/QUERIES.md in miniature, captured by provml's decorators:
 *
 * 1. curation (geoscientist): for each raw survey file, extract quantities of interest
 *    (inlines, crosslines, latitude, longitude) and attach them to the file's node;
 * 2. preparation (computational scientist), twice: select a slice range of a survey, then tile
 *    and denoise it into a training dataset — dataset A from netherlands.sgy, B from santos.sgy;
 * 3. learning (ML engineer): trainings T1 and T2 on dataset A, T3 on dataset B; each runs 3 epochs
 *    of 4 batches, records batch and epoch losses, accuracy, and a model file per epoch.
 *
 * Domain knowledge (basin, field) is *not* captured: tests put it in a separate graph or endpoint.
 * All values are deterministic functions of the inputs below, so tests compute what each query
 * must return from these tables, independently of provml. A training can be paused after a given
 * epoch (`gate`) to query a run that is still in progress.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Batch, Epoch, LearningStage, Transformation, Workflow, WorkflowRun, ref } from '../../src/index.js';

export type DataRef = ReturnType<typeof ref>;

/** The raw survey files and what curation extracts from them. */
export const SURVEYS = {
  netherlands: { inlines: 651, crosslines: 951, latitude: 54.85, longitude: 4.63, basin: 'North Sea Basin', field: 'F3 Block' },
  santos: { inlines: 1200, crosslines: 800, latitude: -25.5, longitude: -43.2, basin: 'Santos Basin', field: 'Lula' },
} as const;
export type SurveyName = keyof typeof SURVEYS;

/** How each prepared dataset is made. */
export const PREPARATIONS = {
  A: { survey: 'netherlands', firstInline: 100, lastInline: 300, tileSize: 64, noiseThreshold: 0.2 },
  B: { survey: 'santos', firstInline: 50, lastInline: 150, tileSize: 32, noiseThreshold: 0.1 },
} as const satisfies Record<string, { survey: SurveyName; firstInline: number; lastInline: number; tileSize: number; noiseThreshold: number }>;
export type DatasetName = keyof typeof PREPARATIONS;

/** The trainings: dataset, hyperparameters and the base of their loss curve. */
export const TRAININGS = {
  T1: { dataset: 'A', learningRate: 0.1, batchSize: 16, lossBase: 1.0 },
  T2: { dataset: 'A', learningRate: 0.05, batchSize: 32, lossBase: 0.8 },
  T3: { dataset: 'B', learningRate: 0.1, batchSize: 16, lossBase: 0.5 },
  T4: { dataset: 'A', learningRate: 0.2, batchSize: 8, lossBase: 0.5 },
} as const satisfies Record<string, { dataset: DatasetName; learningRate: number; batchSize: number; lossBase: number }>;
export type TrainingName = keyof typeof TRAININGS;

export const EPOCHS = 3;
export const BATCHES = 4;

/** Epoch loss of a training (what the code reports and what Q3 ranks by). */
export const epochLoss = (t: TrainingName, epoch: number): number => TRAININGS[t].lossBase / (epoch + 1);
/** Epoch accuracy. */
export const epochAccuracy = (t: TrainingName, epoch: number): number => 1 - epochLoss(t, epoch) / 2;
/** Batch loss. */
export const batchLoss = (t: TrainingName, epoch: number, batch: number): number => epochLoss(t, epoch) + (BATCHES - batch) / 100;

/** File layout of one lifecycle under `dir`. */
export function files(dir: string) {
  return {
    survey: (s: SurveyName) => join(dir, `${s}.sgy`),
    slices: (d: DatasetName) => join(dir, `slices-${d}.npy`),
    dataset: (d: DatasetName) => join(dir, `train-${d}.npz`),
    model: (t: TrainingName, epoch: number) => join(dir, `model-${t}-e${epoch}.json`),
    url: (path: string) => pathToFileURL(path).href,
  };
}

// ---------------------------------------------------------------------------------------------

@Workflow({ name: 'seismic-curation', study: 'stratigraphy', persona: 'geoscientist' })
export class Curation {
  constructor(private readonly dir: string) {}

  @WorkflowRun()
  async run(): Promise<void> {
    for (const s of Object.keys(SURVEYS) as SurveyName[]) {
      const path = files(this.dir).survey(s);
      await writeFile(path, `SEG-Y ${s} survey`);
      await this.extract(ref(path, { mediaType: 'application/x-segy' }), s);
    }
  }

  @Transformation({ name: 'extract-survey-facts', inputs: { survey: 0 }, characteristics: ['inlines', 'crosslines', 'latitude', 'longitude'] })
  async extract(_survey: DataRef, name: SurveyName): Promise<{ inlines: number; crosslines: number; latitude: number; longitude: number }> {
    const { inlines, crosslines, latitude, longitude } = SURVEYS[name];
    return { inlines, crosslines, latitude, longitude };
  }
}

@Workflow({ name: 'prepare-training-data', study: 'stratigraphy', persona: 'computational scientist' })
export class Preparation {
  constructor(private readonly dir: string) {}

  @WorkflowRun()
  async run(d: DatasetName): Promise<DataRef> {
    const p = PREPARATIONS[d];
    const f = files(this.dir);
    const slices = await this.select(ref(f.survey(p.survey)), { firstInline: p.firstInline, lastInline: p.lastInline, out: f.slices(d) });
    return this.tile(slices, { tileSize: p.tileSize, noiseThreshold: p.noiseThreshold, out: f.dataset(d) });
  }

  @Transformation({ name: 'select-slices', inputs: { survey: 0 }, params: ['$1.firstInline', '$1.lastInline'], outputs: { slices: '$' } })
  async select(_survey: DataRef, o: { firstInline: number; lastInline: number; out: string }): Promise<DataRef> {
    await writeFile(o.out, `slices ${o.firstInline}-${o.lastInline}`);
    return ref(o.out);
  }

  @Transformation({ name: 'tile-and-denoise', inputs: { slices: 0 }, params: ['$1.tileSize', '$1.noiseThreshold'], outputs: { dataset: '$' } })
  async tile(slices: DataRef, o: { tileSize: number; noiseThreshold: number; out: string }): Promise<DataRef> {
    await writeFile(o.out, `tiles ${o.tileSize} ${o.noiseThreshold} of ${slices.uri}`);
    return ref(o.out);
  }
}

/** Resolves when a paused training may go on; set per training with `Training.gate`. */
export interface Gate {
  /** Epoch after which the training waits for `release`. */
  after: number;
  /** Called once the training is waiting. */
  reached: () => void;
  release: Promise<void>;
}

@Workflow({ name: 'train-seismic-model', study: 'stratigraphy', persona: 'ML engineer', algorithm: 'U-Net' })
export class Training {
  constructor(
    private readonly dir: string,
    private readonly name: TrainingName,
    private readonly gate?: Gate,
  ) {}

  @WorkflowRun()
  async run(): Promise<void> {
    const t = TRAININGS[this.name];
    await this.train({ learningRate: t.learningRate, batchSize: t.batchSize, epochs: EPOCHS, dataset: ref(files(this.dir).dataset(t.dataset)) });
  }

  @LearningStage({ stage: 'training', hyperparameters: ['learningRate', 'batchSize', 'epochs'], inputs: ['dataset'] })
  async train(o: { learningRate: number; batchSize: number; epochs: number; dataset: DataRef }): Promise<void> {
    for (let e = 0; e < o.epochs; e++) {
      await this.epoch(e);
      if (this.gate && this.gate.after === e) {
        this.gate.reached();
        await this.gate.release;
      }
    }
  }

  @Epoch({ indexArg: 0, measures: ['loss', 'accuracy'], models: ['model'], modelHyperparameters: ['epoch'] })
  async epoch(epoch: number): Promise<{ loss: number; accuracy: number; model: DataRef; epoch: number }> {
    for (let b = 0; b < BATCHES; b++) {
      await new Promise((r) => setTimeout(r, 1 + ((epoch + b) % 3)));
      this.batch(b, epoch);
    }
    const path = files(this.dir).model(this.name, epoch);
    await writeFile(path, JSON.stringify({ training: this.name, epoch }));
    return { loss: epochLoss(this.name, epoch), accuracy: epochAccuracy(this.name, epoch), model: ref(path, { mediaType: 'application/json' }), epoch };
  }

  @Batch({ indexArg: 0, measures: ['loss'] })
  batch(b: number, epoch: number): { loss: number } {
    return { loss: batchLoss(this.name, epoch, b) };
  }
}

/** Run curation, both preparations and trainings T1–T3 (in order: each phase needs the last). */
export async function runLifecycle(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await new Curation(dir).run();
  await new Preparation(dir).run('A');
  await new Preparation(dir).run('B');
  for (const t of ['T1', 'T2', 'T3'] as const) await new Training(dir, t).run();
}

/** Domain knowledge about the surveys as N-Triples: the file's storage URL is the subject. */
export function domainTriples(dir: string): string {
  const GEO = 'http://example.org/geo#';
  const f = files(dir);
  return (Object.keys(SURVEYS) as SurveyName[])
    .map((s) => {
      const u = `<${f.url(f.survey(s))}>`;
      return `${u} <${GEO}basin> ${JSON.stringify(SURVEYS[s].basin)} .\n${u} <${GEO}field> ${JSON.stringify(SURVEYS[s].field)} .\n`;
    })
    .join('');
}
