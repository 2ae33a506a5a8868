import type { SparqlEndpoint } from '../store/endpoint.js';
import { iriTerm } from './sparql.js';

/**
 * Reading captured runs back: reviewed SPARQL templates with typed parameters. Parameters are
 * IRIs only, checked by {@link sparqlIri} before they enter a query, so no value can change a
 * query's shape. (The typed query builders generated from the ontology come on top of this.)
 */

const PREFIXES = `PREFIX provml: <https://w3id.org/prov-ml#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX mls: <http://www.w3.org/ns/mls#>
`;

/**
 * One workflow execution.
 *
 * @example
 * ```ts
 * const [latest]: RunSummary[] = await listRuns(store);
 * ```
 */
export interface RunSummary {
  run: string;
  workflow: string;
  startedAt: string;
  endedAt?: string;
  status?: string;
  persona?: string;
  /** True when the run contains a learning stage (a `provml:LearningProcessExecution`). */
  learning: boolean;
}

/**
 * One epoch of a run's learning stages, with its measures.
 *
 * @example
 * ```ts
 * const epochs: EpochSummary[] = await runEpochs(store, run);
 * console.log(epochs.map((e) => e.measures.loss));
 * ```
 */
export interface EpochSummary {
  stage: string;
  stageType?: string;
  epoch: number;
  durationMs?: number;
  batches: number;
  /** Measure name → value, e.g. `{ loss: 0.31, accuracy: 0.9 }`. */
  measures: Record<string, number>;
}

/**
 * A hyperparameter setting used by a stage of a run.
 *
 * @example
 * ```ts
 * const hp: HyperparameterSetting[] = await runHyperparameters(store, run);
 * ```
 */
export interface HyperparameterSetting {
  stage: string;
  name: string;
  value: string;
}

/**
 * A data reference a run used or generated.
 *
 * @example
 * ```ts
 * const used: DatasetUse[] = (await runDatasets(store, run)).filter((d) => d.role === 'used');
 * ```
 */
export interface DatasetUse {
  data: string;
  storageUrl?: string;
  checksum?: string;
  byteSize?: number;
  role: 'used' | 'generated';
  execution: string;
  kind: string;
}

/**
 * Check an IRI and return it in SPARQL `<…>` form. Throws a TypeError naming the value when it is
 * not an absolute IRI or holds characters IRIs may not contain.
 *
 * @example
 * ```ts
 * sparqlIri('urn:provml:execution:0190…'); // '<urn:provml:execution:0190…>'
 * sparqlIri('x> } DROP ALL #');             // throws TypeError
 * ```
 */
export function sparqlIri(iri: string): string {
  return `<${iriTerm(iri).value}>`;
}

/**
 * All workflow executions in the store, newest first.
 *
 * @example
 * ```ts
 * for (const r of await listRuns(prov.store!)) console.log(r.workflow, r.status, r.run);
 * ```
 */
export async function listRuns(endpoint: SparqlEndpoint): Promise<RunSummary[]> {
  const rows = await endpoint.select(`${PREFIXES}
SELECT ?run ?workflow ?start ?end ?status ?persona ?learning WHERE {
  ?run prov:startedAtTime ?start ; provml:executes/provml:name ?workflow .
  FILTER EXISTS { VALUES ?t { provml:WorkflowExecution provml:LearningProcessExecution } ?run a ?t }
  OPTIONAL { ?run prov:endedAtTime ?end }
  OPTIONAL { ?run provml:status ?status }
  OPTIONAL { ?run prov:wasAssociatedWith/provml:name ?persona }
  BIND(EXISTS { ?run a provml:LearningProcessExecution } AS ?learning)
} ORDER BY DESC(?start)`);
  return rows.map((r) => ({
    run: r.run!.value,
    workflow: r.workflow!.value,
    startedAt: r.start!.value,
    ...(r.end ? { endedAt: r.end.value } : {}),
    ...(r.status ? { status: r.status.value } : {}),
    ...(r.persona ? { persona: r.persona.value } : {}),
    learning: r.learning?.value === 'true' || r.learning?.value === '1', // Virtuoso answers EXISTS as 1/0
  }));
}

/**
 * Epochs of a run's learning stages, in order, with batch counts and every numeric measure
 * (works while the run is still going: epochs captured so far).
 *
 * @example
 * ```ts
 * for (const e of await runEpochs(prov.store!, run)) console.log(e.epoch, e.measures.loss);
 * ```
 */
export async function runEpochs(endpoint: SparqlEndpoint, run: string): Promise<EpochSummary[]> {
  // Two queries: joining batches with measures multiplies rows (measures × batches per epoch:
  // ~1 s per run of 2,000 batches); counting batches apart keeps both small. Stages nested in a
  // stage (the TF.js callback's validation inside its training) belong to the run too: one level,
  // in a sub-SELECT (Virtuoso 7 drops rows for `partOf+` here and for a union joined outside one).
  const [rows, counts] = await Promise.all([
    endpoint.select(`${PREFIXES}
SELECT ?stage ?type ?epoch ?i ?dur ?name ?value WHERE {
  { SELECT DISTINCT ?stage WHERE {
    { ?stage provml:partOf ${sparqlIri(run)} } UNION { ?stage provml:partOf ?outer . ?outer provml:partOf ${sparqlIri(run)} }
    ?stage a provml:LearningStageExecution .
  } }
  OPTIONAL { ?stage provml:executes/provml:hasStageType ?type }
  ?epoch a provml:EpochExecution ; provml:partOf ?stage ; provml:iterationIndex ?i .
  OPTIONAL { ?epoch provml:durationMs ?dur }
  OPTIONAL { ?ev a provml:ModelEvaluation ; prov:wasGeneratedBy ?epoch ; mls:hasValue ?value ; provml:valueOf/provml:name ?name }
} ORDER BY ?stage ?i ?name`),
    endpoint.select(`${PREFIXES}
SELECT ?epoch (COUNT(DISTINCT ?batch) AS ?batches) WHERE {
  { SELECT DISTINCT ?stage WHERE {
    { ?stage provml:partOf ${sparqlIri(run)} } UNION { ?stage provml:partOf ?outer . ?outer provml:partOf ${sparqlIri(run)} }
    ?stage a provml:LearningStageExecution .
  } }
  ?epoch a provml:EpochExecution ; provml:partOf ?stage .
  ?batch a provml:BatchExecution ; provml:partOf ?epoch .
} GROUP BY ?epoch`),
  ]);
  const batches = new Map(counts.map((r) => [r.epoch!.value, Number(r.batches?.value ?? 0)]));
  const byEpoch = new Map<string, EpochSummary>();
  for (const r of rows) {
    const key = r.epoch!.value;
    let e = byEpoch.get(key);
    if (!e) {
      e = {
        stage: r.stage!.value,
        ...(r.type ? { stageType: localName(r.type.value).toLowerCase() } : {}),
        epoch: Number(r.i!.value),
        ...(r.dur ? { durationMs: Number(r.dur.value) } : {}),
        batches: batches.get(key) ?? 0,
        measures: {},
      };
      byEpoch.set(key, e);
    }
    if (r.name && r.value) e.measures[r.name.value] = Number(r.value.value);
  }
  return [...byEpoch.values()];
}

/**
 * Hyperparameter settings the learning stages of a run used.
 *
 * @example
 * ```ts
 * const hp = await runHyperparameters(prov.store!, run); // [{ stage, name: 'lr', value: '0.05' }, …]
 * ```
 */
export async function runHyperparameters(endpoint: SparqlEndpoint, run: string): Promise<HyperparameterSetting[]> {
  const rows = await endpoint.select(`${PREFIXES}
SELECT DISTINCT ?stage ?name ?value WHERE {
  ?stage provml:partOf ${sparqlIri(run)} ; prov:used ?s .
  ?s a provml:LearningHyperParameterSetting ; mls:hasValue ?value ; provml:valueOf/provml:name ?name .
} ORDER BY ?stage ?name`);
  return rows.map((r) => ({ stage: r.stage!.value, name: r.name!.value, value: r.value!.value }));
}

/**
 * Data references (files, URIs) the executions of a run used or generated, with their facts.
 *
 * @example
 * ```ts
 * for (const d of await runDatasets(prov.store!, run)) console.log(d.role, d.storageUrl, d.checksum);
 * ```
 */
export async function runDatasets(endpoint: SparqlEndpoint, run: string): Promise<DatasetUse[]> {
  // Shape measured on Virtuoso 7.2, which dropped the rows a learning stage *used* (6 of 8 on the
  // quickstart) from the former one-level form: a FILTER on `?exec a ?kindIri` joined after a
  // UNION whose branches BIND and follow `provml:partOf*` loses those rows, and so does joining
  // `?data a ?cls` there, with `FILTER(?cls IN (…))` or with `VALUES ?cls`. So the matching runs
  // in a sub-SELECT, the class test is a FILTER EXISTS over VALUES, and the execution's kind is
  // joined outside. Rows sort by STR(?url): Virtuoso does not order xsd:anyURI literals by their
  // text. Test: test/integration/endpoints/virtuoso.test.ts compares every row.
  const rows = await endpoint.select(`${PREFIXES}
SELECT DISTINCT ?data ?url ?sum ?size ?role ?exec ?kind WHERE {
  {
    SELECT DISTINCT ?data ?role ?exec WHERE {
      { ?exec provml:partOf* ${sparqlIri(run)} ; prov:used ?data . BIND("used" AS ?role) }
      UNION
      { ?exec provml:partOf* ${sparqlIri(run)} . ?data prov:wasGeneratedBy ?exec . BIND("generated" AS ?role) }
      FILTER EXISTS { VALUES ?cls { provml:DataReferenceValue provml:LearningDatasetReferenceValue provml:ModelReferenceValue } ?data a ?cls }
    }
  }
  ?exec a ?kindIri . FILTER(STRSTARTS(STR(?kindIri), STR(provml:)))
  BIND(STRAFTER(STR(?kindIri), "#") AS ?kind)
  OPTIONAL { ?data provml:storageUrl ?url }
  OPTIONAL { ?data provml:checksum ?sum }
  OPTIONAL { ?data provml:byteSize ?size }
} ORDER BY ?role STR(?url) ?exec ?data ?kind`);
  const seen = new Map<string, DatasetUse>();
  for (const r of rows) {
    const key = `${r.data!.value} ${r.role!.value} ${r.exec!.value}`;
    if (seen.has(key)) continue; // one row per (data, role, execution) even with several classes
    seen.set(key, {
      data: r.data!.value,
      ...(r.url ? { storageUrl: r.url.value } : {}),
      ...(r.sum ? { checksum: r.sum.value } : {}),
      ...(r.size ? { byteSize: Number(r.size.value) } : {}),
      role: r.role!.value as 'used' | 'generated',
      execution: r.exec!.value,
      kind: r.kind!.value,
    });
  }
  return [...seen.values()];
}

function localName(iri: string): string {
  return iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
}
