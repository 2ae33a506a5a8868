/**
 * What the report reads from the endpoint before drawing anything: the runs (listRuns, with
 * their experiments) and, for each run with a learning stage, its epochs, batches,
 * hyperparameters, data and models — through src/query's functions (runs, the monitor's
 * templates) and ./queries.ts.
 */
import { iriTerm } from '../query/sparql.js';
import { listRuns, runDatasets, runHyperparameters } from '../query/runs.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { runBatches, runEpochSummaries, runExperiments, runModels } from './queries.js';
import type { RunInfo, TrainingData } from './types.js';

/**
 * The runs to report on, oldest first, keyed `R1`, `R2`…. With `selected`, exactly those runs
 * (each checked as an IRI first); throws a `RangeError` naming the runs the store does not know.
 *
 * @example
 * ```ts
 * const runs = await selectRuns(store, ['urn:provml:execution:…']);
 * ```
 */
export async function selectRuns(endpoint: SparqlEndpoint, selected?: readonly string[]): Promise<RunInfo[]> {
  for (const r of selected ?? []) iriTerm(r, 'run IRI');
  const all = await listRuns(endpoint);
  let runs = all;
  if (selected !== undefined && selected.length > 0) {
    const known = new Set(all.map((r) => r.run));
    const missing = [...new Set(selected)].filter((r) => !known.has(r));
    if (missing.length > 0) {
      const hint = all.length === 0 ? 'the store holds no workflow runs' : `the store holds ${all.length} run${all.length === 1 ? '' : 's'} (provml inspect lists them)`;
      throw new RangeError(`provml: run${missing.length === 1 ? '' : 's'} not found: ${missing.join(', ')}; ${hint}`);
    }
    const wanted = new Set(selected);
    runs = all.filter((r) => wanted.has(r.run));
  }
  runs = [...runs].sort((a, b) => (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0) || (a.run < b.run ? -1 : 1));
  const experiments = await runExperiments(endpoint, runs.map((r) => r.run));
  return runs.map((r, i) => {
    const key = `R${i + 1}`;
    const experiment = experiments.get(r.run);
    const end = r.endedAt === undefined ? Number.NaN : Date.parse(r.endedAt) - Date.parse(r.startedAt);
    return {
      ...r,
      key,
      label: `${key} ${r.workflow}${experiment !== undefined ? ` (${experiment})` : ''}`,
      ...(experiment !== undefined ? { experiment } : {}),
      ...(Number.isFinite(end) ? { durationMs: end } : {}),
    };
  });
}

/**
 * Epochs, batches, hyperparameters, data and models of each run with a learning stage, reading
 * at most `concurrency` runs at a time (an HTTP endpoint should not get every run at once).
 *
 * @example
 * ```ts
 * const trainings = await readTrainings(store, runs);
 * ```
 */
export async function readTrainings(endpoint: SparqlEndpoint, runs: readonly RunInfo[], concurrency = 2): Promise<TrainingData[]> {
  const learning = runs.filter((r) => r.learning);
  const out: TrainingData[] = new Array(learning.length);
  let next = 0;
  const worker = async () => {
    while (next < learning.length) {
      const i = next++;
      const run = learning[i]!;
      const [batches, hyperparameters, datasets, models] = await Promise.all([
        runBatches(endpoint, run.run),
        runHyperparameters(endpoint, run.run),
        runDatasets(endpoint, run.run),
        runModels(endpoint, run.run),
      ]);
      const epochs = await runEpochSummaries(endpoint, run.run, batches);
      out[i] = { run, epochs, batches, hyperparameters, datasets, models };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, learning.length)) }, worker));
  return out;
}

/**
 * The file name at the end of a storage URL (percent-decoded), else the IRI's last segment: how
 * the report names data nodes.
 *
 * @example
 * ```ts
 * fileLabel('urn:provml:data:ab12', 'file:///data/raw%20set.csv'); // 'raw set.csv'
 * ```
 */
export function fileLabel(iri: string, storageUrl?: string): string {
  if (storageUrl !== undefined) {
    let path = storageUrl;
    try {
      path = new URL(storageUrl).pathname || storageUrl;
    } catch {
      // not a URL: use it as a path
    }
    const last = path.split('/').filter((s) => s !== '').at(-1);
    if (last !== undefined) {
      try {
        return decodeURIComponent(last);
      } catch {
        return last;
      }
    }
    return storageUrl;
  }
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':'));
  return iri.slice(cut + 1) || iri;
}

/**
 * Names of the data nodes the trainings used or generated (IRI → file name), for tables.
 *
 * @example
 * ```ts
 * const names = dataNames(trainings); names.get(model); // 'model-3.json'
 * ```
 */
export function dataNames(trainings: readonly TrainingData[]): Map<string, { label: string; storageUrl?: string }> {
  const out = new Map<string, { label: string; storageUrl?: string }>();
  for (const t of trainings) {
    for (const d of t.datasets) if (!out.has(d.data)) out.set(d.data, { label: fileLabel(d.data, d.storageUrl), ...(d.storageUrl ? { storageUrl: d.storageUrl } : {}) });
    for (const m of t.models) if (!out.has(m.model)) out.set(m.model, { label: fileLabel(m.model, m.storageUrl), ...(m.storageUrl ? { storageUrl: m.storageUrl } : {}) });
  }
  return out;
}
