/**
 * Experiment 1 figures that survive this machine's host (bench/ingest.bench.ts, phase 4).
 *
 * The VM this runs on changes speed under us: for seconds at a time the same `work()` call takes
 * 1.3–1.6× its usual time (seen with a single thread on an otherwise idle machine; the guest sees
 * no steal time and no run-queue wait, so it is the host, not our processes). Identical baseline
 * runs then differ by ±5–20 % — far above the 0.5 % to be resolved. Two figures per run:
 *
 * - **raw**: the wall time, training + final `flush()`, exactly as a user would time it.
 * - **at full host speed**: the same wall time with each batch's own `work()` counted at the run's
 *   unthrottled per-batch time (its 20th-percentile `work()` time) instead of its measured time,
 *   plus the training thread's run-queue wait (time our own threads — the provenance worker,
 *   Virtuoso — kept it off a core: when that falls inside a `work()` call it would otherwise be
 *   taken for the host; when it falls outside, it is counted twice, which errs against provml). Everything provml does on the training's thread — capture, hand-off,
 *   the extra cost of every awaited turn, garbage collection, the final flush — lies outside
 *   `work()` and counts as measured. A slowdown of `work()` itself that provml causes counts when
 *   it shifts the run's 20th percentile (cache or memory-bandwidth pressure on every batch); one
 *   that hits fewer than 80 % of the batches would be taken for the host, so the share of slow
 *   batches is reported per setting beside the baseline's, to show there is none.
 *
 * Both subjects (decorated and not) time `work()` the same way (bench/lib/ingest-subjects.ts).
 *
 * @module
 */

import { readFileSync } from 'node:fs';

/** A batch is "slow" (taken for the host's) when its `work()` takes this × the run's nominal. */
const SLOW = 1.2;
/** The run's nominal per-batch `work()` time: this quantile of its batches. */
const NOMINAL_Q = 0.2;

/** Run-queue wait of this process's main thread so far, in ms (Linux schedstat; NaN elsewhere). */
export function mainThreadRunQueueMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** One Experiment 1 run's timing. */
export interface RunTiming {
  /** Training + final flush, as measured. */
  wallMs: number;
  /** Of which the final `flush()`. */
  flushMs: number;
  /** Σ of every batch's `work()` time. */
  workMs: number;
  /** The run's unthrottled per-batch `work()` time (its 20th percentile). */
  nominalMs: number;
  batches: number;
  /** Time the training thread waited for a core (schedstat), during the run. */
  runQueueMs: number;
  /** Share of batches whose `work()` took ≥ 1.2× the nominal (the host's slow phases). */
  slowShare: number;
  /** Wall time at full host speed (see the module comment). */
  fullSpeedMs: number;
}

/**
 * The timing of one run from its wall clock and per-batch `work()` times.
 *
 * @example
 * ```ts
 * const t = runTiming(20_512, 31, WORK_MS, 0.4); // t.fullSpeedMs, t.slowShare
 * ```
 */
export function runTiming(wallMs: number, flushMs: number, work: Float64Array, runQueueMs: number): RunTiming {
  const sorted = Float64Array.from(work).sort();
  const nominalMs = sorted[Math.floor(sorted.length * NOMINAL_Q)] ?? 0;
  let workMs = 0;
  let slow = 0;
  for (let i = 0; i < work.length; i++) {
    workMs += work[i]!;
    if (work[i]! >= SLOW * nominalMs) slow++;
  }
  const rq = Number.isFinite(runQueueMs) ? Math.max(0, runQueueMs) : 0;
  return {
    wallMs,
    flushMs,
    workMs,
    nominalMs,
    batches: work.length,
    runQueueMs: rq,
    slowShare: work.length ? slow / work.length : 0,
    fullSpeedMs: wallMs - workMs + work.length * nominalMs + rq,
  };
}

/** A run in the order it ran: `key` is `'base'` for the baseline, else the setting's key. */
export interface OrderedRun {
  key: string;
  t: RunTiming;
}

/** Per-setting overheads of {@link pairedOverheads}: one value per run of the setting. */
export interface PairedOverheads {
  raw: Map<string, number[]>;
  fullSpeed: Map<string, number[]>;
}

/**
 * Indexes of the baseline runs (`key` `'base'`) nearest before and after run `j`: the one or two
 * a setting run is compared with.
 *
 * @example
 * ```ts
 * const pair = baselinesAround(runs, 3).map((k) => runs[k]!.t); // the baselines either side of run 3
 * ```
 */
export function baselinesAround(runs: readonly { key: string }[], j: number): number[] {
  const out: number[] = [];
  for (let k = j - 1; k >= 0; k--) {
    if (runs[k]!.key === 'base') {
      out.push(k);
      break;
    }
  }
  for (let k = j + 1; k < runs.length; k++) {
    if (runs[k]!.key === 'base') {
      out.push(k);
      break;
    }
  }
  return out;
}

/**
 * Each setting run against the baseline runs right before and after it (their mean; one of them
 * at the ends of the sequence), as % over that baseline, raw and at full host speed. A drift of
 * the machine over minutes then cancels; what a pair still differs by is the run-to-run noise.
 *
 * @example
 * ```ts
 * const { raw, fullSpeed } = pairedOverheads(runs); // median(fullSpeed.get('A')!)
 * ```
 */
export function pairedOverheads(runs: readonly OrderedRun[]): PairedOverheads {
  const raw = new Map<string, number[]>();
  const fullSpeed = new Map<string, number[]>();
  for (let j = 0; j < runs.length; j++) {
    const r = runs[j]!;
    if (r.key === 'base') continue;
    const around = baselinesAround(runs, j).map((k) => runs[k]!.t);
    if (around.length === 0) continue;
    const mean = (f: (t: RunTiming) => number) => around.reduce((s, t) => s + f(t), 0) / around.length;
    const push = (m: Map<string, number[]>, v: number) => m.set(r.key, [...(m.get(r.key) ?? []), v]);
    push(raw, (100 * (r.t.wallMs - mean((t) => t.wallMs))) / mean((t) => t.wallMs));
    push(fullSpeed, (100 * (r.t.fullSpeedMs - mean((t) => t.fullSpeedMs))) / mean((t) => t.fullSpeedMs));
  }
  return { raw, fullSpeed };
}
