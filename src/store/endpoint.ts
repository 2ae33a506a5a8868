import type { Quad, Term } from '@rdfjs/types';

/**
 * One row of a SELECT result: variable name (without `?`) → RDF/JS term. Unbound variables are
 * absent from the record.
 *
 * @example
 * ```ts
 * const row: Bindings = (await store.select('SELECT ?s WHERE { ?s ?p ?o } LIMIT 1'))[0]!;
 * row.s?.value;
 * ```
 */
export type Bindings = Record<string, Term>;

/**
 * Per-query options every endpoint understands (implementations may ignore what they cannot do).
 *
 * @example
 * ```ts
 * await store.select('SELECT * WHERE { ?s ?p ?o }', { unionDefaultGraph: false });
 * ```
 */
export interface QueryOptions {
  /**
   * Let the query's default graph be the union of all named graphs. provml writes each workflow
   * run into its own named graph, so this is what lifecycle queries want; the embedded store
   * defaults to `true`.
   */
  unionDefaultGraph?: boolean;
}

/**
 * A SPARQL 1.1 store: the embedded Oxigraph store, `provml serve`, or a remote HTTP endpoint.
 * Results use RDF/JS terms (n3's DataFactory), whatever the engine.
 *
 * @example
 * ```ts
 * async function countTriples(endpoint: SparqlEndpoint): Promise<number> {
 *   const [row] = await endpoint.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
 *   return Number(row?.n?.value ?? 0);
 * }
 * ```
 */
export interface SparqlEndpoint {
  /** Run a SELECT query; one record per solution. */
  select(query: string, options?: QueryOptions): Promise<Bindings[]>;
  /** Run a CONSTRUCT (or DESCRIBE) query. */
  construct(query: string, options?: QueryOptions): Promise<Quad[]>;
  /** Run an ASK query. */
  ask(query: string, options?: QueryOptions): Promise<boolean>;
  /** Run a SPARQL 1.1 Update request. */
  update(sparqlUpdate: string): Promise<void>;
  /**
   * Bulk-insert quads (RDF/JS quads or N-Quads text). With `graph` (an IRI), quads in the default
   * graph go into that named graph; quads that name a graph keep it. Idempotent: RDF graphs are sets.
   */
  insertQuads(quads: readonly Quad[] | string, graph?: string): Promise<void>;
  /** Release resources (and, for persisted stores, save). Idempotent. */
  close(): Promise<void>;
}
