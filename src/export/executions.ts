import type { Term } from '@rdfjs/types';
import { MLS, PROV, PROVML } from '../generated/vocab.js';
import { isA, type ProvIndex } from './graph.js';

/**
 * The executions of an export as plain records — what RO-Crate and OpenLineage describe: each
 * execution with its plan and workflow, times, status, nesting, the data it used and generated,
 * and the scalar values (parameters, hyperparameters, measures…) it used or generated.
 */

/** What kind of execution, from its PROV-ML class. */
export type ExecutionKind = 'workflow' | 'stage' | 'epoch' | 'batch' | 'featureExtraction' | 'transformation';

/** The role of a scalar value, from its PROV-ML class. */
export type ValueRole = 'parameter' | 'hyperparameter' | 'measure' | 'modelHyperparameter' | 'characteristic' | 'attribute';

/** A data reference (file, URL) as recorded. */
export interface DataView {
  iri: string;
  storageUrl?: string;
  checksum?: string;
  checksumAlgorithm?: string;
  byteSize?: number;
  mediaType?: string;
  lastModified?: string;
  version?: string;
  /** A model (`provml:ModelReferenceValue`). */
  model: boolean;
}

/** A scalar value an execution used or generated. */
export interface ValueView {
  iri: string;
  role: ValueRole;
  name: string;
  /** The attribute (`provml:valueOf`) it is a value of. */
  attribute?: string;
  value: Term;
  used: boolean;
}

/** One execution. */
export interface ExecutionView {
  iri: string;
  /** The UUID at the end of the IRI (provml mints UUIDv7s), if there is one. */
  uuid?: string;
  kind: ExecutionKind;
  plan?: string;
  planName?: string;
  /** The run (workflow execution) it belongs to; itself for a run. */
  root: string;
  workflow?: string;
  workflowName?: string;
  parent?: string;
  startedAt?: string;
  endedAt?: string;
  status?: string;
  error?: string;
  durationMs?: number;
  index?: number;
  agents: string[];
  used: DataView[];
  generated: DataView[];
  values: ValueView[];
}

const KIND_CLASSES: [string, ExecutionKind][] = [
  [PROVML.WorkflowExecution, 'workflow'],
  [PROVML.LearningStageExecution, 'stage'],
  [PROVML.EpochExecution, 'epoch'],
  [PROVML.BatchExecution, 'batch'],
  [PROVML.FeatureExtractionExecution, 'featureExtraction'],
];

const ROLE_CLASSES: [string, ValueRole][] = [
  [PROVML.ParameterValue, 'parameter'],
  [PROVML.LearningHyperParameterSetting, 'hyperparameter'],
  [PROVML.ModelEvaluation, 'measure'],
  [PROVML.ModelHyperParameterValue, 'modelHyperparameter'],
  [PROVML.DatasetCharacteristicValue, 'characteristic'],
];

export function executionKind(types: readonly string[]): ExecutionKind {
  for (const [cls, kind] of KIND_CLASSES) if (isA(types, cls)) return kind;
  return 'transformation';
}

const UUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function dataView(index: ProvIndex, iri: string): DataView {
  const view: DataView = { iri, model: isA(index.types(iri), PROVML.ModelReferenceValue) };
  const set = <K extends keyof DataView>(key: K, value: DataView[K] | undefined) => {
    if (value !== undefined) view[key] = value;
  };
  set('storageUrl', index.str(iri, PROVML.storageUrl));
  set('checksum', index.str(iri, PROVML.checksum));
  set('checksumAlgorithm', index.str(iri, PROVML.checksumAlgorithm));
  set('byteSize', index.num(iri, PROVML.byteSize));
  set('mediaType', index.str(iri, PROVML.mediaType));
  set('lastModified', index.str(iri, PROVML.lastModified));
  set('version', index.str(iri, PROVML.version));
  return view;
}

/** True for a node that is data (it has a storage URL, or is typed as a data/model reference value). */
export function isData(index: ProvIndex, iri: string): boolean {
  const types = index.types(iri);
  return index.str(iri, PROVML.storageUrl) !== undefined || isA(types, PROVML.DataReferenceValue) || isA(types, PROVML.ModelReferenceValue) || isA(types, PROVML.LearningDatasetReferenceValue);
}

function valueView(index: ProvIndex, iri: string, used: boolean): ValueView | undefined {
  const types = index.types(iri);
  const value = index.values(iri, MLS.hasValue)[0];
  if (value === undefined) return undefined;
  const role = ROLE_CLASSES.find(([cls]) => isA(types, cls))?.[1] ?? 'attribute';
  const attribute = index.iris(iri, PROVML.valueOf)[0];
  const name = (attribute && index.str(attribute, PROVML.name)) ?? iri.slice(Math.max(iri.lastIndexOf(':'), iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
  return { iri, role, name: safeDecode(name), ...(attribute ? { attribute } : {}), value, used };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Every execution in the index (nodes below `prov:Activity` that `provml:executes` a plan or are
 * typed as a PROV-ML execution), ordered by start time then IRI.
 */
export function executions(index: ProvIndex): ExecutionView[] {
  const iris = new Set([...index.instances(PROVML.WorkflowExecution), ...index.instances(PROVML.DataTransformationExecution), ...index.instances(PROVML.IterationExecution), ...index.instances(PROVML.LearningStageExecution)]);
  for (const n of index.nodes.values()) if (n.out.has(PROVML.executes) && index.kind(n.iri) === 'activity') iris.add(n.iri);
  const views = new Map<string, ExecutionView>();
  for (const iri of iris) {
    const kind = executionKind(index.types(iri));
    const plan = index.iris(iri, PROVML.executes)[0];
    const used: DataView[] = [];
    const values: ValueView[] = [];
    for (const u of index.iris(iri, PROV.used)) {
      if (isData(index, u)) used.push(dataView(index, u));
      else {
        const v = valueView(index, u, true);
        if (v) values.push(v);
      }
    }
    const generated: DataView[] = [];
    for (const g of index.subjects(PROV.wasGeneratedBy, iri)) {
      if (isData(index, g)) generated.push(dataView(index, g));
      else {
        const v = valueView(index, g, false);
        if (v) values.push(v);
      }
    }
    used.sort(byIri);
    generated.sort(byIri);
    values.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byIri(a, b)));
    const view: ExecutionView = { iri, kind, root: iri, agents: index.iris(iri, PROV.wasAssociatedWith).sort(), used, generated, values };
    const uuid = UUID.exec(iri)?.[1];
    if (uuid) view.uuid = uuid.toLowerCase();
    if (plan) {
      view.plan = plan;
      const name = index.str(plan, PROVML.name);
      if (name !== undefined) view.planName = name;
    }
    const parent = index.iris(iri, PROVML.partOf)[0];
    if (parent) view.parent = parent;
    const started = index.str(iri, PROV.startedAtTime);
    if (started) view.startedAt = started;
    const ended = index.str(iri, PROV.endedAtTime);
    if (ended) view.endedAt = ended;
    const status = index.str(iri, PROVML.status);
    if (status) view.status = status;
    const error = index.str(iri, PROVML.errorMessage);
    if (error) view.error = error;
    const duration = index.num(iri, PROVML.durationMs);
    if (duration !== undefined) view.durationMs = duration;
    const i = index.num(iri, PROVML.iterationIndex);
    if (i !== undefined) view.index = i;
    views.set(iri, view);
  }
  for (const view of views.values()) {
    let root = view;
    const seen = new Set<string>([view.iri]);
    while (root.parent && views.has(root.parent) && !seen.has(root.parent)) {
      seen.add(root.parent);
      root = views.get(root.parent)!;
    }
    view.root = root.iri;
    const wf = root.kind === 'workflow' ? root.plan : undefined;
    const workflow = wf ?? (view.plan ? index.subjects(PROVML.hasDataTransformation, view.plan)[0] : undefined);
    if (workflow) {
      view.workflow = workflow;
      const name = index.str(workflow, PROVML.name);
      if (name !== undefined) view.workflowName = name;
    }
  }
  return [...views.values()].sort((a, b) => cmp(timeKey(a.startedAt), timeKey(b.startedAt)) || cmp(a.iri, b.iri));
}

/** A sortable form of an `xsd:dateTime` in UTC (`Z`): the fraction padded to nanoseconds. */
export function timeKey(t: string | undefined): string {
  if (t === undefined) return '';
  const m = /^([^.Z+]*)(?:\.(\d+))?(.*)$/.exec(t);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}${m[3]}` : t;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byIri(a: { iri: string }, b: { iri: string }): number {
  return cmp(a.iri, b.iri);
}
