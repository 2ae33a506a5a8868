/**
 * `provml/vocab` — IRI constants of PROV-ML, PROV-O, ML Schema and the W3C vocabularies they use.
 *
 * Everything here is generated from `ontology/prov-ml.ttl` (see `src/generated/vocab.ts`); each
 * constant object and namespace string carries its own TSDoc and example.
 *
 * @example
 * ```ts
 * import { PROV, PROVML, XSD } from 'provml/vocab';
 *
 * const triple = `<urn:provml:e1> <${PROV.startedAtTime}> "2024-01-01T00:00:00Z"^^<${XSD.dateTime}> .`;
 * const isEpoch = (type: string) => type === PROVML.EpochExecution;
 * ```
 *
 * @packageDocumentation
 */
export * from './generated/vocab.js';
