import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { DatasetCore, Quad } from '@rdfjs/types';
import type { Store } from 'n3';
import { runCore } from './core.js';
import { buildReport } from './report.js';
import { toValidationResult, type TermResult } from './results.js';
import { compiledShapes } from './shapes.js';
import { loadSource, startsLikeJournal } from './sources.js';
import { runGraphsOf, StreamPool, validateRunGraphs, workersFor } from './stream.js';
import { runSparqlConstraints } from './sparql.js';
import { endpointTarget, ValidationStore } from './sparql-store.js';
import { ValidationInputError, type JournalSource, type ValidateOptions, type ValidationReport, type ValidationSource } from './types.js';

/**
 * Which phase an `onProgress` call belongs to (its optional third argument): `load` counts
 * triples, `validate` counts (shape, focus node) checks, `sparql` counts SPARQL constraints.
 *
 * @example
 * ```ts
 * validate('run.nq', { onProgress: (done, total, phase?: ValidationPhase) => log(phase, done, total) });
 * ```
 */
export type ValidationPhase = 'load' | 'validate' | 'sparql';

/**
 * Validates PROV-ML data against SHACL shapes — by default provml's packaged
 * `shapes/prov-ml.shapes.ttl`, optionally extended with your own (`extraShapes`).
 *
 * The source may be an RDF/JS dataset or iterable of quads; a file (`.ttl`, `.nt`, `.nq` — a provml
 * journal is detected by its `# provml batch` header and its torn blocks skipped —, `.trig`,
 * `.jsonld`/`.json`); `{ journal }`; or `{ endpoint, graph?, pageSize? }`, read by paged CONSTRUCT
 * queries. The data graph is the union of all graphs; an N-Quads file or journal of several run
 * graphs is validated as a stream of run graphs (see `runGraphs`). SHACL Core runs on shacl-engine
 * (value checks on a fast path with the engine's own validations), shape by shape in chunks of
 * focus nodes. SPARQL-based constraints (`sh:sparql`, SPARQL constraint components) run on
 * Oxigraph (or on the endpoint itself) as ONE SELECT over all focus nodes, with `$this` pre-bound
 * in every scope that reads it — or, where one query would be wrong (`LIMIT`/`OFFSET`,
 * aggregates not grouped by `$this`), one SELECT per focus node.
 *
 * @param source - What to validate.
 * @param options - Shapes, extra shapes, progress and warning callbacks, streaming.
 * @returns The report: results, `conforms`, counts per shape, `triples`, `durationMs`.
 * @throws {ValidationInputError} When the data or a shapes file does not parse (with file and line).
 * @throws {UnsupportedShapesError} When a SPARQL query in the shapes uses what SHACL forbids (MINUS,
 * VALUES, SERVICE, re-binding a pre-bound variable…) or provml cannot evaluate; the message names it.
 *
 * @example
 * ```ts
 * import { validate } from 'provml/validate';
 *
 * const report = await validate('./provenance/run.nq', {
 *   extraShapes: './team-rules.ttl',
 *   onProgress: (done, total) => process.stderr.write(`\r${done}/${total ?? '?'}`),
 * });
 * for (const r of report.results) console.error(`${r.focusNode} ${r.path ?? ''}: ${r.message}`);
 * process.exitCode = report.conforms ? 0 : 1;
 * ```
 */
export async function validate(source: ValidationSource, options: ValidateOptions = {}): Promise<ValidationReport> {
  return (await validateWithTerms(source, options)).report;
}

/**
 * {@link validate}, also returning each result with its RDF terms and the shapes graph — what
 * the SHACL validation report graph is built from (see `reportGraph` in results.ts; the W3C
 * test suite compares that graph). Internal: not exported from `provml/validate`.
 *
 * @example
 * ```ts
 * const { report, results, shapes } = await validateWithTerms(quads, { shapes: shapeQuads });
 * const graph = reportGraph(results, shapes);
 * ```
 */
export async function validateWithTerms(
  source: ValidationSource,
  options: ValidateOptions = {},
): Promise<{ report: ValidationReport; results: TermResult[]; shapes: Store }> {
  const started = performance.now();
  const progress = options.onProgress as ((done: number, total: number | undefined, phase: ValidationPhase) => void) | undefined;
  const compiled = compiledShapes(options.shapes, options.extraShapes);
  const chunkSize = Number.isInteger(options.chunkSize) && options.chunkSize! > 0 ? options.chunkSize! : 500;
  const streamed = await streamRunGraphs(source, options, compiled.packagedOnly, chunkSize, progress);
  if (streamed) {
    const report = buildReport(streamed.results.map(toValidationResult), streamed.triples, performance.now() - started);
    return { report, results: streamed.results, shapes: compiled.store };
  }
  const loaded = await loadSource(source, {
    ...(progress ? { onProgress: (d: number, t?: number) => progress(d, t, 'load') } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const results = await runCore(compiled, loaded.data, {
    chunkSize,
    ...(progress ? { onProgress: (d: number, t: number) => progress(d, t, 'validate') } : {}),
  });
  if (compiled.sparql.length > 0) {
    progress?.(0, compiled.sparql.length, 'sparql');
    const target = loaded.endpoint
      ? endpointTarget(loaded.endpoint, loaded.graph)
      : ValidationStore.load(loaded.data, compiled.sparql.some((c) => c.usesShapesGraph) ? compiled.store : undefined);
    results.push(...(await runSparqlConstraints(compiled.sparql, target)));
    progress?.(compiled.sparql.length, compiled.sparql.length, 'sparql');
  }
  const report = buildReport(results.map(toValidationResult), loaded.data.size, performance.now() - started);
  return { report, results, shapes: compiled.store };
}

/**
 * Run-graph streaming (see stream.ts) when the options and the source allow it: an N-Quads file
 * or journal with at least two run graphs. Returns `undefined` to validate the whole graph — also
 * when a unit fails to parse, so that the error names the file and line as whole-graph loading does.
 */
async function streamRunGraphs(
  source: ValidationSource,
  options: ValidateOptions,
  packagedOnly: boolean,
  chunkSize: number,
  progress: ((done: number, total: number | undefined, phase: ValidationPhase) => void) | undefined,
): Promise<{ results: TermResult[]; triples: number } | undefined> {
  const mode = options.runGraphs ?? 'auto';
  if (mode === false || (mode === 'auto' && !packagedOnly)) return undefined;
  const file = typeof source === 'string' ? source : typeof source === 'object' && source !== null && 'journal' in source ? (source as JournalSource).journal : undefined;
  if (file === undefined || extname(file).toLowerCase() !== '.nq' || !existsSync(file)) return undefined;
  const bytes = statSync(file).size;
  // Below the size where workers pay off, whole-graph validation is faster and its memory small.
  if (mode === 'auto' && workersFor(bytes) === 0 && options.workers === undefined) return undefined;
  const journal = startsLikeJournal(file);
  // Workers start first: loading their modules overlaps the scan of the file.
  const workers = workersFor(bytes, options.workers);
  const pool = workers > 0 ? StreamPool.start(workers) : undefined;
  const index = runGraphsOf(file, journal ? options.onWarning : () => {});
  if (!index || (!journal && index.stray > 0)) {
    pool?.close();
    return undefined; // a plain file with a bad line: the whole-graph error names it
  }
  try {
    return await validateRunGraphs(file, index, {
      chunkSize,
      ...(options.shapes !== undefined ? { shapes: options.shapes } : {}),
      ...(options.extraShapes !== undefined ? { extraShapes: options.extraShapes } : {}),
      ...(pool ? { pool } : {}),
      ...(progress ? { onProgress: (d: number, t: number) => progress(d, t, 'validate') } : {}),
    });
  } catch (err) {
    if (err instanceof ValidationInputError) return undefined;
    throw err;
  }
}

/**
 * Validates an in-memory dataset: {@link validate} restricted to datasets and quad iterables,
 * kept for compatibility. Its report's own enumerable fields are the original three (`conforms`,
 * `results`, `countsByShape`), so deep equality and JSON output are unchanged; `triples` and
 * `durationMs` are there too, as non-enumerable properties.
 *
 * @param data - Any RDF/JS dataset (an n3 `Store`, an rdf-ext dataset…) or iterable of quads.
 * @param options - As for {@link validate}.
 *
 * @example
 * ```ts
 * import { Parser } from 'n3';
 * import { validateDataset } from 'provml/validate';
 *
 * const report = await validateDataset(new Parser().parse(turtleText));
 * if (!report.conforms) console.table(report.countsByShape);
 * ```
 */
export async function validateDataset(data: DatasetCore | Iterable<Quad>, options: ValidateOptions = {}): Promise<ValidationReport> {
  const { conforms, results, countsByShape, triples, durationMs } = await validate(data, options);
  return Object.defineProperties({ conforms, results, countsByShape } as ValidationReport, {
    triples: { value: triples, enumerable: false },
    durationMs: { value: durationMs, enumerable: false },
  });
}
