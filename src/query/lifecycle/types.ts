/**
 * Parameters and results of the lifecycle queries Q1–Q6 (shared/QUERIES.md). Every identifier
 * parameter is an IRI, checked before it enters a query; every value parameter becomes a typed
 * literal in the query's AST.
 */
import type { SparqlEndpoint } from '../../store/endpoint.js';

/**
 * A scalar read back from the store.
 *
 * @example
 * ```ts
 * const v: Scalar = 0.5;
 * ```
 */
export type Scalar = string | number | boolean;

/**
 * Where domain knowledge lives (Q1, Q6): a named graph of the provenance endpoint, or another
 * endpoint altogether (then provml joins on the client). Domain nodes name a data file either by
 * the file's storage URL used as an IRI (`<file:///data/netherlands.sgy>`), by provml's data node
 * IRI, or through `link`: a predicate whose object is the storage URL (IRI or literal).
 *
 * @example
 * ```ts
 * const domain: DomainSource = { graph: 'urn:example:geology' };
 * const remote: DomainSource = { endpoint: new HttpSparqlEndpoint({ url: 'http://kg/sparql' }), link: 'http://example.org/geo#file' };
 * ```
 */
export interface DomainSource {
  /** Endpoint holding the domain facts; default: the provenance endpoint. */
  endpoint?: SparqlEndpoint;
  /** Named graph of the domain facts; default: every graph of that endpoint. */
  graph?: string;
  /** Predicate linking a domain node to a file's storage URL; default: the node *is* the file. */
  link?: string;
  /** Domain facts to return, name → predicate IRI; default: every predicate of the domain node. */
  properties?: Record<string, string>;
}

/**
 * A raw (source) file upstream of a dataset, with its curated characteristics and domain facts.
 *
 * @example
 * ```ts
 * const [f]: SourceFileFacts[] = await q6(store, { parameters: { firstInline: 100 } });
 * console.log(f?.storageUrl, f?.characteristics.inlines, f?.domain.basin);
 * ```
 */
export interface SourceFileFacts {
  /** The raw file's data node. */
  data: string;
  storageUrl?: string;
  checksum?: string;
  /** Dataset characteristics recorded about the file (e.g. `inlines: 651`, `latitude: 52.3`). */
  characteristics: Record<string, Scalar>;
  /**
   * Domain facts from the domain graph, by property local name (or by the `properties` key); a
   * property with several values (`wells`) gives them all, sorted.
   */
  domain: Record<string, Scalar | Scalar[]>;
}

/**
 * Q1 — one raw file behind a model's training dataset.
 *
 * @example
 * ```ts
 * for (const r of await q1(store, { model })) console.log(r.dataset, r.storageUrl);
 * ```
 */
export interface Q1Row extends SourceFileFacts {
  model: string;
  /** The training dataset the model was trained on. */
  dataset: string;
}

/**
 * Q2 — one parameter of a transformation upstream of a model's training dataset.
 *
 * @example
 * ```ts
 * for (const r of await q2(store, { model })) console.log(r.transformation, r.parameter, r.value);
 * ```
 */
export interface Q2Row {
  model: string;
  dataset: string;
  /** The transformation execution that used the parameter. */
  execution: string;
  /** The transformation's name (its plan). */
  transformation: string;
  parameter: string;
  value: Scalar;
}

/**
 * Q3 — the best model trained on a dataset, with its hyperparameters and evaluations.
 *
 * @example
 * ```ts
 * const best: Q3Result | undefined = await q3(store, { dataset });
 * ```
 */
export interface Q3Result {
  dataset: string;
  model: string;
  /** The workflow execution (run) and learning stage that produced it. */
  run: string;
  stage: string;
  /** Epoch the model was produced at, when known. */
  epoch?: number;
  measure: string;
  value: number;
  /** Hyperparameter settings of the stage (learning rate, epochs, batch size…). */
  hyperparameters: Record<string, Scalar>;
  /** Model hyperparameters describing the model itself (e.g. its epoch). */
  modelHyperparameters: Record<string, Scalar>;
  /** Every evaluation measure of the model (loss, accuracy…). */
  evaluations: Record<string, number>;
}

/**
 * Q4 — batch timing per epoch of a training on a dataset.
 *
 * @example
 * ```ts
 * for (const r of await q4(store, { dataset })) console.log(r.epoch, r.avgMs);
 * ```
 */
export interface Q4Row {
  dataset: string;
  run: string;
  stage: string;
  epoch: number;
  batches: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
}

/**
 * One model with its evaluations (Q5).
 *
 * @example
 * ```ts
 * const [row] = await q5(store, { parameters: { firstInline: 100 } });
 * const losses = row?.models.map((m: EvaluatedModel) => m.evaluations.loss);
 * ```
 */
export interface EvaluatedModel {
  model: string;
  epoch?: number;
  evaluations: Record<string, number>;
}

/**
 * Q5 — a training on a dataset generated with given parameters (e.g. a slice range).
 *
 * @example
 * ```ts
 * for (const r of await q5(store, { parameters: { firstInline: 100 } })) console.log(r.run, r.avgBatchMs, r.models.length);
 * ```
 */
export interface Q5Row {
  dataset: string;
  run: string;
  stage: string;
  epochs: number;
  batches: number;
  avgBatchMs?: number;
  avgEpochMs?: number;
  models: EvaluatedModel[];
}

/**
 * Q6 — a raw file behind a dataset generated with given parameters.
 *
 * @example
 * ```ts
 * for (const r of await q6(store, { parameters: { firstInline: 100 } })) console.log(r.dataset, r.storageUrl);
 * ```
 */
export interface Q6Row extends SourceFileFacts {
  dataset: string;
}
