import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import * as oxigraph from 'oxigraph';
import type { Pattern } from 'sparqljs';
import type { Bindings, SparqlEndpoint } from '../store/endpoint.js';
import { SHAPES_GRAPH, UnsupportedShapesError } from './sparql-rewrite.js';

const { namedNode, literal, variable, defaultGraph, quad: makeQuad } = DataFactory;

/** Named graph of the blank-node labels (never part of the data graph). */
const AUX = 'urn:provml:validate:bnode-labels';
const LABEL = 'urn:provml:validate:label';
const LOAD_CHUNK = 20_000;

/**
 * Where compiled SPARQL constraints run: provml's own Oxigraph copy of the data graph, or the
 * endpoint the data came from.
 *
 * @example
 * ```ts
 * const rows = await target.select('SELECT ?this WHERE { ?this a <urn:C> }');
 * ```
 */
export interface SparqlTarget {
  /** Runs a SELECT; blank nodes in the rows are the data graph's own blank nodes. */
  select(query: string): Promise<Bindings[]>;
  /** A pattern binding `?this` to exactly this focus node (the per-focus path). */
  focusPattern(focus: Term): Pattern;
  /** Restrict every query to this named graph (endpoint sources). */
  readonly graph?: string;
  /** IRI of the named graph holding the shapes graph, when it is loaded (`$shapesGraph`). */
  readonly shapesGraph?: string;
}

/** An Oxigraph term as an n3 term (what the data graph holds). */
function toRdfjsTerm(t: oxigraph.Term): Term {
  switch (t.termType) {
    case 'NamedNode':
      return namedNode(t.value);
    case 'BlankNode':
      return DataFactory.blankNode(t.value);
    case 'Literal':
      return t.language ? literal(t.value, t.language) : literal(t.value, namedNode(t.datatype.value));
    default:
      throw new TypeError(`provml: unexpected ${t.termType} in SPARQL results`);
  }
}

const values = (focus: Term): Pattern => ({ type: 'values', values: [{ '?this': focus as never }] });

/**
 * The data graph (and, when a constraint reads `$shapesGraph`, the shapes graph) in an in-memory
 * Oxigraph store. Blank nodes stay blank nodes: Oxigraph relabels them on load, so each one gets
 * its original label in a side graph, by which results are mapped back and a blank focus node is
 * addressed on the per-focus path. The data graph is the store's default graph.
 *
 * @example
 * ```ts
 * const store = ValidationStore.load(data);
 * const rows = await store.select('SELECT ?s WHERE { ?s ?p ?o FILTER(isBlank(?s)) }');
 * ```
 */
export class ValidationStore implements SparqlTarget {
  readonly #store = new oxigraph.Store();
  readonly #labels = new Map<string, Term>();
  readonly shapesGraph: string | undefined;

  private constructor(shapesGraph: boolean) {
    this.shapesGraph = shapesGraph ? SHAPES_GRAPH : undefined;
  }

  /**
   * Copies `data` (all quads into the default graph) and optionally the shapes graph.
   *
   * @example
   * ```ts
   * const store = ValidationStore.load(data, shapesQuads);
   * ```
   */
  static load(data: Iterable<Quad>, shapes?: Iterable<Quad>): ValidationStore {
    const store = new ValidationStore(shapes !== undefined);
    store.#store.load(chunks(data, shapes), { format: 'application/n-quads' });
    return store;
  }

  async select(query: string): Promise<Bindings[]> {
    const res = this.#store.query(query, { use_default_graph_as_union: false });
    if (!Array.isArray(res)) throw new TypeError('provml: expected SELECT results');
    return (res as Map<string, oxigraph.Term>[]).map((m) => {
      const row: Bindings = {};
      for (const [k, v] of m) row[k] = v.termType === 'BlankNode' ? this.#original(v) : toRdfjsTerm(v);
      return row;
    });
  }

  focusPattern(focus: Term): Pattern {
    if (focus.termType !== 'BlankNode') return values(focus);
    return {
      type: 'graph',
      name: namedNode(AUX),
      patterns: [{ type: 'bgp', triples: [{ subject: variable('this'), predicate: namedNode(LABEL), object: literal(focus.value) }] }],
    } as Pattern;
  }

  #original(b: oxigraph.Term): Term {
    let t = this.#labels.get(b.value);
    if (!t) {
      const label = this.#store.match(b as oxigraph.BlankNode, oxigraph.namedNode(LABEL), null, oxigraph.namedNode(AUX))[0];
      t = label ? DataFactory.blankNode(label.object.value) : toRdfjsTerm(b);
      this.#labels.set(b.value, t);
    }
    return t;
  }
}

/** N-Quads text of the data (default graph), the blank-node labels and the shapes graph, in chunks. */
function* chunks(data: Iterable<Quad>, shapes?: Iterable<Quad>): Generator<string> {
  const labelled = new Set<string>();
  let chunk: Quad[] = [];
  const flush = () => {
    const text = new Writer({ format: 'N-Quads' }).quadsToString(chunk);
    chunk = [];
    return text;
  };
  const label = (t: Term) => {
    if (t.termType !== 'BlankNode' || labelled.has(t.value)) return;
    labelled.add(t.value);
    chunk.push(makeQuad(t, namedNode(LABEL), literal(t.value), namedNode(AUX)));
  };
  for (const q of data) {
    chunk.push(q.graph.termType === 'DefaultGraph' ? q : makeQuad(q.subject, q.predicate, q.object, defaultGraph()));
    label(q.subject);
    label(q.object);
    if (chunk.length >= LOAD_CHUNK) yield flush();
  }
  for (const q of shapes ?? []) {
    chunk.push(makeQuad(q.subject, q.predicate, q.object, namedNode(SHAPES_GRAPH)));
    if (chunk.length >= LOAD_CHUNK) yield flush();
  }
  if (chunk.length > 0) yield flush();
}

/**
 * A SPARQL endpoint as a {@link SparqlTarget}: queries run there (restricted to `graph`); a blank
 * focus node cannot be named in a query sent to an endpoint, so the per-focus path refuses it.
 *
 * @example
 * ```ts
 * const target = endpointTarget(store, 'urn:provml:graph:run-1');
 * ```
 */
export function endpointTarget(endpoint: SparqlEndpoint, graph?: string): SparqlTarget {
  return {
    select: (q) => endpoint.select(q),
    focusPattern(focus) {
      if (focus.termType === 'BlankNode') {
        throw new UnsupportedShapesError(
          'provml: a SPARQL constraint that runs per focus node cannot address a blank-node focus node on a SPARQL endpoint; validate a file or dataset instead',
        );
      }
      return values(focus);
    },
    ...(graph !== undefined ? { graph } : {}),
  };
}
