/**
 * The demo's plan, shared by the three phase scripts the way a team shares a configuration file:
 * which surveys exist (and what geoscientists know about them), how each training dataset is cut,
 * and which trainings run on which dataset. The phases never pass anything else to each other:
 * each one reads the files the previous one wrote (see `layout`).
 *
 * The driver (main.ts) uses the same tables, the files themselves and the learning phase's
 * History files to check every answer of Q1–Q6.
 */
import { join } from 'node:path';

/** A synthetic 3-D survey: geometry, corner coordinates (WGS 84) and the domain knowledge about it. */
export interface SurveySpec {
  /** Inline numbers `firstInline … firstInline + inlines - 1`, crosslines likewise. */
  firstInline: number;
  inlines: number;
  firstCrossline: number;
  crosslines: number;
  samples: number;
  sampleIntervalMs: number;
  /** Corners in the order (first il, first xl), (first il, last xl), (last il, last xl), (last il, first xl). */
  corners: ReadonlyArray<{ lat: number; lon: number }>;
  /** Where the bright spot (a gas anomaly, high amplitudes) sits, as fractions of the cube. */
  brightSpot: { inline: number; crossline: number; sample: number; radius: number };
  seed: number;
  /** Domain facts (Q1, Q6), kept in the domain graph, not in the file. */
  domain: { basin: string; field: string; country: string; operator: string; wells: readonly string[]; report: string };
}

export const SURVEYS = {
  netherlands: {
    firstInline: 100,
    inlines: 64,
    firstCrossline: 300,
    crosslines: 48,
    samples: 32,
    sampleIntervalMs: 4,
    corners: [
      { lat: 54.8512, lon: 4.6279 },
      { lat: 54.8733, lon: 4.8395 },
      { lat: 54.9571, lon: 4.8204 },
      { lat: 54.935, lon: 4.6086 },
    ],
    brightSpot: { inline: 0.55, crossline: 0.45, sample: 0.4, radius: 0.28 },
    seed: 101,
    domain: {
      basin: 'North Sea Basin',
      field: 'F3 Block',
      country: 'Netherlands',
      operator: 'synthetic',
      wells: ['F02-1', 'F03-2', 'F03-4', 'F06-1'],
      report: 'Shallow gas bright spot above the Plio-Pleistocene delta; clinoforms dip to the west.',
    },
  },
  santos: {
    firstInline: 1000,
    inlines: 64,
    firstCrossline: 2000,
    crosslines: 48,
    samples: 32,
    sampleIntervalMs: 4,
    corners: [
      { lat: -25.4822, lon: -42.8931 },
      { lat: -25.5104, lon: -42.7312 },
      { lat: -25.6217, lon: -42.7625 },
      { lat: -25.5935, lon: -42.9244 },
    ],
    brightSpot: { inline: 0.4, crossline: 0.6, sample: 0.6, radius: 0.3 },
    seed: 202,
    domain: {
      basin: 'Santos Basin',
      field: 'Lula',
      country: 'Brazil',
      operator: 'synthetic',
      wells: ['1-RJS-628A', '3-RJS-646'],
      report: 'Pre-salt carbonate reservoir below a thick evaporite sequence.',
    },
  },
} as const satisfies Record<string, SurveySpec>;
export type SurveyName = keyof typeof SURVEYS;

/** How a training dataset is cut from a survey (the learning-data preparation's parameters). */
export interface PreparationSpec {
  survey: SurveyName;
  firstInline: number;
  lastInline: number;
  tileSize: number;
  noiseThreshold: number;
  /** Every n-th inline goes to the validation set. */
  validationEvery: number;
}

export const PREPARATIONS = {
  A: { survey: 'netherlands', firstInline: 110, lastInline: 149, tileSize: 8, noiseThreshold: 0.05, validationEvery: 5 },
  B: { survey: 'santos', firstInline: 1010, lastInline: 1049, tileSize: 16, noiseThreshold: 0.1, validationEvery: 5 },
} as const satisfies Record<string, PreparationSpec>;
export type DatasetName = keyof typeof PREPARATIONS;

/** One TF.js training: its dataset, optimizer and how it validates. */
export interface TrainingSpec {
  dataset: DatasetName;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  batchSize: number;
  epochs: number;
  hidden: number;
  /** `fit` with the validation tiles as validationData, `fitDataset` likewise, or `fit` with validationSplit and early stopping. */
  mode: 'fit' | 'fitDataset' | 'fit-split-early-stop';
}

export const TRAININGS = {
  T1: { dataset: 'A', optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 8, hidden: 16, mode: 'fit' },
  T2: { dataset: 'A', optimizer: 'sgd', learningRate: 0.1, batchSize: 64, epochs: 8, hidden: 8, mode: 'fitDataset' },
  T3: { dataset: 'B', optimizer: 'adam', learningRate: 0.005, batchSize: 16, epochs: 20, hidden: 16, mode: 'fit-split-early-stop' },
} as const satisfies Record<string, TrainingSpec>;
export type TrainingName = keyof typeof TRAININGS;

/** Study and experiment every workflow of the demo belongs to. */
export const STUDY = 'seismic facies (demo)';

/** Where each phase writes; the only link between the phases. */
export function layout(dir: string) {
  return {
    dir,
    journal: (phase: 'curation' | 'preparation' | 'learning') => join(dir, 'journals', `${phase}.nq`),
    surveys: join(dir, 'surveys'),
    survey: (s: SurveyName) => join(dir, 'surveys', `${s}.svol`),
    outline: (s: SurveyName) => join(dir, 'surveys', `${s}.outline.geojson`),
    datasets: join(dir, 'datasets'),
    slices: (d: DatasetName) => join(dir, 'datasets', `${d}-slices.svol`),
    train: (d: DatasetName) => join(dir, 'datasets', `${d}-train.stil`),
    validation: (d: DatasetName) => join(dir, 'datasets', `${d}-validation.stil`),
    models: join(dir, 'models'),
    model: (t: TrainingName, epoch: number) => join(dir, 'models', `${t}-epoch-${epoch}.json`),
    /** What the learning phase reports about each training (tf.js History, IRIs), for the driver's checks. */
    history: (t: TrainingName) => join(dir, 'models', `${t}.history.json`),
    report: join(dir, 'provml-report'),
  };
}

/** The output directory a phase script was given (`--out DIR`), else `PROVML_DEMO_DIR`, else `provml-demo`. */
export function outDir(argv: readonly string[] = process.argv): string {
  const i = argv.indexOf('--out');
  return (i >= 0 ? argv[i + 1] : undefined) ?? process.env.PROVML_DEMO_DIR ?? 'provml-demo';
}
