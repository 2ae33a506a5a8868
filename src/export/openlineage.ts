import type { Term } from '@rdfjs/types';
import { XSD } from '../generated/vocab.js';
import { timeKey, type DataView, type ExecutionKind, type ExecutionView } from './executions.js';
import { datasetName, runIdOf } from './openlineage-naming.js';

/**
 * OpenLineage RunEvents (spec 2-0-2) of the exported executions: a START event at each
 * execution's start and a COMPLETE or FAIL event at its end (an execution still running has only
 * its START), so Marquez or any OpenLineage consumer sees the ML lifecycle as jobs, runs and
 * datasets.
 *
 * - `run.runId` is the execution's UUIDv7 (the end of its IRI); other IRIs get a name-based UUID.
 * - `job.namespace` is the option `namespace` (default `provml`); `job.name` is the workflow's name
 *   for a workflow execution and `<workflow>.<plan>` below it (`training.epoch`).
 * - Nesting: every execution below a run has a `parent` run facet (stage → workflow run,
 *   epoch → stage, batch → epoch) with the `root` run. Batches are left out unless `batches`.
 * - Datasets: the data an execution used are `inputs` (of both events), the data it generated
 *   `outputs` (of the end event), named from their storage URL (see openlineage-naming.ts), with a
 *   `version` facet (`datasetVersion`: the sha256 checksum, else the recorded version).
 * - A failed execution's end event is FAIL with an `errorMessage` facet.
 * - provml's own facets (`provml`, with a `_schemaURL` under https://w3id.org/prov-ml/openlineage/)
 *   carry what OpenLineage has no facet for: the execution IRI and class, iteration index,
 *   duration, parameter/hyperparameter/measure values, and the file facts of datasets.
 * - `jobType` facet: processingType BATCH, integration PROVML, jobType WORKFLOW | TRANSFORMATION |
 *   FEATURE_EXTRACTION | LEARNING_STAGE | EPOCH | BATCH.
 */

/** The OpenLineage JSON Schema the events follow. */
export const OPENLINEAGE_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
/**
 * Default `producer` of the events and facets.
 *
 * @example
 * ```ts
 * const mine = events.filter((e) => e.producer === PROVML_PRODUCER);
 * ```
 */
export const PROVML_PRODUCER = 'https://w3id.org/prov-ml/provml';
/** Where provml's own facet schemas are named (identifiers; not fetched by consumers). */
export const PROVML_FACETS_URL = 'https://w3id.org/prov-ml/openlineage/1-0-0/ProvmlFacets.json';

const FACET_URL = {
  parent: 'https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet',
  errorMessage: 'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  jobType: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  version: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet',
} as const;

/**
 * A facet: `_producer`, `_schemaURL` and its fields.
 *
 * @example
 * ```ts
 * const f: Facet = { _producer: PROVML_PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/JobTypeJobFacet.json', jobType: 'TASK' };
 * ```
 */
export type Facet = { _producer: string; _schemaURL: string } & Record<string, unknown>;

/**
 * A dataset of an event's `inputs` / `outputs`.
 *
 * @example
 * ```ts
 * const d: OpenLineageDataset = { namespace: 'file', name: '/data/train.csv' };
 * ```
 */
export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: Record<string, Facet>;
}

/**
 * One OpenLineage RunEvent.
 *
 * @example
 * ```ts
 * const { events } = await exportProvenance(store, { format: 'openlineage' });
 * const starts = (events as RunEvent[]).filter((e) => e.eventType === 'START');
 * ```
 */
export interface RunEvent {
  eventType: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: Record<string, Facet> };
  job: { namespace: string; name: string; facets?: Record<string, Facet> };
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}

/** Options of {@link toOpenLineage}. */
export interface OpenLineageOptions {
  /** Job namespace (default `provml`). */
  namespace?: string;
  /** The `producer` URI (default {@link PROVML_PRODUCER}). */
  producer?: string;
  /** Also export batch executions (default false: a training's batches are many, and epochs carry their measures). */
  batches?: boolean;
}

/** jobType of each execution kind (JobTypeJobFacet). */
export const JOB_TYPES: Readonly<Record<ExecutionKind, string>> = Object.freeze({
  workflow: 'WORKFLOW',
  transformation: 'TRANSFORMATION',
  featureExtraction: 'FEATURE_EXTRACTION',
  stage: 'LEARNING_STAGE',
  epoch: 'EPOCH',
  batch: 'BATCH',
});

/** The job name of an execution: `<workflow>` for a run, `<workflow>.<plan>` below it. */
export function jobName(e: ExecutionView): string {
  const workflow = e.workflowName ?? 'workflow';
  if (e.kind === 'workflow') return e.workflowName ?? e.planName ?? 'workflow';
  return `${workflow}.${e.planName ?? e.kind}`;
}

/** A literal as a JSON value: numbers as numbers when finite, booleans as booleans, else the lexical form. */
export function jsonValue(t: Term): string | number | boolean {
  if (t.termType !== 'Literal') return t.value;
  const dt = t.datatype.value;
  if (dt === XSD.boolean) return t.value === 'true' || t.value === '1';
  if (dt === XSD.integer || dt === XSD.long || dt === XSD.int || dt === XSD.double || dt === XSD.decimal || dt === XSD.float) {
    const n = Number(t.value);
    return Number.isFinite(n) ? n : t.value;
  }
  return t.value;
}

function eventTime(t: string): string {
  // xsd:dateTime without a zone is local time; OpenLineage wants RFC 3339 with an offset.
  return /(Z|[+-]\d\d:\d\d)$/.test(t) ? t : `${t}Z`;
}

/**
 * The RunEvents of the executions (START and end per execution, in time order).
 *
 * @example
 * ```ts
 * const events = toOpenLineage(executions(ProvIndex.from(quads)), { namespace: 'seismic' });
 * const ndjson = events.map((e) => JSON.stringify(e)).join('\n');
 * ```
 */
export function toOpenLineage(views: readonly ExecutionView[], options: OpenLineageOptions = {}): RunEvent[] {
  const namespace = options.namespace ?? 'provml';
  const producer = options.producer ?? PROVML_PRODUCER;
  const facet = (schemaURL: string, fields: Record<string, unknown>): Facet => ({ _producer: producer, _schemaURL: schemaURL, ...fields });
  const included = views.filter((e) => options.batches || e.kind !== 'batch');
  const byIri = new Map(included.map((e) => [e.iri, e]));
  const ref = (e: ExecutionView) => ({ run: { runId: runIdOf(e.iri, e.uuid) }, job: { namespace, name: jobName(e) } });

  const dataset = (d: DataView): OpenLineageDataset => {
    const { namespace: ns, name } = datasetName(d.storageUrl ?? d.iri);
    const facets: Record<string, Facet> = {};
    const version = d.checksum ?? d.version;
    if (version !== undefined) facets.version = facet(FACET_URL.version, { datasetVersion: version });
    const file: Record<string, unknown> = { iri: d.iri, model: d.model };
    for (const key of ['storageUrl', 'checksum', 'checksumAlgorithm', 'byteSize', 'mediaType', 'lastModified', 'version'] as const) if (d[key] !== undefined) file[key] = d[key];
    facets.provml = facet(`${PROVML_FACETS_URL}#/$defs/ProvmlDatasetFacet`, file);
    return { namespace: ns, name, facets };
  };

  const events: { at: string; order: number; event: RunEvent }[] = [];
  for (const e of included) {
    const runFacets: Record<string, Facet> = {};
    const parent = e.parent ? byIri.get(e.parent) : undefined;
    if (parent) {
      const root = byIri.get(e.root);
      runFacets.parent = facet(FACET_URL.parent, { ...ref(parent), ...(root && root !== e ? { root: ref(root) } : {}) });
    }
    const values: Record<string, Record<string, string | number | boolean>> = {};
    for (const v of e.values) (values[`${v.role}s`] ??= {})[v.name] = jsonValue(v.value);
    runFacets.provml = facet(`${PROVML_FACETS_URL}#/$defs/ProvmlRunFacet`, {
      execution: e.iri,
      kind: e.kind,
      ...(e.index !== undefined ? { iterationIndex: e.index } : {}),
      ...(e.durationMs !== undefined && Number.isFinite(e.durationMs) ? { durationMs: e.durationMs } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...values,
    });
    const job = {
      namespace,
      name: jobName(e),
      facets: { jobType: facet(FACET_URL.jobType, { processingType: 'BATCH', integration: 'PROVML', jobType: JOB_TYPES[e.kind] }) },
    };
    const inputs = e.used.map(dataset);
    const base = { producer, schemaURL: OPENLINEAGE_SCHEMA_URL, job };
    if (e.startedAt) {
      events.push({
        at: e.startedAt,
        order: 0,
        event: { eventType: 'START', eventTime: eventTime(e.startedAt), ...base, run: { runId: ref(e).run.runId, facets: runFacets }, inputs, outputs: [] },
      });
    }
    if (e.endedAt) {
      const failed = e.status === 'failed' || (e.status === undefined && e.error !== undefined);
      const endFacets = { ...runFacets };
      if (failed) endFacets.errorMessage = facet(FACET_URL.errorMessage, { message: e.error ?? 'failed', programmingLanguage: 'JavaScript' });
      events.push({
        at: e.endedAt,
        order: 1,
        event: { eventType: failed ? 'FAIL' : 'COMPLETE', eventTime: eventTime(e.endedAt), ...base, run: { runId: ref(e).run.runId, facets: endFacets }, inputs, outputs: e.generated.map(dataset) },
      });
    }
  }
  return events.sort((a, b) => cmp(timeKey(a.at), timeKey(b.at)) || a.order - b.order).map((x) => x.event);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Events as newline-delimited JSON: one event per line. */
export function toNdjson(events: readonly RunEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}
