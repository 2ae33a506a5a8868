/**
 * One entry point for every output format of a provenance graph (what `provml lineage --format`
 * offers).
 */
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';
import { toSvg, type SvgOptions } from './svg.js';
import type { ProvGraph } from './types.js';

/**
 * Output formats of {@link renderGraph}.
 *
 * @example
 * ```ts
 * const f: GraphFormat = 'mermaid';
 * ```
 */
export type GraphFormat = 'json' | 'mermaid' | 'dot' | 'svg';

/**
 * Every {@link GraphFormat}, for option parsers.
 *
 * @example
 * ```ts
 * GRAPH_FORMATS.includes('svg'); // true
 * ```
 */
export const GRAPH_FORMATS: readonly GraphFormat[] = Object.freeze(['json', 'mermaid', 'dot', 'svg']);

/**
 * The graph as text in `format`: pretty-printed JSON, Mermaid flowchart, Graphviz DOT, or SVG
 * (through the `dot` binary; rejects with {@link GraphvizMissingError} without Graphviz).
 *
 * @example
 * ```ts
 * process.stdout.write(await renderGraph(await lineage(store, model), 'mermaid'));
 * ```
 */
export async function renderGraph(graph: ProvGraph, format: GraphFormat, options: SvgOptions = {}): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    case 'mermaid':
      return toMermaid(graph, options.rankdir ? { direction: options.rankdir } : {});
    case 'dot':
      return toDot(graph, options);
    case 'svg':
      return toSvg(graph, options);
    default:
      throw new TypeError(`provml: unknown graph format ${JSON.stringify(format)} (json, mermaid, dot, svg)`);
  }
}
