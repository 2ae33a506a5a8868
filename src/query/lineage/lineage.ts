/**
 * Lineage: everything upstream of a node (backward: the data, parameters, executions and agents it
 * came from, back to raw files) or downstream of it (forward: what was made from it).
 */
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { iriTerm } from '../sparql.js';
import { collapseGraph, sortEdges, sortNodes } from './collapse.js';
import { describeNodes, toNode } from './describe.js';
import { traverse, type Reached, type TraverseSettings } from './traverse.js';
import type { LineageOptions, ProvGraph, TraversalOptions } from './types.js';
import { DEFAULT_LINEAGE_PREDICATES, expandClasses, predicateIri } from './vocabulary.js';

/**
 * Settings common to lineage and segment, with every name resolved (throws a `TypeError` naming a
 * bad class, predicate or bound).
 *
 * @example
 * ```ts
 * const settings = resolveSettings({ exclude: ['BatchExecution'] }, 'backward', 6);
 * ```
 */
export function resolveSettings(options: TraversalOptions, direction: TraverseSettings['direction'], maxDepth: number | undefined): TraverseSettings {
  const depth = maxDepth ?? Number.POSITIVE_INFINITY;
  if (!(depth >= 0)) throw new TypeError(`provml: maxDepth/maxHops must be a number ≥ 0, got ${String(maxDepth)}`);
  const maxNodes = options.maxNodes ?? 10_000;
  if (!(maxNodes >= 1)) throw new TypeError(`provml: maxNodes must be ≥ 1, got ${String(options.maxNodes)}`);
  const batchSize = Math.floor(options.batchSize ?? 100);
  if (!(batchSize >= 1)) throw new TypeError(`provml: batchSize must be ≥ 1, got ${String(options.batchSize)}`);
  const predicates = [...new Set((options.predicates ?? DEFAULT_LINEAGE_PREDICATES).map(predicateIri))];
  if (predicates.length === 0) throw new TypeError('provml: predicates must name at least one predicate');
  return { direction, predicates, exclude: expandClasses(options.exclude ?? []), maxDepth: depth, maxNodes, batchSize };
}

/**
 * Turn what traversals reached into a described, filtered, sorted graph: one query per batch of
 * nodes for types and labels, then `include` applied.
 *
 * @example
 * ```ts
 * const graph = await buildGraph(store, await traverse(store, [model], settings), [model], {});
 * ```
 */
export async function buildGraph(
  endpoint: SparqlEndpoint,
  reached: { depth: ReadonlyMap<string, number>; edges: Reached['edges']; truncated: boolean },
  roots: readonly string[],
  options: TraversalOptions,
): Promise<ProvGraph> {
  const iris = [...reached.depth.keys()].sort();
  const facts = await describeNodes(endpoint, iris, options.batchSize ?? 100);
  let graph: ProvGraph = {
    nodes: sortNodes(iris.map((iri) => toNode(iri, reached.depth.get(iri)!, facts.get(iri)!))),
    edges: sortEdges(reached.edges),
    roots: [...roots],
    ...(reached.truncated ? { truncated: true } : {}),
  };
  if (options.include && options.include.length > 0) {
    const include = expandClasses(options.include);
    graph = collapseGraph(graph, (n) => n.types.some((t) => include.has(t)));
  }
  return graph;
}

/**
 * The lineage of `iri` as a provenance graph, traversed level by level (one query per level and
 * batch of 100 frontier nodes, then one query per batch for types and labels).
 *
 * Backward (default) follows, from an entity, `prov:wasGeneratedBy` and `prov:wasDerivedFrom`;
 * from an execution, `prov:used`, `prov:wasInformedBy`, `provml:partOf` (its enclosing
 * execution: an epoch made the model, its stage used the dataset) and `prov:wasAssociatedWith`.
 * Forward follows the same statements the other way. Edges keep the RDF direction.
 *
 * `exclude` prunes classes from the traversal; `include` keeps only nodes of the given classes
 * (and `iri`), with edges collapsed through the others. Throws a `TypeError` naming an invalid
 * IRI or unknown class/predicate name.
 *
 * @example
 * ```ts
 * import { lineage, toMermaid } from 'provml/query';
 *
 * const up = await lineage(store, modelIri, { direction: 'backward', exclude: ['BatchExecution'] });
 * const files = await lineage(store, modelIri, { include: ['DataReferenceValue', 'LearningDatasetReferenceValue', 'ModelReferenceValue'] });
 * console.log(toMermaid(files)); // model ← training set ← raw file
 * ```
 */
export async function lineage(endpoint: SparqlEndpoint, iri: string, options: LineageOptions = {}): Promise<ProvGraph> {
  iriTerm(iri);
  const direction = options.direction ?? 'backward';
  if (direction !== 'backward' && direction !== 'forward') throw new TypeError(`provml: direction must be "backward" or "forward", got ${JSON.stringify(direction)}`);
  const settings = resolveSettings(options, direction, options.maxDepth);
  const reached = await traverse(endpoint, [iri], settings);
  return buildGraph(endpoint, reached, [iri], options);
}
