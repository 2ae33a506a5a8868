/**
 * `include`: keep some nodes of a provenance graph and draw edges through the others, so
 * "model ← training set ← raw file" can be shown without the executions between them.
 */
import { PROV } from '../../generated/vocab.js';
import type { ProvEdge, ProvGraph, ProvNode } from './types.js';

/**
 * The graph restricted to the nodes `keep` accepts (and its roots). Edges between kept nodes stay;
 * a kept node that reached another kept node only through hidden ones gets one edge
 * `prov:wasInfluencedBy` to it, with the hidden nodes of one shortest such path in `via`.
 * Paths follow edge direction (subject → object), so they never turn around at a hidden node.
 *
 * @example
 * ```ts
 * const files = collapseGraph(graph, (n) => n.types.includes(PROVML.DataReferenceValue));
 * ```
 */
export function collapseGraph(graph: ProvGraph, keep: (node: ProvNode) => boolean): ProvGraph {
  const roots = new Set(graph.roots);
  const visible = new Set(graph.nodes.filter((n) => roots.has(n.iri) || keep(n)).map((n) => n.iri));
  const out = new Map<string, ProvEdge[]>();
  for (const e of graph.edges) {
    const list = out.get(e.from);
    if (list) list.push(e);
    else out.set(e.from, [e]);
  }
  const edges: ProvEdge[] = [];
  for (const from of [...visible].sort()) {
    const direct = new Set<string>();
    for (const e of out.get(from) ?? []) {
      if (visible.has(e.to)) {
        edges.push(e);
        direct.add(e.to);
      }
    }
    // Breadth-first through hidden nodes; `parent` remembers one shortest path back.
    const parent = new Map<string, string>();
    const reached = new Set<string>([from]);
    let frontier = (out.get(from) ?? []).filter((e) => !visible.has(e.to)).map((e) => e.to);
    for (const h of frontier) if (!reached.has(h)) (reached.add(h), parent.set(h, from));
    frontier = [...new Set(frontier)];
    const found = new Map<string, string>(); // visible target → hidden node it was reached from
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const h of frontier.sort()) {
        for (const e of out.get(h) ?? []) {
          if (visible.has(e.to)) {
            if (!found.has(e.to) && !direct.has(e.to) && e.to !== from) found.set(e.to, h);
          } else if (!reached.has(e.to)) {
            reached.add(e.to);
            parent.set(e.to, h);
            next.push(e.to);
          }
        }
      }
      frontier = next;
    }
    for (const [to, last] of found) {
      const via: string[] = [];
      for (let h: string | undefined = last; h !== undefined && h !== from; h = parent.get(h)) via.unshift(h);
      edges.push({ from, predicate: PROV.wasInfluencedBy, to, via });
    }
  }
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => visible.has(n.iri)),
    edges: sortEdges(edges),
  };
}

/**
 * Edges sorted by `from`, `predicate`, `to` (a stable order for output and comparison).
 *
 * @example
 * ```ts
 * const sorted = sortEdges(graph.edges);
 * ```
 */
export function sortEdges(edges: readonly ProvEdge[]): ProvEdge[] {
  const key = (e: ProvEdge) => [e.from, e.predicate, e.to];
  return [...edges].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

/**
 * Nodes sorted by depth, then IRI.
 *
 * @example
 * ```ts
 * const sorted = sortNodes(graph.nodes);
 * ```
 */
export function sortNodes(nodes: readonly ProvNode[]): ProvNode[] {
  return [...nodes].sort((a, b) => a.depth - b.depth || (a.iri < b.iri ? -1 : a.iri > b.iri ? 1 : 0));
}
