import type { Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import type { IndexedDataset } from './dataset.js';
import { evaluateFast } from './fast.js';
import { fromEngineResult, RDF, RDFS } from './report.js';
import type { CompiledShapes, ShapeTargets } from './shapes.js';
import type { TermResult } from './results.js';

const { namedNode } = DataFactory;
const TYPE = namedNode(`${RDF}type`);
const SUBCLASS = namedNode(`${RDFS}subClassOf`);

/**
 * The focus nodes of one shape in the data graph: instances of its target classes (and of their
 * subclasses in the data graph, per SHACL), target nodes, subjects/objects of its predicates.
 *
 * @example
 * ```ts
 * const focus = resolveTargets(data, compiled.targets[0]!);
 * ```
 */
export function resolveTargets(data: IndexedDataset, t: ShapeTargets): Term[] {
  const out = new Map<Term, Term>();
  const classes = new Set<Term>();
  const queue = t.classes.map((c) => data.lookup(c)).filter((c): c is Term => c !== undefined);
  while (queue.length > 0) {
    const c = queue.pop()!;
    if (classes.has(c)) continue;
    classes.add(c);
    for (const q of data.find(null, SUBCLASS, c)) queue.push(q.subject);
  }
  for (const c of classes) for (const q of data.find(null, TYPE, c)) out.set(q.subject, q.subject);
  for (const n of t.nodes) {
    const i = data.lookup(n) ?? n;
    out.set(i, i);
  }
  for (const p of t.subjectsOf) for (const q of data.find(null, p, null)) out.set(q.subject, q.subject);
  for (const p of t.objectsOf) for (const q of data.find(null, p, null)) out.set(q.object, q.object);
  return [...out.values()];
}

/**
 * Options of {@link runCore}.
 *
 * @example
 * ```ts
 * const o: CoreOptions = { chunkSize: 1000, onProgress: (done, total) => {} };
 * ```
 */
export interface CoreOptions {
  chunkSize: number;
  /** Focus nodes not to validate here (streaming: nodes the shared graph describes). */
  skip?: (focus: Term) => boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * SHACL Core with shacl-engine, shape by shape and in chunks of focus nodes. Shapes are
 * evaluated per focus node, so partitioning focus nodes gives the same results as one run, while
 * each chunk gets a fresh engine context: the engine memoises every (shape, focus node, path)
 * it visits in strings for the whole run, which otherwise grows with the graph.
 *
 * @example
 * ```ts
 * const results = await runCore(compiled, data, { chunkSize: 1000 });
 * ```
 */
export async function runCore(compiled: CompiledShapes, data: IndexedDataset, options: CoreOptions): Promise<TermResult[]> {
  const skip = options.skip;
  const plan = compiled.targets.map((t) => {
    const focus = resolveTargets(data, t);
    return { shape: t.shape, focus: skip ? focus.filter((f) => !skip(f)) : focus };
  });
  const total = plan.reduce((n, p) => n + p.focus.length, 0);
  const results: TermResult[] = [];
  let done = 0;
  options.onProgress?.(0, total);
  for (const { shape, focus } of plan) {
    const fast = compiled.fast.get(shape.value);
    const engine = !compiled.engineFree.has(shape.value);
    for (let i = 0; i < focus.length; i += options.chunkSize) {
      const terms = focus.slice(i, i + options.chunkSize);
      if (engine) {
        const report = await compiled.validator.validate({ dataset: data, terms }, [{ terms: [shape] }]);
        for (const r of report.results) {
          const result = fromEngineResult(r);
          if (result) results.push(result);
        }
      }
      if (fast && data.size > 0) results.push(...evaluateFast(fast, data, terms));
      done += terms.length;
      options.onProgress?.(done, total);
    }
  }
  return results;
}
