/**
 * The provenance graph the lineage operators return and the renderers draw: nodes with their
 * types, a human label and a kind; edges as RDF statements (`from` is the subject, `to` the
 * object: a model `prov:wasGeneratedBy` an epoch, a stage `prov:used` a dataset), whatever the
 * direction the traversal went.
 */

/**
 * What a node is, from its `rdf:type`s under the ontology's class hierarchy: a PROV activity
 * (every provml execution), entity (data, models, values), agent (personas), plan (workflows,
 * transformations, stages), or none of them.
 *
 * @example
 * ```ts
 * const kind: NodeKind = 'activity';
 * ```
 */
export type NodeKind = 'activity' | 'entity' | 'agent' | 'plan' | 'other';

/**
 * A node of a {@link ProvGraph}.
 *
 * @example
 * ```ts
 * const node: ProvNode = {
 *   iri: 'urn:provml:execution:0190a1…', types: ['https://w3id.org/prov-ml#EpochExecution'],
 *   label: 'epoch #3', kind: 'activity', depth: 1,
 * };
 * ```
 */
export interface ProvNode {
  /** The node's IRI. */
  iri: string;
  /** Its `rdf:type`s as stored (sorted). */
  types: string[];
  /**
   * A short human label: the plan name for executions (plus `#index` for epochs and batches), the
   * file name of a data node's storage URL, `name = value` for values (fractional numbers to 6
   * significant digits), else a name or the IRI's last segment.
   */
  label: string;
  kind: NodeKind;
  /**
   * Hops from the nearest start node (lineage: the given IRI, at 0; segment: the nearest source).
   */
  depth: number;
  /** The plan an execution `provml:executes`, with its `provml:name`. */
  plan?: { iri: string; name?: string };
  /** The attribute a value is `provml:valueOf`, with its `provml:name`. */
  attribute?: { iri: string; name?: string };
}

/**
 * An edge of a {@link ProvGraph}: the RDF statement `from predicate to`. An edge drawn through
 * nodes that `include` left out has predicate `prov:wasInfluencedBy` and lists those nodes (one
 * shortest path) in `via`.
 *
 * @example
 * ```ts
 * const edge: ProvEdge = { from: 'urn:provml:data:model', predicate: 'http://www.w3.org/ns/prov#wasGeneratedBy', to: 'urn:provml:execution:epoch' };
 * ```
 */
export interface ProvEdge {
  from: string;
  to: string;
  predicate: string;
  /** Hidden nodes the edge was collapsed through, in path order (absent for a stored statement). */
  via?: string[];
  /** Text to draw on the edge instead of the predicate's local name (summaries: with counts). */
  label?: string;
}

/**
 * A provenance graph: what {@link lineage} and {@link segment} return.
 *
 * @example
 * ```ts
 * const g: ProvGraph = await lineage(store, modelIri);
 * for (const e of g.edges) console.log(e.from, e.predicate, e.to);
 * ```
 */
export interface ProvGraph {
  /** Nodes, by depth then IRI. */
  nodes: ProvNode[];
  /** Edges, sorted by `from`, `predicate`, `to`. */
  edges: ProvEdge[];
  /** The start nodes (lineage: the IRI; segment: sources and destinations present in the graph). */
  roots: string[];
  /** True when `maxNodes` stopped the traversal before it was complete. */
  truncated?: boolean;
}

/**
 * Which way to follow provenance: `backward` toward what a node came from (generation,
 * derivation, usage, the enclosing execution, agents), `forward` toward what came from it.
 *
 * @example
 * ```ts
 * const d: LineageDirection = 'forward';
 * ```
 */
export type LineageDirection = 'backward' | 'forward';

/**
 * Bounds and filters shared by {@link lineage} and {@link segment}.
 *
 * Class names (`include`, `exclude`) are IRIs, `prefix:Local` names (`provml:`, `prov:`, `mls:`) or
 * bare provml local names; a class also matches its subclasses (`IterationExecution` covers epochs
 * and batches, `prov:Entity` every entity). Predicates are IRIs, `prefix:local` or bare local names
 * of PROV/PROV-ML properties; each relates a dependent subject to what it depends on (so backward
 * follows subject → object, forward object → subject).
 *
 * @example
 * ```ts
 * const o: TraversalOptions = { exclude: ['BatchExecution'], include: ['DataReferenceValue', 'ModelReferenceValue'] };
 * ```
 */
export interface TraversalOptions {
  /** Keep only nodes of these classes in the result, drawing edges through the others. Start nodes always stay. */
  include?: readonly string[];
  /** Never enter nodes of these classes (they and what lies only beyond them are left out). */
  exclude?: readonly string[];
  /** Predicates to follow; default {@link DEFAULT_LINEAGE_PREDICATES}. */
  predicates?: readonly string[];
  /** Stop after this many nodes (default 10,000); the result then has `truncated: true`. */
  maxNodes?: number;
  /** Frontier IRIs per query (default 100). */
  batchSize?: number;
}

/**
 * Options of {@link lineage}.
 *
 * @example
 * ```ts
 * const o: LineageOptions = { direction: 'backward', maxDepth: 6, exclude: ['BatchExecution'] };
 * ```
 */
export interface LineageOptions extends TraversalOptions {
  /** Default `backward`. */
  direction?: LineageDirection;
  /** Hops from the start node; nodes at this depth are kept but not expanded. Default: no bound. */
  maxDepth?: number;
}

/**
 * Options of {@link segment}.
 *
 * @example
 * ```ts
 * const o: SegmentOptions = { sources: [rawFile], destinations: [model], maxHops: 10 };
 * ```
 */
export interface SegmentOptions extends TraversalOptions {
  /** Where paths start (e.g. a raw file, an author). */
  sources: readonly string[];
  /** Where paths end (e.g. a model). */
  destinations: readonly string[];
  /** Longest path kept, in hops. Default: no bound. */
  maxHops?: number;
}
