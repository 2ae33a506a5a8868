/**
 * Q1–Q6 (shared/QUERIES.md) answered for what the selected runs hold, with parameters derived
 * from the data:
 *
 * - Q1, Q2 for the final model of each training;
 * - Q3, Q4 for each training dataset those models were trained on (Q3 ranks by `loss` when it
 *   was recorded, else by the first measure; accuracies and scores are maximised);
 * - Q5, Q6 for the parameters of the first preparation step upstream of each training dataset
 *   (the step with the oldest execution IRI among Q2's answers — provml's execution IRIs are
 *   time-ordered — e.g. `select-slices` with its slice range).
 *
 * A question with no answer says why (for Q1/Q6 through `explainEmpty`); a query that fails
 * becomes a note, never an exception.
 */
import { explainEmpty, q1, q2, q3, q4, q5, q6, trainingDatasets, type DomainSource, type ParameterFilter, type Q2Row, type Scalar } from '../query/lifecycle/index.js';
import { describeFilter } from '../query/lifecycle/parameters.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { fileLabel, dataNames } from './data.js';
import { code, escapeHtml, num, problem, section, table, type Html } from './html.js';
import { finalModels } from './queries.js';
import type { TrainingData } from './types.js';

/** What Q3 ranks by: `loss` if recorded, else the first measure; `max` for accuracy-like names. */
export function rankingMeasure(trainings: readonly TrainingData[]): { measure: string; order: 'min' | 'max' } {
  const names = new Set(trainings.flatMap((t) => t.epochs.flatMap((e) => Object.keys(e.measures))));
  const measure = names.has('loss') ? 'loss' : ([...names].sort()[0] ?? 'loss');
  return { measure, order: /acc|precision|recall|f1|auc|score|iou|dice/i.test(measure) && !/loss|err/i.test(measure) ? 'max' : 'min' };
}

function kv(record: Record<string, Scalar | Scalar[]>): Html {
  const entries = Object.entries(record);
  if (entries.length === 0) return '';
  const one = (v: Scalar) => (typeof v === 'number' ? num(v) : escapeHtml(String(v)));
  return `<ul class="kv">${entries.map(([k, v]) => `<li>${escapeHtml(k)} = ${Array.isArray(v) ? v.map(one).join(', ') : one(v)}</li>`).join('')}</ul>`;
}

function why(text: string | undefined, fallback: string): Html {
  return `<p class="empty">${escapeHtml(text ?? fallback)}</p>`;
}

/** The parameters of the first preparation step in Q2's answer, or undefined when there is none. */
export function firstStepParameters(rows: readonly Q2Row[]): { filter: ParameterFilter; step: string } | undefined {
  const first = [...rows].sort((a, b) => (a.execution < b.execution ? -1 : a.execution > b.execution ? 1 : 0))[0];
  if (!first) return undefined;
  const filter: Record<string, Scalar> = {};
  for (const r of rows) if (r.execution === first.execution && filter[r.parameter] === undefined) filter[r.parameter] = r.value;
  return { filter, step: first.transformation || first.execution };
}

/**
 * The Q1–Q6 section.
 *
 * @example
 * ```ts
 * const html = await lifecycleSection(store, trainings, { graph: 'urn:provml:graph:domain' }, problems);
 * ```
 */
export async function lifecycleSection(endpoint: SparqlEndpoint, trainings: readonly TrainingData[], domain: DomainSource | undefined, problems: string[]): Promise<Html> {
  const names = dataNames(trainings);
  const label = (iri: string) => names.get(iri)?.label ?? fileLabel(iri);
  const runKey = new Map(trainings.map((t) => [t.run.run, t.run.key]));
  const runCell = (iri: string) => (runKey.has(iri) ? `<strong>${escapeHtml(runKey.get(iri))}</strong>` : code(iri));
  const selected = new Set(runKey.keys());
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | Html> => {
    try {
      return await fn();
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return problem(what, err);
    }
  };
  const failed = (x: unknown): x is Html => typeof x === 'string';
  const intro = 'The six lifecycle questions of the PROV-ML paper, asked about the selected runs: Q1 and Q2 for the final model of each training, Q3 and Q4 for each training dataset, Q5 and Q6 for the parameters of the first preparation step behind it.';

  const models = trainings.flatMap((t) => finalModels(t.models).map((m) => ({ model: m, run: t.run })));
  if (models.length === 0) return section('queries', 'Lifecycle queries (Q1–Q6)', '<p class="empty">no trained model in the selected runs: Q1–Q6 start from a model or from its training dataset</p>', intro);

  const q1Parts: Html[] = [];
  const q2Parts: Html[] = [];
  const datasets = new Map<string, Q2Row[]>(); // training dataset → Q2 rows of models trained on it
  for (const { model, run } of models) {
    const heading = `<h4>${escapeHtml(label(model))} <small>(${escapeHtml(run.label)})</small></h4>`;
    const params = { model, ...(domain ? { domain } : {}) };
    const r1 = await attempt(`Q1 ${model}`, () => q1(endpoint, params));
    if (failed(r1)) q1Parts.push(heading + r1);
    else if (r1.length === 0) q1Parts.push(heading + why(await explainEmpty(endpoint, 'q1', params).catch(() => undefined), 'no raw source found'));
    else {
      q1Parts.push(
        heading +
          table(
            ['training dataset', 'raw file', 'checksum', 'characteristics', 'domain facts'],
            r1.map((r) => [escapeHtml(label(r.dataset)), code(r.storageUrl ?? r.data), code(r.checksum?.slice(0, 16)), kv(r.characteristics), kv(r.domain)]),
          ),
      );
    }
    const r2 = await attempt(`Q2 ${model}`, () => q2(endpoint, { model }));
    const trained = await attempt(`training datasets of ${model}`, () => trainingDatasets(endpoint, model));
    if (!failed(trained)) for (const d of trained) datasets.set(d, [...(datasets.get(d) ?? []), ...(failed(r2) ? [] : r2.filter((r) => r.dataset === d))]);
    if (failed(r2)) q2Parts.push(heading + r2);
    else if (r2.length === 0) {
      const reason = !failed(trained) && trained.length === 0 ? 'the model was not generated by a learning stage that used a training dataset' : 'no transformation upstream of the training dataset used parameters';
      q2Parts.push(heading + why(undefined, reason));
    } else {
      q2Parts.push(heading + table(['training dataset', 'transformation', 'parameter', 'value', 'execution'], r2.map((r) => [escapeHtml(label(r.dataset)), escapeHtml(r.transformation), escapeHtml(r.parameter), typeof r.value === 'number' ? num(r.value) : escapeHtml(String(r.value)), code(r.execution)])));
    }
  }

  const { measure, order } = rankingMeasure(trainings);
  const q3Parts: Html[] = [];
  const q4Parts: Html[] = [];
  const filters = new Map<string, { filter: ParameterFilter; step: string; datasets: string[] }>();
  if (datasets.size === 0) {
    const none = why(undefined, 'the trained models were not generated by a learning stage that used a training dataset (provml:LearningDatasetReferenceValue)');
    q3Parts.push(none);
    q4Parts.push(none);
  }
  for (const [dataset, rows] of datasets) {
    const heading = `<h4>${escapeHtml(label(dataset))}</h4>`;
    const best = await attempt(`Q3 ${dataset}`, () => q3(endpoint, { dataset, measure, order }));
    if (failed(best)) q3Parts.push(heading + best);
    else if (best === undefined) q3Parts.push(heading + why(undefined, `no model trained on this dataset has a "${measure}" evaluation (yet)`));
    else {
      q3Parts.push(
        heading +
          `<p>Best model by ${escapeHtml(order)}imum ${escapeHtml(measure)} among every training on this dataset:</p>` +
          table(['model', 'run', 'epoch', measure, 'hyperparameters', 'model hyperparameters', 'evaluations'], [
            [escapeHtml(label(best.model)), runCell(best.run), best.epoch === undefined ? '' : num(best.epoch), num(best.value), kv(best.hyperparameters), kv(best.modelHyperparameters), kv(best.evaluations)],
          ]),
      );
    }
    const r4 = await attempt(`Q4 ${dataset}`, () => q4(endpoint, { dataset }));
    if (failed(r4)) q4Parts.push(heading + r4);
    else {
      const mine = r4.filter((r) => selected.has(r.run));
      q4Parts.push(
        heading +
          (mine.length === 0
            ? why(undefined, 'no finished batch with a recorded duration in the selected trainings on this dataset')
            : table(['run', 'epoch', 'batches', 'avg ms', 'min ms', 'max ms'], mine.map((r) => [runCell(r.run), num(r.epoch), num(r.batches), num(r.avgMs), num(r.minMs), num(r.maxMs)]))),
      );
    }
    const first = firstStepParameters(rows);
    if (first) {
      const key = JSON.stringify(Object.entries(first.filter).sort());
      const entry = filters.get(key) ?? { ...first, datasets: [] };
      entry.datasets.push(dataset);
      filters.set(key, entry);
    }
  }

  const q5Parts: Html[] = [];
  const q6Parts: Html[] = [];
  if (filters.size === 0) {
    const none = why(undefined, 'no preparation step with parameters upstream of the training datasets: Q5 and Q6 find datasets by the parameters they were prepared with');
    q5Parts.push(none);
    q6Parts.push(none);
  }
  for (const { filter, step, datasets: ds } of filters.values()) {
    const heading = `<h4>${escapeHtml(describeFilter(filter))} <small>(${escapeHtml(step)}, behind ${escapeHtml(ds.map(label).join(', '))})</small></h4>`;
    const r5 = await attempt(`Q5 ${describeFilter(filter)}`, () => q5(endpoint, { parameters: filter }));
    if (failed(r5)) q5Parts.push(heading + r5);
    else if (r5.length === 0) q5Parts.push(heading + why(undefined, 'no training used a dataset generated from these parameters'));
    else {
      q5Parts.push(
        heading +
          table(['run', 'dataset', 'epochs', 'batches', 'avg batch ms', 'avg epoch ms', 'models', `last model's evaluations`], r5.map((r) => [
            runCell(r.run),
            escapeHtml(label(r.dataset)),
            num(r.epochs),
            num(r.batches),
            num(r.avgBatchMs),
            num(r.avgEpochMs),
            num(r.models.length),
            kv(r.models.at(-1)?.evaluations ?? {}),
          ])),
      );
    }
    const params = { parameters: filter, ...(domain ? { domain } : {}) };
    const r6 = await attempt(`Q6 ${describeFilter(filter)}`, () => q6(endpoint, params));
    if (failed(r6)) q6Parts.push(heading + r6);
    else if (r6.length === 0) q6Parts.push(heading + why(await explainEmpty(endpoint, 'q6', params).catch(() => undefined), 'no raw source found'));
    else {
      q6Parts.push(heading + table(['dataset', 'raw file', 'characteristics', 'domain facts'], r6.map((r) => [escapeHtml(label(r.dataset)), code(r.storageUrl ?? r.data), kv(r.characteristics), kv(r.domain)])));
    }
  }

  const part = (id: string, title: string, parts: Html[]) => `<h3 id="${id}">${escapeHtml(title)}</h3>\n${parts.join('\n')}`;
  const body = [
    part('q1', 'Q1 — raw data behind each model: curated characteristics and domain facts', q1Parts),
    part('q2', 'Q2 — preparation parameters behind each model', q2Parts),
    part('q3', `Q3 — best model per training dataset (${order} ${measure}), with hyperparameters and evaluations`, q3Parts),
    part('q4', 'Q4 — batch time per epoch of the trainings on each dataset', q4Parts),
    part('q5', 'Q5 — trainings on the datasets prepared with given parameters: average times and evaluations', q5Parts),
    part('q6', 'Q6 — raw data behind the datasets prepared with given parameters', q6Parts),
  ].join('\n');
  return section('queries', 'Lifecycle queries (Q1–Q6)', body, intro);
}
