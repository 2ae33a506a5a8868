/**
 * The lineage section: backward lineage (src/query/lineage) from the final model of every
 * selected training — or, with no model, from the data the selected runs generated — keeping
 * only data, models and the steps that made them (edges drawn through the rest), merged into
 * one graph and drawn by ./lineage-svg.ts. Raw files end up on the left, models on the right.
 */
import { lineage } from '../query/lineage/lineage.js';
import { collapseGraph } from '../query/lineage/collapse.js';
import type { ProvGraph, ProvNode } from '../query/lineage/types.js';
import { runDatasets } from '../query/runs.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { escapeHtml, problem, section, type Html } from './html.js';
import { lineageSvg, mergeGraphs } from './lineage-svg.js';
import { finalModels } from './queries.js';
import type { RunInfo, TrainingData } from './types.js';

const P = 'https://w3id.org/prov-ml#';
/** Node classes kept in the diagram: files and models, and the executions that made them. */
export const LINEAGE_CLASSES: readonly string[] = Object.freeze(
  ['DataReferenceValue', 'LearningDatasetReferenceValue', 'ModelReferenceValue', 'DataTransformationExecution', 'FeatureExtractionExecution', 'LearningStageExecution'].map((c) => P + c),
);
/**
 * Classes left out even when they are one of the above by inheritance: in PROV-ML an epoch or a
 * batch *is* a data transformation execution (IterationExecution ⊑ DataTransformationExecution),
 * which is why the lineage operator's `include`, which follows subclasses, cannot be used here.
 */
const ITERATIONS = new Set(['IterationExecution', 'EpochExecution', 'BatchExecution'].map((c) => P + c));

/** Whether the diagram shows a node (see {@link LINEAGE_CLASSES}). */
export function shownInDiagram(node: ProvNode): boolean {
  return node.types.some((t) => LINEAGE_CLASSES.includes(t)) && !node.types.some((t) => ITERATIONS.has(t));
}

/** Stop a traversal after this many nodes (a report is not the place for a million-node graph). */
const MAX_NODES = 2000;

/**
 * Where the diagram starts: final models of the trainings, else what the selected runs generated.
 *
 * @example
 * ```ts
 * const { starts, what } = await lineageStarts(store, runs, trainings);
 * ```
 */
export async function lineageStarts(endpoint: SparqlEndpoint, runs: readonly RunInfo[], trainings: readonly TrainingData[]): Promise<{ starts: string[]; what: 'models' | 'outputs' }> {
  const models = [...new Set(trainings.flatMap((t) => finalModels(t.models)))];
  if (models.length > 0) return { starts: models, what: 'models' };
  const outputs = new Set<string>();
  for (const r of runs) for (const d of await runDatasets(endpoint, r.run)) if (d.role === 'generated') outputs.add(d.data);
  return { starts: [...outputs].sort(), what: 'outputs' };
}

/**
 * The merged backward lineage of `starts`, showing only {@link shownInDiagram} nodes (edges drawn
 * through the others).
 *
 * @example
 * ```ts
 * const graph = await lineageGraph(store, [model]);
 * ```
 */
export async function lineageGraph(endpoint: SparqlEndpoint, starts: readonly string[]): Promise<ProvGraph> {
  const graphs: ProvGraph[] = [];
  for (const iri of starts) {
    // Batches never lead upstream of a model; epochs do (a model an epoch generated → its stage).
    const full = await lineage(endpoint, iri, { direction: 'backward', exclude: ['BatchExecution'], maxNodes: MAX_NODES });
    graphs.push(collapseGraph(full, shownInDiagram));
  }
  return mergeGraphs(graphs);
}

/**
 * The graph with each learning stage of a selected training labelled with its run's key
 * (`training (R3)`), so trainings on the same dataset can be told apart in the picture.
 *
 * @example
 * ```ts
 * const named = nameStages(graph, trainings);
 * ```
 */
export function nameStages(graph: ProvGraph, trainings: readonly TrainingData[]): ProvGraph {
  const runOf = new Map<string, string>();
  for (const t of trainings) for (const s of [...t.models, ...t.epochs, ...t.batches]) runOf.set(s.stage, t.run.key);
  return { ...graph, nodes: graph.nodes.map((n) => (runOf.has(n.iri) ? { ...n, label: `${n.label} (${runOf.get(n.iri)})` } : n)) };
}

/**
 * The lineage section and the number of nodes drawn. Failures become a note on the page (and in
 * `problems`), not an exception.
 *
 * @example
 * ```ts
 * const { html, nodes } = await lineageSection(store, runs, trainings, problems);
 * ```
 */
export async function lineageSection(
  endpoint: SparqlEndpoint,
  runs: readonly RunInfo[],
  trainings: readonly TrainingData[],
  problems: string[],
): Promise<{ html: Html; nodes: number }> {
  const intro =
    'From raw files (left, purple outline) through the preparation steps and training datasets to the models (right). ' +
    'Yellow ellipses are data, blue boxes executions; arrows point from a thing to what it came from (PROV: used, wasGeneratedBy), dashed ones pass through steps not shown (epochs, runs). Hover a node for its IRI.';
  try {
    const { starts, what } = await lineageStarts(endpoint, runs, trainings);
    if (starts.length === 0) return { html: section('lineage', 'Lineage', '<p class="empty">nothing to draw: the selected runs generated no models and no data</p>', intro), nodes: 0 };
    const graph = nameStages(await lineageGraph(endpoint, starts), trainings);
    const { svg } = lineageSvg(graph);
    const notes: string[] = [];
    if (what === 'outputs') notes.push('No training among the selected runs: the diagram starts from the data the runs generated.');
    if (graph.truncated) notes.push(`The traversal stopped at ${MAX_NODES} nodes: the diagram is incomplete.`);
    const body = `${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}\n<div class="lineage-wrap">${svg}</div>\n<p class="note">${graph.nodes.length} nodes, ${graph.edges.length} edges, from ${starts.length} ${what === 'models' ? 'final model' : 'output'}${starts.length === 1 ? '' : 's'}.</p>`;
    return { html: section('lineage', 'Lineage', body, intro), nodes: graph.nodes.length };
  } catch (err) {
    problems.push(`lineage: ${err instanceof Error ? err.message : String(err)}`);
    return { html: section('lineage', 'Lineage', problem('lineage', err), intro), nodes: 0 };
  }
}
