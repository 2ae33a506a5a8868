import type { Bindings, SparqlEndpoint } from '../store/endpoint.js';
import { boundQuery, type Binding, type MonitorTemplate } from './monitor-queries.js';
import { iriTerm, termNumber } from './sparql.js';

/**
 * The live monitor: a compact picture of one run — header, current stage/epoch/batch, the loss
 * curve, batch times, the last evaluation and how far the captured events lag behind the clock —
 * from a handful of run-anchored queries (see monitor-queries.ts), cheap enough to refresh every
 * second while the training writes into the same store.
 */

/**
 * Options of {@link createMonitor} and {@link monitorSnapshot}.
 *
 * @example
 * ```ts
 * const options: MonitorOptions = { measure: 'val_loss', recentBatches: 50 };
 * ```
 */
export interface MonitorOptions {
  /** The measure whose per-epoch values make {@link MonitorSnapshot.lossPerEpoch} (default `'loss'`). */
  measure?: string;
  /** How many of the most recently started batches (current and previous epoch) the batch-time statistics cover (default 100). */
  recentBatches?: number;
  /** The clock, in ms since the epoch (default `Date.now`); tests pin it. */
  now?: () => number;
}

/**
 * Batch durations in milliseconds (`provml:durationMs`, else end − start) over recent finished batches.
 *
 * @example
 * ```ts
 * const t: BatchTimeStats = { count: 3, mean: 12, min: 10, max: 15, p50: 11, p95: 15 };
 * ```
 */
export interface BatchTimeStats {
  count: number;
  mean: number;
  min: number;
  max: number;
  /** Median (nearest rank). */
  p50: number;
  /** 95th percentile (nearest rank). */
  p95: number;
}

/**
 * What the monitor sees of a run at one moment.
 *
 * @example
 * ```ts
 * const s: MonitorSnapshot | undefined = await monitorSnapshot(endpoint, run);
 * if (s) console.log(s.workflow, s.epoch.current, s.lossPerEpoch.at(-1), s.finished);
 * ```
 */
export interface MonitorSnapshot {
  /** The run's IRI. */
  run: string;
  /** Name of the workflow the run executes. */
  workflow?: string;
  /** `completed` or `failed` once the run has ended; absent while it runs. */
  status?: string;
  /** `prov:startedAtTime` of the run (ISO text as stored). */
  startedAt: string;
  /** `prov:endedAtTime` of the run, once it has ended. */
  endedAt?: string;
  /** True once the run has an end time or a status. */
  finished: boolean;
  /** From start to end, or to now while the run is going (ms). */
  elapsedMs: number;
  /** Stage type (`training`, `validation`, `testing`) of the most recently started learning stage. */
  stage?: string;
  /**
   * Epochs of the most recently started stage that has epochs: index of the most recently
   * started one, how many have ended, and the type of the learning stage they belong to, named
   * like {@link stage} (absent when the epochs belong to the run itself). That stage is not always
   * {@link stage}: once a training ends and a validation without epochs starts, `stage` is
   * `validation` and `epoch.stage` is `training`.
   */
  epoch: { current?: number; completed: number; stage?: string };
  /**
   * Batches: the highest batch index started in the current epoch (the batch in progress, or the
   * last one), how many of its batches have ended, and how many batches of the whole run have ended.
   */
  batch: { current?: number; completedInEpoch: number; completed: number };
  /** The measure {@link lossPerEpoch} holds (default `'loss'`). */
  measure: string;
  /** Values of {@link measure} per epoch (epochs of the current epoch stage with that measure, by index). */
  lossPerEpoch: number[];
  /** Durations of recent finished batches; absent before the first batch ends. */
  batchTime?: BatchTimeStats;
  /** Measures of the most recently started epoch that has any (name → value). */
  lastEvaluation: Record<string, number>;
  /** Index of the epoch {@link lastEvaluation} comes from. */
  lastEvaluationEpoch?: number;
  /** The newest start or end time captured in the run. */
  lastEventAt?: string;
  /**
   * Now minus {@link lastEventAt} (ms): how far behind the clock the captured events are. Only a
   * lag while the run is going; once it has {@link finished}, it is merely the time since its last
   * event (`provml monitor` does not show it then).
   */
  lagMs?: number;
  /** When the snapshot was taken (ISO). */
  takenAt: string;
}

/**
 * A monitor of one run: call {@link Monitor.snapshot} as often as you like. It remembers batch
 * counts of epochs that have ended, so each refresh only counts the batches of open epochs.
 *
 * @example
 * ```ts
 * const monitor = createMonitor(endpoint, run, { measure: 'loss' });
 * const s = await monitor.snapshot();
 * ```
 */
export interface Monitor {
  /** The run's IRI. */
  readonly run: string;
  /** The run now; `undefined` when the store knows no workflow execution with that IRI (yet). */
  snapshot(): Promise<MonitorSnapshot | undefined>;
}

interface EpochRow {
  iri: string;
  stage: string;
  index: number;
  start: string;
  end?: string;
}

interface BatchCount {
  batches: number;
  done: number;
  last?: number;
}

/**
 * A {@link Monitor} of `run` on `endpoint` (any SPARQL store whose default graph is the union of
 * the run graphs: the embedded store, `provml serve`, Virtuoso). Throws a `TypeError` for an
 * invalid IRI.
 *
 * @example
 * ```ts
 * import { createMonitor } from 'provml/query';
 *
 * const monitor = createMonitor(prov.store!, run);
 * setInterval(async () => {
 *   const s = await monitor.snapshot();
 *   if (s) console.log(`epoch ${s.epoch.current} loss ${s.lossPerEpoch.at(-1)} lag ${s.lagMs} ms`);
 * }, 1000);
 * ```
 */
export function createMonitor(endpoint: SparqlEndpoint, run: string, options: MonitorOptions = {}): Monitor {
  const runTerm = iriTerm(run, 'run IRI');
  const measure = options.measure ?? 'loss';
  const recent = options.recentBatches ?? 100;
  if (!Number.isSafeInteger(recent) || recent < 1) throw new TypeError(`provml: recentBatches must be a positive integer, got ${recent}`);
  const now = options.now ?? Date.now;
  const ended = new Map<string, BatchCount>(); // batch counts of epochs that had ended when counted

  const select = (name: MonitorTemplate, extra: Omit<Binding, 'run'> = {}): Promise<Bindings[]> =>
    endpoint.select(boundQuery(name, { run: runTerm, ...extra }));

  async function snapshot(): Promise<MonitorSnapshot | undefined> {
    const [header, lastChild, epochRows, measureRows] = await Promise.all([
      select('header'),
      select('lastChildEvent'),
      select('epochs'),
      select('epochMeasures'),
    ]);
    const first = header[0];
    if (first?.start === undefined) return undefined;
    const times: string[] = [];
    const note = (t: string | undefined) => {
      if (t !== undefined) times.push(t);
    };

    // Stages, newest start last.
    const stages = new Map<string, { start: string; type?: string }>();
    for (const r of header) {
      note(r.stageStart?.value);
      note(r.stageEnd?.value);
      if (r.stage && r.stageStart) stages.set(r.stage.value, { start: r.stageStart.value, ...(r.stageType ? { type: stageTypeName(r.stageType.value) } : {}) });
    }
    const stageOrder = [...stages].sort((a, b) => byTime(a[1].start, b[1].start));
    const currentStage = stageOrder.at(-1);

    // Epochs, by stage; the epoch stage is the most recently started stage that has epochs.
    const epochs: EpochRow[] = [];
    for (const r of epochRows) {
      if (!r.epoch || !r.stage || !r.start) continue;
      const index = termNumber(r.index);
      if (index === undefined) continue;
      epochs.push({ iri: r.epoch.value, stage: r.stage.value, index, start: r.start.value, ...(r.end ? { end: r.end.value } : {}) });
      note(r.start.value);
      note(r.end?.value);
    }
    epochs.sort((a, b) => byTime(a.start, b.start) || a.index - b.index);
    const stageStart = (iri: string) => stages.get(iri)?.start ?? '';
    let epochStage: string | undefined;
    for (const e of epochs) if (epochStage === undefined || byTime(stageStart(e.stage), stageStart(epochStage)) >= 0) epochStage = e.stage;
    const stageEpochs = epochs.filter((e) => e.stage === epochStage);
    const epochStageInfo = epochStage === undefined ? undefined : stages.get(epochStage);
    const epochStageType = epochStageInfo === undefined ? undefined : (epochStageInfo.type ?? 'stage'); // named like `stage`
    const current = stageEpochs.at(-1);
    const previous = stageEpochs.at(-2);

    // Measures per epoch.
    const measures = new Map<string, Record<string, number>>();
    for (const r of measureRows) {
      const value = termNumber(r.value);
      if (!r.epoch || !r.name || value === undefined) continue;
      let m = measures.get(r.epoch.value);
      if (!m) measures.set(r.epoch.value, (m = {}));
      m[r.name.value] = value;
    }
    const lossPerEpoch = [...stageEpochs]
      .sort((a, b) => a.index - b.index)
      .map((e) => measures.get(e.iri)?.[measure])
      .filter((v): v is number => v !== undefined);
    const evaluated = epochs.filter((e) => measures.has(e.iri)).at(-1);

    // Batches: counts of open (and not yet counted) epochs, details of the two newest.
    const toCount = epochs.filter((e) => !ended.has(e.iri)).map((e) => e.iri);
    const recentEpochs = [current, previous].filter((e): e is EpochRow => e !== undefined).map((e) => e.iri);
    const [countRows, batchRows] = await Promise.all([
      toCount.length > 0 ? select('batchCounts', { epochs: toCount }) : Promise.resolve([]),
      recentEpochs.length > 0 ? select('recentBatches', { epochs: recentEpochs, limit: recent }) : Promise.resolve([]),
    ]);
    const counts = new Map<string, BatchCount>(ended);
    const endedEpochs = new Set(epochs.filter((e) => e.end !== undefined).map((e) => e.iri));
    for (const r of countRows) {
      if (!r.epoch) continue;
      const last = termNumber(r.last);
      const c: BatchCount = { batches: termNumber(r.batches) ?? 0, done: termNumber(r.done) ?? 0, ...(last !== undefined ? { last } : {}) };
      counts.set(r.epoch.value, c);
      if (endedEpochs.has(r.epoch.value)) ended.set(r.epoch.value, c);
    }
    let completed = 0;
    for (const e of epochs) completed += counts.get(e.iri)?.done ?? 0;
    const durations: number[] = [];
    for (const r of batchRows) {
      note(r.start?.value);
      note(r.end?.value);
      const d = termNumber(r.duration) ?? (r.start && r.end ? Date.parse(r.end.value) - Date.parse(r.start.value) : undefined);
      if (r.end && d !== undefined && Number.isFinite(d)) durations.push(d);
    }
    const currentCount = current ? counts.get(current.iri) : undefined;

    note(first.start.value);
    note(first.end?.value);
    note(lastChild[0]?.last?.value);
    const lastEventAt = latest(times);
    const t = now();
    const startedMs = Date.parse(first.start.value);
    const endMs = first.end ? Date.parse(first.end.value) : t;
    return {
      run,
      ...(first.workflow ? { workflow: first.workflow.value } : {}),
      ...(first.status ? { status: first.status.value } : {}),
      startedAt: first.start.value,
      ...(first.end ? { endedAt: first.end.value } : {}),
      finished: first.end !== undefined || first.status !== undefined,
      elapsedMs: Math.max(0, endMs - startedMs),
      ...(currentStage ? { stage: currentStage[1].type ?? 'stage' } : {}),
      epoch: {
        ...(current ? { current: current.index } : {}),
        completed: stageEpochs.filter((e) => e.end !== undefined).length,
        ...(epochStageType !== undefined ? { stage: epochStageType } : {}),
      },
      batch: {
        ...(currentCount?.last !== undefined ? { current: currentCount.last } : {}),
        completedInEpoch: currentCount?.done ?? 0,
        completed,
      },
      measure,
      lossPerEpoch,
      ...(durations.length > 0 ? { batchTime: batchTimeStats(durations) } : {}),
      lastEvaluation: evaluated ? { ...measures.get(evaluated.iri) } : {},
      ...(evaluated ? { lastEvaluationEpoch: evaluated.index } : {}),
      ...(lastEventAt !== undefined ? { lastEventAt, lagMs: Math.max(0, t - Date.parse(lastEventAt)) } : {}),
      takenAt: new Date(t).toISOString(),
    };
  }

  return { run, snapshot };
}

/**
 * One {@link MonitorSnapshot} of `run`: `undefined` when the store has no workflow execution with
 * that IRI (yet). For repeated refreshes use {@link createMonitor}, which counts finished epochs'
 * batches only once.
 *
 * @example
 * ```ts
 * import { monitorSnapshot } from 'provml/query';
 *
 * await prov.flush();
 * const s = await monitorSnapshot(prov.store!, run);
 * console.log(s?.finished, s?.epoch, s?.lossPerEpoch);
 * ```
 */
export function monitorSnapshot(endpoint: SparqlEndpoint, run: string, options: MonitorOptions = {}): Promise<MonitorSnapshot | undefined> {
  return createMonitor(endpoint, run, options).snapshot();
}

/**
 * Count, mean, min, max and nearest-rank p50/p95 of a list of durations (all zero when empty).
 *
 * @example
 * ```ts
 * batchTimeStats([10, 20, 30]); // { count: 3, mean: 20, min: 10, max: 30, p50: 20, p95: 30 }
 * ```
 */
export function batchTimeStats(durations: readonly number[]): BatchTimeStats {
  if (durations.length === 0) return { count: 0, mean: 0, min: 0, max: 0, p50: 0, p95: 0 };
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return {
    count: sorted.length,
    mean: sorted.reduce((s, d) => s + d, 0) / sorted.length,
    min: sorted[0]!,
    max: sorted.at(-1)!,
    p50: rank(0.5),
    p95: rank(0.95),
  };
}

/** `training` from `provml:Training`. */
function stageTypeName(iri: string): string {
  return iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1).toLowerCase();
}

function byTime(a: string, b: string): number {
  return (Date.parse(a) || 0) - (Date.parse(b) || 0);
}

function latest(times: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const t of times) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms) && ms > bestMs) (best = t), (bestMs = ms);
  }
  return best;
}
