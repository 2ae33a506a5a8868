/**
 * ProvDB's summarization operator: merge several segments (e.g. one per training run) into one
 * graph at the level of types or of the workflow's plans and attributes, with counts per segment,
 * so similar runs line up and an abnormal one (fewer epochs, a missing step) stands out.
 */
import { sortEdges } from './collapse.js';
import type { NodeKind, ProvEdge, ProvGraph, ProvNode } from './types.js';
import { localName, primaryType } from './vocabulary.js';

/**
 * What nodes are grouped by: `type` — their most specific class; `workflow` — executions by the
 * plan they execute, values by the attribute they are a value of, other nodes by class.
 *
 * @example
 * ```ts
 * const by: SummaryLevel = 'workflow';
 * ```
 */
export type SummaryLevel = 'type' | 'workflow';

/**
 * One group of a {@link ProvSummary}.
 *
 * @example
 * ```ts
 * const epochs: SummaryGroup = { id: PROVML.EpochExecution, label: 'EpochExecution', kind: 'activity', count: 12, perSegment: [5, 5, 2] };
 * ```
 */
export interface SummaryGroup {
  /** Class, plan or attribute IRI (`urn:provml:summary:untyped` for untyped nodes). */
  id: string;
  label: string;
  kind: NodeKind;
  /** Distinct nodes of the group over all segments (a node shared by segments counts once). */
  count: number;
  /** Nodes of the group in each segment, in the order the segments were given. */
  perSegment: number[];
}

/**
 * Edges of the segments aggregated by (group of `from`, predicate, group of `to`).
 *
 * @example
 * ```ts
 * const e: SummaryEdge = { from: PROVML.ModelReferenceValue, predicate: PROV.wasGeneratedBy, to: PROVML.EpochExecution, count: 12, perSegment: [5, 5, 2] };
 * ```
 */
export interface SummaryEdge {
  from: string;
  predicate: string;
  to: string;
  /** Distinct statements over all segments. */
  count: number;
  perSegment: number[];
}

/**
 * A group whose count in some segments differs from the count most segments have.
 *
 * @example
 * ```ts
 * const a: SummaryAnomaly = { group: PROVML.EpochExecution, label: 'EpochExecution', typical: 5, segments: [2], counts: [5, 5, 2] };
 * ```
 */
export interface SummaryAnomaly {
  group: string;
  label: string;
  /** The count most segments have. */
  typical: number;
  /** Indexes of the segments that differ from it. */
  segments: number[];
  counts: number[];
}

/**
 * The merged graph {@link summarize} returns.
 *
 * @example
 * ```ts
 * const s: ProvSummary = summarize([runA, runB, runC]);
 * for (const a of s.anomalies) console.log(`${a.label}: ${a.counts.join(' / ')}`);
 * ```
 */
export interface ProvSummary {
  by: SummaryLevel;
  /** Number of segments merged. */
  segments: number;
  /** Groups, sorted by id. */
  groups: SummaryGroup[];
  /** Aggregated edges, sorted by from, predicate, to. */
  edges: SummaryEdge[];
  /** Groups whose counts differ between segments, when most segments agree on one count. */
  anomalies: SummaryAnomaly[];
}

const UNTYPED = 'urn:provml:summary:untyped';

function groupOf(node: ProvNode, by: SummaryLevel): { id: string; label: string } {
  if (by === 'workflow') {
    if (node.kind === 'activity' && node.plan) return { id: node.plan.iri, label: node.plan.name ?? localName(node.plan.iri) };
    if (node.attribute) return { id: node.attribute.iri, label: node.attribute.name ?? localName(node.attribute.iri) };
  }
  const type = primaryType(node.types);
  return type === undefined ? { id: UNTYPED, label: 'untyped' } : { id: type, label: localName(type) };
}

/** The strictly most frequent value, or `undefined` on a tie. */
function mode(counts: readonly number[]): number | undefined {
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  const ranked = [...freq].sort((a, b) => b[1] - a[1]);
  return ranked.length === 1 || (ranked[0] && ranked[1] && ranked[0][1] > ranked[1][1]) ? ranked[0]![0] : undefined;
}

/**
 * Merge segments into one summary graph: nodes grouped by type or workflow element, counted per
 * segment; edges aggregated between groups, counted per segment; and the groups whose counts
 * differ from the count most segments share (e.g. `EpochExecution: 5 / 5 / 2` → segment 2).
 *
 * @example
 * ```ts
 * import { segment, summarize } from 'provml/query';
 *
 * const runs = await Promise.all(models.map((m) => segment(store, { sources: [rawFile], destinations: [m] })));
 * const s = summarize(runs, { by: 'type' });
 * console.table(s.groups.map((g) => ({ group: g.label, ...g.perSegment })));
 * ```
 */
export function summarize(segments: readonly ProvGraph[], options: { by?: SummaryLevel } = {}): ProvSummary {
  const by = options.by ?? 'type';
  if (by !== 'type' && by !== 'workflow') throw new TypeError(`provml: summarize by "type" or "workflow", got ${JSON.stringify(by)}`);
  const n = segments.length;
  const groups = new Map<string, SummaryGroup & { members: Set<string> }>();
  const edges = new Map<string, SummaryEdge & { members: Set<string> }>();
  segments.forEach((seg, i) => {
    const nodeGroup = new Map<string, string>();
    for (const node of seg.nodes) {
      const { id, label } = groupOf(node, by);
      nodeGroup.set(node.iri, id);
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { id, label, kind: node.kind, count: 0, perSegment: new Array<number>(n).fill(0), members: new Set() }));
      g.perSegment[i]!++;
      g.members.add(node.iri);
    }
    for (const e of seg.edges) {
      const from = nodeGroup.get(e.from);
      const to = nodeGroup.get(e.to);
      if (from === undefined || to === undefined) continue;
      const key = `${from}\u0000${e.predicate}\u0000${to}`;
      let a = edges.get(key);
      if (!a) edges.set(key, (a = { from, predicate: e.predicate, to, count: 0, perSegment: new Array<number>(n).fill(0), members: new Set() }));
      a.perSegment[i]!++;
      a.members.add(`${e.from}\u0000${e.predicate}\u0000${e.to}`);
    }
  });
  const strip = <T extends { members: Set<string>; count: number }>({ members, ...rest }: T): Omit<T, 'members'> => ({ ...rest, count: members.size });
  const groupList = [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(strip);
  const anomalies: SummaryAnomaly[] = [];
  for (const g of groupList) {
    const typical = mode(g.perSegment);
    if (typical === undefined) continue;
    const odd = g.perSegment.flatMap((c, i) => (c === typical ? [] : [i]));
    if (odd.length > 0) anomalies.push({ group: g.id, label: g.label, typical, segments: odd, counts: [...g.perSegment] });
  }
  return { by, segments: n, groups: groupList, edges: sortEdges([...edges.values()].map(strip)) as SummaryEdge[], anomalies };
}

/**
 * A summary as a {@link ProvGraph} for the renderers: one node per group labelled with its counts
 * (`EpochExecution ×12 (5 | 5 | 2)` when segments differ), one edge per aggregated edge labelled
 * with its predicate and count.
 *
 * @example
 * ```ts
 * console.log(toDot(summaryGraph(summarize(runs))));
 * ```
 */
export function summaryGraph(summary: ProvSummary): ProvGraph {
  const counts = (total: number, per: readonly number[]) =>
    per.length > 1 && per.some((c) => c !== per[0]) ? `×${total} (${per.join(' | ')})` : `×${total}`;
  const nodes: ProvNode[] = summary.groups.map((g) => ({ iri: g.id, types: [], label: `${g.label} ${counts(g.count, g.perSegment)}`, kind: g.kind, depth: 0 }));
  const edges: ProvEdge[] = summary.edges.map((e) => ({ from: e.from, predicate: e.predicate, to: e.to, label: `${localName(e.predicate)} ${counts(e.count, e.perSegment)}` }));
  return { nodes, edges, roots: [] };
}
