/**
 * Mermaid `flowchart` text of a provenance graph. Node ids are generated (`n0`, `n1`…), never taken
 * from data; every label is quoted, with each character that could end a string, open a shape,
 * start a comment or an entity written as a Mermaid entity code (`#34;`), and newlines as `<br/>`.
 */
import { edgeText, PALETTE } from './palette.js';
import type { NodeKind, ProvGraph } from './types.js';

/**
 * Options of {@link toMermaid}.
 *
 * @example
 * ```ts
 * const o: MermaidOptions = { direction: 'LR' };
 * ```
 */
export interface MermaidOptions {
  /** Flowchart direction; default `BT` (what a node depends on drawn above it). */
  direction?: 'BT' | 'TB' | 'LR' | 'RL';
}

// Not ':' either: Mermaid rewrites `style…:…#…;` before parsing, which would eat an entity's ';'.
const SAFE = /[\p{L}\p{N} _.,/=+\-@'*!?~]/u;

/**
 * Text as a Mermaid label body: safe characters as they are, line breaks as `<br/>`, anything
 * else (quotes, brackets, parentheses, braces, pipes, colons, `<`, `>`, `#`, `%`, `;`, `&`, backticks…) as `#code;`.
 *
 * @example
 * ```ts
 * mermaidText('a "b" --> [c]'); // 'a #34;b#34; --#62; #91;c#93;'
 * ```
 */
export function mermaidText(text: string): string {
  let out = '';
  for (const ch of text.replace(/\r\n?/g, '\n')) {
    if (ch === '\n') out += '<br/>';
    else if (SAFE.test(ch)) out += ch;
    else out += `#${ch.codePointAt(0)!};`;
  }
  return out;
}

const SHAPE: Record<NodeKind, [string, string]> = {
  activity: ['["', '"]'],
  entity: ['(["', '"])'],
  agent: ['{{"', '"}}'],
  plan: ['[/"', '"/]'],
  other: ['["', '"]'],
};

/**
 * A Mermaid flowchart of the graph: entities as stadiums, activities as rectangles, agents as
 * hexagons, plans as parallelograms, coloured as in PROV-O diagrams; edges labelled with the
 * predicate's local name; start nodes drawn with a thick border.
 *
 * @example
 * ```ts
 * import { lineage, toMermaid } from 'provml/query';
 *
 * const md = '```mermaid\n' + toMermaid(await lineage(store, model)) + '```\n';
 * ```
 */
export function toMermaid(graph: ProvGraph, options: MermaidOptions = {}): string {
  const direction = options.direction ?? 'BT';
  if (!['BT', 'TB', 'LR', 'RL'].includes(direction)) throw new TypeError(`provml: Mermaid direction must be BT, TB, LR or RL, got ${JSON.stringify(direction)}`);
  const id = new Map(graph.nodes.map((n, i) => [n.iri, `n${i}`]));
  const lines = [`flowchart ${direction}`];
  for (const n of graph.nodes) {
    const [open, close] = SHAPE[n.kind] ?? SHAPE.other;
    lines.push(`  ${id.get(n.iri)}${open}${mermaidText(n.label)}${close}`);
  }
  for (const e of graph.edges) {
    const from = id.get(e.from);
    const to = id.get(e.to);
    if (from === undefined || to === undefined) continue;
    lines.push(`  ${from} -->|${mermaidText(edgeText(e))}| ${to}`);
  }
  const byKind = new Map<NodeKind, string[]>();
  for (const n of graph.nodes) byKind.set(n.kind, [...(byKind.get(n.kind) ?? []), id.get(n.iri)!]);
  for (const [kind, ids] of [...byKind].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    lines.push(`  classDef ${kind} fill:${PALETTE[kind].fill},stroke:${PALETTE[kind].stroke}`);
    lines.push(`  class ${ids.join(',')} ${kind}`);
  }
  const roots = graph.roots.map((r) => id.get(r)).filter((r): r is string => r !== undefined);
  if (roots.length > 0) {
    lines.push('  classDef root stroke-width:3px');
    lines.push(`  class ${roots.join(',')} root`);
  }
  return `${lines.join('\n')}\n`;
}
