/**
 * `provml/report`: one self-contained, offline HTML page about an ML lifecycle — runs, curves,
 * batch times, hyperparameters, lineage, Q1–Q6 and the SHACL verdict — from any SPARQL endpoint.
 *
 * @example
 * ```ts
 * import { report } from 'provml/report';
 * const { file } = await report(prov.store!, { out: 'provml-report' });
 * ```
 *
 * @packageDocumentation
 */
export { report, escapeHtml, type ReportOptions, type ReportResult, type RunInfo, type TrainingData } from './report/index.js';
export type { RunBatch, RunModel } from './report/queries.js';
