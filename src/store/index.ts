/**
 * Stores: the SparqlEndpoint interface and its implementations.
 * @module
 */
export type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';
export { EmbeddedStore, toRdfjsQuad, toRdfjsTerm, type EmbeddedStoreOptions } from './embedded.js';
export {
  HttpSparqlEndpoint,
  SparqlHttpError,
  jsonTermToRdfjs,
  parseAuth,
  redactUrl,
  type HttpAuth,
  type HttpSparqlEndpointOptions,
  type SparqlJsonTerm,
} from './http.js';
