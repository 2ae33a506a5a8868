/**
 * `linkVersions`: write the version chains the store implies — `provml:versionNumber` and the
 * missing `prov:wasRevisionOf` links — into their own graph, replacing what an earlier call derived
 * and no longer holds (see versions.ts for how chains are ordered).
 *
 * @module
 */
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { iriTerm } from './sparql.js';
import { chainFacts, REMOVE, storageUrlFor, VERSION_NUMBER, VERSIONS_GRAPH, WAS_REVISION_OF, XSD_NS } from './versions.js';

const { quad, namedNode, literal } = DataFactory;

/**
 * Options of {@link linkVersions}.
 *
 * @example
 * ```ts
 * const { quads } = await linkVersions(store, { targets: ['data/train.csv'], write: false });
 * ```
 */
export interface LinkVersionsOptions {
  /** Paths, storage URLs or data IRIs whose chains to link; default: every storage URL. */
  targets?: readonly string[];
  /** The named graph of derived links and numbers. Default {@link VERSIONS_GRAPH}. */
  graph?: string;
  /** Write into the endpoint (default true); false only computes (e.g. to save the quads to a file). */
  write?: boolean;
}

/**
 * What {@link linkVersions} derived.
 *
 * @example
 * ```ts
 * const r: VersionLinks = await linkVersions(store);
 * console.log(`${r.urls} URLs, ${r.versions} versions, ${r.inserted} quads written`);
 * ```
 */
export interface VersionLinks {
  graph: string;
  /** Storage URLs linked. */
  urls: number;
  /** Versions numbered. */
  versions: number;
  /** The whole derived graph for those URLs (numbers, and the links no recorder wrote). */
  quads: Quad[];
  /** Quads added to the store (0 without `write`). */
  inserted: number;
  /** Quads an earlier derivation wrote that no longer hold, removed (0 without `write`). */
  removed: number;
}

/**
 * Materialize version chains: for every version, `provml:versionNumber`, and `prov:wasRevisionOf`
 * to the version before it where the store does not hold that link yet — all in one named graph
 * ({@link VERSIONS_GRAPH}), where what an earlier call derived and no longer holds is removed.
 * Idempotent. Needs an endpoint that accepts updates.
 *
 * @example
 * ```ts
 * await linkVersions(store, { targets: ['data/train.csv'] });
 * await store.ask('ASK { ?v2 <http://www.w3.org/ns/prov#wasRevisionOf> ?v1 }'); // true
 * ```
 */
export async function linkVersions(endpoint: SparqlEndpoint, options: LinkVersionsOptions = {}): Promise<VersionLinks> {
  const graph = options.graph ?? VERSIONS_GRAPH;
  const g = iriTerm(graph, 'graph IRI');
  const urls = options.targets === undefined ? undefined : [...new Set(await Promise.all(options.targets.map((t) => storageUrlFor(endpoint, t))))];
  const { chains, stored, derived } = await chainFacts(endpoint, urls, graph);
  const nodes = [...chains.values()].flat().map((v) => v.data);

  const quads: Quad[] = [];
  for (const chain of chains.values()) {
    for (const v of chain) {
      quads.push(quad(namedNode(v.data), namedNode(VERSION_NUMBER), literal(String(v.version), namedNode(`${XSD_NS}integer`)), g));
      const pair = `${v.data} ${v.revisionOf}`;
      // A link a recorder wrote stays where it is; one derived before is kept in the graph.
      if (v.revisionOf !== undefined && (!stored.has(pair) || derived.links.has(pair))) quads.push(quad(namedNode(v.data), namedNode(WAS_REVISION_OF), namedNode(v.revisionOf), g));
    }
  }
  const versionsCount = nodes.length;
  if (options.write === false) return { graph, urls: chains.size, versions: versionsCount, quads, inserted: 0, removed: 0 };

  const want = new Set(quads.map(key));
  const have = new Set<string>();
  const stale: Quad[] = [];
  for (const [d, numbers] of derived.numbers) {
    for (const n of numbers) {
      const q = quad(namedNode(d), namedNode(VERSION_NUMBER), literal(n, namedNode(`${XSD_NS}integer`)), g);
      have.add(key(q));
      if (!want.has(key(q))) stale.push(q);
    }
  }
  for (const pair of derived.links) {
    const [d, previous] = pair.split(' ') as [string, string];
    const q = quad(namedNode(d), namedNode(WAS_REVISION_OF), namedNode(previous), g);
    have.add(key(q));
    if (!want.has(key(q))) stale.push(q);
  }
  for (const q of stale) {
    await endpoint.update(REMOVE.render({ constants: { g, s: q.subject as Term, p: q.predicate as Term, o: q.object as Term } }));
  }
  const fresh = quads.filter((q) => !have.has(key(q)));
  if (fresh.length > 0) await endpoint.insertQuads(fresh);
  return { graph, urls: chains.size, versions: versionsCount, quads, inserted: fresh.length, removed: stale.length };
}

/** A quad as a comparable key (numbers by value: engines may write `2` as `"2"^^xsd:integer`). */
function key(q: Quad): string {
  const o = q.object.termType === 'Literal' ? `"${Number(q.object.value)}"` : q.object.value;
  return `${q.subject.value} ${q.predicate.value} ${o}`;
}
