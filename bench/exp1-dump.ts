/**
 * Reads the per-batch timing an Experiment 1 run wrote (`BENCH_EXP1_DUMP=file npm run
 * bench:ingest`) and prints, per setting, the median over pairs of:
 *
 * - the goal's figure again (overhead at full host speed, each run at its own nominal `work()` time);
 * - the same with every run's work at ONE common nominal, the baseline runs' median: a diagnostic
 *   that removes the noise of each run's own nominal (it moves with the host's phase), but would
 *   also hide a slowdown of `work()` itself that provml caused, so it is never the goal's figure;
 * - what provml adds between two `work()` calls, per batch (mean and median gap, over the baseline
 *   runs on either side).
 *
 * Run: `npx tsx bench/exp1-dump.ts /tmp/dump.jsonl`. The last stdout line is one JSON object.
 */

import { readFileSync } from 'node:fs';
import { baselinesAround, pairedOverheads, type OrderedRun, type RunTiming } from './lib/exp1-stats.js';
import { median, round } from './lib/stats.js';

interface DumpLine extends RunTiming {
  key: string;
  k: number;
  /** Each batch's `work()` start (ms from the run's start) and duration. */
  at: number[];
  work: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/exp1-dump.ts <file written by BENCH_EXP1_DUMP>');
const runs = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l, i) => {
    try {
      return JSON.parse(l) as DumpLine;
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not a JSON line (${(err as Error).message})`);
    }
  })
  .filter((r) => r.k >= 0 && r.key !== 'plain'); // the warm-up runs and the undecorated copy are not paired
const base = (r: DumpLine) => r.key === 'off';
const ordered = (t: (r: DumpLine) => RunTiming): OrderedRun[] => runs.map((r) => ({ key: base(r) ? 'base' : r.key, t: t(r) }));

// The goal's figure, and the same at one common nominal.
const nominal = median(runs.filter(base).map((r) => r.nominalMs));
const own = pairedOverheads(ordered((r) => r)).fullSpeed;
const common = pairedOverheads(ordered((r) => ({ ...r, fullSpeedMs: r.wallMs - r.workMs + r.work.length * nominal + r.runQueueMs }))).fullSpeed;

// The gap between two work() calls, per batch: what lies outside the training's own work.
const gaps = (r: DumpLine) => {
  const g: number[] = [];
  for (let i = 0; i + 1 < r.work.length; i++) g.push(1000 * (r.at[i + 1]! - r.at[i]! - r.work[i]!));
  return { mean: g.reduce((a, b) => a + b, 0) / g.length, median: median(g) };
};
const runGaps = runs.map(gaps);
const seq = ordered((r) => r);
/** Per setting, each run's gap (µs) minus the mean of the baseline runs on either side. */
const gapAdded = (f: 'mean' | 'median') => {
  const g = runGaps.map((x) => x[f]);
  const out = new Map<string, number[]>();
  for (let j = 0; j < seq.length; j++) {
    const around = seq[j]!.key === 'base' ? [] : baselinesAround(seq, j);
    if (around.length) out.set(seq[j]!.key, [...(out.get(seq[j]!.key) ?? []), g[j]! - around.reduce((s, k) => s + g[k]!, 0) / around.length]);
  }
  return out;
};
const keys = [...own.keys()];
const gapMean = gapAdded('mean');
const gapMedian = gapAdded('median');
console.error(`${file}: ${runs.length} runs, common nominal ${nominal.toFixed(4)} ms`);
console.error('setting  goal figure  at one common nominal (pairs)                     gap added: mean / median per batch');
for (const k of keys) {
  const c = common.get(k)!;
  console.error(`${k.padEnd(8)} ${median(own.get(k)!).toFixed(2).padStart(8)} %  ${median(c).toFixed(2).padStart(6)} % (${c.map((x) => x.toFixed(2)).join(' ')})`.padEnd(80) + `+${median(gapMean.get(k)!).toFixed(1)} / +${median(gapMedian.get(k)!).toFixed(1)} µs`);
}
const obj = (m: Map<string, number[]>, d: number) => Object.fromEntries(keys.map((k) => [k, round(median(m.get(k)!), d)]));
console.log(JSON.stringify({ file, runs: runs.length, common_nominal_ms: round(nominal, 4), overhead_pct: obj(own, 2), overhead_common_nominal_pct: obj(common, 2), gap_added_mean_us: obj(gapMean, 1), gap_added_median_us: obj(gapMedian, 1) }));
