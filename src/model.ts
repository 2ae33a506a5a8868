/**
 * `provml/model` — one TypeScript class per PROV-ML class (plus the PROV classes they extend),
 * generated from `ontology/prov-ml.ttl`, with lossless `toQuads` / `fromQuads`.
 *
 * Fields are typed from the ontology: literals as `string` / `number` / `boolean` / `Date`, links
 * to other nodes as IRI strings; single-valued properties are `field?: T`, others `field: T[]`.
 *
 * @example
 * ```ts
 * import { EpochExecution } from 'provml/model';
 *
 * const epoch = new EpochExecution('urn:provml:run-1:epoch-3');
 * epoch.iterationIndex = 3;
 * epoch.startedAtTime = new Date();
 * epoch.partOf = 'urn:provml:run-1:training';
 * const quads = epoch.toQuads('urn:provml:graph:run-1');
 * const again = EpochExecution.fromQuads(quads, epoch.iri); // deep-equals `epoch`
 * ```
 *
 * @packageDocumentation
 */
export * from './generated/classes/index.js';
export { Resource, type PropertySpec, type ResourceClass, type ResourceConstructor } from './rdf/resource.js';
