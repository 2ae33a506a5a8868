import { readFileSync } from 'node:fs';
import type { Quad } from '@rdfjs/types';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import { Parser, Store } from 'n3';
import { sparqlIri } from '../query/runs.js';
import { HttpSparqlEndpoint, parseAuth } from '../store/http.js';
import { bare, cli, setExitCode } from './io.js';
import { assertNoTornBatches, InputError, readRdfFile } from './load.js';
import { painter, useColor } from './style.js';
import {
  loadSource,
  packagedShapesFile,
  validate,
  type ValidationPhase,
  type ValidationReport,
  type ValidationResult,
  type ValidationSource,
} from './validation.js';

/**
 * `provml validate`: SHACL validation of provenance files or a SPARQL endpoint. Exit codes: 0
 * conforms, 1 results found, 2 input could not be read (unreadable file, unknown format, syntax
 * error as `file:line: message`, a file with no statements, a journal with a torn batch, endpoint
 * unreachable or failing, invalid IRI, bad option values).
 */

/** Inputs with at least this many triples get a progress bar (on a TTY stderr only). */
const PROGRESS_MIN_TRIPLES = 20_000;

interface ValidateOpts {
  endpoint?: string;
  graph?: string;
  shapes?: string[];
  /** `false` with --no-provml-shapes: validate with the --shapes files only. */
  provmlShapes: boolean;
  format: 'text' | 'json';
  timeout: string;
  progress: boolean;
}

const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const SH_NAME = 'http://www.w3.org/ns/shacl#name';
const SH_PROPERTY = 'http://www.w3.org/ns/shacl#property';

/**
 * Shape → rdfs:label (or sh:name) from the shapes graphs, for human output. An unlabelled blank
 * property shape is named after the node shape that holds it.
 */
function shapeLabels(graphs: Iterable<Quad>[]): Map<string, string> {
  const labels = new Map<string, string>();
  const parents: Quad[] = [];
  for (const quads of graphs) {
    for (const q of quads) {
      if ((q.predicate.value === RDFS_LABEL || q.predicate.value === SH_NAME) && !labels.has(q.subject.value)) {
        labels.set(q.subject.value, q.object.value);
      } else if (q.predicate.value === SH_PROPERTY && q.object.termType === 'BlankNode') parents.push(q);
    }
  }
  for (const q of parents) {
    if (!labels.has(q.object.value)) labels.set(q.object.value, `${labels.get(q.subject.value) ?? localName(q.subject.value)} (property)`);
  }
  return labels;
}

function localName(iri: string): string {
  return /[#/:]([^#/:]+)$/.exec(iri)?.[1] ?? iri;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The human report: results grouped by shape (label, count, IRI), then each result's severity,
 * focus node, path, value and message; then a one-line summary.
 *
 * @example
 * ```ts
 * process.stdout.write(renderReport(report, new Map(), true));
 * ```
 */
export function renderReport(report: ValidationReport, labels: ReadonlyMap<string, string>, color: boolean): string {
  const paint = painter(color);
  const groups = new Map<string, ValidationResult[]>();
  for (const r of report.results) groups.set(r.sourceShape, [...(groups.get(r.sourceShape) ?? []), r]);
  const sorted = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const sev = { Violation: 'red', Warning: 'yellow', Info: 'cyan' } as const;
  const lines: string[] = [];
  for (const [shape, results] of sorted) {
    const label = labels.get(shape) ?? localName(shape);
    const id = shape.includes(':') ? `<${shape}>` : `_:${shape}`;
    lines.push(`${paint('bold', label)} ${paint('dim', `(${results.length})`)}  ${paint('dim', id)}`);
    for (const r of results) {
      const color = (sev as Record<string, 'red' | 'yellow' | 'cyan'>)[r.severity] ?? 'yellow';
      lines.push(`  ${paint(color, r.severity.padEnd(9))} ${paint('cyan', r.focusNode)}`);
      if (r.path !== undefined) lines.push(`    ${paint('dim', 'path    ')} ${r.path}`);
      if (r.value !== undefined) lines.push(`    ${paint('dim', 'value   ')} ${r.value}`);
      lines.push(`    ${paint('dim', 'message ')} ${r.message.replaceAll('\n', '\n             ')}`);
    }
    lines.push('');
  }
  const count = (s: ValidationResult['severity']) => report.results.filter((r) => r.severity === s).length;
  const parts = [`${report.triples.toLocaleString('en-US')} triples checked`, plural(count('Violation'), 'violation')];
  if (count('Warning') > 0) parts.push(plural(count('Warning'), 'warning'));
  if (count('Info') > 0) parts.push(plural(count('Info'), 'info'));
  const custom = report.results.filter((r) => !(r.severity in sev)).length;
  if (custom > 0) parts.push(plural(custom, 'result') + ' of custom severity');
  parts.push(`${(report.durationMs / 1000).toFixed(2)} s`);
  const summary = report.conforms ? paint('green', `✓ conforms: ${parts.join(', ')}`) : paint('red', `✗ ${parts.join(', ')}`);
  lines.push(summary);
  return `${lines.join('\n')}\n`;
}

/**
 * A progress reporter that shows a bar on a TTY stderr once the input is large enough; the bar
 * follows the phases of `validate` (loading triples, checking focus nodes, SPARQL constraints).
 */
function progress(enabled: boolean): { onProgress: (done: number, total?: number, phase?: ValidationPhase) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  const names: Record<ValidationPhase, string> = { load: 'loading   ', validate: 'validating', sparql: 'sparql    ' };
  return {
    onProgress(done, total, phase = 'validate') {
      if (!bar) {
        if (!enabled || cli().stderr !== process.stderr || !process.stderr.isTTY || (total ?? done) < PROGRESS_MIN_TRIPLES) return;
        bar = new SingleBar(
          { stream: process.stderr, format: '{phase} [{bar}] {percentage}% | {value}/{total} | {duration}s', hideCursor: true, clearOnComplete: true },
          Presets.shades_classic,
        );
        bar.start(total ?? done, done, { phase: names[phase] });
        return;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { phase: names[phase] });
    },
    stop: () => bar?.stop(),
  };
}

async function action(files: string[], opts: ValidateOpts): Promise<void> {
  const { env } = cli();
  const envEndpoint = env.PROVML_ENDPOINT || undefined;
  const endpointUrl = opts.endpoint ?? (files.length === 0 ? envEndpoint : undefined);
  if (files.length > 0 && opts.endpoint !== undefined) throw new InputError('give files or --endpoint, not both');
  if (files.length === 0 && endpointUrl === undefined) throw new InputError('nothing to validate: give files, --endpoint URL or PROVML_ENDPOINT');
  if (opts.graph !== undefined) {
    if (endpointUrl === undefined) throw new InputError('--graph needs --endpoint');
    sparqlIri(opts.graph); // throws on an invalid IRI
  }
  const timeoutMs = Number(opts.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InputError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(opts.timeout)}`);
  const onWarning = (m: string) => void cli().stderr.write(`provml: warning: ${bare(m)}\n`);

  // A truncated journal is bad input here, as for inspect (the library skips torn batches).
  for (const f of files) await assertNoTornBatches(f);
  if (!opts.provmlShapes && (opts.shapes ?? []).length === 0) throw new InputError('--no-provml-shapes needs --shapes FILE…: there would be no shapes to validate against');
  const userShapes = await Promise.all((opts.shapes ?? []).map((f) => readRdfFile(f)));
  const ownShapes = userShapes.length > 0 ? new Store(userShapes.flat()) : undefined;

  let endpoint: HttpSparqlEndpoint | undefined;
  let source: ValidationSource;
  if (endpointUrl !== undefined) {
    const auth = env.PROVML_AUTH ? parseAuth(env.PROVML_AUTH) : undefined;
    endpoint = new HttpSparqlEndpoint({ url: endpointUrl, timeoutMs, ...(auth ? { auth } : {}) });
    source = { endpoint, ...(opts.graph !== undefined ? { graph: opts.graph } : {}) };
  } else if (files.length === 1) {
    source = files[0]!;
  } else {
    // Each file read by the same rules as a single one (journals, torn batches, empty files).
    const loaded = [];
    for (const f of files) loaded.push((await loadSource(f, { onWarning })).data);
    source = loaded.flatMap((d) => [...d]);
  }

  const bar = progress(opts.progress);
  let report: ValidationReport;
  try {
    report = await validate(source, {
      ...(ownShapes ? (opts.provmlShapes ? { extraShapes: ownShapes } : { shapes: ownShapes }) : {}),
      onProgress: bar.onProgress as (done: number, total?: number) => void,
      onWarning,
    });
  } finally {
    bar.stop();
    await endpoint?.close();
  }

  const out = cli().stdout;
  if (opts.format === 'json') {
    out.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const labels =
      report.results.length === 0 ? new Map<string, string>() : shapeLabels([...(opts.provmlShapes ? [packagedShapeQuads()] : []), ...userShapes]);
    out.write(renderReport(report, labels, useColor(out)));
  }
  setExitCode(report.conforms ? 0 : 1);
}

function packagedShapeQuads(): Quad[] {
  try {
    return new Parser({ format: 'text/turtle' }).parse(readFileSync(packagedShapesFile(), 'utf8'));
  } catch {
    return []; // labels are cosmetic
  }
}

/**
 * Add the `validate` subcommand to the `provml` program.
 *
 * @example
 * ```ts
 * const program = new Command('provml');
 * addValidateCommand(program);
 * await program.parseAsync(['node', 'provml', 'validate', 'run.nq']);
 * ```
 */
export function addValidateCommand(program: Command): Command {
  return program
    .command('validate')
    .description('validate provenance against the PROV-ML SHACL shapes (exit 0 conforms, 1 violations, 2 unreadable input)')
    .argument('[files...]', 'N-Quads / N-Triples / Turtle / TriG / JSON-LD files (validated together)')
    .option('-e, --endpoint <url>', 'validate what a SPARQL query endpoint holds (default: $PROVML_ENDPOINT; auth: $PROVML_AUTH = basic:USER:PASS or bearer:TOKEN)')
    .option('-g, --graph <iri>', 'with --endpoint: only this named graph')
    .option('-s, --shapes <files...>', 'your own SHACL shapes, added to provml\'s (may hold sh:sparql constraints)')
    .option('--no-provml-shapes', 'with --shapes: validate with your shapes only, without provml\'s PROV-ML shapes')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <ms>', 'endpoint request timeout in milliseconds', '60000')
    .option('--no-progress', 'never show a progress bar')
    .addHelpText(
      'after',
      `
Examples:
  provml validate provenance/journal.nq
  provml validate run.ttl --shapes my-shapes.ttl --format json
  provml validate data.ttl --shapes shapes.ttl --no-provml-shapes
  provml validate --endpoint http://localhost:8890/sparql --graph urn:provml:run:0190…\n`,
    )
    .action(action); // errors reach run(): printed once, exit code 2
}
