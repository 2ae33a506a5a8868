/**
 * Subjects of the ingest benchmark (bench/ingest.bench.ts). Imports provml first so the
 * `Symbol.metadata` polyfill is installed before the decorated classes below are evaluated.
 *
 * `SyntheticTraining` is the Experiment 1 workload: a workflow → training stage → epochs → batches
 * loop where every batch does a small amount of real CPU work (a dense mat-vec product, ~1–3 ms)
 * and the loop awaits one macrotask turn per batch, as a JS training loop does (tfjs `fit` awaits
 * between batches) — so whatever provml leaves on the training's thread (capture and hand-off with
 * the default worker pipeline; recording and HTTP work too with `thread: 'main'`) interleaves with
 * the training exactly as it would in a real run. `PlainTraining` is the same code, undecorated.
 */
import { Batch, Epoch, LearningStage, ProvML, Workflow, WorkflowRun } from '../../src/index.js';

export { ProvML };

/** One macrotask turn (what `await tf.nextFrame()` / `await model.fit` batch boundaries cost). */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const DIM = 256;
const MATRIX = new Float64Array(DIM * DIM).map((_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
const VEC = new Float64Array(DIM).map((_, i) => Math.sin(i));
const OUT = new Float64Array(DIM);

/** `reps` dense 256×256 mat-vec products: deterministic "real work" (~0.1 ms per rep). */
export function work(reps: number, seed: number): number {
  let s = 0;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < DIM; i++) {
      let acc = 0;
      const row = i * DIM;
      for (let j = 0; j < DIM; j++) acc += MATRIX[row + j]! * VEC[j]!;
      OUT[i] = acc;
    }
    s += OUT[(seed + r) & (DIM - 1)]!;
  }
  return Math.abs(s) / (1 + reps);
}

/*
 * Wall time (ms) of each batch's `work()` call in the last run, by batch number. Both subjects
 * time their work the same way (two `performance.now()` reads per batch), so the baseline and the
 * tracked runs carry the same instrumentation. The ingest bench reads it to separate the host's
 * speed swings (which stretch `work()` itself) from what provml adds around it.
 */
let WORK_MS = new Float64Array(0);

/** When each batch's `work()` call began (performance.now()), by batch number. */
let WORK_AT = new Float64Array(0);

/** The per-batch `work()` times of the last run (see {@link resetWorkTimes}). */
export function workTimes(): Float64Array {
  return WORK_MS;
}

/** When each batch's `work()` began in the last run (performance.now() ms); the gaps between them are what lies outside `work()`. */
export function workStarts(): Float64Array {
  return WORK_AT;
}

function timedWork(reps: number, i: number): number {
  const t0 = performance.now();
  const v = work(reps, i);
  WORK_MS[i] = performance.now() - t0;
  WORK_AT[i] = t0;
  return v;
}

/** Size the per-batch `work()` times for a run of `shape` (call before each run). */
export function resetWorkTimes(shape: TrainingShape): void {
  const n = shape.epochs * shape.batches;
  if (WORK_MS.length !== n) {
    WORK_MS = new Float64Array(n);
    WORK_AT = new Float64Array(n);
  } else {
    WORK_MS.fill(0);
    WORK_AT.fill(0);
  }
}

export interface TrainingShape {
  epochs: number;
  batches: number;
  /** mat-vec reps per batch (calibrated to the wanted ms per batch). */
  reps: number;
}

/** The decorated synthetic training (2 capture events per batch, 2 per epoch, 4 per run). */
@Workflow({ name: 'ingest-bench-training', experiment: 'exp1' })
export class SyntheticTraining {
  constructor(readonly shape: TrainingShape) {}

  @WorkflowRun()
  async run(): Promise<number> {
    return this.train();
  }

  @LearningStage({ stage: 'training' })
  async train(): Promise<number> {
    let acc = 0;
    for (let e = 0; e < this.shape.epochs; e++) acc += (await this.epoch(e)).loss;
    return acc;
  }

  @Epoch({ indexArg: 0, measures: ['loss'] })
  async epoch(e: number): Promise<{ loss: number }> {
    let loss = 0;
    for (let b = 0; b < this.shape.batches; b++) {
      loss += this.step(e * this.shape.batches + b).loss;
      await turn();
    }
    return { loss: loss / this.shape.batches };
  }

  @Batch({ measures: ['loss'] })
  step(i: number): { loss: number } {
    return { loss: timedWork(this.shape.reps, i) };
  }
}

/** The same training loop with no decorators (the baseline). */
export class PlainTraining {
  constructor(readonly shape: TrainingShape) {}

  async run(): Promise<number> {
    return this.train();
  }

  async train(): Promise<number> {
    let acc = 0;
    for (let e = 0; e < this.shape.epochs; e++) acc += (await this.epoch(e)).loss;
    return acc;
  }

  async epoch(e: number): Promise<{ loss: number }> {
    let loss = 0;
    for (let b = 0; b < this.shape.batches; b++) {
      loss += this.step(e * this.shape.batches + b).loss;
      await turn();
    }
    return { loss: loss / this.shape.batches };
  }

  step(i: number): { loss: number } {
    return { loss: timedWork(this.shape.reps, i) };
  }
}
