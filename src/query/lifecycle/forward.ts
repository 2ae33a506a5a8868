/**
 * Q3 and Q4: forward from a training dataset to the trainings that used it.
 *
 * The learning stages that `prov:used` the dataset, their epochs (`provml:partOf` the stage) and
 * batches (`provml:partOf` an epoch), and the models they generated with the evaluations that
 * `provml:evaluatesModel` them. Everything is read as captured so far, so both queries answer for a
 * training that is still running.
 */
import type { Term } from '@rdfjs/types';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { iriTerm, literalTerm, termNumber, termValue } from '../sparql.js';
import { SparqlTemplate } from '../template.js';
import type { Q3Result, Q4Row, Scalar } from './types.js';

// One template for both orders: ?sign (1 for min, -1 for max) turns "best" into "smallest key".
const BEST_MODEL = new SparqlTemplate(`
SELECT ?model ?run ?stage ?epoch ?value WHERE {
  ?stage prov:used ?dataset ; a provml:LearningStageExecution ; provml:partOf ?run .
  { ?model prov:wasGeneratedBy ?stage } UNION { ?epoch provml:partOf ?stage . ?model prov:wasGeneratedBy ?epoch }
  ?model a provml:ModelReferenceValue .
  ?evaluation provml:evaluatesModel ?model ; mls:hasValue ?value ; provml:valueOf ?attribute .
  ?attribute provml:name ?measure .
  BIND(?sign * ?value AS ?key)
} ORDER BY ?key ?model LIMIT 1`);

const MODEL_DETAILS = new SparqlTemplate(`
SELECT ?kind ?name ?value ?epoch WHERE {
  {
    ?stage prov:used ?setting . ?setting a provml:LearningHyperParameterSetting ; mls:hasValue ?value ; provml:valueOf ?a .
    ?a provml:name ?name . BIND("hyperparameter" AS ?kind)
  } UNION {
    ?setting provml:characterizes ?model ; a provml:ModelHyperParameterValue ; mls:hasValue ?value ; provml:valueOf ?a .
    ?a provml:name ?name . BIND("model" AS ?kind)
  } UNION {
    ?setting provml:evaluatesModel ?model ; mls:hasValue ?value ; provml:valueOf ?a .
    ?a provml:name ?name . BIND("evaluation" AS ?kind)
  } UNION {
    ?model prov:wasGeneratedBy ?e . ?e a provml:EpochExecution ; provml:iterationIndex ?epoch . BIND("epoch" AS ?kind)
  }
}`);

/**
 * Parameters of {@link q3}.
 *
 * @example
 * ```ts
 * const p: Q3Params = { dataset, measure: 'accuracy', order: 'max' };
 * ```
 */
export interface Q3Params {
  /** The training dataset (its data node IRI). */
  dataset: string;
  /** The evaluation measure to rank models by. Default `loss`. */
  measure?: string;
  /** `min` (default) for losses and errors, `max` for accuracies. */
  order?: 'min' | 'max';
  /** Only this run (intra-training); default: every training that used the dataset. */
  run?: string;
}

/**
 * **Q3** — for a training dataset: the trained model with the least `measure` (default `loss`)
 * among every training that used the dataset, with the stage's hyperparameters, the model's own
 * hyperparameters and all its evaluation measures. `undefined` when no model has that measure yet.
 *
 * @example
 * ```ts
 * const best = await q3(store, { dataset });
 * console.log(best?.model, best?.value, best?.hyperparameters.learningRate, best?.evaluations.accuracy);
 * ```
 */
export async function q3(endpoint: SparqlEndpoint, params: Q3Params): Promise<Q3Result | undefined> {
  const measure = params.measure ?? 'loss';
  const values: Record<string, Term[]> = { dataset: [iriTerm(params.dataset, 'dataset IRI')] };
  if (params.run !== undefined) values.run = [iriTerm(params.run, 'run IRI')];
  const order = params.order ?? 'min';
  if (order !== 'min' && order !== 'max') throw new TypeError(`provml: order must be "min" or "max", got ${JSON.stringify(params.order)}`);
  const sign = literalTerm(order === 'min' ? 1 : -1);
  const [best] = await endpoint.select(BEST_MODEL.render({ values, constants: { measure: literalTerm(measure), sign } }));
  if (!best) return undefined;
  const model = best.model!.value;
  const stage = best.stage!.value;
  const details = await endpoint.select(MODEL_DETAILS.render({ constants: { model: iriTerm(model), stage: iriTerm(stage) } }));
  const result: Q3Result = {
    dataset: params.dataset,
    model,
    run: best.run!.value,
    stage,
    measure,
    value: termNumber(best.value) ?? Number.NaN,
    hyperparameters: {},
    modelHyperparameters: {},
    evaluations: {},
  };
  for (const d of details) {
    const kind = d.kind!.value;
    if (kind === 'epoch') {
      const epoch = termNumber(d.epoch);
      if (epoch !== undefined) result.epoch = epoch;
      continue;
    }
    const name = d.name!.value;
    if (kind === 'hyperparameter') result.hyperparameters[name] = termValue(d.value) as Scalar;
    else if (kind === 'model') result.modelHyperparameters[name] = termValue(d.value) as Scalar;
    else {
      const n = termNumber(d.value);
      if (n !== undefined) result.evaluations[name] = n;
    }
  }
  return result;
}

const BATCH_TIMES = new SparqlTemplate(`
SELECT ?run ?stage ?epoch (COUNT(?batch) AS ?batches) (AVG(?ms) AS ?avg) (MIN(?ms) AS ?min) (MAX(?ms) AS ?max) WHERE {
  ?stage prov:used ?dataset ; a provml:LearningStageExecution ; provml:partOf ?run .
  ?e provml:partOf ?stage ; a provml:EpochExecution ; provml:iterationIndex ?epoch .
  ?batch provml:partOf ?e ; a provml:BatchExecution ; provml:durationMs ?ms .
} GROUP BY ?run ?stage ?epoch ORDER BY ?run ?stage ?epoch`);

/**
 * Parameters of {@link q4}.
 *
 * @example
 * ```ts
 * const p: Q4Params = { dataset, run };
 * ```
 */
export interface Q4Params {
  /** The training dataset. */
  dataset: string;
  /** Only this run; default: every training that used the dataset. */
  run?: string;
}

/**
 * **Q4** — average, minimum and maximum duration (ms) of the batches of each epoch, for every
 * training on a dataset (finished batches only: a running batch has no duration yet).
 *
 * @example
 * ```ts
 * for (const r of await q4(store, { dataset })) console.log(r.run, r.epoch, r.avgMs, r.minMs, r.maxMs);
 * ```
 */
export async function q4(endpoint: SparqlEndpoint, params: Q4Params): Promise<Q4Row[]> {
  const values: Record<string, Term[]> = { dataset: [iriTerm(params.dataset, 'dataset IRI')] };
  if (params.run !== undefined) values.run = [iriTerm(params.run, 'run IRI')];
  const rows = await endpoint.select(BATCH_TIMES.render({ values }));
  return rows.map((r) => ({
    dataset: params.dataset,
    run: r.run!.value,
    stage: r.stage!.value,
    epoch: termNumber(r.epoch) ?? Number.NaN,
    batches: termNumber(r.batches) ?? 0,
    avgMs: termNumber(r.avg) ?? Number.NaN,
    minMs: termNumber(r.min) ?? Number.NaN,
    maxMs: termNumber(r.max) ?? Number.NaN,
  }));
}
