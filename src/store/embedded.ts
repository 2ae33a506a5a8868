import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as oxigraph from 'oxigraph';
import { readJournal } from '../transport/journal.js';
import { toNQuads } from '../transport/sink.js';
import type { Bindings, QueryOptions, SparqlEndpoint } from './endpoint.js';

const NQUADS = 'application/n-quads';
const { namedNode, blankNode, literal, defaultGraph, variable, quad } = DataFactory;

/**
 * Options of {@link EmbeddedStore.open}.
 *
 * @example
 * ```ts
 * const options: EmbeddedStoreOptions = { path: './provenance.nq', unionDefaultGraph: true };
 * ```
 */
export interface EmbeddedStoreOptions {
  /**
   * N-Quads file backing the store. On open it is replayed if present (a `persist()` dump or a
   * provml journal — torn journal blocks are skipped); `persist()` and `close()` rewrite it as a
   * compacted dump. Without a path the store is purely in memory.
   */
  path?: string;
  /**
   * Default for queries: the default graph is the union of all named graphs (default `true`,
   * since provml keeps one named graph per workflow run). Overridable per query.
   */
  unionDefaultGraph?: boolean;
  /** Persist on `close()` when a path is set (default `true`). */
  persistOnClose?: boolean;
  /** Receives warnings while replaying the file; default `console.warn`. */
  onWarning?: (message: string) => void;
}

type OxTerm = oxigraph.Term;

/**
 * Convert an Oxigraph (WASM) term to an n3 DataFactory term, so results outlive the WASM objects
 * and compare with any RDF/JS term.
 *
 * @example
 * ```ts
 * const t = toRdfjsTerm(oxigraph.namedNode('urn:a')); // n3 NamedNode 'urn:a'
 * ```
 */
export function toRdfjsTerm(term: OxTerm): Term {
  switch (term.termType) {
    case 'NamedNode':
      return namedNode(term.value);
    case 'BlankNode':
      return blankNode(term.value);
    case 'Literal':
      return term.language ? literal(term.value, term.language) : literal(term.value, namedNode(term.datatype.value));
    case 'DefaultGraph':
      return defaultGraph();
    case 'Variable':
      return variable(term.value);
    case 'Quad':
      return toRdfjsQuad(term as oxigraph.Quad);
  }
}

/**
 * Convert an Oxigraph quad to an n3 quad.
 *
 * @example
 * ```ts
 * const quads = store.match().map(toRdfjsQuad);
 * ```
 */
export function toRdfjsQuad(q: oxigraph.Quad): Quad {
  return quad(
    toRdfjsTerm(q.subject) as Quad['subject'],
    toRdfjsTerm(q.predicate) as Quad['predicate'],
    toRdfjsTerm(q.object) as Quad['object'],
    toRdfjsTerm(q.graph) as Quad['graph'],
  );
}

/**
 * The embedded SPARQL store: Oxigraph's in-memory WASM store behind {@link SparqlEndpoint},
 * optionally persisted to one N-Quads file. Results are RDF/JS (n3) terms. Queries see the union
 * of named graphs by default.
 *
 * @example
 * ```ts
 * const store = await EmbeddedStore.open({ path: './provenance.nq' });
 * await store.insertQuads('<urn:a> <urn:p> "x" <urn:run:1> .\n');
 * const rows = await store.select('SELECT ?s WHERE { ?s ?p ?o }'); // union of named graphs
 * await store.close(); // persists
 * ```
 */
export class EmbeddedStore implements SparqlEndpoint {
  readonly path: string | undefined;
  readonly unionDefaultGraph: boolean;
  readonly #store = new oxigraph.Store();
  readonly #persistOnClose: boolean;
  #closed = false;

  private constructor(options: EmbeddedStoreOptions) {
    this.path = options.path;
    this.unionDefaultGraph = options.unionDefaultGraph ?? true;
    this.#persistOnClose = options.persistOnClose ?? true;
  }

  /**
   * A new, purely in-memory store (synchronous; for a file-backed one use {@link EmbeddedStore.open}).
   *
   * @example
   * ```ts
   * const store = EmbeddedStore.create();
   * ```
   */
  static create(options: Omit<EmbeddedStoreOptions, 'path'> = {}): EmbeddedStore {
    return new EmbeddedStore({ ...options, path: undefined });
  }

  /** Open a store, replaying `options.path` if that file exists. */
  static async open(options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    const store = new EmbeddedStore(options);
    if (options.path !== undefined) await store.#replay(options.path, options.onWarning);
    return store;
  }

  async #replay(path: string, onWarning?: (m: string) => void): Promise<void> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      this.#store.load(text, { format: NQUADS });
      return;
    } catch {
      // Not loadable as a whole (e.g. a journal with a torn last block): go batch by batch.
    }
    for await (const batch of readJournal(path, { onWarning })) this.loadNQuads(batch.nquads);
  }

  #check(): void {
    if (this.#closed) throw new Error('EmbeddedStore is closed');
  }

  #queryOptions(options?: QueryOptions) {
    return { use_default_graph_as_union: options?.unionDefaultGraph ?? this.unionDefaultGraph };
  }

  /** Number of quads in the store. */
  get size(): number {
    return this.#store.size;
  }

  /**
   * Synchronous bulk load of N-Quads text (one Oxigraph transaction: all or nothing). Quads in
   * the default graph go to `graph` when given. The text may also come as UTF-8 bytes, or as
   * pieces of UTF-8 that are one document end to end (each piece ending on a line break).
   */
  loadNQuads(text: string | Uint8Array | readonly Uint8Array[], graph?: string): void {
    this.#check();
    if (text.length === 0) return;
    this.#store.load(
      text,
      graph === undefined ? { format: NQUADS } : { format: NQUADS, to_graph_name: oxigraph.namedNode(graph) },
    );
  }

  async select(query: string, options?: QueryOptions): Promise<Bindings[]> {
    this.#check();
    const res = this.#store.query(query, this.#queryOptions(options));
    if (!Array.isArray(res) || (res.length > 0 && !(res[0] instanceof Map))) {
      throw new TypeError('select() needs a SELECT query');
    }
    return (res as Map<string, OxTerm>[]).map((row) => {
      const out: Bindings = {};
      for (const [k, v] of row) out[k] = toRdfjsTerm(v);
      return out;
    });
  }

  async construct(query: string, options?: QueryOptions): Promise<Quad[]> {
    this.#check();
    const res = this.#store.query(query, this.#queryOptions(options));
    if (!Array.isArray(res) || (res.length > 0 && res[0] instanceof Map)) {
      throw new TypeError('construct() needs a CONSTRUCT or DESCRIBE query');
    }
    return (res as oxigraph.Quad[]).map(toRdfjsQuad);
  }

  async ask(query: string, options?: QueryOptions): Promise<boolean> {
    this.#check();
    const res = this.#store.query(query, this.#queryOptions(options));
    if (typeof res !== 'boolean') throw new TypeError('ask() needs an ASK query');
    return res;
  }

  async update(sparqlUpdate: string): Promise<void> {
    this.#check();
    this.#store.update(sparqlUpdate);
  }

  async insertQuads(quads: readonly Quad[] | string, graph?: string): Promise<void> {
    this.loadNQuads(typeof quads === 'string' ? quads : toNQuads(quads), graph);
  }

  /** The whole dataset as N-Quads text. */
  dump(): string {
    this.#check();
    return this.#store.dump({ format: NQUADS });
  }

  /**
   * Write a compacted N-Quads dump to `path` atomically (temp file, fsync, rename), mode 0600.
   * No-op without a path.
   */
  async persist(): Promise<void> {
    if (this.path === undefined) return;
    const text = this.dump();
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } catch (err) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    await rename(tmp, this.path);
  }

  /** Persist (if a path is set and `persistOnClose`) and close. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#persistOnClose) await this.persist();
    this.#closed = true;
  }
}
