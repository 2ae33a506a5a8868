import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import { Parser } from 'n3';
import * as rdfExt from 'rdf-ext';
import type { RdfExtEnvironment } from 'rdf-ext';
import { Validator, type ShaclPathStep, type ShaclResult } from 'shacl-engine';

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
  /** `Violation`, `Warning` or `Info` (the shape's `sh:severity`, default `Violation`). */
  severity: 'Violation' | 'Warning' | 'Info';
  /** The node that failed the shape (an IRI: captured data has no blank nodes). */
  focusNode: string;
  /** The property path of the failing property shape; absent for node-level constraints. */
  path?: string;
  /** The offending value (IRI or literal lexical form), when the constraint names one. */
  value?: string;
  /** The shape's human-readable `sh:message`. */
  message: string;
  /** IRI of the shape that produced the result (e.g. `https://w3id.org/prov-ml/shapes#ChecksumShape`). */
  sourceShape: string;
  /** IRI of the SHACL constraint component, e.g. `http://www.w3.org/ns/shacl#MinCountConstraintComponent`. */
  constraint: string;
}

/**
 * The outcome of {@link validateDataset}.
 *
 * @example
 * ```ts
 * const report: ValidationReport = await validateDataset(quads);
 * if (!report.conforms) console.table(report.countsByShape);
 * ```
 */
export interface ValidationReport {
  /** `true` when there is no result of any severity (SHACL semantics). */
  conforms: boolean;
  /** Every result, in the order the engine produced them. */
  results: ValidationResult[];
  /** Number of results per source shape IRI. */
  countsByShape: Record<string, number>;
}

/**
 * Options of {@link validateDataset}.
 *
 * @example
 * ```ts
 * const options: ValidateOptions = { shapes: readFileSync('my-shapes.ttl', 'utf8') };
 * ```
 */
export interface ValidateOptions {
  /**
   * The shapes graph: a dataset, or Turtle text. Defaults to the packaged
   * `shapes/prov-ml.shapes.ttl`. Each shapes graph is compiled once and reused.
   */
  shapes?: DatasetCore | string;
}

const SHAPES_FILE = 'prov-ml.shapes.ttl';

/**
 * rdf-ext's default environment (DataFactory + DatasetFactory). Reached through the namespace so
 * that a CJS bundle works too: there `require()` of the ESM-only package returns its namespace,
 * which the bundler's interop wraps once more in `default`.
 */
const rdf: RdfExtEnvironment = (() => {
  let m: unknown = rdfExt;
  while (m && typeof (m as Partial<RdfExtEnvironment>).dataset !== 'function') m = (m as { default?: unknown }).default;
  if (!m) throw new Error('provml: rdf-ext did not load');
  return m as RdfExtEnvironment;
})();

const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['provml', 'https://w3id.org/prov-ml#'],
  ['prov', 'http://www.w3.org/ns/prov#'],
  ['mls', 'http://www.w3.org/ns/mls#'],
  ['rdf', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'],
  ['rdfs', 'http://www.w3.org/2000/01/rdf-schema#'],
  ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
  ['sh', 'http://www.w3.org/ns/shacl#'],
];

const SH = 'http://www.w3.org/ns/shacl#';
const SEVERITIES = new Map<string, ValidationResult['severity']>([
  [`${SH}Violation`, 'Violation'],
  [`${SH}Warning`, 'Warning'],
  [`${SH}Info`, 'Info'],
]);

/** The URL of this module, in ESM (import.meta.url) or in a CJS bundle (__filename). */
function moduleUrl(): string | undefined {
  try {
    const url = import.meta.url as string | undefined;
    if (url) return url;
  } catch {
    // CJS bundle without an import.meta shim
  }
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined;
}

/**
 * Locates the packaged shapes file. Candidates, in order: `../../shapes/` from `src/validate/`
 * (sources, tests) and `../shapes/` from a bundled `dist/*.js`. Adjust here if the layout changes.
 */
function packagedShapesPath(): string {
  const base = moduleUrl();
  const candidates = base
    ? [`../../shapes/${SHAPES_FILE}`, `../shapes/${SHAPES_FILE}`].map((rel) => fileURLToPath(new URL(rel, base)))
    : [];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(`provml: cannot find the packaged SHACL shapes (${SHAPES_FILE}); looked in: ${candidates.join(', ')}`);
  }
  return found;
}

/** Parses Turtle into an rdf-ext dataset (internal; throws with n3's line-numbered message). */
function parseTurtle(text: string, baseIRI?: string): DatasetCore {
  const parser = new Parser({ format: 'text/turtle', ...(baseIRI ? { baseIRI } : {}) });
  return rdf.dataset(parser.parse(text));
}

let defaultValidator: Validator | undefined;
const validatorsByText = new Map<string, Validator>();
const validatorsByDataset = new WeakMap<DatasetCore, Validator>();
const MAX_CACHED_TEXTS = 16;

function validatorFor(shapes: DatasetCore | string | undefined): Validator {
  if (shapes === undefined) {
    defaultValidator ??= new Validator(parseTurtle(readFileSync(packagedShapesPath(), 'utf8')), { factory: rdf });
    return defaultValidator;
  }
  if (typeof shapes === 'string') {
    let v = validatorsByText.get(shapes);
    if (!v) {
      v = new Validator(parseTurtle(shapes), { factory: rdf });
      if (validatorsByText.size >= MAX_CACHED_TEXTS) {
        const oldest = validatorsByText.keys().next().value;
        if (oldest !== undefined) validatorsByText.delete(oldest);
      }
      validatorsByText.set(shapes, v);
    }
    return v;
  }
  let v = validatorsByDataset.get(shapes);
  if (!v) {
    v = new Validator(shapes, { factory: rdf });
    validatorsByDataset.set(shapes, v);
  }
  return v;
}

function isDatasetCore(data: DatasetCore | Iterable<Quad>): data is DatasetCore {
  const d = data as Partial<DatasetCore>;
  return typeof d.match === 'function' && typeof d.has === 'function' && typeof d.size === 'number';
}

function renderIri(iri: string): string {
  for (const [prefix, ns] of PREFIXES) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w-]*$/.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return `<${iri}>`;
}

function renderStep(step: ShaclPathStep): string {
  const preds = step.predicates.map((p) => renderIri(p.value));
  let s = preds.length > 1 ? `(${preds.join('|')})` : (preds[0] ?? '');
  if (step.start === 'object') s = `^${s}`;
  const suffix = { one: '', zeroOrMore: '*', oneOrMore: '+', zeroOrOne: '?' }[step.quantifier];
  return suffix && step.start === 'object' ? `(${s})${suffix}` : `${s}${suffix}`;
}

/** Renders a parsed SHACL path as a SPARQL property path (sequence steps joined by `/`). */
function renderPath(path: readonly ShaclPathStep[]): string {
  return path.map(renderStep).join('/');
}

function termString(term: Term | undefined): string | undefined {
  return term?.value;
}

function toResult(r: ShaclResult): ValidationResult | undefined {
  const severity = SEVERITIES.get(r.severity.value);
  if (!severity) return undefined; // shacl-engine's debug/trace results
  const result: ValidationResult = {
    severity,
    focusNode: termString(r.focusNode.term) ?? '',
    message: r.message.map((m) => m.value).join('\n'),
    sourceShape: termString(r.shape.ptr.term) ?? '',
    constraint: r.constraintComponent.value,
  };
  if (r.path && r.path.length > 0) result.path = renderPath(r.path);
  const value = termString(r.value?.term);
  if (value !== undefined) result.value = value;
  return result;
}

/**
 * Validates PROV-ML data against SHACL shapes (by default provml's packaged
 * `shapes/prov-ml.shapes.ttl`) with shacl-engine, SHACL Core only.
 *
 * `data` is any RDF/JS dataset (an n3 `Store`, an rdf-ext dataset…) or any iterable of quads,
 * e.g. a `QuadBatch`'s `quads`. Named graphs are ignored: the union of all graphs is validated.
 * Captured data states only the most specific `rdf:type` of each node and no inference runs.
 *
 * @param data - The quads to validate.
 * @param options - Optional shapes graph (dataset or Turtle text) replacing the packaged one.
 * @returns A report whose `conforms` is `true` when there is no result at all.
 * @throws If the shapes Turtle does not parse or the packaged shapes file cannot be found.
 *
 * @example
 * ```ts
 * import { Parser } from 'n3';
 * import { validateDataset } from 'provml/validate';
 *
 * const quads = new Parser().parse(turtleText);
 * const report = await validateDataset(quads);
 * for (const r of report.results) {
 *   console.error(`${r.focusNode} ${r.path ?? ''}: ${r.message}`);
 * }
 * ```
 */
export async function validateDataset(
  data: DatasetCore | Iterable<Quad>,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const validator = validatorFor(options.shapes);
  const dataset = isDatasetCore(data) ? data : rdf.dataset(data);
  const report = await validator.validate({ dataset });
  const results: ValidationResult[] = [];
  const countsByShape: Record<string, number> = {};
  for (const r of report.results) {
    const result = toResult(r);
    if (!result) continue;
    results.push(result);
    countsByShape[result.sourceShape] = (countsByShape[result.sourceShape] ?? 0) + 1;
  }
  return { conforms: results.length === 0, results, countsByShape };
}
