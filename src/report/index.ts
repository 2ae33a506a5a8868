/**
 * `report(endpoint, options)`: one self-contained HTML page about an ML lifecycle, readable
 * offline — runs, loss and metric curves, batch-time histograms, hyperparameters side by side,
 * the lineage diagram from raw files to models, answers to Q1–Q6 and the SHACL verdict. Every
 * chart is inline SVG written by provml; the page loads nothing (its Content-Security-Policy
 * forbids it).
 *
 * The data is read through src/query (runs, epochs, hyperparameters, data, Q1–Q6, lineage)
 * and a few reviewed templates (./queries.ts), so it works on any {@link SparqlEndpoint}: the
 * embedded store, journals loaded into one, `provml serve`, Virtuoso.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { readTrainings, selectRuns } from './data.js';
import { lifecycleSection } from './lifecycle.js';
import { page } from './page.js';
import { hyperparametersSection, runsSection } from './sections-runs.js';
import { batchTimesSection, curvesSection } from './sections-curves.js';
import { lineageSection } from './sections-lineage.js';
import { validationSection } from './sections-validation.js';
import { problem, section } from './html.js';
import type { ReportOptions, ReportResult } from './types.js';

export type { ReportOptions, ReportResult, RunInfo, TrainingData } from './types.js';
export { escapeHtml } from './html.js';

/**
 * Write `<out>/index.html` (default `provml-report/index.html`) about the runs in `endpoint` —
 * all of them, or `options.runs`. Throws a `TypeError` for an invalid run IRI and a `RangeError`
 * naming runs the store does not hold; a part of the page that cannot be computed (a failing
 * query, an unreadable domain endpoint) is reported on the page and in `problems` instead.
 *
 * @example
 * ```ts
 * import { report } from 'provml/report';
 *
 * await prov.flush();
 * const r = await report(prov.store!, { out: 'provml-report', title: 'Seismic U-Net' });
 * console.log(`${r.file}: ${r.runs} runs, ${r.charts} charts, conforms: ${r.conforms}`);
 * ```
 */
export async function report(endpoint: SparqlEndpoint, options: ReportOptions = {}): Promise<ReportResult> {
  const problems: string[] = [];
  const title = options.title ?? 'provml report';
  const out = resolve(options.out ?? 'provml-report');
  const now = (options.now ?? (() => new Date()))();

  const runs = await selectRuns(endpoint, options.runs);
  let trainings: Awaited<ReturnType<typeof readTrainings>> = [];
  let trainingProblem: string | undefined;
  try {
    trainings = await readTrainings(endpoint, runs);
  } catch (err) {
    trainingProblem = err instanceof Error ? err.message : String(err);
    problems.push(`training data: ${trainingProblem}`);
  }

  const curves = curvesSection(trainings);
  const batchTimes = batchTimesSection(trainings);
  const lineage = await lineageSection(endpoint, runs, trainings, problems);
  let queries: string;
  try {
    queries = await lifecycleSection(endpoint, trainings, options.domain, problems);
  } catch (err) {
    problems.push(`Q1–Q6: ${err instanceof Error ? err.message : String(err)}`);
    queries = section('queries', 'Lifecycle queries (Q1–Q6)', problem('Q1–Q6', err));
  }
  const validation = await validationSection(endpoint, options.validate ?? true, problems);

  const subtitle = [
    `${runs.length} run${runs.length === 1 ? '' : 's'}${options.runs?.length ? ' (selected)' : ''}, ${trainings.length} with a learning stage. Generated ${now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')}.`,
    ...(options.source ? [`Source: ${options.source}`] : []),
    ...(trainingProblem ? [`Training data could not be read: ${trainingProblem}`] : []),
  ];
  const html = page({
    title,
    subtitle,
    sections: [runsSection(runs, trainings), curves.html, batchTimes.html, hyperparametersSection(trainings), lineage.html, queries, validation.html],
  });

  await mkdir(out, { recursive: true });
  const file = join(out, 'index.html');
  await writeFile(file, html, 'utf8');
  return {
    file,
    runs: runs.length,
    trainings: trainings.length,
    charts: curves.charts + batchTimes.charts,
    epochPoints: curves.points,
    lineageNodes: lineage.nodes,
    ...(validation.conforms !== undefined ? { conforms: validation.conforms } : {}),
    problems,
    bytes: Buffer.byteLength(html, 'utf8'),
  };
}
