/**
 * Breadth-first traversal of provenance over SPARQL: level by level, one {@link stepQuery} per
 * batch of the frontier. Every node is entered once (cycles end there), at its smallest depth.
 */
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { stepQuery } from './queries.js';
import type { LineageDirection, ProvEdge } from './types.js';

/**
 * What a traversal reached.
 *
 * @example
 * ```ts
 * const { depth, edges, truncated }: Reached = await traverse(store, [model], settings);
 * ```
 */
export interface Reached {
  /** Node → hops from the nearest start node. */
  depth: Map<string, number>;
  /** Statements followed (RDF direction: `from` subject, `to` object), each once. */
  edges: ProvEdge[];
  /** True when `maxNodes` stopped the traversal. */
  truncated: boolean;
}

/**
 * Settings of one traversal (names already resolved to IRIs, see `resolveSettings`).
 *
 * @example
 * ```ts
 * const s: TraverseSettings = { direction: 'forward', predicates: [PROV.used], exclude: new Set(), maxDepth: 3, maxNodes: 1000, batchSize: 100 };
 * ```
 */
export interface TraverseSettings {
  direction: LineageDirection;
  predicates: readonly string[];
  exclude: ReadonlySet<string>;
  maxDepth: number;
  maxNodes: number;
  batchSize: number;
}

/**
 * Follow `settings.predicates` from `starts` up to `maxDepth` hops. Nodes at `maxDepth` are
 * reached but not expanded; excluded nodes are never reached (start nodes always are).
 *
 * @example
 * ```ts
 * const r = await traverse(store, [model], { direction: 'backward', predicates: DEFAULT_LINEAGE_PREDICATES, exclude: new Set(), maxDepth: 5, maxNodes: 10_000, batchSize: 100 });
 * ```
 */
export async function traverse(endpoint: SparqlEndpoint, starts: readonly string[], settings: TraverseSettings): Promise<Reached> {
  const depth = new Map<string, number>();
  for (const s of starts) depth.set(s, 0);
  const edges: ProvEdge[] = [];
  const seenEdges = new Set<string>();
  let frontier = [...new Set(starts)];
  let truncated = false;
  for (let level = 0; level < settings.maxDepth && frontier.length > 0 && !truncated; level++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length && !truncated; i += settings.batchSize) {
      const query = stepQuery(frontier.slice(i, i + settings.batchSize), settings.direction, settings.predicates, settings.exclude);
      const rows = await endpoint.select(query);
      rows.sort((a, b) => compare(a.src?.value, b.src?.value) || compare(a.p?.value, b.p?.value) || compare(a.dst?.value, b.dst?.value));
      for (const row of rows) {
        const src = row.src?.value;
        const p = row.p?.value;
        const dst = row.dst?.value;
        if (src === undefined || p === undefined || dst === undefined) continue;
        if (!depth.has(dst)) {
          if (depth.size >= settings.maxNodes) {
            truncated = true;
            break;
          }
          depth.set(dst, level + 1);
          next.push(dst);
        }
        const edge: ProvEdge = settings.direction === 'backward' ? { from: src, predicate: p, to: dst } : { from: dst, predicate: p, to: src };
        const key = `${edge.from}\u0000${edge.predicate}\u0000${edge.to}`;
        if (!seenEdges.has(key)) {
          seenEdges.add(key);
          edges.push(edge);
        }
      }
    }
    frontier = next;
  }
  return { depth, edges, truncated };
}

function compare(a: string | undefined, b: string | undefined): number {
  return a === b ? 0 : (a ?? '') < (b ?? '') ? -1 : 1;
}
