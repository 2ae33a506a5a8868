/**
 * bench:tfjs's per-batch timing, for the figure "at full host speed" (Experiment 1's method,
 * bench/lib/exp1-stats.ts, applied to a tf.js fit).
 *
 * Each fit's train step — the function tf.js's `fitLoop` calls once per batch (the forward and
 * backward pass and the optimizer's update) — is timed by wrapping the model's
 * `makeTrainFunction`, identically in both arms. GC pauses that fall inside a step are taken out
 * of it: they count as measured, not as host speed (provml's allocations could cause them).
 * Everything else — tf.js's batch slicing and bookkeeping, every callback (provml's), the awaited
 * turns, GC outside the steps — lies outside the steps and counts as measured. A step's own
 * slowdown that provml causes counts when it shifts the run's 20th percentile.
 *
 * @module
 */

import { runTiming, type RunTiming } from './exp1-stats.js';

/** A model whose train function can be wrapped (tf.js `LayersModel`; a `Sequential` has it as `.model`). */
interface TrainFunctionMaker {
  makeTrainFunction(): (data: unknown) => unknown;
}

/**
 * Train-step times of the current fit.
 *
 * @example
 * ```ts
 * const steps = new StepTimer(100_000);
 * steps.attach(model); steps.reset(); await model.fit(...);
 * const t = steps.timing(wallMs, gcPauses, runQueueMs); // t.fullSpeedMs
 * ```
 */
export class StepTimer {
  readonly #start: Float64Array;
  readonly #end: Float64Array;
  #n = 0;

  constructor(max: number) {
    this.#start = new Float64Array(max);
    this.#end = new Float64Array(max);
  }

  /** Time every train step of `model`'s next fits. */
  attach(model: object): void {
    const inner = ((model as { model?: unknown }).model ?? model) as TrainFunctionMaker;
    const make = inner.makeTrainFunction.bind(inner);
    inner.makeTrainFunction = () => {
      const f = make();
      return (data: unknown) => {
        const i = this.#n;
        if (i < this.#start.length) this.#start[i] = performance.now();
        const out = f(data);
        if (i < this.#end.length) this.#end[i] = performance.now();
        this.#n = i + 1;
        return out;
      };
    };
  }

  reset(): void {
    this.#n = 0;
  }

  /** Steps timed since the last reset. */
  get count(): number {
    return Math.min(this.#n, this.#start.length);
  }

  /**
   * The fit's timing (runTiming) from its wall time, the GC pauses seen (`[start, end]`,
   * performance.now() ms) and the training thread's run-queue wait; each step without the GC
   * time inside it.
   */
  timing(wallMs: number, gc: ReadonlyArray<readonly [number, number]>, runQueueMs: number): RunTiming {
    const n = this.count;
    const pure = new Float64Array(n);
    const g = [...gc].sort((a, b) => a[0] - b[0]);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const s = this.#start[i]!;
      const e = this.#end[i]!;
      while (k < g.length && g[k]![1] <= s) k++;
      let inside = 0;
      for (let j = k; j < g.length && g[j]![0] < e; j++) inside += Math.max(0, Math.min(g[j]![1], e) - Math.max(g[j]![0], s));
      pure[i] = e - s - inside;
    }
    return runTiming(wallMs, 0, pure, runQueueMs);
  }
}
