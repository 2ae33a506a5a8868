import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { PROVML, RDF } from '../generated/vocab.js';
import { iriTerm } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';

/**
 * What an export reads: the quads of the provenance graphs of an endpoint, all of them or those
 * of some runs.
 *
 * - A *provenance graph* is a named graph with at least one statement whose predicate is a PROV-ML
 *   or PROV term, or that types a node with a PROV-ML class. That keeps a server's own graphs
 *   (Virtuoso's system graphs) and domain-knowledge graphs out of an export, whatever the base IRI
 *   the tracker was configured with.
 * - A *run graph* is a provenance graph that types a `provml:WorkflowExecution` (provml writes each
 *   run into its own graph; a Turtle file loaded with `--data` is one graph, whatever it holds).
 * - With `runs`, the export holds the run graphs of those runs in full, plus, from the other
 *   provenance graphs that are not run graphs (the shared graph of plans, data, environments…),
 *   the statements about every node reachable from them by following IRIs from subject to object.
 *   Other runs' graphs are never entered, so a file another run generated is described (storage
 *   URL, checksum) without pulling that run in.
 *
 * Default-graph statements are not read (on Virtuoso the default graph is the union of all graphs).
 */

const { namedNode, quad: makeQuad } = DataFactory;

/** Options of {@link readProvenance}. */
export interface ReadOptions {
  /** Workflow execution IRIs to export (default: every provenance graph). */
  runs?: readonly string[];
}

/** The quads read and how they were selected. */
export interface ProvenanceQuads {
  quads: Quad[];
  /** The run IRIs whose graphs were read (all runs found when none were asked for). */
  runs: string[];
  /** Graph IRIs read in full. */
  graphs: string[];
}

/**
 * Thrown when a requested run is not in the endpoint.
 *
 * @example
 * ```ts
 * try { await exportProvenance(store, { format: 'nquads', runs: ['urn:provml:execution:nope'] }); }
 * catch (err) { if (err instanceof UnknownRunError) console.error(err.message); }
 * ```
 */
export class UnknownRunError extends Error {
  constructor(readonly run: string) {
    super(`no workflow execution ${run} in the provenance read`);
    this.name = 'UnknownRunError';
  }
}

const PROVML_NS = 'https://w3id.org/prov-ml#';
const PROV_NS = 'http://www.w3.org/ns/prov#';

async function provenanceGraphs(endpoint: SparqlEndpoint): Promise<string[]> {
  const rows = await endpoint.select('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(ISIRI(?g)) }', { unionDefaultGraph: false });
  const out: string[] = [];
  for (const g of rows.map((r) => r.g!.value).sort()) {
    const graph = iriTerm(g, 'graph IRI').value;
    const ask = `ASK { GRAPH <${graph}> { ?s ?p ?o FILTER(STRSTARTS(STR(?p), "${PROVML_NS}") || STRSTARTS(STR(?p), "${PROV_NS}") || (?p = <${RDF.type}> && STRSTARTS(STR(?o), "${PROVML_NS}"))) } }`;
    if (await endpoint.ask(ask, { unionDefaultGraph: false })) out.push(g);
  }
  return out;
}

async function runGraphs(endpoint: SparqlEndpoint): Promise<Map<string, Set<string>>> {
  const rows = await endpoint.select(`SELECT DISTINCT ?g ?run WHERE { GRAPH ?g { ?run <${RDF.type}> <${PROVML.WorkflowExecution}> } FILTER(ISIRI(?g)) }`, {
    unionDefaultGraph: false,
  });
  const byRun = new Map<string, Set<string>>();
  for (const r of rows) {
    const run = r.run!.value;
    let set = byRun.get(run);
    if (!set) byRun.set(run, (set = new Set()));
    set.add(r.g!.value);
  }
  return byRun;
}

/** Every statement of one named graph, as quads in that graph. */
export async function readGraph(endpoint: SparqlEndpoint, graph: string): Promise<Quad[]> {
  const g = iriTerm(graph, 'graph IRI');
  const triples = await endpoint.construct(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${g.value}> { ?s ?p ?o } }`, { unionDefaultGraph: false });
  return triples.map((t) => makeQuad(t.subject as never, t.predicate as never, t.object as never, namedNode(g.value)));
}

/** Order quads by graph, subject, predicate, object (N-Quads text of each term). */
export function sortQuads(quads: Quad[]): Quad[] {
  const key = (t: Term): string => (t.termType === 'Literal' ? `"${t.value}"^^${t.datatype.value}@${t.language}` : t.value);
  return quads.sort((a, b) => cmp(key(a.graph), key(b.graph)) || cmp(key(a.subject), key(b.subject)) || cmp(key(a.predicate), key(b.predicate)) || cmp(key(a.object), key(b.object)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Read the provenance to export (see the module comment), sorted, without duplicates.
 *
 * @example
 * ```ts
 * const { quads } = await readProvenance(store, { runs: ['urn:provml:execution:0190…'] });
 * ```
 */
export async function readProvenance(endpoint: SparqlEndpoint, options: ReadOptions = {}): Promise<ProvenanceQuads> {
  const [graphs, byRun] = await Promise.all([provenanceGraphs(endpoint), runGraphs(endpoint)]);
  const allRunGraphs = new Set([...byRun.values()].flatMap((s) => [...s]));
  if (options.runs === undefined) {
    const quads: Quad[] = [];
    for (const g of graphs) quads.push(...(await readGraph(endpoint, g)));
    return { quads: sortQuads(quads), runs: [...byRun.keys()].sort(), graphs };
  }
  const selected = new Set<string>();
  for (const run of options.runs) {
    iriTerm(run, 'run IRI');
    const gs = byRun.get(run);
    if (!gs) throw new UnknownRunError(run);
    for (const g of gs) selected.add(g);
  }
  const quads: Quad[] = [];
  for (const g of [...selected].sort()) quads.push(...(await readGraph(endpoint, g)));
  // Statements about reachable nodes from the provenance graphs that are not run graphs.
  const others: Quad[] = [];
  for (const g of graphs) if (!allRunGraphs.has(g) && !selected.has(g)) others.push(...(await readGraph(endpoint, g)));
  const bySubject = new Map<string, Quad[]>();
  for (const q of others) {
    const list = bySubject.get(q.subject.value);
    if (list) list.push(q);
    else bySubject.set(q.subject.value, [q]);
  }
  const seen = new Set<string>();
  const frontier: string[] = [];
  const visit = (t: Term): void => {
    if (t.termType !== 'NamedNode' || seen.has(t.value)) return;
    seen.add(t.value);
    frontier.push(t.value);
  };
  for (const q of quads) {
    visit(q.subject);
    visit(q.object);
  }
  while (frontier.length > 0) {
    for (const q of bySubject.get(frontier.pop()!) ?? []) {
      quads.push(q);
      visit(q.object);
    }
  }
  return { quads: sortQuads(dedupe(quads)), runs: [...options.runs].sort(), graphs: [...selected].sort() };
}

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  return quads.filter((q) => {
    const k = `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)} ${termKey(q.graph)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A string that identifies a term (IRIs, literals with datatype or language). */
export function termKey(t: Term): string {
  if (t.termType === 'Literal') return `${JSON.stringify(t.value)}^^${t.datatype.value}@${t.language}`;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  if (t.termType === 'DefaultGraph') return '';
  return `<${t.value}>`;
}
