/**
 * Every reading query of src/query asked of one endpoint, with the answers in a form two engines
 * can be compared in: the run templates (listRuns, runEpochs, runHyperparameters, runDatasets),
 * Q1–Q6 (with domain facts from a named graph, parameter filters exact, numeric-string and ranged),
 * their explanations when empty, lineage backward and forward, a segment, and builder queries
 * whose `in()` lists links, numbers and strings.
 *
 * The questions (which models, datasets, runs, filters) are read from a *reference* endpoint, so
 * both engines answer exactly the same calls. DateTimes are read as instants; {@link approx}
 * compares numbers to 6 significant digits (Virtuoso writes `xsd:double` results with 6).
 */
import { count, describeFilter, explainEmpty, lineage, listRuns, q1, q2, q3, q4, q5, q6, query, runDatasets, runEpochs, runHyperparameters, segment, type ParameterFilter, type ProvGraph } from '../../../src/query/index.js';
import { expect } from 'vitest';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';

/** What the questions are about, read once from the reference endpoint. */
export interface Questions {
  models: string[];
  datasets: string[];
  surveys: string[];
  stages: string[];
  filters: ParameterFilter[];
  domainGraph: string;
}

const PROVML = 'https://w3id.org/prov-ml#';

async function iris(endpoint: SparqlEndpoint, cls: string): Promise<string[]> {
  const rows = await endpoint.select(`SELECT DISTINCT ?n WHERE { ?n a <${PROVML}${cls}> } ORDER BY ?n`);
  return rows.map((r) => r.n!.value);
}

/**
 * The IRIs every query is asked about, from `reference`.
 *
 * @example
 * ```ts
 * const questions = await questionsFrom(embedded, filters, 'urn:example:geology');
 * ```
 */
export async function questionsFrom(reference: SparqlEndpoint, filters: ParameterFilter[], domainGraph: string): Promise<Questions> {
  const surveys = (
    await reference.select(`SELECT DISTINCT ?n WHERE { ?n <${PROVML}storageUrl> ?u . FILTER NOT EXISTS { ?n <http://www.w3.org/ns/prov#wasGeneratedBy> ?g } } ORDER BY ?n`)
  ).map((r) => r.n!.value);
  return {
    models: await iris(reference, 'ModelReferenceValue'),
    datasets: await iris(reference, 'LearningDatasetReferenceValue'),
    surveys,
    stages: await iris(reference, 'LearningStageExecution'),
    filters,
    domainGraph,
  };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/;

/** ISO dateTimes to epoch ms, recursively (numbers are compared by {@link approx}). */
export function normalize(value: unknown): unknown {
  if (typeof value === 'string' && ISO.test(value)) return new Date(value).getTime();
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

/**
 * `value` with every non-integer number replaced by a matcher that accepts the same number to 6
 * significant digits (Virtuoso writes doubles with 6, rounding ties to even: 0.01953125 → 0.0195312).
 *
 * @example
 * ```ts
 * expect(virtuosoAnswer).toEqual(approx(embeddedAnswer));
 * ```
 */
export function approx(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value) || !Number.isFinite(value)) return value;
    return expect.closeTo(value, 4 - Math.floor(Math.log10(Math.abs(value))));
  }
  if (Array.isArray(value)) return value.map(approx);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, approx(v)]));
  return value;
}

function graph(g: ProvGraph) {
  return {
    nodes: [...g.nodes].sort((a, b) => (a.iri < b.iri ? -1 : a.iri > b.iri ? 1 : 0)),
    edges: g.edges.map((e) => JSON.stringify(e)).sort(),
  };
}

/**
 * Every answer of `endpoint` to `questions`, by query (e.g. `q1 <model>`), normalized.
 *
 * @example
 * ```ts
 * const [a, b] = await Promise.all([answers(embedded, qs), answers(virtuoso, qs)]);
 * ```
 */
export async function answers(endpoint: SparqlEndpoint, questions: Questions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    out[key] = normalize(value);
  };
  const domain = { graph: questions.domainGraph };

  const runs = await listRuns(endpoint);
  put('listRuns', runs);
  for (const r of runs) {
    put(`runEpochs ${r.run}`, await runEpochs(endpoint, r.run));
    put(`runHyperparameters ${r.run}`, await runHyperparameters(endpoint, r.run));
    put(`runDatasets ${r.run}`, await runDatasets(endpoint, r.run));
  }
  for (const model of questions.models) {
    put(`q1 ${model}`, await q1(endpoint, { model, domain }));
    put(`q2 ${model}`, await q2(endpoint, { model }));
    put(`explainEmpty q1 ${model}`, await explainEmpty(endpoint, 'q1', { model }));
  }
  for (const dataset of questions.datasets) {
    put(`q3 loss ${dataset}`, await q3(endpoint, { dataset }));
    put(`q3 accuracy ${dataset}`, await q3(endpoint, { dataset, measure: 'accuracy', order: 'max' }));
    put(`q4 ${dataset}`, await q4(endpoint, { dataset }));
  }
  for (const parameters of questions.filters) {
    const name = describeFilter(parameters);
    put(`q5 ${name}`, await q5(endpoint, { parameters }));
    put(`q6 ${name}`, await q6(endpoint, { parameters, domain }));
    put(`explainEmpty q6 ${name}`, await explainEmpty(endpoint, 'q6', { parameters }));
  }
  for (const model of questions.models.slice(0, 3)) put(`lineage backward ${model}`, graph(await lineage(endpoint, model, { direction: 'backward', exclude: ['BatchExecution'] })));
  for (const survey of questions.surveys) put(`lineage forward ${survey}`, graph(await lineage(endpoint, survey, { direction: 'forward', maxDepth: 4 })));
  if (questions.surveys.length > 0 && questions.models.length > 0) {
    put('segment', graph(await segment(endpoint, { sources: questions.surveys, destinations: questions.models.slice(0, 2) })));
  }

  // Builder: in() over links (the case Virtuoso got wrong as IN), numbers and strings.
  const epochs = query('EpochExecution');
  const stage = epochs.root.get('partOf');
  put(
    'builder epochs per stage (in on a link)',
    await epochs.where(stage.in(questions.stages.slice(0, 2))).groupBy(stage).select({ stage, n: count(epochs.root) }).orderBy('stage').run(endpoint),
  );
  const batches = query('BatchExecution');
  const index = batches.root.get('iterationIndex');
  put('builder batches by index (in on numbers)', await batches.where(index.in([0, 2])).groupBy(index).select({ index, n: count(batches.root) }).orderBy('index').run(endpoint));
  const workflows = query('Workflow');
  const wname = workflows.root.get('name');
  put('builder workflows (in on strings)', await workflows.where(wname.in(['readme-train', 'train-seismic-model', 'no such'])).select({ name: wname }).orderBy('name').run(endpoint));
  return out;
}
