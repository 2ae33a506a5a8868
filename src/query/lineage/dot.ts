/**
 * Graphviz DOT text of a provenance graph. Node ids are generated (`n0`, `n1`…); every string
 * is double-quoted with backslashes and quotes escaped, line breaks as `\n` and other control
 * characters dropped, so no label can end its string or add a statement.
 */
import { edgeText, PALETTE } from './palette.js';
import type { NodeKind, ProvGraph } from './types.js';

/**
 * Options of {@link toDot}.
 *
 * @example
 * ```ts
 * const o: DotOptions = { rankdir: 'LR', name: 'lineage' };
 * ```
 */
export interface DotOptions {
  /** Layout direction; default `BT` (what a node depends on drawn above it). */
  rankdir?: 'BT' | 'TB' | 'LR' | 'RL';
  /** Graph name; default `provenance`. */
  name?: string;
}

/**
 * A DOT double-quoted string holding exactly `text` as a label: `\` → `\\`, `"` → `\"`, line
 * breaks → `\n`, other control characters removed.
 *
 * @example
 * ```ts
 * dotString('say "hi"\n'); // '"say \\"hi\\"\\n"'
 * ```
 */
export function dotString(text: string): string {
  const body = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n?|\n/g, '\\n')
    .replace(/[\u0000-\u001f\u007f]/g, '');
  return `"${body}"`;
}

const SHAPE: Record<NodeKind, string> = {
  entity: 'ellipse',
  activity: 'box',
  agent: 'house',
  plan: 'note',
  other: 'box',
};

/**
 * A DOT digraph of the graph, in PROV-O diagram style (entities yellow ellipses, activities blue
 * boxes, agents orange houses, plans notes), the IRI as each node's tooltip, start nodes with a
 * thick border, edges labelled with the predicate's local name. Render it with `dot -Tsvg`, or
 * {@link toSvg}.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { lineage, toDot } from 'provml/query';
 *
 * await writeFile('lineage.dot', toDot(await lineage(store, model)));
 * ```
 */
export function toDot(graph: ProvGraph, options: DotOptions = {}): string {
  const rankdir = options.rankdir ?? 'BT';
  if (!['BT', 'TB', 'LR', 'RL'].includes(rankdir)) throw new TypeError(`provml: DOT rankdir must be BT, TB, LR or RL, got ${JSON.stringify(rankdir)}`);
  const id = new Map(graph.nodes.map((n, i) => [n.iri, `n${i}`]));
  const roots = new Set(graph.roots);
  const lines = [
    `digraph ${dotString(options.name ?? 'provenance')} {`,
    `  rankdir=${rankdir};`,
    '  node [fontname="Helvetica", fontsize=10, style=filled];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of graph.nodes) {
    const { fill, stroke } = PALETTE[n.kind] ?? PALETTE.other;
    const attrs = [
      `label=${dotString(n.label)}`,
      `tooltip=${dotString(n.iri)}`,
      `shape=${SHAPE[n.kind] ?? SHAPE.other}`,
      `fillcolor=${dotString(fill)}`,
      `color=${dotString(stroke)}`,
      ...(roots.has(n.iri) ? ['penwidth=3'] : []),
    ];
    lines.push(`  ${id.get(n.iri)} [${attrs.join(', ')}];`);
  }
  for (const e of graph.edges) {
    const from = id.get(e.from);
    const to = id.get(e.to);
    if (from === undefined || to === undefined) continue;
    lines.push(`  ${from} -> ${to} [label=${dotString(edgeText(e))}${e.via && e.via.length > 0 ? ', style=dashed' : ''}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
