/**
 * The lineage diagram: the provenance graphs from the lineage operator (src/query/lineage),
 * merged and drawn as inline SVG with our own layered layout (./layout.ts) — raw files on the
 * left, models on the right, in PROV-O diagram colours (entities yellow ellipses, activities blue
 * boxes). Arrows keep PROV's direction: from a thing to what it came from.
 */
import { PALETTE } from '../query/lineage/palette.js';
import type { ProvEdge, ProvGraph, ProvNode } from '../query/lineage/types.js';
import { escapeHtml, type Html } from './html.js';
import { layeredLayout } from './layout.js';
import { px } from './scale.js';

const PROVML = 'https://w3id.org/prov-ml#';
const FONT_W = 7.0; // approximate width of a character at 12px
const MAX_LABEL = 34;

/**
 * Several provenance graphs as one: nodes by IRI (smallest depth kept), edges by statement.
 *
 * @example
 * ```ts
 * const g = mergeGraphs([await lineage(store, m1), await lineage(store, m2)]);
 * ```
 */
export function mergeGraphs(graphs: readonly ProvGraph[]): ProvGraph {
  const nodes = new Map<string, ProvNode>();
  const edges = new Map<string, ProvEdge>();
  const roots = new Set<string>();
  let truncated = false;
  for (const g of graphs) {
    for (const n of g.nodes) {
      const seen = nodes.get(n.iri);
      if (!seen || n.depth < seen.depth) nodes.set(n.iri, n);
    }
    for (const e of g.edges) edges.set(`${e.from} ${e.predicate} ${e.to}`, e);
    for (const r of g.roots) roots.add(r);
    truncated ||= g.truncated === true;
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => a.depth - b.depth || (a.iri < b.iri ? -1 : a.iri > b.iri ? 1 : 0)),
    edges: [...edges.values()],
    roots: [...roots].sort(),
    ...(truncated ? { truncated: true } : {}),
  };
}

/**
 * What a node is in the picture: a model, a training dataset, a raw file (data nothing upstream
 * in the graph came before), other data, or an execution.
 *
 * @example
 * ```ts
 * nodeRole(node, hasDependencies); // 'raw'
 * ```
 */
export function nodeRole(node: ProvNode, dependsOnSomething: boolean): 'model' | 'dataset' | 'raw' | 'data' | 'execution' | 'other' {
  const t = new Set(node.types);
  if (t.has(`${PROVML}ModelReferenceValue`)) return 'model';
  if (t.has(`${PROVML}LearningDatasetReferenceValue`)) return 'dataset';
  if (node.kind === 'entity') return dependsOnSomething ? 'data' : 'raw';
  if (node.kind === 'activity') return 'execution';
  return 'other';
}

function clip(label: string): string {
  return label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
}

function edgeName(e: ProvEdge): string {
  const cut = Math.max(e.predicate.lastIndexOf('#'), e.predicate.lastIndexOf('/'));
  const name = e.predicate.slice(cut + 1);
  return e.via && e.via.length > 0 ? `${name} (through ${e.via.length} hidden node${e.via.length === 1 ? '' : 's'})` : name;
}

/** A smooth path through the points: cubic segments with horizontal tangents. */
function curve(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${px(first.x)} ${px(first.y)}`;
  let a = first;
  for (const b of rest) {
    const dx = (b.x - a.x) / 2;
    d += `C${px(a.x + dx)} ${px(a.y)} ${px(b.x - dx)} ${px(b.y)} ${px(b.x)} ${px(b.y)}`;
    a = b;
  }
  return d;
}

/** An arrowhead at `tip`, pointing along the direction from `from` to `tip`. */
function arrowhead(from: { x: number; y: number }, tip: { x: number; y: number }, horizontal: boolean): string {
  let ux = tip.x - from.x;
  let uy = horizontal ? 0 : tip.y - from.y;
  const len = Math.hypot(ux, uy) || 1;
  ux /= len;
  uy /= len;
  const bx = tip.x - ux * 9;
  const by = tip.y - uy * 9;
  const pts = [tip, { x: bx - uy * 4, y: by + ux * 4 }, { x: bx + uy * 4, y: by - ux * 4 }];
  return `<polygon class="arrow" points="${pts.map((p) => `${px(p.x)},${px(p.y)}`).join(' ')}"/>`;
}

function shape(n: ProvNode, w: number, h: number, x: number, y: number): string {
  const { fill, stroke } = PALETTE[n.kind] ?? PALETTE.other;
  const paint = `fill="${fill}" stroke="${stroke}"`;
  if (n.kind === 'entity') return `<ellipse cx="${px(x)}" cy="${px(y)}" rx="${px(w / 2)}" ry="${px(h / 2)}" ${paint}/>`;
  if (n.kind === 'agent') {
    const l = x - w / 2;
    const r = x + w / 2;
    const t = y - h / 2;
    const b = y + h / 2;
    return `<polygon points="${px(l)},${px(t + 8)} ${px(x)},${px(t)} ${px(r)},${px(t + 8)} ${px(r)},${px(b)} ${px(l)},${px(b)}" ${paint}/>`;
  }
  return `<rect x="${px(x - w / 2)}" y="${px(y - h / 2)}" width="${px(w)}" height="${px(h)}" rx="${n.kind === 'activity' ? 2 : 6}" ${paint}/>`;
}

/**
 * The graph as an `<svg class="lineage">`: each node a `<g class="node" data-iri data-role>`
 * with its shape, its label and a tooltip (label, IRI, types); each edge a `<g class="edge">`
 * with a curve, an arrowhead and a tooltip naming the relation. Empty graphs give an empty string.
 *
 * @example
 * ```ts
 * const { svg, width, height } = lineageSvg(await lineage(store, model, { include: ['DataReferenceValue', 'LearningStageExecution'] }));
 * ```
 */
export function lineageSvg(graph: ProvGraph): { svg: Html; width: number; height: number; crossings: number } {
  if (graph.nodes.length === 0) return { svg: '', width: 0, height: 0, crossings: 0 };
  const labels = new Map(graph.nodes.map((n) => [n.iri, clip(n.label)]));
  const size = (n: ProvNode) => {
    const w = labels.get(n.iri)!.length * FONT_W + (n.kind === 'entity' ? 40 : 22);
    return { width: Math.max(70, w), height: n.kind === 'entity' ? 36 : 32 };
  };
  const layout = layeredLayout(
    graph.nodes.map((n) => ({ id: n.iri, ...size(n) })),
    graph.edges.map((e) => ({ from: e.from, to: e.to })),
  );
  const byIri = new Map(graph.nodes.map((n) => [n.iri, n]));
  const dependent = new Set(graph.edges.map((e) => e.from));
  const roots = new Set(graph.roots);
  const edgeOf = new Map(graph.edges.map((e) => [`${e.from}\u0000${e.to}`, e]));

  const edgeSvg = layout.edges.map((r) => {
    const e = edgeOf.get(`${r.from}\u0000${r.to}`)!;
    const pts = r.points;
    const tip = pts.at(-1)!;
    const before = r.back ? pts[0]! : { x: tip.x + 20, y: tip.y }; // routed edges arrive horizontally
    const tipText = `${byIri.get(r.from)?.label ?? r.from} —${edgeName(e)}→ ${byIri.get(r.to)?.label ?? r.to}`;
    const cls = `edge${e.via && e.via.length > 0 ? ' collapsed' : ''}${r.back ? ' back' : ''}`;
    const d = r.back ? `M${px(pts[0]!.x)} ${px(pts[0]!.y)}L${px(tip.x)} ${px(tip.y)}` : curve(pts);
    return `<g class="${cls}"><title>${escapeHtml(tipText)}</title><path d="${d}" fill="none"/>${arrowhead(before, tip, !r.back)}</g>`;
  });

  const nodeSvg = layout.nodes.map((p) => {
    const n = byIri.get(p.id)!;
    const role = nodeRole(n, dependent.has(n.iri));
    const types = n.types.map((t) => (t.startsWith(PROVML) ? t.slice(PROVML.length) : t)).join(', ');
    const tip = `${n.label}\n${n.iri}${types ? `\n${types}` : ''}`;
    const cls = `node ${n.kind}${roots.has(n.iri) ? ' root' : ''}`;
    return (
      `<g class="${cls}" data-iri="${escapeHtml(n.iri)}" data-role="${role}" data-layer="${p.layer}"><title>${escapeHtml(tip)}</title>` +
      shape(n, p.width, p.height, p.x, p.y) +
      `<text x="${px(p.x)}" y="${px(p.y)}" text-anchor="middle" dominant-baseline="central">${escapeHtml(labels.get(n.iri))}</text></g>`
    );
  });

  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  const svg =
    // Shrinks to fit the page, down to 60 % of its natural size (then the frame scrolls).
    `<svg class="lineage" data-chart="lineage" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" style="min-width: ${Math.ceil(w * 0.6)}px" role="img">` +
    `<title>Lineage: ${graph.nodes.length} nodes, ${graph.edges.length} edges</title>` +
    `<g class="edges">${edgeSvg.join('')}</g><g class="nodes">${nodeSvg.join('')}</g></svg>`;
  return { svg, width: w, height: h, crossings: layout.crossings };
}
