import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import { attributeClass } from '../record/prospective.js';
import { IriMinter } from '../record/iri.js';
import { anyURI, double, integer, iri, lit, long, NQuadsOut, type NTerm } from '../record/terms.js';
import { MLS, PROV, PROVML, RDF, XSD } from '../generated/vocab.js';
import type { ExecutionKind, ValueRole } from './executions.js';
import { isUuid, storageUrlOf } from './openlineage-naming.js';
import type { OpenLineageDataset, RunEvent } from './openlineage.js';

/**
 * OpenLineage → PROV-ML: lineage from tools that speak OpenLineage joins the same graph.
 *
 * - Each run (all events of one `runId`) is an execution `<base>execution:<runId>`, in the named
 *   graph of its root run (the run with no parent: `<base>graph:<root runId>`), with
 *   `prov:startedAtTime` (START), `prov:endedAtTime` and `provml:status` (COMPLETE → completed,
 *   FAIL → failed, ABORT → aborted), `provml:errorMessage` (errorMessage facet) and
 *   `provml:partOf` its parent (parent facet).
 * - A root run's job is a `provml:Workflow` named after the job; a job below it is a plan of that
 *   workflow (`<workflow>.<plan>` job names lose the workflow prefix), a data transformation unless
 *   provml's facet or the `jobType` facet says stage / epoch / batch / feature extraction.
 * - Inputs are `prov:used`, outputs `prov:wasGeneratedBy`; a dataset is a data reference whose
 *   storage URL comes from its namespace and name, and whose IRI derives from that URL and its
 *   `version` facet (provml's own exports put the sha256 there, so the node is the same).
 * - provml's own facets restore what OpenLineage has no facet for (iteration index, duration,
 *   parameter and measure values, file facts).
 */

/**
 * Options of {@link importOpenLineage}.
 *
 * @example
 * ```ts
 * const quads = importOpenLineage(events, { base: 'urn:provml:' } as ImportOptions);
 * ```
 */
export interface ImportOptions {
  /** Base of minted IRIs (default `urn:provml:`). */
  base?: string;
}

type Json = Record<string, unknown>;

const KIND_CLASS: Record<ExecutionKind, string> = {
  workflow: PROVML.WorkflowExecution,
  transformation: PROVML.DataTransformationExecution,
  featureExtraction: PROVML.FeatureExtractionExecution,
  stage: PROVML.LearningStageExecution,
  epoch: PROVML.EpochExecution,
  batch: PROVML.BatchExecution,
};
const PLAN_CLASS: Record<ExecutionKind, string> = {
  workflow: PROVML.Workflow,
  transformation: PROVML.DataTransformation,
  featureExtraction: PROVML.FeatureExtraction,
  stage: PROVML.LearningStage,
  epoch: PROVML.DataTransformation,
  batch: PROVML.DataTransformation,
};
const JOB_TYPE_KIND: Record<string, ExecutionKind> = {
  WORKFLOW: 'workflow',
  DAG: 'workflow',
  TRANSFORMATION: 'transformation',
  FEATURE_EXTRACTION: 'featureExtraction',
  LEARNING_STAGE: 'stage',
  EPOCH: 'epoch',
  BATCH: 'batch',
};
const VALUE_CLASS: Record<ValueRole, string> = {
  parameter: PROVML.ParameterValue,
  hyperparameter: PROVML.LearningHyperParameterSetting,
  measure: PROVML.ModelEvaluation,
  modelHyperparameter: PROVML.ModelHyperParameterValue,
  characteristic: PROVML.DatasetCharacteristicValue,
  attribute: PROVML.AttributeValue,
};
const USED_ROLES = new Set<ValueRole>(['parameter', 'hyperparameter']);

/**
 * Parse OpenLineage events: NDJSON (one event per line), a JSON array, or one JSON object.
 *
 * @example
 * ```ts
 * const events = parseOpenLineage(await readFile('events.ndjson', 'utf8'));
 * ```
 */
export function parseOpenLineage(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new TypeError('provml: expected a JSON array of OpenLineage events');
    return parsed;
  }
  const out: unknown[] = [];
  const lines = trimmed.split('\n');
  try {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch (err) {
        if (i === 0 && lines.length > 1) throw err; // maybe one pretty-printed object
        throw new SyntaxError(`line ${i + 1}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    if (err instanceof SyntaxError && !/^line \d+:/.test(err.message)) return [JSON.parse(trimmed)];
    throw err;
  }
  return out;
}

interface RunState {
  runId: string;
  job: { namespace: string; name: string };
  kind?: ExecutionKind;
  parent?: { runId: string; job?: string };
  root?: { runId: string; job?: string };
  start?: string;
  /** Earliest event time: the start when there is no START event. */
  firstSeen?: string;
  end?: string;
  status?: string;
  error?: string;
  provml?: Json;
  inputs: Map<string, OpenLineageDataset>;
  outputs: Map<string, OpenLineageDataset>;
}

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The RunEvents among `events`, checked; anything else is reported by index. */
function runEvents(events: readonly unknown[]): RunEvent[] {
  return events.map((e, i) => {
    const ev = obj(e);
    const run = obj(ev?.run);
    const job = obj(ev?.job);
    if (!ev || !run || !job) throw new TypeError(`provml: OpenLineage event ${i + 1} is not a RunEvent (it needs run and job)`);
    if (!str(run.runId) || !isUuid(run.runId as string)) throw new TypeError(`provml: OpenLineage event ${i + 1}: run.runId must be a UUID, got ${JSON.stringify(run.runId)}`);
    if (!str(job.namespace) || !str(job.name)) throw new TypeError(`provml: OpenLineage event ${i + 1}: job.namespace and job.name are required`);
    if (!str(ev.eventTime) || Number.isNaN(Date.parse(ev.eventTime as string))) throw new TypeError(`provml: OpenLineage event ${i + 1}: eventTime must be a date-time, got ${JSON.stringify(ev.eventTime)}`);
    for (const side of ['inputs', 'outputs'] as const) {
      const list = ev[side];
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((d) => str(obj(d)?.namespace) && str(obj(d)?.name))) {
        throw new TypeError(`provml: OpenLineage event ${i + 1}: ${side} must be datasets with a namespace and a name`);
      }
    }
    return ev as unknown as RunEvent;
  });
}

function collect(events: readonly RunEvent[]): Map<string, RunState> {
  const runs = new Map<string, RunState>();
  for (const ev of events) {
    const runId = ev.run.runId.toLowerCase();
    let r = runs.get(runId);
    if (!r) runs.set(runId, (r = { runId, job: { namespace: ev.job.namespace, name: ev.job.name }, inputs: new Map(), outputs: new Map() }));
    const facets = obj(ev.run.facets) ?? {};
    const parent = obj(facets.parent);
    const pRun = str(obj(parent?.run)?.runId);
    if (pRun && isUuid(pRun)) r.parent = { runId: pRun.toLowerCase(), ...(str(obj(parent?.job)?.name) ? { job: str(obj(parent?.job)?.name)! } : {}) };
    const root = obj(parent?.root);
    const rRun = str(obj(root?.run)?.runId);
    if (rRun && isUuid(rRun)) r.root = { runId: rRun.toLowerCase(), ...(str(obj(root?.job)?.name) ? { job: str(obj(root?.job)?.name)! } : {}) };
    const provml = obj(facets.provml);
    if (provml) r.provml = { ...r.provml, ...provml };
    const jobType = str(obj(obj(ev.job.facets)?.jobType)?.jobType);
    const kind = (str(provml?.kind) as ExecutionKind | undefined) ?? (jobType ? JOB_TYPE_KIND[jobType.toUpperCase()] : undefined);
    if (kind && kind in KIND_CLASS) r.kind = kind;
    const t = ev.eventTime;
    const type = ev.eventType ?? 'OTHER';
    if (type === 'START' && (r.start === undefined || Date.parse(t) < Date.parse(r.start))) r.start = t;
    if (r.firstSeen === undefined || Date.parse(t) < Date.parse(r.firstSeen)) r.firstSeen = t;
    if (type === 'COMPLETE' || type === 'FAIL' || type === 'ABORT') {
      r.end = t;
      r.status = type === 'COMPLETE' ? 'completed' : type === 'FAIL' ? 'failed' : 'aborted';
    }
    const message = str(obj(facets.errorMessage)?.message);
    if (message) r.error = message;
    for (const d of ev.inputs ?? []) r.inputs.set(`${d.namespace}\n${d.name}`, d);
    for (const d of ev.outputs ?? []) r.outputs.set(`${d.namespace}\n${d.name}`, d);
  }
  for (const r of runs.values()) r.start ??= r.firstSeen;
  return runs;
}

function valueTerm(v: unknown, role: ValueRole): NTerm | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? integer(v) : double(v);
  if (typeof v === 'boolean') return `"${v}"^^<${XSD.boolean}>`;
  if (typeof v === 'string') return role === 'measure' && /^(NaN|INF|-INF)$/.test(v) ? `"${v}"^^<${XSD.double}>` : lit(v);
  return undefined;
}

/**
 * Map OpenLineage RunEvents (parsed JSON) to PROV-ML quads. Events that are not RunEvents, or lack
 * a UUID runId, a job or an eventTime, are a `TypeError` naming the event.
 *
 * @example
 * ```ts
 * const quads = importOpenLineage(parseOpenLineage(await readFile('events.ndjson', 'utf8')));
 * await store.insertQuads(quads);
 * ```
 */
export function importOpenLineage(events: readonly unknown[], options: ImportOptions = {}): Quad[] {
  const mint = new IriMinter(options.base);
  const runs = collect(runEvents(events));
  const out = new NQuadsOut();
  const shared = iri(mint.sharedGraph());
  const once = new Set<string>();
  const sharedOnce = (key: string, write: () => void) => {
    if (!once.has(key)) {
      once.add(key);
      write();
    }
  };
  const rootOf = (r: RunState): { runId: string; name: string } => {
    const seen = new Set<string>();
    let cur = r;
    while (cur.parent && !seen.has(cur.runId)) {
      seen.add(cur.runId);
      const next = runs.get(cur.parent.runId);
      if (!next) return cur.root ? { runId: cur.root.runId, name: cur.root.job ?? cur.parent.job ?? cur.job.name } : { runId: cur.parent.runId, name: cur.parent.job ?? cur.job.name };
      cur = next;
    }
    return { runId: cur.runId, name: cur.job.name };
  };
  for (const r of runs.values()) {
    const { runId: rootId, name: workflowName } = rootOf(r);
    const kind: ExecutionKind = r.kind ?? (r.parent ? 'transformation' : 'workflow');
    const g = iri(mint.graph(rootId));
    const exec = iri(mint.execution(r.runId));
    const add = (s: NTerm, p: string, o: NTerm, graph: NTerm = g) => out.add(s, iri(p), o, graph);
    add(exec, RDF.type, iri(KIND_CLASS[kind]));
    // The workflow and the plan.
    const wfIri = mint.workflow(workflowName);
    sharedOnce(wfIri, () => {
      add(iri(wfIri), RDF.type, iri(PROVML.Workflow), shared);
      add(iri(wfIri), PROVML.name, lit(workflowName), shared);
    });
    let plan = wfIri;
    if (kind !== 'workflow') {
      const planName = r.job.name.startsWith(`${workflowName}.`) ? r.job.name.slice(workflowName.length + 1) : r.job.name;
      plan = mint.plan(workflowName, planName);
      sharedOnce(plan, () => {
        add(iri(plan), RDF.type, iri(PLAN_CLASS[kind]), shared);
        add(iri(plan), PROVML.name, lit(planName), shared);
        add(iri(wfIri), PROVML.hasDataTransformation, iri(plan), shared);
      });
    }
    add(exec, PROVML.executes, iri(plan));
    if (kind === 'stage') add(iri(mint.execution(rootId)), RDF.type, iri(PROVML.LearningProcessExecution));
    if (r.start) add(exec, PROV.startedAtTime, `${lit(r.start)}^^<${XSD.dateTime}>`);
    if (r.end) add(exec, PROV.endedAtTime, `${lit(r.end)}^^<${XSD.dateTime}>`);
    if (r.status) add(exec, PROVML.status, lit(r.status));
    if (r.error) add(exec, PROVML.errorMessage, lit(r.error));
    if (r.parent) add(exec, PROVML.partOf, iri(mint.execution(r.parent.runId)));
    const p = r.provml ?? {};
    if (typeof p.iterationIndex === 'number') add(exec, PROVML.iterationIndex, integer(p.iterationIndex));
    const duration = typeof p.durationMs === 'number' ? p.durationMs : r.start && r.end ? Date.parse(r.end) - Date.parse(r.start) : undefined;
    if (duration !== undefined && Number.isFinite(duration)) add(exec, PROVML.durationMs, double(duration));
    // Values recorded by provml (its run facet).
    for (const role of Object.keys(VALUE_CLASS) as ValueRole[]) {
      const values = obj(p[`${role}s`]);
      for (const [name, v] of Object.entries(values ?? {})) {
        const literal = valueTerm(v, role);
        if (literal === undefined) continue;
        const node = iri(mint.value(r.runId, role, name));
        const attr = mint.attribute(plan, role, name);
        sharedOnce(attr, () => {
          add(iri(attr), RDF.type, iri(attributeClass(role, kind === 'workflow' ? 'transformation' : kind)), shared);
          add(iri(attr), PROVML.name, lit(name), shared);
        });
        add(node, RDF.type, iri(VALUE_CLASS[role]));
        add(node, MLS.hasValue, literal);
        add(node, PROVML.valueOf, iri(attr));
        if (USED_ROLES.has(role)) add(exec, PROV.used, node);
        else add(node, PROV.wasGeneratedBy, exec);
      }
    }
    // Datasets.
    const data = (d: OpenLineageDataset, input: boolean): NTerm => {
      const facets = obj(d.facets) ?? {};
      const file = obj(facets.provml) ?? {};
      const url = str(file.storageUrl) ?? storageUrlOf({ namespace: d.namespace, name: d.name });
      const datasetVersion = str(obj(facets.version)?.datasetVersion);
      const checksum = str(file.checksum);
      const node = iri(mint.data(url, checksum ?? datasetVersion));
      const cls = file.model === true ? PROVML.ModelReferenceValue : input && kind === 'stage' ? PROVML.LearningDatasetReferenceValue : PROVML.DataReferenceValue;
      sharedOnce(`${node} ${cls}`, () => {
        add(node, RDF.type, iri(cls), shared);
        add(node, PROVML.storageUrl, anyURI(url), shared);
        if (checksum) add(node, PROVML.checksum, lit(checksum), shared);
        if (str(file.checksumAlgorithm)) add(node, PROVML.checksumAlgorithm, lit(file.checksumAlgorithm as string), shared);
        if (typeof file.byteSize === 'number') add(node, PROVML.byteSize, long(file.byteSize), shared);
        if (str(file.mediaType)) add(node, PROVML.mediaType, lit(file.mediaType as string), shared);
        if (str(file.lastModified)) add(node, PROVML.lastModified, `${lit(file.lastModified as string)}^^<${XSD.dateTime}>`, shared);
        const version = str(file.version) ?? (checksum ? undefined : datasetVersion);
        if (version) add(node, PROVML.version, lit(version), shared);
      });
      return node;
    };
    for (const d of r.inputs.values()) add(exec, PROV.used, data(d, true));
    for (const d of r.outputs.values()) add(data(d, false), PROV.wasGeneratedBy, exec);
  }
  return new Parser({ format: 'application/n-quads' }).parse(out.text);
}
