import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser, Writer } from 'n3';
import { runCore } from './core.js';
import { IndexedDataset, termKey } from './dataset.js';
import type { TermResult } from './results.js';
import { readRanges, scanGraphs, type GraphIndex } from './scan.js';
import { compiledShapes } from './shapes.js';
import { ValidationInputError, type ShapesInput } from './types.js';

/**
 * Streaming validation of captured provenance: one named graph per workflow execution plus the
 * shared graph (plans, data, environments, code). Each run graph is validated with the shared
 * graph beside it — `run ∪ shared` — as a unit of its own, by a pool of worker threads that read
 * their run's byte ranges from the file themselves (see scan.ts): memory is bounded by the
 * largest run, not the file, and every core works.
 *
 * It gives the report of whole-graph validation when every shape reads, from a focus node, only
 * triples of the focus node's run graph and of the shared graph — true of provml's packaged
 * shapes, whose paths all start at an execution or value of one run. A node described in the
 * shared graph is validated once, against the shared graph alone; a node described in several
 * run graphs is validated in each (identical results are reported once).
 */

/** Quads per unit: run graphs smaller than this are validated together. */
const UNIT_LINES = 20_000;

/** Old-generation limit of a streaming worker. */
const WORKER_HEAP_MB = 160;

/**
 * Files smaller than this (~300,000 quads of provenance) are validated in the calling thread unless
 * `workers` says otherwise — and, by default, as a whole: starting workers (their modules, the
 * shapes) costs more than it saves there, and whole-graph memory is still moderate.
 */
const WORKERS_FROM_BYTES = 64_000_000;

/**
 * How many workers to start for a file: `requested`, else one per core (at most 4) for a large file.
 *
 * @example
 * ```ts
 * const pool = StreamPool.start(workersFor(file));
 * ```
 */
export function workersFor(bytes: number, requested?: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  return bytes >= WORKERS_FROM_BYTES ? Math.min(4, availableParallelism()) : 0;
}

/** Shapes as a worker can receive them: a file path, Turtle text, or N-Quads text of quads. */
type ShapesSpec = { kind: 'packaged' } | { kind: 'text'; text: string } | { kind: 'nquads'; text: string };

function shapesSpec(input: ShapesInput | undefined): ShapesSpec {
  if (input === undefined) return { kind: 'packaged' };
  if (typeof input === 'string') return { kind: 'text', text: input };
  return { kind: 'nquads', text: new Writer({ format: 'N-Quads' }).quadsToString([...(input as Iterable<Quad>)]) };
}

function shapesInput(spec: ShapesSpec | undefined): ShapesInput | undefined {
  if (!spec || spec.kind === 'packaged') return undefined;
  if (spec.kind === 'text') return spec.text;
  return new Parser({ format: 'application/n-quads' }).parse(spec.text);
}

/** The default graph and provml's shared graph (`…graph:shared`) are shared by every run. */
export function isSharedGraph(graph: string): boolean {
  return graph === '' || /graph:shared$/.test(graph);
}

/** What a worker is given once, after the scan. */
interface UnitInit {
  file: string;
  shared: number[];
  shapes?: ShapesSpec;
  extraShapes?: ShapesSpec;
  chunkSize: number;
}

/** One unit of work: a run graph's byte ranges, or the shared graph alone (`ranges` undefined). */
interface Task {
  unit: number;
  ranges?: number[];
}

type JsonTerm = { t: Term['termType']; v: string; l?: string; d?: string };
type JsonQuad = [JsonTerm, JsonTerm, JsonTerm];
interface JsonResult {
  severity: JsonTerm;
  focusNode: JsonTerm;
  path?: string;
  pathNode?: JsonTerm;
  pathQuads?: JsonQuad[];
  value?: JsonTerm;
  messages: JsonTerm[];
  sourceShape: JsonTerm;
  constraint: JsonTerm;
  sourceConstraint?: JsonTerm;
}

interface UnitDone {
  unit: number;
  results: JsonResult[];
  /** Nodes of the shared graph this run graph also describes (validated here, not in the shared unit). */
  claimed: string[];
}

const toJson = (t: Term): JsonTerm =>
  t.termType === 'Literal' ? { t: 'Literal', v: t.value, ...(t.language ? { l: t.language } : { d: t.datatype.value }) } : { t: t.termType, v: t.value };

function fromJson(j: JsonTerm): Term {
  const { namedNode, blankNode, literal } = DataFactory;
  if (j.t === 'Literal') return literal(j.v, j.l ?? namedNode(j.d!));
  return j.t === 'BlankNode' ? blankNode(j.v) : namedNode(j.v);
}

function resultToJson(r: TermResult): JsonResult {
  return {
    severity: toJson(r.severity),
    focusNode: toJson(r.focusNode),
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.pathNode ? { pathNode: toJson(r.pathNode) } : {}),
    ...(r.pathQuads ? { pathQuads: r.pathQuads.map((q) => [toJson(q.subject), toJson(q.predicate), toJson(q.object)] as JsonQuad) } : {}),
    ...(r.value ? { value: toJson(r.value) } : {}),
    messages: r.messages.map(toJson),
    sourceShape: toJson(r.sourceShape),
    constraint: toJson(r.constraint),
    ...(r.sourceConstraint ? { sourceConstraint: toJson(r.sourceConstraint) } : {}),
  };
}

function resultFromJson(j: JsonResult): TermResult {
  const { quad } = DataFactory;
  return {
    severity: fromJson(j.severity),
    focusNode: fromJson(j.focusNode),
    ...(j.path !== undefined ? { path: j.path } : {}),
    ...(j.pathNode ? { pathNode: fromJson(j.pathNode) } : {}),
    ...(j.pathQuads ? { pathQuads: j.pathQuads.map(([s, p, o]) => quad(fromJson(s) as Quad['subject'], fromJson(p) as Quad['predicate'], fromJson(o) as Quad['object'])) } : {}),
    ...(j.value ? { value: fromJson(j.value) } : {}),
    messages: j.messages.map(fromJson) as TermResult['messages'],
    sourceShape: fromJson(j.sourceShape),
    constraint: fromJson(j.constraint),
    ...(j.sourceConstraint ? { sourceConstraint: fromJson(j.sourceConstraint) } : {}),
  };
}

function parseNQuads(file: string, text: string): Quad[] {
  try {
    // Labels kept as written: a blank node is the same node in the shared graph and in a run.
    return new Parser({ format: 'application/n-quads', blankNodePrefix: '' }).parse(text);
  } catch (err) {
    throw new ValidationInputError(`${file}: ${(err as Error).message}`, { file, cause: err });
  }
}

/** Validates units of one file: what each worker (or the calling thread, without workers) runs. */
class UnitValidator {
  /** The shared graph, under every unit's data (not copied into it). */
  readonly #shared = new IndexedDataset();
  readonly #sharedSubjects = new Set<string>();
  readonly #compiled;

  constructor(private readonly init: UnitInit) {
    this.#compiled = compiledShapes(shapesInput(init.shapes), shapesInput(init.extraShapes));
    for (const q of parseNQuads(init.file, readRanges(init.file, init.shared))) {
      this.#shared.add(q);
      this.#sharedSubjects.add(termKey(q.subject));
    }
  }

  /**
   * A run unit (`run ∪ shared`) validates the focus nodes its run graph describes and those no
   * graph describes (e.g. values only referenced); a node only the shared graph describes is left
   * to the shared unit. The shared unit (`ranges` undefined) validates the shared graph's nodes no
   * run graph described (`claimed`: the nodes run units took).
   */
  async run(task: Task, claimed?: ReadonlySet<string>): Promise<UnitDone> {
    const data = new IndexedDataset(this.#shared);
    const own = task.ranges !== undefined;
    const described = new Set<string>();
    if (own) {
      for (const q of parseNQuads(this.init.file, readRanges(this.init.file, task.ranges!))) {
        data.add(q);
        described.add(termKey(q.subject));
      }
    }
    const skip = own
      ? (t: Term) => {
          const k = termKey(t);
          return this.#sharedSubjects.has(k) && !described.has(k);
        }
      : (t: Term) => claimed?.has(termKey(t)) === true;
    const results = await runCore(this.#compiled, data, { chunkSize: this.init.chunkSize, skip });
    if (this.#compiled.sparql.length > 0) {
      // Loaded only when a shapes graph has SPARQL constraints (Oxigraph's WASM is a large module).
      const [{ runSparqlConstraints }, { ValidationStore }] = await Promise.all([import('./sparql.js'), import('./sparql-store.js')]);
      const store = ValidationStore.load(data, this.#compiled.sparql.some((c) => c.usesShapesGraph) ? this.#compiled.store : undefined);
      for (const r of await runSparqlConstraints(this.#compiled.sparql, store)) if (!skip(r.focusNode)) results.push(r);
    }
    return {
      unit: task.unit,
      results: results.map(resultToJson),
      claimed: own ? [...described].filter((k) => this.#sharedSubjects.has(k)) : [],
    };
  }
}

if (!isMainThread && (workerData as { provmlValidateStream?: boolean } | null)?.provmlValidateStream && parentPort) {
  const port = parentPort;
  let validator: UnitValidator | undefined;
  port.on('message', (m: { init: UnitInit } | Task | null) => {
    if (m === null) {
      port.close();
      return;
    }
    void (async () => {
      try {
        if ('init' in m) {
          validator = new UnitValidator(m.init);
          port.postMessage({ initialized: true });
        } else {
          port.postMessage({ done: await validator!.run(m) });
        }
      } catch (err) {
        port.postMessage({ error: (err as Error).message, name: (err as Error).name });
      }
    })();
  });
  port.postMessage({ ready: true });
}

/**
 * The URL of the file this code is in: in a CommonJS bundle `__filename` (tsup's
 * `import.meta.url` shim names the shim's own chunk there), else `import.meta.url` (in an ESM
 * bundle it is `__filename` that tsup shims).
 */
function moduleUrl(): string | undefined {
  const commonJs = typeof module === 'object' && module !== null && typeof exports === 'object';
  if (commonJs && typeof __filename === 'string' && /\.c?js$/.test(__filename)) return pathToFileURL(__filename).href;
  try {
    const url = import.meta.url as string | undefined;
    if (url) return url;
  } catch {
    // CJS without an import.meta shim
  }
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined;
}

/** Starts a worker running this module: the built chunk itself, or the TypeScript source through tsx. */
function spawn(): Worker | undefined {
  const here = moduleUrl();
  if (!here) return undefined;
  // A unit's live data is one run and the shared graph: a small old generation keeps each worker's
  // memory at that (V8 would otherwise grow the heap with garbage, the work allocating fast).
  // A unit too large for it kills the worker; its unit is then validated in the calling thread.
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  const workerData = { provmlValidateStream: true, ...(/\.[cm]?ts$/.test(here) ? { entry: here } : {}) };
  const url = /\.[cm]?ts$/.test(here) ? new URL('../worker/boot.mjs', here) : new URL(here);
  return new Worker(url, { workerData, resourceLimits });
}

/**
 * Worker threads for run-graph streaming, started before the file is scanned so that their
 * start-up (loading the validator's modules) overlaps the scan.
 *
 * @example
 * ```ts
 * const pool = StreamPool.start(2);
 * const index = runGraphsOf(file);
 * if (index) await validateRunGraphs(file, index, { chunkSize: 500, pool });
 * else pool.close();
 * ```
 */
export class StreamPool {
  readonly #workers: Worker[] = [];
  readonly #ready: Promise<boolean>[] = [];

  private constructor(count: number) {
    for (let i = 0; i < count; i++) {
      let w: Worker | undefined;
      try {
        w = spawn();
      } catch {
        w = undefined;
      }
      if (!w) continue;
      const worker = w;
      worker.on('error', () => {}); // handled per phase below; never an uncaught exception
      this.#workers.push(worker);
      this.#ready.push(
        new Promise<boolean>((resolve) => {
          const onMessage = (m: { ready?: true }) => {
            if (!m.ready) return;
            worker.off('message', onMessage);
            resolve(true);
          };
          worker.on('message', onMessage);
          worker.once('error', () => resolve(false));
          worker.once('exit', () => resolve(false));
        }),
      );
    }
  }

  /** Starts `count` workers (none where workers cannot run). */
  static start(count: number): StreamPool {
    return new StreamPool(count);
  }

  get size(): number {
    return this.#workers.length;
  }

  /**
   * Runs tasks from `queue` on the pool; a worker that cannot start (or dies) leaves its task in
   * the queue, for the caller to validate in its own thread. A validation error rejects.
   */
  async run(init: UnitInit, queue: Task[], finished: (d: UnitDone) => void): Promise<void> {
    await Promise.all(
      this.#workers.map(async (w, i) => {
        if (!(await this.#ready[i])) return;
        await new Promise<void>((resolve, reject) => {
          let current: Task | undefined;
          let settled = false;
          const settle = (err?: Error) => {
            if (settled) return;
            settled = true;
            w.off('message', onMessage);
            if (err) reject(err);
            else resolve();
          };
          const next = () => {
            current = queue.shift();
            if (current) w.postMessage(current);
            else settle();
          };
          const onMessage = (m: { initialized?: true; done?: UnitDone; error?: string; name?: string }) => {
            if (m.initialized) return next();
            if (m.done) {
              current = undefined;
              finished(m.done);
              return next();
            }
            if (m.error !== undefined) {
              const err = m.name === 'ValidationInputError' ? new ValidationInputError(m.error) : new Error(m.error);
              err.name = m.name ?? 'Error';
              settle(err);
            }
          };
          // A worker that dies (out of its memory limit, or unable to load) gives its task back.
          const giveBack = () => {
            if (current) queue.unshift(current);
            current = undefined;
            settle();
          };
          w.on('message', onMessage);
          w.once('error', giveBack);
          w.once('exit', giveBack);
          w.postMessage({ init });
        });
      }),
    );
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.#workers) void w.terminate();
  }
}

/**
 * Options of {@link validateRunGraphs}.
 *
 * @example
 * ```ts
 * const o: StreamOptions = { chunkSize: 500, workers: 2 };
 * ```
 */
export interface StreamOptions {
  shapes?: ShapesInput;
  extraShapes?: ShapesInput;
  chunkSize: number;
  /** Workers started before the scan (see {@link StreamPool}); without one, validate in this thread. */
  pool?: StreamPool;
  /** Quads per unit: smaller run graphs are validated together (default 20,000; 1 = one run per unit). */
  unitLines?: number;
  onProgress?: (done: number, total: number) => void;
  onWarning?: (message: string) => void;
}

/**
 * The run graphs of an N-Quads file or journal, when it has at least two (else `undefined`: validate
 * the whole graph).
 *
 * @example
 * ```ts
 * const index = runGraphsOf('journal.nq');
 * ```
 */
export function runGraphsOf(file: string, onWarning?: (m: string) => void): GraphIndex | undefined {
  const index = scanGraphs(file);
  const warn = onWarning ?? ((m: string) => console.warn(m));
  for (const seq of index.torn) warn(`provml: journal ${file}: skipping torn batch seq=${seq}`);
  if (index.stray > 0) warn(`provml: ${file}: ignored ${index.stray} line(s) that are not quads`);
  const runs = [...index.graphs.keys()].filter((g) => !isSharedGraph(g));
  return runs.length >= 2 ? index : undefined;
}

/**
 * Validates a file's run graphs as a stream of units (`run ∪ shared`), in worker threads.
 *
 * @returns The results (in the order of the units) and the number of distinct triples (see {@link GraphIndex.triples}).
 *
 * @example
 * ```ts
 * const index = runGraphsOf(file);
 * if (index) ({ results, triples } = await validateRunGraphs(file, index, { chunkSize: 500 }));
 * ```
 */
export async function validateRunGraphs(file: string, index: GraphIndex, options: StreamOptions): Promise<{ results: TermResult[]; triples: number }> {
  const shared: number[] = [];
  const tasks: Task[] = [];
  const lines = [...index.lines.values()].reduce((a, b) => a + b, 0);
  const sizes: number[] = [];
  let sharedLines = 0;
  for (const [graph, ranges] of index.graphs) {
    if (isSharedGraph(graph)) {
      shared.push(...ranges);
      sharedLines += index.lines.get(graph)!;
    } else {
      // Small runs are grouped into units of about UNIT_LINES quads (fewer, larger units cost less).
      const last = tasks[tasks.length - 1];
      if (last && sizes[last.unit]! + index.lines.get(graph)! <= (options.unitLines ?? UNIT_LINES)) {
        last.ranges!.push(...ranges);
        sizes[last.unit]! += index.lines.get(graph)!;
      } else {
        tasks.push({ unit: tasks.length, ranges: [...ranges] });
        sizes.push(index.lines.get(graph)!);
      }
    }
  }
  for (const t of tasks) t.ranges = mergeRanges(t.ranges!.map((x, i, a) => (i % 2 === 0 ? [x, a[i + 1]!] : [])).filter((r) => r.length > 0).sort((a, b) => a[0]! - b[0]!).flat());
  shared.sort((a, b) => a - b);
  const init: UnitInit = {
    file,
    shared: mergeRanges(shared),
    ...(options.shapes !== undefined ? { shapes: shapesSpec(options.shapes) } : {}),
    ...(options.extraShapes !== undefined ? { extraShapes: shapesSpec(options.extraShapes) } : {}),
    chunkSize: options.chunkSize,
  };
  compiledShapes(options.shapes, options.extraShapes); // shapes errors surface here, before any worker starts
  const done = new Map<number, UnitDone>();
  let progressed = 0;
  const finished = (d: UnitDone) => {
    done.set(d.unit, d);
    progressed += sizes[d.unit]!;
    options.onProgress?.(Math.min(progressed, lines - sharedLines), lines);
  };
  const queue = [...tasks];
  try {
    if (options.pool) await options.pool.run(init, queue, finished);
  } finally {
    options.pool?.close();
  }
  const local = new UnitValidator(init);
  for (let task = queue.shift(); task; task = queue.shift()) finished(await local.run(task));
  // The shared graph last, in this thread: its nodes no run graph described.
  const claimed = new Set([...done.values()].flatMap((d) => d.claimed));
  const sharedUnit = await local.run({ unit: tasks.length }, claimed);
  done.set(sharedUnit.unit, sharedUnit);
  options.onProgress?.(lines, lines);
  const results: TermResult[] = [];
  const seen = new Set<string>();
  for (let u = 0; u <= tasks.length; u++) {
    const d = done.get(u)!;
    for (const r of d.results) {
      const key = JSON.stringify(r);
      if (seen.has(key)) continue;
      seen.add(key);
      results.push(resultFromJson(r));
    }
  }
  return { results, triples: index.triples };
}

function mergeRanges(sorted: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i += 2) {
    if (out.length > 0 && out[out.length - 1] === sorted[i]) out[out.length - 1] = sorted[i + 1]!;
    else out.push(sorted[i]!, sorted[i + 1]!);
  }
  return out;
}
