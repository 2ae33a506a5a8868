/**
 * A training for the monitor tests, captured with the `track` API into whatever tracker is
 * installed, that can stop half-way — inside an epoch, with one batch started and not ended —
 * until the test resumes it.
 */
import { track } from '../../../src/index.js';

export interface TrainingShape {
  /** Workflow name. */
  name: string;
  epochs?: number;
  batches?: number;
  /** Stop when this batch of this epoch has started (before it ends). */
  pauseAt?: { epoch: number; batch: number };
  /** Time each batch takes (ms). */
  batchMs?: number;
}

export interface Training {
  /** The run's IRI, once the workflow has started. */
  run: Promise<string>;
  /** Resolves when the training reaches `pauseAt`. */
  paused: Promise<void>;
  resume(): void;
  /** Resolves when the workflow has returned. */
  done: Promise<void>;
}

/** Loss of epoch `e` (decreasing). */
export const epochLoss = (e: number): number => 1 / (e + 1);
/** Accuracy of epoch `e` (increasing). */
export const epochAccuracy = (e: number): number => 0.5 + 0.1 * e;

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function startTraining(shape: TrainingShape): Training {
  const epochs = shape.epochs ?? 4;
  const batches = shape.batches ?? 3;
  const paused = deferred();
  const resumed = deferred();
  let setRun!: (iri: string) => void;
  const run = new Promise<string>((r) => (setRun = r));
  if (!shape.pauseAt) paused.resolve();
  const done = track.workflow({ name: shape.name }, async () => {
    const stage = track.start('stage', { stage: 'training', hyperparameters: { lr: 0.1, epochs } });
    setRun(`urn:provml:execution:${stage.root}`);
    for (let e = 0; e < epochs; e++) {
      const epoch = track.start('epoch', { parent: stage, index: e, measures: ['loss', 'accuracy'] });
      for (let b = 0; b < batches; b++) {
        const batch = track.start('batch', { parent: epoch, index: b, measures: ['loss'] });
        if (shape.pauseAt?.epoch === e && shape.pauseAt.batch === b) {
          paused.resolve();
          await resumed.promise;
        }
        await new Promise((r) => setTimeout(r, shape.batchMs ?? 5));
        batch.end({ loss: epochLoss(e) + 0.01 * b });
      }
      epoch.end({ loss: epochLoss(e), accuracy: epochAccuracy(e) });
    }
    stage.end();
  });
  return { run, paused: paused.promise, resume: resumed.resolve, done };
}
