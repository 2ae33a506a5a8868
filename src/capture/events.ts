/**
 * The compact events the capture hot path records.
 *
 * These are the contract between `capture/` (which creates them synchronously, without I/O or RDF)
 * and `record/` (which turns them into PROV-ML quads in the background). They are plain objects,
 * JSON-safe apart from `number` values that may be NaN/±Infinity, so a batch can be journaled or
 * shipped to a worker unchanged.
 *
 * Three event types:
 * - `spec`  — prospective provenance, emitted once per decorated class/method (or non-decorator
 *   declaration) the first time it runs: the workflow's structure and what each argument means.
 * - `start` — an execution began (retrospective).
 * - `end`   — that execution finished, with outputs, or with the user's error.
 */

/**
 * What kind of activity an execution is; maps to a PROV-ML execution class.
 *
 * @example
 * ```ts
 * const kind: ActivityKind = 'epoch';
 * ```
 */
export type ActivityKind =
  | 'workflow' // WorkflowExecution (LearningProcessExecution when it contains a learning stage)
  | 'transformation' // DataTransformationExecution
  | 'featureExtraction' // FeatureExtractionExecution
  | 'stage' // LearningStageExecution
  | 'epoch' // EpochExecution
  | 'batch'; // BatchExecution

/**
 * The learning stage types of PROV-ML (individuals of provml:LearningStageType).
 *
 * @example
 * ```ts
 * const stage: StageType = 'training';
 * ```
 */
export type StageType = 'training' | 'validation' | 'testing';

/**
 * What a captured value means. Maps to PROV-ML value classes:
 * - `parameter` → ParameterValue (a data-transformation parameter, e.g. tile size)
 * - `hyperparameter` → LearningHyperParameterSetting
 * - `input` / `output` → DataReferenceValue (LearningDatasetReferenceValue inside a stage),
 *   linked with prov:used / prov:wasGeneratedBy
 * - `measure` → ModelEvaluation (loss, accuracy…)
 * - `model` → ModelReferenceValue (a saved model file/URI)
 * - `modelHyperparameter` → ModelHyperParameterValue (e.g. the epoch a model was produced at)
 * - `characteristic` → DatasetCharacteristicValue (e.g. number of instances)
 * - `attribute` → AttributeValue (anything else the user asked to keep)
 *
 * @example
 * ```ts
 * const role: ValueRole = 'hyperparameter';
 * ```
 */
export type ValueRole =
  | 'parameter'
  | 'hyperparameter'
  | 'input'
  | 'output'
  | 'measure'
  | 'model'
  | 'modelHyperparameter'
  | 'characteristic'
  | 'attribute';

/**
 * A data reference: a file path or URI. File facts (checksum, size…) are computed in the background.
 *
 * @example
 * ```ts
 * const data: DataRefSummary = { $: 'ref', uri: '/data/train.csv', mediaType: 'text/csv' };
 * ```
 */
export interface DataRefSummary {
  $: 'ref';
  /** Absolute file path or URI as given by the user (resolved to absolute for relative paths). */
  uri: string;
  /** Optional hints the user supplied (never computed on the hot path). */
  mediaType?: string;
  version?: string;
}

/**
 * A cheap, synchronous, JSON-safe summary of a runtime value.
 *
 * @example
 * ```ts
 * const v: ValueSummary = { $: 'tensor', shape: [32, 10], dtype: 'float32', size: 320 };
 * ```
 */
export type ValueSummary =
  | null
  | boolean
  | number
  | string
  | DataRefSummary
  | { $: 'bigint'; value: string }
  | { $: 'tensor'; shape: number[]; dtype: string; size: number }
  | { $: 'array'; length: number; hash?: string; items?: ValueSummary[] }
  | { $: 'bytes'; length: number; hash: string }
  | { $: 'object'; fields: Record<string, ValueSummary>; truncated?: boolean }
  | { $: 'date'; iso: string }
  | { $: 'function'; name: string }
  | { $: 'symbol'; description: string }
  | { $: 'circular' }
  | { $: 'undefined' }
  | { $: 'error'; name: string; message: string };

/**
 * One captured value with its meaning.
 *
 * @example
 * ```ts
 * const fact: Fact = { role: 'measure', name: 'loss', value: 0.31 };
 * ```
 */
export interface Fact {
  role: ValueRole;
  /** The attribute's name (argument name given in the decorator options, or the output key). */
  name: string;
  value: ValueSummary;
}

/**
 * Facts whose name starts with this character describe the execution itself — user tags, the
 * process's peak memory — rather than a value it used or generated. The record step writes each as
 * an ML Schema quality of the execution (`mls:hasQuality`, `mls:Quality`, `provml:name` = the rest
 * of the name, `mls:hasValue`), never as an AttributeValue of a declared attribute. The character
 * cannot come from a decorator option by accident: user names never start with it.
 *
 * @example
 * ```ts
 * const tag: Fact = { role: 'attribute', name: `${QUALITY_FACT}tag:team`, value: 'geo' }; // quality "tag:team"
 * ```
 * @internal
 */
export const QUALITY_FACT = '\u0000';

/** Quality name prefix of user tags (`tag:team`). @internal */
export const TAG_QUALITY = 'tag:';

/** Quality name of the process's peak resident set size in bytes, read when an execution ends. @internal */
export const PEAK_MEMORY_QUALITY = 'peakMemoryBytes';

/**
 * Declared (prospective) attribute of a transformation/stage.
 *
 * @example
 * ```ts
 * const a: AttributeSpec = { role: 'parameter', name: 'tileSize', direction: 'in' };
 * ```
 */
export interface AttributeSpec {
  role: ValueRole;
  name: string;
  /** 'input' side or 'output' side of the transformation. */
  direction: 'in' | 'out';
}

/**
 * Prospective provenance: emitted once per specification, before its first execution.
 *
 * @example
 * ```ts
 * const spec: SpecEvent = { t: 'spec', spec: 'Trainer#train', kind: 'stage', name: 'train', stageType: 'training', attributes: [] };
 * ```
 */
export interface SpecEvent {
  t: 'spec';
  /** Stable key of the specification, e.g. `"Trainer#train"`; unique within a workflow. */
  spec: string;
  kind: ActivityKind;
  /** Human name (defaults to class/method name). */
  name: string;
  /** Spec key of the enclosing workflow, if any. */
  workflow?: string;
  stageType?: StageType;
  attributes: AttributeSpec[];
  /** The input/output attribute name that `characteristic` facts describe (default: first output dataset, else first input). */
  characterizes?: string;
  /** Workflow-level descriptive facts (only on kind 'workflow'). */
  study?: string;
  experiment?: string;
  persona?: string;
  task?: string;
  algorithm?: string;
  software?: string;
}

/**
 * An execution began.
 *
 * @example
 * ```ts
 * const start: StartEvent = { t: 'start', id: '0190…', spec: 'Trainer#epoch', kind: 'epoch', root: '0190…', at: Date.now(), index: 0 };
 * ```
 */
export interface StartEvent {
  t: 'start';
  /** Unique, time-ordered execution id (UUIDv7 text). */
  id: string;
  spec: string;
  kind: ActivityKind;
  /** Id of the enclosing execution, if any. */
  parent?: string;
  /** Id of the root workflow execution (names the named graph); equals `id` for a workflow. */
  root: string;
  /** Wall-clock time in ms since the Unix epoch (fractional), from a monotonic clock anchored once. */
  at: number;
  /** Epoch / batch number for iterations. */
  index?: number;
  facts?: Fact[];
}

/**
 * An execution finished (normally or by throwing).
 *
 * @example
 * ```ts
 * const end: EndEvent = { t: 'end', id: '0190…', kind: 'epoch', root: '0190…', at: Date.now(), facts: [{ role: 'measure', name: 'loss', value: 0.3 }] };
 * ```
 */
export interface EndEvent {
  t: 'end';
  id: string;
  kind: ActivityKind;
  root: string;
  at: number;
  facts?: Fact[];
  /** Present when the user's code threw; the error itself is rethrown unchanged. */
  error?: { name: string; message: string };
}

/**
 * Domain facts about a data reference (`prov.describe`): basin, field, wells… of a survey file,
 * recorded about the file's storage URL in a domain graph, apart from the provenance graphs.
 *
 * @example
 * ```ts
 * import { ref, type DescribeEvent } from 'provml';
 * const e: DescribeEvent = { t: 'describe', at: Date.now(), target: ref('netherlands.sgy'), facts: [{ role: 'attribute', name: 'basin', value: 'North Sea' }] };
 * ```
 */
export interface DescribeEvent {
  t: 'describe';
  at: number;
  /** The file or URI the facts are about; recorded as the subject `<storage URL>`. */
  target: DataRefSummary;
  /** Named graph of the facts (default `<base>graph:domain`). */
  graph?: string;
  /** Namespace of fact names that are not absolute IRIs (default `<base>domain:`). */
  vocab?: string;
  /** The facts; a data reference as value links to that file's storage URL. */
  facts: Fact[];
}

/**
 * Every event capture emits: a spec (once per declaration), a start and an end per execution, and
 * domain facts (`prov.describe`).
 *
 * @example
 * ```ts
 * import type { CaptureEvent } from 'provml';
 * const kinds = (events: CaptureEvent[]) => events.map((e) => e.t); // 'spec' | 'start' | 'end' | 'describe'
 * ```
 */
export type CaptureEvent = SpecEvent | StartEvent | EndEvent | DescribeEvent;
