/**
 * Lineage operators over any SPARQL endpoint: backward/forward lineage, ProvDB's segmentation and
 * summarization, and renderers (JSON, Mermaid, DOT, SVG via Graphviz).
 *
 * @module
 */
export { lineage } from './lineage.js';
export { segment } from './segment.js';
export { summarize, summaryGraph, type ProvSummary, type SummaryAnomaly, type SummaryEdge, type SummaryGroup, type SummaryLevel } from './summarize.js';
export { DEFAULT_LINEAGE_PREDICATES } from './vocabulary.js';
export { toMermaid, mermaidText, type MermaidOptions } from './mermaid.js';
export { toDot, dotString, type DotOptions } from './dot.js';
export { toSvg, dotToSvg, GraphvizMissingError, type SvgOptions } from './svg.js';
export { renderGraph, GRAPH_FORMATS, type GraphFormat } from './render.js';
export type {
  LineageDirection,
  LineageOptions,
  NodeKind,
  ProvEdge,
  ProvGraph,
  ProvNode,
  SegmentOptions,
  TraversalOptions,
} from './types.js';
export { groupByRun } from './runs-of.js';
