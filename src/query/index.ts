/**
 * `provml/query`: reading provenance back from any {@link SparqlEndpoint}.
 *
 * @example
 * ```ts
 * import { listRuns, runEpochs } from 'provml/query';
 *
 * const [latest] = await listRuns(prov.store!);
 * console.table(await runEpochs(prov.store!, latest!.run));
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
export type { Bindings, QueryOptions, SparqlEndpoint } from '../store/endpoint.js';
