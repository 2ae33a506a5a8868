import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { Bindings, QueryOptions, SparqlEndpoint } from '../store/endpoint.js';
import { parseNQuads, toNQuads } from '../transport/sink.js';
import type { WireTerm } from './protocol.js';

const { namedNode, blankNode, literal, defaultGraph, variable } = DataFactory;

/** How the store proxy reaches the worker: one request, one answer. @internal */
export type StoreCall = (method: 'select' | 'construct' | 'ask' | 'update' | 'insertQuads' | 'dump', args: unknown[]) => Promise<unknown>;

function term(w: WireTerm): Term {
  switch (w[0]) {
    case 'NamedNode':
      return namedNode(w[1]);
    case 'BlankNode':
      return blankNode(w[1]);
    case 'Literal':
      return w[3] ? literal(w[1], w[3]) : literal(w[1], namedNode(w[2] ?? 'http://www.w3.org/2001/XMLSchema#string'));
    case 'DefaultGraph':
      return defaultGraph();
    default:
      return variable(w[1]);
  }
}

/**
 * The tracker's store as seen from the user's thread when the pipeline runs in a worker: a
 * {@link SparqlEndpoint} whose calls are answered by the worker that holds the embedded store (or
 * the HTTP endpoint). Results are ordinary RDF/JS (n3) terms and quads.
 *
 * @example
 * ```ts
 * const prov = ProvML.init();            // the store lives in the worker
 * await prov.flush();
 * const rows = await prov.store!.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
 * ```
 */
export class WorkerStore implements SparqlEndpoint {
  readonly #call: StoreCall;
  readonly #close: () => Promise<void>;

  /** @internal */
  constructor(call: StoreCall, close: () => Promise<void>) {
    this.#call = call;
    this.#close = close;
  }

  async select(query: string, options?: QueryOptions): Promise<Bindings[]> {
    const rows = (await this.#call('select', [query, options])) as Record<string, WireTerm>[];
    return rows.map((row) => {
      const out: Bindings = {};
      for (const k of Object.keys(row)) out[k] = term(row[k]!);
      return out;
    });
  }

  async construct(query: string, options?: QueryOptions): Promise<Quad[]> {
    return parseNQuads((await this.#call('construct', [query, options])) as string);
  }

  async ask(query: string, options?: QueryOptions): Promise<boolean> {
    return (await this.#call('ask', [query, options])) as boolean;
  }

  async update(sparqlUpdate: string): Promise<void> {
    await this.#call('update', [sparqlUpdate]);
  }

  async insertQuads(quads: readonly Quad[] | string, graph?: string): Promise<void> {
    const text = typeof quads === 'string' ? quads : toNQuads(quads);
    await this.#call('insertQuads', [text, graph]);
  }

  /**
   * The whole embedded store as N-Quads text (embedded store only).
   *
   * @example
   * ```ts
   * await writeFile('provenance.nq', await (prov.store as WorkerStore).dump());
   * ```
   */
  async dump(): Promise<string> {
    return (await this.#call('dump', [])) as string;
  }

  /** Stops the worker that holds the store (after the tracker's shutdown); its data is gone. */
  close(): Promise<void> {
    return this.#close();
  }
}
