/**
 * A small layered ("Sugiyama") layout for the lineage diagram, so the report needs no Graphviz:
 *
 * 1. layers — an edge `from → to` means *from depends on to* (PROV's direction: a model
 *    `wasGeneratedBy` a stage); a node with no dependency is in layer 0 (the raw files) and every
 *    other node one layer right of its furthest dependency (longest path). Edges that close a
 *    cycle are set aside and drawn straight;
 * 2. long edges get a dummy node in each layer they cross, so they route between nodes;
 * 3. order within layers — a few alternating sweeps place each node at the mean position
 *    (barycenter) of its neighbours in the previous layer; the order with fewest crossings wins;
 * 4. coordinates — layers are columns left to right, nodes stacked and centred in each column.
 */

/** A node to place: its size in pixels. */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

/** An edge: `from` depends on `to` (drawn from the right column to the left one). */
export interface LayoutEdge {
  from: string;
  to: string;
}

/** A placed node: centre `x`, `y`. */
export interface PlacedNode extends LayoutNode {
  x: number;
  y: number;
  layer: number;
}

/** A routed edge: the polyline from the `from` node's left side to the `to` node's right side. */
export interface RoutedEdge extends LayoutEdge {
  points: { x: number; y: number }[];
  /** True for an edge that closes a cycle (drawn straight, not routed). */
  back: boolean;
}

/**
 * Result of {@link layeredLayout}.
 *
 * @example
 * ```ts
 * const { nodes, edges, width, height } = layeredLayout(nodes, edges);
 * ```
 */
export interface Layout {
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
  /** Edge crossings of the chosen order (between adjacent layers, dummies included). */
  crossings: number;
}

const LAYER_GAP = 56;
const NODE_GAP = 16;
const MARGIN = 16;
const SWEEPS = 8;

interface Vertex {
  id: string;
  width: number;
  height: number;
  layer: number;
  dummy: boolean;
}

/**
 * Place `nodes` in layers and route `edges` (see the module comment). Edges naming unknown nodes
 * and self-loops are ignored. Deterministic: the same input gives the same picture.
 *
 * @example
 * ```ts
 * const l = layeredLayout([{ id: 'raw', width: 80, height: 30 }, { id: 'model', width: 90, height: 30 }], [{ from: 'model', to: 'raw' }]);
 * l.nodes.find((n) => n.id === 'raw')!.layer; // 0
 * ```
 */
export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Layout {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const unique = new Map<string, LayoutEdge>();
  for (const e of edges) if (e.from !== e.to && byId.has(e.from) && byId.has(e.to)) unique.set(`${e.from}\u0000${e.to}`, e);
  const { layer, back } = assignLayers(nodes, [...unique.values()]);

  // Vertices (real and dummy) per layer, and the adjacency between consecutive layers.
  const vertices = new Map<string, Vertex>(nodes.map((n) => [n.id, { ...n, layer: layer.get(n.id)!, dummy: false }]));
  const chains: { edge: LayoutEdge; chain: string[] }[] = [];
  const left = new Map<string, string[]>(); // vertex → neighbours one layer to its left
  const right = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    (left.get(a) ?? left.set(a, []).get(a)!).push(b);
    (right.get(b) ?? right.set(b, []).get(b)!).push(a);
  };
  for (const e of unique.values()) {
    if (back.has(e)) continue;
    const chain = [e.from];
    for (let l = layer.get(e.from)! - 1; l > layer.get(e.to)!; l--) {
      const id = `\u0000dummy:${chains.length}:${l}`;
      vertices.set(id, { id, width: 0, height: 8, layer: l, dummy: true });
      chain.push(id);
    }
    chain.push(e.to);
    for (let i = 0; i + 1 < chain.length; i++) link(chain[i]!, chain[i + 1]!);
    chains.push({ edge: e, chain });
  }
  const layerCount = Math.max(0, ...[...vertices.values()].map((v) => v.layer + 1));
  let order: string[][] = Array.from({ length: layerCount }, () => []);
  for (const v of vertices.values()) order[v.layer]!.push(v.id);
  for (const l of order) l.sort();

  // Barycenter sweeps, keeping the best order seen.
  let best = order.map((l) => [...l]);
  let bestCrossings = crossings(order, left);
  for (let s = 0; s < SWEEPS && bestCrossings > 0; s++) {
    const forward = s % 2 === 0;
    for (let k = 1; k < layerCount; k++) {
      const l = forward ? k : layerCount - 1 - k;
      const ref = order[forward ? l - 1 : l + 1]!;
      const pos = new Map(ref.map((id, i) => [id, i]));
      const neighbours = forward ? left : right;
      const current = order[l]!;
      const key = new Map(
        current.map((id, i) => {
          const ns = (neighbours.get(id) ?? []).map((n) => pos.get(n)).filter((p): p is number => p !== undefined);
          return [id, ns.length > 0 ? ns.reduce((a, b) => a + b, 0) / ns.length : i];
        }),
      );
      order[l] = [...current].sort((a, b) => key.get(a)! - key.get(b)! || current.indexOf(a) - current.indexOf(b));
    }
    const c = crossings(order, left);
    if (c < bestCrossings) {
      bestCrossings = c;
      best = order.map((l) => [...l]);
    }
  }
  order = best;

  // Coordinates: columns of the widest node, stacks centred on the tallest column.
  const colWidth = order.map((l) => Math.max(0, ...l.map((id) => vertices.get(id)!.width)));
  const colHeight = order.map((l) => l.reduce((h, id) => h + vertices.get(id)!.height, 0) + NODE_GAP * Math.max(0, l.length - 1));
  const height = Math.max(0, ...colHeight) + 2 * MARGIN;
  const placed = new Map<string, { x: number; y: number }>();
  let x = MARGIN;
  for (const [l, ids] of order.entries()) {
    let y = MARGIN + (height - 2 * MARGIN - colHeight[l]!) / 2;
    for (const id of ids) {
      const v = vertices.get(id)!;
      placed.set(id, { x: x + colWidth[l]! / 2, y: y + v.height / 2 });
      y += v.height + NODE_GAP;
    }
    x += colWidth[l]! + LAYER_GAP;
  }
  const width = Math.max(2 * MARGIN, x - LAYER_GAP + MARGIN);

  const side = (id: string, which: 'left' | 'right') => {
    const p = placed.get(id)!;
    const v = vertices.get(id)!;
    return { x: p.x + (which === 'left' ? -v.width / 2 : v.width / 2), y: p.y };
  };
  const routed: RoutedEdge[] = chains.map(({ edge, chain }) => ({
    ...edge,
    back: false,
    points: [side(edge.from, 'left'), ...chain.slice(1, -1).map((id) => placed.get(id)!), side(edge.to, 'right')],
  }));
  for (const e of back) routed.push({ ...e, back: true, points: [side(e.from, 'right'), side(e.to, 'left')] });

  return {
    nodes: nodes.map((n) => ({ ...n, ...placed.get(n.id)!, layer: layer.get(n.id)! })),
    edges: routed,
    width,
    height,
    crossings: bestCrossings,
  };
}

/** Longest-path layers over the edges that do not close a cycle (found by depth-first search). */
function assignLayers(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): { layer: Map<string, number>; back: Set<LayoutEdge> } {
  const out = new Map<string, LayoutEdge[]>();
  for (const e of edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const layer = new Map<string, number>();
  const back = new Set<LayoutEdge>();
  const ids = nodes.map((n) => n.id).sort();
  // Iterative DFS: lineage graphs can be deep (thousands of epochs), recursion would overflow.
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const deps = out.get(top.id) ?? [];
      if (top.i < deps.length) {
        const e = deps[top.i++]!;
        const s = state.get(e.to);
        if (s === 1) back.add(e);
        else if (s === undefined) {
          state.set(e.to, 1);
          stack.push({ id: e.to, i: 0 });
        }
        continue;
      }
      let l = 0;
      for (const e of deps) if (!back.has(e)) l = Math.max(l, layer.get(e.to)! + 1);
      layer.set(top.id, l);
      state.set(top.id, 2);
      stack.pop();
    }
  }
  return { layer, back };
}

/** Crossings between each pair of adjacent layers (edges as position pairs, counted pairwise). */
function crossings(order: readonly string[][], left: ReadonlyMap<string, string[]>): number {
  let total = 0;
  for (let l = 1; l < order.length; l++) {
    const pos = new Map(order[l - 1]!.map((id, i) => [id, i]));
    const pairs: [number, number][] = [];
    for (const [i, id] of order[l]!.entries()) for (const n of left.get(id) ?? []) if (pos.has(n)) pairs.push([i, pos.get(n)!]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let a = 0; a < pairs.length; a++) for (let b = a + 1; b < pairs.length; b++) if (pairs[a]![0] < pairs[b]![0] && pairs[a]![1] > pairs[b]![1]) total++;
  }
  return total;
}
