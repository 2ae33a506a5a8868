import type { DatasetCore, Quad } from '@rdfjs/types';
import type { SparqlEndpoint } from '../store/endpoint.js';

/**
 * One SHACL validation result, flattened to strings.
 *
 * IRIs are full IRI strings; `path` is rendered as a SPARQL property path with the well-known
 * prefixes compacted (`prov:`, `provml:`, `mls:`, `rdf:`, `rdfs:`, `xsd:`, `sh:`), e.g.
 * `prov:used` or `prov:wasGeneratedBy/provml:partOf*`; other IRIs appear as `<iri>`.
 *
 * @example
 * ```ts
 * const r: ValidationResult = report.results[0]!;
 * console.log(`${r.severity}: ${r.focusNode} ${r.path ?? ''} — ${r.message}`);
 * ```
 */
export interface ValidationResult {
  /**
   * `Violation`, `Warning` or `Info` (the shape's `sh:severity`, default `Violation`); a custom
   * severity (any other IRI a shape gives as `sh:severity`) is reported as that IRI.
   */
  severity: 'Violation' | 'Warning' | 'Info' | (string & {});
  /** The node that failed the shape (an IRI, or a blank node label). */
  focusNode: string;
  /** The property path of the failing property shape; absent for node-level constraints. */
  path?: string;
  /** The offending value (IRI or literal lexical form), when the constraint names one. */
  value?: string;
  /** The shape's (or SPARQL constraint's) `sh:message`, with `{?var}` placeholders substituted. */
  message: string;
  /** IRI of the shape that produced the result (e.g. `https://w3id.org/prov-ml/shapes#ChecksumShape`). */
  sourceShape: string;
  /** IRI of the SHACL constraint component, e.g. `http://www.w3.org/ns/shacl#MinCountConstraintComponent`. */
  constraint: string;
}

/**
 * The outcome of {@link validate} (and {@link validateDataset}).
 *
 * @example
 * ```ts
 * const report: ValidationReport = await validate('run.nq');
 * if (!report.conforms) console.table(report.countsByShape);
 * console.log(`${report.triples} triples in ${report.durationMs} ms`);
 * ```
 */
export interface ValidationReport {
  /** `true` when there is no result of any severity (SHACL semantics). */
  conforms: boolean;
  /** Every result: SHACL Core results first (by shape), then SPARQL-constraint results. */
  results: ValidationResult[];
  /** Number of results per source shape IRI. */
  countsByShape: Record<string, number>;
  /** Size of the validated data graph: distinct triples of the union of all graphs. */
  triples: number;
  /** Wall-clock time of the whole validation (loading included), in milliseconds. */
  durationMs: number;
}

/**
 * A shapes graph: Turtle text, an RDF/JS dataset (or quad array), or the path of a Turtle file.
 * A string is read as a file path when it has no newline and names an existing file.
 *
 * @example
 * ```ts
 * const a: ShapesInput = './my-shapes.ttl';
 * const b: ShapesInput = '@prefix sh: <http://www.w3.org/ns/shacl#> .\n[] a sh:NodeShape .';
 * ```
 */
export type ShapesInput = string | DatasetCore | readonly Quad[];

/**
 * Read the data from a SPARQL endpoint, by CONSTRUCT queries in pages (keyset by subject).
 *
 * @example
 * ```ts
 * const source: EndpointSource = { endpoint: store, graph: 'urn:provml:graph:run-1', pageSize: 2000 };
 * ```
 */
export interface EndpointSource {
  /** The endpoint: the embedded store, `provml serve`, or a remote endpoint. */
  endpoint: SparqlEndpoint;
  /** Validate only this named graph (default: the endpoint's default graph). */
  graph?: string;
  /** Subjects per CONSTRUCT page (default 5000). Every triple of a subject lands in the same page. */
  pageSize?: number;
}

/**
 * Read the data from a provml journal; torn (half-written) blocks are skipped with a warning.
 *
 * @example
 * ```ts
 * const source: JournalSource = { journal: './provenance/run.nq' };
 * ```
 */
export interface JournalSource {
  journal: string;
}

/**
 * What {@link validate} can check: an RDF/JS dataset or iterable of quads; a file path
 * (`.ttl`, `.nt`, `.nq`, `.trig`, `.jsonld`/`.json`, by extension); a provml journal; or a SPARQL
 * endpoint.
 *
 * @example
 * ```ts
 * const sources: ValidationSource[] = ['run.ttl', { journal: 'run.nq' }, { endpoint: store }, quads];
 * ```
 */
export type ValidationSource = DatasetCore | Iterable<Quad> | string | JournalSource | EndpointSource;

/**
 * Options of {@link validate}.
 *
 * @example
 * ```ts
 * const options: ValidateOptions = {
 *   extraShapes: './team-rules.ttl',
 *   onProgress: (done, total) => bar.update(done, { total }),
 * };
 * ```
 */
export interface ValidateOptions {
  /**
   * The shapes graph replacing provml's packaged `shapes/prov-ml.shapes.ttl`. Each shapes graph
   * is compiled once and reused.
   */
  shapes?: ShapesInput;
  /**
   * More shapes that extend the base shapes (the shapes graph is their union), e.g. a team rule
   * "every training must record accuracy". May contain `sh:sparql` constraints.
   */
  extraShapes?: ShapesInput;
  /**
   * Progress: called with triples loaded so far while loading (`total` when known), then with
   * focus nodes checked while validating (`total` always given).
   */
  onProgress?: (done: number, total?: number) => void;
  /** Receives warnings (e.g. torn journal blocks); default `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Focus nodes per shacl-engine run (default 500). Each run gets a fresh engine context, which
   * bounds the engine's per-run bookkeeping and keeps memory flat on large graphs.
   */
  chunkSize?: number;
  /**
   * Validate an N-Quads file or provml journal as a stream of run graphs: each workflow
   * execution's named graph together with the shared graph, one unit at a time in worker threads,
   * so memory stays bounded by the largest run and every core works. The report is the
   * whole-graph one when each shape reads, from a focus node, only its run's graph and the shared
   * graph — as provml's packaged shapes do. `'auto'` (default): stream when validating with the
   * packaged shapes only (no `shapes`/`extraShapes`) a file of 64 MB or more with at least two
   * run graphs (smaller files validate faster as a whole); `true`: stream any such file, with your
   * shapes too (they must be run-local); `false`: always the whole graph.
   */
  runGraphs?: boolean | 'auto';
  /** Worker threads of run-graph streaming (default: one per core, at most 4, for files of 64 MB or more; `0`: this thread only). */
  workers?: number;
}

/**
 * The data could not be read: a syntax error (with the file and line), an unknown file
 * extension, or a missing file.
 *
 * @example
 * ```ts
 * try {
 *   await validate('broken.ttl');
 * } catch (err) {
 *   if (err instanceof ValidationInputError) console.error(`${err.file}:${err.line}: ${err.message}`);
 * }
 * ```
 */
export class ValidationInputError extends Error {
  /** The file that failed to parse, when the input was a file. */
  readonly file: string | undefined;
  /** The 1-based line of the error, when known. */
  readonly line: number | undefined;

  constructor(message: string, options: { file?: string; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ValidationInputError';
    this.file = options.file;
    this.line = options.line;
  }
}
