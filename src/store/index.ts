/**
 * Stores: the SparqlEndpoint interface and its implementations.
 * @module
 */
export type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';
export { EmbeddedStore, toRdfjsQuad, toRdfjsTerm, type EmbeddedStoreOptions } from './embedded.js';
