/**
 * `provml/query`: reading provenance back from any {@link SparqlEndpoint}.
 *
 * Typed query builders generated from the ontology ({@link query}) and ready-made questions.
 *
 * @example
 * ```ts
 * import { avg, count, listRuns, query, runEpochs } from 'provml/query';
 *
 * const [latest] = await listRuns(prov.store!);
 * console.table(await runEpochs(prov.store!, latest!.run));
 *
 * const q = query('BatchExecution');
 * const epoch = q.root.out('partOf', 'EpochExecution');
 * const rows = await q
 *   .groupBy(epoch.get('iterationIndex'))
 *   .select({ epoch: epoch.get('iterationIndex'), avgMs: avg(q.root.get('durationMs')), n: count(q.root) })
 *   .orderBy('epoch')
 *   .run(prov.store!); // { epoch: number; avgMs: number | undefined; n: number }[]
 * ```
 *
 * @packageDocumentation
 */
export {
  listRuns,
  runDatasets,
  runEpochs,
  runHyperparameters,
  sparqlIri,
  type DatasetUse,
  type EpochSummary,
  type HyperparameterSetting,
  type RunSummary,
} from './runs.js';
export {
  batchTimeStats,
  createMonitor,
  monitorSnapshot,
  type BatchTimeStats,
  type Monitor,
  type MonitorOptions,
  type MonitorSnapshot,
} from './monitor.js';
export type { Bindings, QueryOptions, SparqlEndpoint } from '../store/endpoint.js';
export { resolveData, type ResolvedData } from './resolve.js';
export { storageUrlFor, unversioned, versionChains, versions, VERSIONS_GRAPH, type DataVersion, type ExecutionRef, type VersionsOptions } from './versions.js';
export { linkVersions, type LinkVersionsOptions, type VersionLinks } from './version-links.js';
export { reproductionManifest, verifyManifest, type CheckStatus, type Facts, type FileCheck, type FileRole, type ManifestExecution, type ManifestFile, type ManifestRun, type ReproductionManifest, type Verification } from './reproduce.js';
export {
  Aggregate,
  Condition,
  Field,
  LinkField,
  QUERY_SCHEMA,
  Query,
  QueryNode,
  ValueField,
  and,
  avg,
  count,
  countDistinct,
  max,
  min,
  not,
  or,
  query,
  sum,
  type AnyNode,
  type ClassInstances,
  type ClassName,
  type FieldName,
  type FieldOf,
  type FieldProp,
  type FieldValue,
  type Instance,
  type InverseFieldName,
  type LinkFieldName,
  type NumericField,
  type OutTarget,
  type QuerySchema,
  type RangeClass,
  type RangedLinkName,
  type RequiredBy,
  type Row,
  type RowCell,
  type Selectable,
  type Selection,
  type SubclassOf,
  type TsTypes,
} from './builder/index.js';
export {
  DEFAULT_LINEAGE_PREDICATES,
  GRAPH_FORMATS,
  GraphvizMissingError,
  dotString,
  dotToSvg,
  groupByRun,
  lineage,
  mermaidText,
  renderGraph,
  segment,
  summarize,
  summaryGraph,
  toDot,
  toMermaid,
  toSvg,
  type DotOptions,
  type GraphFormat,
  type LineageDirection,
  type LineageOptions,
  type MermaidOptions,
  type NodeKind,
  type ProvEdge,
  type ProvGraph,
  type ProvNode,
  type ProvSummary,
  type SegmentOptions,
  type SummaryAnomaly,
  type SummaryEdge,
  type SummaryGroup,
  type SummaryLevel,
  type SvgOptions,
  type TraversalOptions,
} from './lineage/index.js';
export {
  describeFilter,
  explainEmpty,
  q1,
  q2,
  q3,
  q4,
  q5,
  q6,
  trainingDatasets,
  type DomainSource,
  type EvaluatedModel,
  type ParameterCondition,
  type ParameterFilter,
  type ParameterRange,
  type Q1Params,
  type Q1Row,
  type Q2Params,
  type Q2Row,
  type Q3Params,
  type Q3Result,
  type Q4Params,
  type Q4Row,
  type Q5Params,
  type Q5Row,
  type Q6Params,
  type Q6Row,
  type Scalar,
  type SourceFileFacts,
} from './lifecycle/index.js';
