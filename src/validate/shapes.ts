import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser, Store } from 'n3';
import * as rdfExt from 'rdf-ext';
import type { RdfExtEnvironment } from 'rdf-ext';
import { Validator } from 'shacl-engine';
import { RDF, RDFS, SH } from './report.js';
import { FastCompiler, planFast, type FastShape } from './fast.js';
import { specialDoubleValidations } from './numeric.js';
import { extractSparqlConstraints, isImplicitClassTarget, type SparqlConstraint } from './sparql.js';
import { ValidationInputError, type ShapesInput } from './types.js';

const { namedNode } = DataFactory;
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

/**
 * How a shape's focus nodes are found (SHACL §2.1.3), read from the shapes graph.
 *
 * @example
 * ```ts
 * const t: ShapeTargets = { shape, classes: [Epoch], nodes: [], subjectsOf: [], objectsOf: [] };
 * ```
 */
export interface ShapeTargets {
  shape: Term;
  /** Target classes, closed under `rdfs:subClassOf` in the shapes graph (data-graph subclasses are added later). */
  classes: Term[];
  nodes: Term[];
  subjectsOf: Term[];
  objectsOf: Term[];
}

/**
 * A shapes graph ready to run: the shacl-engine validator (without `sh:sparql`), the targets of
 * its shapes, and its SPARQL constraints compiled for provml's own evaluation.
 *
 * @example
 * ```ts
 * const compiled = compiledShapes(undefined, './team-rules.ttl');
 * compiled.sparql.length; // number of sh:sparql constraints
 * ```
 */
export interface CompiledShapes {
  validator: Validator;
  targets: ShapeTargets[];
  sparql: SparqlConstraint[];
  /** The shapes graph (with its `sh:sparql` triples), for report paths and `$shapesGraph`. */
  store: Store;
  /** Only the packaged PROV-ML shapes (whose constraints each read one run's graph plus the shared graph). */
  packagedOnly: boolean;
  /** Shapes on the fast path (fast.ts), by targeted node shape. */
  fast: Map<string, FastShape[]>;
  /** Node shapes with nothing left for shacl-engine once their property shapes took the fast path. */
  engineFree: Set<string>;
}

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
 *
 * @example
 * ```ts
 * readFileSync(packagedShapesPath(), 'utf8');
 * ```
 */
export function packagedShapesPath(): string {
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

function parseTurtle(text: string, file?: string): Quad[] {
  try {
    return new Parser({ format: 'text/turtle', ...(file ? { baseIRI: pathToFileURL(file).href } : {}) }).parse(text);
  } catch (err) {
    const line = (err as { context?: { line?: number } }).context?.line;
    const where = file ?? 'shapes Turtle text';
    throw new ValidationInputError(`${where}${line ? `:${line}` : ''}: ${(err as Error).message}`, {
      ...(file ? { file } : {}),
      ...(line ? { line } : {}),
      cause: err,
    });
  }
}

/** A cache key and the quads of a shapes input (Turtle text, file path, dataset or quad array). */
function readShapes(input: ShapesInput | undefined, ids: WeakMap<object, number>): { key: string; quads: () => Quad[] } {
  if (input === undefined) {
    return { key: 'packaged', quads: () => parseTurtle(readFileSync(packagedShapesPath(), 'utf8'), packagedShapesPath()) };
  }
  if (typeof input === 'string') {
    if (!input.includes('\n') && existsSync(input)) {
      const text = readFileSync(input, 'utf8');
      return { key: `text:${text}`, quads: () => parseTurtle(text, input) };
    }
    return { key: `text:${input}`, quads: () => parseTurtle(input) };
  }
  let id = ids.get(input);
  if (id === undefined) ids.set(input, (id = nextId++));
  return { key: `object:${id}`, quads: () => [...(input as Iterable<Quad>)] };
}

let nextId = 1;
const objectIds = new WeakMap<object, number>();
const cache = new Map<string, CompiledShapes>();
const MAX_CACHED = 16;

function targetsOf(store: Store, shape: Term): ShapeTargets {
  const get = (p: string) => store.getObjects(shape, namedNode(SH + p), null);
  const classes: Term[] = get('targetClass');
  // Implicit class target (SHACL §2.1.3.1): only a shape that is also an rdfs:Class — not every
  // node shape IRI, as shacl-engine's own target resolution has it.
  if (isImplicitClassTarget(store, shape)) classes.push(shape);
  const closed = new Map<string, Term>();
  const queue = [...classes];
  while (queue.length > 0) {
    const c = queue.pop()!;
    if (closed.has(c.value)) continue;
    closed.set(c.value, c);
    queue.push(...store.getSubjects(namedNode(`${RDFS}subClassOf`), c as never, null));
  }
  return { shape, classes: [...closed.values()], nodes: get('targetNode'), subjectsOf: get('targetSubjectsOf'), objectsOf: get('targetObjectsOf') };
}

/** A node with SHACL properties of its own (a class that is also a shape, not just a class). */
function isShapeLike(store: Store, node: Term): boolean {
  return store.getQuads(node, null, null, null).some((q) => q.predicate.value.startsWith(SH) || (q.predicate.value === `${RDF}type` && q.object.value.startsWith(SH)));
}

/**
 * Compiles a shapes graph (uncached; see {@link compiledShapes}). `fastPath: false` leaves every
 * property shape to shacl-engine (what the fast path is tested against).
 *
 * @example
 * ```ts
 * const engineOnly = compileShapes(quads, { fastPath: false });
 * ```
 */
export function compileShapes(quads: Quad[], options: { packagedOnly?: boolean; fastPath?: boolean } = {}): CompiledShapes {
  return compile(quads, options.packagedOnly ?? false, options.fastPath ?? true);
}

function compile(quads: Quad[], packagedOnly: boolean, fastPath = true): CompiledShapes {
  const full = new Store(quads);
  const { constraints, strip } = extractSparqlConstraints(full);
  const store = new Store(quads);
  store.removeQuads(strip);
  const seen = new Set<string>();
  const targets: ShapeTargets[] = [];
  const withTargets = [
    ...['targetClass', 'targetNode', 'targetSubjectsOf', 'targetObjectsOf'].flatMap((p) => store.getSubjects(namedNode(SH + p), null, null)),
    ...store.getSubjects(namedNode(`${RDF}type`), null, null).filter((s) => isImplicitClassTarget(store, s) && isShapeLike(store, s)),
  ];
  for (const shape of withTargets) {
    if (seen.has(shape.value)) continue;
    seen.add(shape.value);
    const t = targetsOf(store, shape);
    if (t.classes.length + t.nodes.length + t.subjectsOf.length + t.objectsOf.length > 0) targets.push(t);
  }
  // `validations` (not in the declared options, read by shacl-engine 1.1): see numeric.ts.
  const options = { factory: rdf, validations: specialDoubleValidations(rdf) };
  const fast = new Map<string, FastShape[]>();
  const engineFree = new Set<string>();
  if (fastPath) {
    const compiler = new FastCompiler(new Validator(rdf.dataset(store.getQuads(null, null, null, null)), options), store);
    const strip: Quad[] = [];
    for (const t of targets) {
      const plan = planFast(compiler, store, t.shape);
      if (plan.fast.length > 0) fast.set(t.shape.value, plan.fast);
      if (plan.ownFast && plan.strip.length === store.getQuads(t.shape, namedNode(`${SH}property`), null, null).length) engineFree.add(t.shape.value);
      strip.push(...plan.strip);
    }
    store.removeQuads(strip);
  }
  const dataset: DatasetCore = rdf.dataset(store.getQuads(null, null, null, null));
  const validator = new Validator(dataset, options);
  return { validator, targets, sparql: constraints, store: full, packagedOnly, fast, engineFree };
}

/**
 * The compiled shapes graph for `shapes` (default: the packaged shapes) extended with
 * `extraShapes`; compiled once per distinct input and cached.
 *
 * @example
 * ```ts
 * const { validator, targets, sparql } = compiledShapes(undefined, extraTurtle);
 * ```
 */
export function compiledShapes(shapes?: ShapesInput, extraShapes?: ShapesInput): CompiledShapes {
  const base = readShapes(shapes, objectIds);
  const extra = extraShapes === undefined ? undefined : readShapes(extraShapes, objectIds);
  const key = extra ? `${base.key}\u0000${extra.key}` : base.key;
  let compiled = cache.get(key);
  if (!compiled) {
    compiled = compile(extra ? [...base.quads(), ...extra.quads()] : base.quads(), key === 'packaged');
    if (cache.size >= MAX_CACHED) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined && oldest !== 'packaged') cache.delete(oldest);
    }
    cache.set(key, compiled);
  }
  return compiled;
}
