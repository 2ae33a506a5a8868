/**
 * Stores: the SparqlEndpoint interface and its implementations.
 * @module
 */
export type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';
export { EmbeddedStore, toRdfjsQuad, toRdfjsTerm, type EmbeddedStoreOptions } from './embedded.js';
export { HttpSparqlEndpoint, type GraphStoreOptions, type HttpSparqlEndpointOptions } from './http.js';
export {
  DigestAuthenticator,
  authSecrets,
  parseAuth,
  parseDigestChallenge,
  scrubSecrets,
  type DigestChallenge,
  type HttpAuth,
} from './http-auth.js';
export { SparqlHttpError, isRetryable, parseRetryAfter, redactUrl, type SparqlHttpErrorCode } from './http-error.js';
export { jsonTermToRdfjs, rdfFormat, type SparqlJsonTerm } from './http-results.js';
export { DEFAULT_GRAPH, chunk, groupTriplesByGraph, insertDataRequests, sparqlIri } from './http-write.js';
