/**
 * Colours of the PROV-O diagrams (entities yellow, activities blue, agents orange), shared by the
 * Mermaid and DOT renderers.
 */
import type { NodeKind } from './types.js';

/**
 * Fill and stroke colour per {@link NodeKind}.
 *
 * @example
 * ```ts
 * PALETTE.activity.fill; // '#9fb1fc'
 * ```
 */
export const PALETTE: Readonly<Record<NodeKind, { fill: string; stroke: string }>> = Object.freeze({
  entity: { fill: '#fffc87', stroke: '#808080' },
  activity: { fill: '#9fb1fc', stroke: '#0000ff' },
  agent: { fill: '#fed37f', stroke: '#808080' },
  plan: { fill: '#e8e8e8', stroke: '#808080' },
  other: { fill: '#ffffff', stroke: '#808080' },
});

/**
 * Text drawn on an edge: its own label, else the predicate's local name (plus `(via n)` for an
 * edge collapsed through n hidden nodes).
 *
 * @example
 * ```ts
 * edgeText({ from: 'a:x', to: 'a:y', predicate: 'http://www.w3.org/ns/prov#used' }); // 'used'
 * ```
 */
export function edgeText(edge: { predicate: string; label?: string; via?: readonly string[] }): string {
  if (edge.label !== undefined) return edge.label;
  const cut = Math.max(edge.predicate.lastIndexOf('#'), edge.predicate.lastIndexOf('/'));
  const name = edge.predicate.slice(cut + 1) || edge.predicate;
  return edge.via && edge.via.length > 0 ? `${name} (via ${edge.via.length})` : name;
}
