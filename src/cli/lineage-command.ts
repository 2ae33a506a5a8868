import { resolveNode } from './nodes.js';
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { lineage } from '../query/lineage/lineage.js';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../query/lineage/render.js';
import { groupByRun } from '../query/lineage/runs-of.js';
import { segment } from '../query/lineage/segment.js';
import { summarize, summaryGraph, type SummaryLevel } from '../query/lineage/summarize.js';
import type { LineageDirection, ProvGraph, TraversalOptions } from '../query/lineage/types.js';
import { classIri, predicateIri } from '../query/lineage/vocabulary.js';
import { iriTerm } from '../query/sparql.js';
import { cli } from './io.js';
import { InputError } from './load.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml lineage` and `provml segment`: provenance graphs of a node (backward / forward) or
 * between nodes, as JSON, Mermaid, Graphviz DOT or SVG. Exit codes: 0 success, 2 anything else —
 * bad input (invalid IRI, unknown class or predicate name, a node the provenance does not
 * mention, unreadable source), a failing endpoint, or Graphviz missing for svg.
 */

interface GraphOpts extends SourceOpts {
  include?: string[];
  exclude?: string[];
  predicates?: string[];
  maxNodes?: string;
  format: GraphFormat;
  out?: string;
}

interface LineageOpts extends GraphOpts {
  direction: LineageDirection;
  maxDepth?: string;
}

interface SegmentOpts extends GraphOpts {
  from: string[];
  to: string[];
  maxHops?: string;
  summarize?: SummaryLevel;
  per: 'run' | 'destination';
}

function count(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new InputError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** Check every name before any query runs, so bad input is exit 2 with the name in the message. */
function traversal(opts: GraphOpts): TraversalOptions {
  for (const c of [...(opts.include ?? []), ...(opts.exclude ?? [])]) classIri(c);
  for (const p of opts.predicates ?? []) predicateIri(p);
  const maxNodes = count(opts.maxNodes, '--max-nodes', 1);
  return {
    ...(opts.include ? { include: opts.include } : {}),
    ...(opts.exclude ? { exclude: opts.exclude } : {}),
    ...(opts.predicates ? { predicates: opts.predicates } : {}),
    ...(maxNodes !== undefined ? { maxNodes } : {}),
  };
}

async function emit(text: string, opts: GraphOpts, what: string): Promise<void> {
  if (opts.out === undefined) {
    cli().stdout.write(text);
    return;
  }
  try {
    await writeFile(opts.out, text);
  } catch (err) {
    throw new InputError(`--out ${opts.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  cli().stderr.write(`provml: wrote ${what} to ${opts.out}\n`);
}

function graphOptions(cmd: Command): Command {
  return addSourceOptions(
    cmd
      .option('-i, --include <classes...>', 'keep only nodes of these classes (IRIs, prefix:Name or PROV-ML names), edges drawn through the others')
      .option('-x, --exclude <classes...>', 'do not enter nodes of these classes, e.g. BatchExecution')
      .option('-p, --predicates <predicates...>', 'predicates to follow (default: used, wasGeneratedBy, wasDerivedFrom, wasInformedBy, partOf, wasAssociatedWith, wasAttributedTo)')
      .option('--max-nodes <n>', 'stop after this many nodes (default 10000)')
      .addOption(new Option('-f, --format <format>', 'output format').choices([...GRAPH_FORMATS]).default('json'))
      .option('-o, --out <file>', 'write to a file instead of stdout'),
  );
}

function describeGraph(g: ProvGraph): string {
  return `${g.nodes.length} nodes, ${g.edges.length} edges${g.truncated ? ' (truncated by --max-nodes)' : ''}`;
}

/**
 * Add `provml lineage <iri>` and `provml segment --from … --to …` to the program.
 *
 * @example
 * ```ts
 * const cmd = new Command('provml');
 * addLineageCommand(cmd);
 * await cmd.parseAsync(['node', 'provml', 'lineage', 'urn:provml:data:…', '--data', 'run.nq', '--format', 'mermaid']);
 * ```
 */
export function addLineageCommand(cmd: Command): void {
  graphOptions(
    cmd
      .command('lineage')
      .description('the provenance graph upstream (backward) or downstream (forward) of a node, as JSON, Mermaid, DOT or SVG')
      .argument('<node>', 'the node: an IRI (a model, dataset, file, execution…) or the file path / URL data was written to; put it before variadic options')
      .addOption(new Option('--direction <direction>', 'which way to follow provenance').choices(['backward', 'forward']).default('backward'))
      .option('--max-depth <n>', 'hops from the node (default: no bound)'),
  ).action(async (node: string, opts: LineageOpts) => {
    const options = { ...traversal(opts), direction: opts.direction, ...(opts.maxDepth !== undefined ? { maxDepth: count(opts.maxDepth, '--max-depth', 0)! } : {}) };
    const source = await openSource(opts);
    try {
      const iri = await resolveNode(source.endpoint, node, 'lineage');
      iriTerm(iri);
      const graph = await lineage(source.endpoint, iri, options);
      const start = graph.nodes.find((n) => n.iri === iri);
      if (graph.edges.length === 0 && start !== undefined && start.types.length === 0) {
        throw new InputError(`no provenance about ${JSON.stringify(iri)} in ${source.describe}`);
      }
      await emit(await renderGraph(graph, opts.format), opts, describeGraph(graph));
    } finally {
      await source.close();
    }
  });

  graphOptions(
    cmd
      .command('segment')
      .description('the provenance subgraph on paths from sources to destinations (ProvDB segmentation); --summarize compares one segment per run')
      .requiredOption('--from <nodes...>', 'source nodes (raw files, agents…): IRIs or file paths / URLs')
      .requiredOption('--to <nodes...>', 'destination nodes (models…): IRIs or file paths / URLs')
      .option('--max-hops <n>', 'longest path kept (default: no bound)')
      .addOption(new Option('--summarize <level>', 'merge the segments of each run (or destination) into one summary by type or workflow element').choices(['type', 'workflow']))
      .addOption(new Option('--per <unit>', 'with --summarize: one segment per run that generated the destinations, or per destination').choices(['run', 'destination']).default('run')),
  ).action(async (opts: SegmentOpts) => {
    const options = { ...traversal(opts), ...(opts.maxHops !== undefined ? { maxHops: count(opts.maxHops, '--max-hops', 0)! } : {}) };
    const source = await openSource(opts);
    try {
      opts.from = await Promise.all(opts.from.map((v) => resolveNode(source.endpoint, v, '--from')));
      opts.to = await Promise.all(opts.to.map((v) => resolveNode(source.endpoint, v, '--to')));
      for (const iri of [...opts.from, ...opts.to]) iriTerm(iri);
      if (opts.summarize === undefined) {
        const graph = await segment(source.endpoint, { ...options, sources: opts.from, destinations: opts.to });
        await emit(await renderGraph(graph, opts.format), opts, describeGraph(graph));
        return;
      }
      const groups = opts.per === 'run' ? await groupByRun(source.endpoint, opts.to) : new Map(opts.to.map((to) => [to, [to]]));
      const segments: ProvGraph[] = [];
      for (const destinations of groups.values()) segments.push(await segment(source.endpoint, { ...options, sources: opts.from, destinations }));
      const summary = summarize(segments, { by: opts.summarize });
      const parts = [...groups].map(([key, destinations]) => ({ [opts.per]: key, destinations }));
      const text = opts.format === 'json' ? `${JSON.stringify({ parts, ...summary }, null, 2)}\n` : await renderGraph(summaryGraph(summary), opts.format);
      await emit(text, opts, `a summary of ${segments.length} segments (${summary.groups.length} groups)`);
    } finally {
      await source.close();
    }
  });
}
