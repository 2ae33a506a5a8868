/**
 * Q5 and Q6: from transformation parameters (e.g. a range of seismic slices) to the training
 * datasets generated downstream of a transformation that used them, then forward to the trainings
 * on those datasets (Q5) or backward to the raw files behind them (Q6).
 */
import type { Term } from '@rdfjs/types';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { iriTerm, literalTerm, termNumber, type LiteralInput } from '../sparql.js';
import { SparqlTemplate } from '../template.js';
import { joinDomain, rawSources } from './sources.js';
import type { DomainSource, EvaluatedModel, Q5Row, Q6Row, Scalar } from './types.js';

/**
 * Datasets used by a learning stage and generated — directly or through further transformations —
 * from data that an execution produced after using *all* the given parameter values. `?count` is
 * the number of parameters; `VALUES (?name ?wanted)` rows are added per call.
 */
const DATASETS_BY_PARAMETERS = new SparqlTemplate(`
SELECT DISTINCT ?dataset ?stage ?run WHERE {
  {
    SELECT ?execution WHERE {
      ?attribute provml:name ?name .
      ?pv provml:valueOf ?attribute ; a provml:ParameterValue ; mls:hasValue ?value .
      FILTER(?value = ?wanted)
      ?execution prov:used ?pv .
    } GROUP BY ?execution HAVING (COUNT(DISTINCT ?name) = ?count)
  }
  ?produced prov:wasGeneratedBy ?execution .
  ?dataset (prov:wasGeneratedBy/prov:used)* ?produced .
  ?dataset a provml:LearningDatasetReferenceValue .
  OPTIONAL { ?stage prov:used ?dataset ; a provml:LearningStageExecution ; provml:partOf ?run . }
} ORDER BY ?dataset ?run ?stage`);

/**
 * Transformation parameters by name, e.g. `{ firstInline: 100, lastInline: 300 }`.
 *
 * @example
 * ```ts
 * const slices: ParameterFilter = { firstInline: 100, lastInline: 300 };
 * ```
 */
export type ParameterFilter = Readonly<Record<string, Scalar>>;

interface Matched {
  dataset: string;
  stage?: string;
  run?: string;
}

async function datasetsByParameters(endpoint: SparqlEndpoint, parameters: ParameterFilter, run?: string): Promise<Matched[]> {
  const entries = Object.entries(parameters);
  if (entries.length === 0) throw new TypeError('provml: give at least one parameter, e.g. { firstInline: 100, lastInline: 300 }');
  const rows = entries.map(([name, value]): Term[] => {
    if (value === null || !['string', 'number', 'boolean'].includes(typeof value)) {
      throw new TypeError(`provml: parameter ${JSON.stringify(name)} must be a string, number or boolean, got ${JSON.stringify(value)}`);
    }
    return [literalTerm(name), literalTerm(value as LiteralInput)];
  });
  // The (?name ?wanted) rows land in the inner SELECT, the only one that uses them.
  const text = DATASETS_BY_PARAMETERS.render({ constants: { count: literalTerm(entries.length) }, tuples: { vars: ['name', 'wanted'], rows } });
  const result = await endpoint.select(text);
  const out: Matched[] = [];
  for (const r of result) {
    if (run !== undefined && r.run?.value !== run) continue;
    out.push({ dataset: r.dataset!.value, ...(r.stage ? { stage: r.stage.value } : {}), ...(r.run ? { run: r.run.value } : {}) });
  }
  return out;
}

// Epoch and batch times are two queries, not one UNION: Oxigraph does not push the VALUES list
// of stages into UNION branches and scanned every batch in the store (≈110 ms at 1M triples
// against ≈12 ms split; measured by bench/query.bench.ts).
const EPOCH_TIMES = new SparqlTemplate(`
SELECT ?stage (COUNT(DISTINCT ?x) AS ?n) (AVG(?ms) AS ?avg) WHERE {
  ?x provml:partOf ?stage ; a provml:EpochExecution .
  OPTIONAL { ?x provml:durationMs ?ms }
} GROUP BY ?stage`);

const BATCH_TIMES = new SparqlTemplate(`
SELECT ?stage (COUNT(DISTINCT ?x) AS ?n) (AVG(?ms) AS ?avg) WHERE {
  ?e provml:partOf ?stage ; a provml:EpochExecution .
  ?x provml:partOf ?e ; a provml:BatchExecution .
  OPTIONAL { ?x provml:durationMs ?ms }
} GROUP BY ?stage`);

const STAGE_MODELS = new SparqlTemplate(`
SELECT ?stage ?model ?epoch ?name ?value WHERE {
  { ?model prov:wasGeneratedBy ?stage } UNION { ?e provml:partOf ?stage . ?model prov:wasGeneratedBy ?e . OPTIONAL { ?e provml:iterationIndex ?epoch } }
  ?model a provml:ModelReferenceValue .
  OPTIONAL { ?evaluation provml:evaluatesModel ?model ; mls:hasValue ?value ; provml:valueOf ?a . ?a provml:name ?name }
} ORDER BY ?stage ?epoch ?model`);

/**
 * Parameters of {@link q5}.
 *
 * @example
 * ```ts
 * const p: Q5Params = { parameters: { firstInline: 100, lastInline: 300 } };
 * ```
 */
export interface Q5Params {
  /** Parameter values that identify the preparation, e.g. `{ firstInline: 100, lastInline: 300 }`. */
  parameters: ParameterFilter;
  /** Only this run (intra-training). */
  run?: string;
}

/**
 * **Q5** — for the datasets generated from the given parameter values (e.g. a range of seismic
 * slices): every training on them with its average batch and epoch time (ms, finished ones) and the
 * evaluation measures of each model it produced. Works while a training is running.
 *
 * @example
 * ```ts
 * for (const r of await q5(store, { parameters: { firstInline: 100, lastInline: 300 } })) {
 *   console.log(r.run, r.avgBatchMs, r.avgEpochMs, r.models.map((m) => m.evaluations.loss));
 * }
 * ```
 */
export async function q5(endpoint: SparqlEndpoint, params: Q5Params): Promise<Q5Row[]> {
  const matched = (await datasetsByParameters(endpoint, params.parameters, params.run)).filter((m) => m.stage !== undefined);
  if (matched.length === 0) return [];
  const stages = [...new Set(matched.map((m) => m.stage!))].map((s) => iriTerm(s));
  const [epochTimes, batchTimes, models] = await Promise.all([
    endpoint.select(EPOCH_TIMES.render({ values: { stage: stages } })),
    endpoint.select(BATCH_TIMES.render({ values: { stage: stages } })),
    endpoint.select(STAGE_MODELS.render({ values: { stage: stages } })),
  ]);
  const rows = new Map<string, Q5Row>();
  for (const m of matched) {
    rows.set(`${m.dataset} ${m.stage}`, { dataset: m.dataset, run: m.run!, stage: m.stage!, epochs: 0, batches: 0, models: [] });
  }
  const forStage = (stage: string) => [...rows.values()].filter((r) => r.stage === stage);
  const times = [...epochTimes.map((b) => ({ b, epoch: true })), ...batchTimes.map((b) => ({ b, epoch: false }))];
  for (const { b, epoch } of times) {
    for (const row of forStage(b.stage!.value)) {
      const n = termNumber(b.n) ?? 0;
      const avg = termNumber(b.avg);
      if (epoch) {
        row.epochs = n;
        if (avg !== undefined) row.avgEpochMs = avg;
      } else {
        row.batches = n;
        if (avg !== undefined) row.avgBatchMs = avg;
      }
    }
  }
  const byModel = new Map<string, EvaluatedModel>();
  for (const m of models) {
    const key = `${m.stage!.value} ${m.model!.value}`;
    let model = byModel.get(key);
    if (!model) {
      const epoch = termNumber(m.epoch);
      model = { model: m.model!.value, ...(epoch !== undefined ? { epoch } : {}), evaluations: {} };
      byModel.set(key, model);
      for (const row of forStage(m.stage!.value)) row.models.push(model);
    }
    const value = termNumber(m.value);
    if (m.name && value !== undefined) model.evaluations[m.name.value] = value;
  }
  return [...rows.values()];
}

/**
 * Parameters of {@link q6}.
 *
 * @example
 * ```ts
 * const p: Q6Params = { parameters: { firstInline: 100, lastInline: 300 }, domain: { graph: 'urn:example:geology' } };
 * ```
 */
export interface Q6Params {
  /** Parameter values that identify the preparation (as in {@link q5}). */
  parameters: ParameterFilter;
  /** Where the domain knowledge lives; default: the provenance endpoint, every graph. */
  domain?: DomainSource;
}

/**
 * **Q6** — for the datasets generated from the given parameter values: the raw files they came
 * from, with what curation extracted (e.g. number of slices) and their domain facts (basin, field).
 *
 * @example
 * ```ts
 * const rows = await q6(store, { parameters: { firstInline: 100, lastInline: 300 }, domain: { graph: 'urn:example:geology' } });
 * console.log(rows.map((r) => [r.storageUrl, r.characteristics.inlines, r.domain.basin]));
 * ```
 */
export async function q6(endpoint: SparqlEndpoint, params: Q6Params): Promise<Q6Row[]> {
  const datasets = [...new Set((await datasetsByParameters(endpoint, params.parameters)).map((m) => m.dataset))];
  const sources = await rawSources(endpoint, datasets);
  const rows: Q6Row[] = [];
  for (const dataset of datasets) for (const f of sources.get(dataset) ?? []) rows.push({ dataset, ...f });
  await joinDomain(endpoint, rows, params.domain ?? {});
  return rows;
}
