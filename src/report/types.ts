/**
 * Options and results of {@link report}, and the data the report's sections are drawn from.
 */
import type { DomainSource } from '../query/lifecycle/types.js';
import type { DatasetUse, EpochSummary, HyperparameterSetting, RunSummary } from '../query/runs.js';
import type { RunBatch, RunModel } from './queries.js';

/**
 * Options of {@link report}.
 *
 * @example
 * ```ts
 * const o: ReportOptions = { runs: [run], out: 'provml-report', title: 'Seismic U-Net, week 12', domain: { graph: 'urn:provml:graph:domain' } };
 * ```
 */
export interface ReportOptions {
  /** Runs (workflow execution IRIs) to report on; default: every run in the store. */
  runs?: string[];
  /** Output directory, created when missing; the page is `<out>/index.html`. Default `provml-report`. */
  out?: string;
  /** Page title; default `provml report`. */
  title?: string;
  /** Where Q1 and Q6 find domain facts (basin, field…); default: the provenance endpoint, every graph. */
  domain?: DomainSource;
  /** Run the SHACL validation of the endpoint (default true; it reads the whole store). */
  validate?: boolean;
  /** One line under the title saying where the provenance came from (e.g. the files or endpoint). */
  source?: string;
  /** The clock for the "generated at" line (tests pin it). */
  now?: () => Date;
}

/**
 * What {@link report} wrote.
 *
 * @example
 * ```ts
 * const r: ReportResult = await report(store, { out: 'site' });
 * console.log(r.file, r.runs, r.charts, r.problems);
 * ```
 */
export interface ReportResult {
  /** Absolute path of the page written. */
  file: string;
  /** Runs reported on. */
  runs: number;
  /** Of those, runs with a learning stage. */
  trainings: number;
  /** Charts drawn (curves and histograms). */
  charts: number;
  /** Points drawn in the per-epoch charts. */
  epochPoints: number;
  /** Nodes of the lineage diagram (0 when there was nothing to draw). */
  lineageNodes: number;
  /** `true`/`false` when validation ran, `undefined` when it was skipped or failed. */
  conforms?: boolean;
  /** Parts that could not be computed, each with its reason (also shown on the page). */
  problems: string[];
  /** Size of the page in bytes. */
  bytes: number;
}

/**
 * A run as the report shows it: the summary from `listRuns` plus a short label.
 *
 * @example
 * ```ts
 * const r: RunInfo = { ...summary, key: 'R2', label: 'R2 train (baseline)', experiment: 'baseline', durationMs: 28.4 };
 * ```
 */
export interface RunInfo extends RunSummary {
  /** `R1`, `R2`… in order of start time. */
  key: string;
  /** Key, workflow name and experiment, for legends and headings. */
  label: string;
  experiment?: string;
  durationMs?: number;
}

/**
 * Everything read about one run with a learning stage.
 *
 * @example
 * ```ts
 * const t: TrainingData = { run, epochs, batches, hyperparameters, datasets, models };
 * ```
 */
export interface TrainingData {
  run: RunInfo;
  epochs: EpochSummary[];
  batches: RunBatch[];
  hyperparameters: HyperparameterSetting[];
  datasets: DatasetUse[];
  models: RunModel[];
}
