/**
 * Capture benchmark: what provml costs the program it observes, now that everything after capture
 * (record, serialize, journal, sinks and the embedded Oxigraph store) runs in a worker thread.
 *
 * Configurations, each measured in its own phase against an undecorated baseline interleaved in
 * that phase (order rotated every round):
 *   worker        `ProvML.init()` — the default: worker pipeline, embedded store in the worker
 *   main-thread   `ProvML.init({ thread: 'main' })` — the old in-thread design, for comparison
 *   http          `ProvML.init({ endpoint })` → `provml serve` in a separate child process (worker)
 *   http-main     the same endpoint with `thread: 'main'`
 *   otel          one OpenTelemetry span per call (BatchSpanProcessor, no-op exporter), child of an
 *                 active parent span — in a phase of its own before any tracker exists, and also
 *                 interleaved in the worker and http phases (a ratio under the same machine load)
 *   discard       `@Batch` with an emitter that drops events (capture's hot path alone)
 *
 * Per round of ROUND_CALLS calls of `step(i)` (`@Batch({ measures: ['loss'] })`, inside a real
 * workflow → stage → epoch frame; plain rounds call the same body undecorated):
 *   hot     wall time of the synchronous loop alone (encoding and any `postMessage` of a full chunk
 *           happen in it; so does a back-pressure wait)
 *   hot CPU the main thread's CPU time for that loop (immune to being descheduled on a loaded machine)
 *   total   the loop, plus the main thread's event-loop *active* time (`performance.
 *           eventLoopUtilization()`) after it until the pipeline has settled everything the round
 *           emitted: one event-loop turn, then `await tracker.flush()` (OTel: `forceFlush()`).
 *           Everything the calls left on the user's thread is in it — encoding, postMessage,
 *           timers, message handling, back-pressure waits (Atomics.wait counts as active), and with
 *           `thread: 'main'` recording and Oxigraph — while waiting idle for the worker's answer is not.
 *   cpu     CPU time of the main thread alone over the same window (/proc/self/task/<pid>/schedstat,
 *           see lib/thread-cpu.ts; Node 20 has no process.threadCpuUsage())
 *   worker  CPU time of the threads `ProvML.init()` started (the worker) over the same window
 *   other   CPU time of every other thread of the process (process.cpuUsage() − main − worker):
 *           V8's GC/compiler helper threads, which every isolate shares — the concurrent marking
 *           of the worker's (or, in-thread, the main) isolate that holds Oxigraph lands here
 * hot, hot CPU and total are medians over rounds; cpu and worker are means (the per-call total,
 * occasional GCs included). Overheads are these minus the plain rounds' figure of the same phase.
 * The flush after every round paces the producer at the pipeline's speed, as a real training step
 * (milliseconds, not nanoseconds) would; its fixed cost is paid by the plain rounds too and cancels.
 * While a round waits idle for the worker, the tracker's 50 ms hand-off timer wakes the user's
 * thread; those wake-ups are a cost per second, not per call (a busy program does not wake for
 * them), so `total` and `cpu` leave them out — at the idle rate measured in the same phase with the
 * tracker alive and no events — and both are also reported with them, with the idle rate.
 *
 * End to end: E2E_CALLS calls (no pacing: a turn every E2E_CHUNK calls) → `await flush()` → a
 * SPARQL COUNT through the tracker's store (or the server) checks that every batch execution is
 * there, with start and end. Baseline: Oxigraph's own `store.load()`, in this thread, of the very
 * N-Quads the pipeline stored (`WorkerStore.dump()`), per pipeline batch and in one shot.
 * (f) await cost: trivial awaits with no provml loaded vs inside a provml frame (an active
 * AsyncLocalStorage makes every await in the program dearer).
 *
 * Human-readable tables go to stderr; the last stdout line is one JSON object.
 * Run: `npm run bench:capture` (BENCH_QUICK=1 for a short smoke run).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fmtNs, fmtRate, mean, median, percentile, round, table, yieldTurn, collect } from './lib/stats.js';
import { exactMainThreadCpuNs, threadCpuAvailable, threadIds, ThreadSet } from './lib/thread-cpu.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUND_CALLS = 1000; // calls per timed round (2000 events)
const WARMUP_ROUNDS = QUICK ? 8 : 20;
const ROUNDS = QUICK ? 15 : 40;
const E2E_CALLS = QUICK ? 10_000 : 50_000; // 2 events per call
const E2E_CHUNK = 1000; // calls between event-loop turns in the end-to-end runs
const AWAIT_STEPS = QUICK ? 50_000 : 200_000; // per (f) round
const AWAIT_ROUNDS = QUICK ? 3 : 5;
const BATCH_EVENTS = 512; // the default batchSize
const root = resolve(import.meta.dirname, '..');

let sink = 0; // every result flows here, so no loop body is dead code

// ---------------------------------------------------------------------------------------------
// (f) part 1: trivial awaits before anything that could enable an AsyncLocalStorage is loaded

async function inc(i: number): Promise<number> {
  return i & 1;
}

async function awaitResolvedLoop(n: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    await Promise.resolve();
    acc++;
  }
  return acc;
}

async function awaitAsyncFnLoop(n: number): Promise<number> {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += await inc(i);
  return acc;
}

interface AwaitCost {
  resolved: number;
  asyncFn: number;
}

async function measureAwaits(): Promise<AwaitCost> {
  const r: number[] = [];
  const f: number[] = [];
  sink += await awaitResolvedLoop(AWAIT_STEPS); // warm-up
  sink += await awaitAsyncFnLoop(AWAIT_STEPS);
  for (let k = 0; k < AWAIT_ROUNDS; k++) {
    let t0 = performance.now();
    sink += await awaitResolvedLoop(AWAIT_STEPS);
    r.push(((performance.now() - t0) * 1e6) / AWAIT_STEPS);
    t0 = performance.now();
    sink += await awaitAsyncFnLoop(AWAIT_STEPS);
    f.push(((performance.now() - t0) * 1e6) / AWAIT_STEPS);
  }
  return { resolved: median(r), asyncFn: median(f) };
}

const t00 = performance.now();
const awaitPlain = await measureAwaits();

// ---------------------------------------------------------------------------------------------
// Everything else is loaded only now.

const { BenchTrainer, ProvML } = await import('./lib/subjects.js');
type Trainer = InstanceType<typeof BenchTrainer>;
type Tracker = import('../src/tracker.js').ProvML;
type ProvMLOptions = import('../src/tracker.js').ProvMLOptions;
type SparqlEndpoint = import('../src/store/endpoint.js').SparqlEndpoint;
type WorkerStore = import('../src/worker/store.js').WorkerStore;
type CaptureEvent = import('../src/capture/index.js').CaptureEvent;
const { setDefaultEmitter } = await import('../src/capture/index.js');
const { Recorder } = await import('../src/record/recorder.js');
const { toNQuads, parseNQuads } = await import('../src/transport/sink.js');
const { HttpSparqlEndpoint } = await import('../src/store/http.js');
const { procCpuMs, startServe, stopServe } = await import('./lib/serve-child.js');
const oxigraph = await import('oxigraph');
const otelApi = await import('@opentelemetry/api');
const otelSdk = await import('@opentelemetry/sdk-trace-base');

// OpenTelemetry: BatchSpanProcessor, exporter that succeeds at once.
let otelExported = 0;
const noopExporter = {
  export(spans: unknown[], done: (r: { code: number }) => void): void {
    otelExported += spans.length;
    done({ code: 0 }); // ExportResultCode.SUCCESS
  },
  async shutdown(): Promise<void> {},
  async forceFlush(): Promise<void> {},
};
const bsp = new otelSdk.BatchSpanProcessor(noopExporter as never);
const provider = new otelSdk.BasicTracerProvider({ spanProcessors: [bsp] });
const tracer = provider.getTracer('capture-bench');
const otelParent = tracer.startSpan('epoch');
const otelCtx = otelApi.trace.setSpan(otelApi.context.active(), otelParent);
let otelStarted = 0;

function otelStep(t: Trainer, i: number): { loss: number } {
  const span = tracer.startSpan('batch', {}, otelCtx);
  const r = t.plainStep(i);
  span.setAttribute('loss', r.loss);
  span.end();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Timed rounds

type Variant = 'plain' | 'provml' | 'otel';

interface RoundSamples {
  hot: number[]; // ns per call: the synchronous loop
  hotCpu: number[]; // ns per call: main-thread CPU of the synchronous loop
  total: number[]; // ns per call: event-loop active time, loop → pipeline settled
  cpu: number[]; // ns per call: main-thread CPU, round start → settled
  worker: number[]; // ns per call: CPU of the tracker's own threads, same window
  other: number[]; // ns per call: CPU of every other thread of the process (V8's GC/compiler helpers, libuv), same window
  totalRaw: number[]; // `total` before the idle wake-ups are taken out
  cpuRaw: number[]; // `cpu` before the idle wake-ups are taken out
  idleMs: number[]; // ms per round the event loop sat idle waiting for the pipeline
}

/**
 * What the user's thread spends while it merely *waits* (event loop idle, a tracker alive, no
 * events): timer wake-ups, per ms of idle time. While a round waits for the worker to settle it,
 * the hand-off timer wakes the idle thread every 50 ms; under load those wake-ups cost tens of µs
 * each, and the waits grow with the load, so they are taken out of the per-call figures (and
 * reported apart, per second): a program that is busy between its calls does not pay them.
 */
interface IdleRates {
  activeMsPerIdleMs: number;
  cpuNsPerIdleMs: number;
  cpuUsPerS: number; // main-thread CPU per second of wall time, idle
}

/** One idle wait of `ms`: main-thread CPU and event-loop active/idle time. */
async function idleSample(ms: number): Promise<{ cpuNs: number; active: number; idle: number; wall: number }> {
  const c0 = exactMainThreadCpuNs();
  const t0 = performance.now();
  const e0 = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, ms));
  const e = performance.eventLoopUtilization(e0);
  const wall = performance.now() - t0;
  return { cpuNs: exactMainThreadCpuNs() - c0, active: e.active, idle: e.idle, wall };
}

/** Idle rates from a short and a long wait (their difference cancels the fixed cost of measuring). */
async function measureIdle(ms: number): Promise<IdleRates> {
  const a = await idleSample(ms / 4);
  const b = await idleSample(ms);
  const idle = b.idle - a.idle;
  return {
    activeMsPerIdleMs: Math.max(0, (b.active - a.active) / idle),
    cpuNsPerIdleMs: Math.max(0, (b.cpuNs - a.cpuNs) / idle),
    cpuUsPerS: Math.max(0, (b.cpuNs - a.cpuNs) / 1e3 / ((b.wall - a.wall) / 1000)),
  };
}
/** CPU time of every thread of this process, ns (getrusage: exact for running threads too). */
function processCpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

const IDLE_MS = QUICK ? 500 : 1500;

interface RoundStats {
  hot: number;
  hotCpu: number;
  total: number;
  cpu: number;
  worker: number;
  other: number;
  totalRaw: number;
  cpuRaw: number;
  idleMs: number;
  idle: IdleRates;
  p10: number;
  p90: number;
  maxHot: number;
}

function runRound(t: Trainer, v: Variant, base: number): number {
  let acc = 0;
  if (v === 'plain') for (let i = base; i < base + ROUND_CALLS; i++) acc += t.plainStep(i).loss;
  else if (v === 'provml') for (let i = base; i < base + ROUND_CALLS; i++) acc += t.step(i).loss;
  else {
    for (let i = base; i < base + ROUND_CALLS; i++) acc += otelStep(t, i).loss;
    otelStarted += ROUND_CALLS;
  }
  return acc;
}

/**
 * Interleaved rounds of the given variants (order rotated each round); medians per variant.
 * `settle` waits until the system under test has dealt with everything the round produced.
 */
async function measureRounds(t: Trainer, variants: Variant[], settle: () => Promise<void>, own?: ThreadSet): Promise<Record<string, RoundStats>> {
  const idle = await measureIdle(IDLE_MS);
  const samples = new Map<Variant, RoundSamples>(variants.map((v) => [v, { hot: [], hotCpu: [], total: [], cpu: [], worker: [], other: [], totalRaw: [], cpuRaw: [], idleMs: [] }]));
  let base = 0;
  for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(r + k) % variants.length]!;
      const w0 = own ? own.cpuNs() : 0;
      const p0 = processCpuNs();
      const c0 = exactMainThreadCpuNs();
      const t0 = performance.now();
      sink += runRound(t, v, base);
      const t1 = performance.now();
      const ch = exactMainThreadCpuNs();
      // The synchronous loop is all active time; after it (and the CPU reading's nap), what the
      // event loop did until the pipeline settled.
      const elu0 = performance.eventLoopUtilization();
      await yieldTurn();
      await settle();
      const elu = performance.eventLoopUtilization(elu0);
      const c1 = exactMainThreadCpuNs();
      const w1 = own ? own.cpuNs() : 0;
      const p1 = processCpuNs();
      base += ROUND_CALLS;
      if (r >= WARMUP_ROUNDS) {
        const s = samples.get(v)!;
        s.hot.push(((t1 - t0) * 1e6) / ROUND_CALLS);
        s.hotCpu.push((ch - c0) / ROUND_CALLS);
        s.totalRaw.push(((t1 - t0 + elu.active) * 1e6) / ROUND_CALLS);
        s.total.push(((t1 - t0 + elu.active - idle.activeMsPerIdleMs * elu.idle) * 1e6) / ROUND_CALLS);
        s.cpuRaw.push((c1 - c0) / ROUND_CALLS);
        s.cpu.push((c1 - c0 - idle.cpuNsPerIdleMs * elu.idle) / ROUND_CALLS);
        s.worker.push((w1 - w0) / ROUND_CALLS);
        s.other.push((p1 - p0 - (c1 - c0) - (w1 - w0)) / ROUND_CALLS);
        s.idleMs.push(elu.idle);
      }
    }
  }
  const out: Record<string, RoundStats> = {};
  for (const [v, s] of samples) {
    out[v] = {
      hot: median(s.hot),
      hotCpu: median(s.hotCpu),
      total: median(s.total),
      cpu: mean(s.cpu),
      worker: own ? mean(s.worker) : Number.NaN,
      other: mean(s.other),
      totalRaw: median(s.totalRaw),
      cpuRaw: mean(s.cpuRaw),
      idleMs: mean(s.idleMs),
      idle,
      p10: percentile(s.hot, 0.1),
      p90: percentile(s.hot, 0.9),
      maxHot: Math.max(...s.hot),
    };
  }
  return out;
}

/** Run `body` inside a fresh workflow → stage → epoch frame of the current default tracker. */
async function inFrame<T>(body: (t: Trainer) => Promise<T>): Promise<T> {
  let result: T | undefined;
  await new BenchTrainer().main(async (t) => {
    result = await body(t);
  });
  return result as T;
}

const quiet = { environment: false, installExitHooks: false, logger: { warn: (m: string) => warnings.push(m) } } as const;
const warnings: string[] = [];


/**
 * Let a shut-down tracker (and an in-thread Oxigraph store) be collected: capture plans remember
 * the last emitter they sent their spec to, so one call under a discarding emitter releases it.
 */
async function release(): Promise<void> {
  const prev = setDefaultEmitter({ emit() {} });
  await inFrame(async (t) => {
    sink += t.step(0).loss;
  });
  setDefaultEmitter(prev);
  await collect();
}

// ---- store checks: SPARQL through the tracker's store (or the server) ----------------------------

const COUNT_BATCHES =
  'SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b a <https://w3id.org/prov-ml#BatchExecution> ; ' +
  '<http://www.w3.org/ns/prov#startedAtTime> ?s ; <http://www.w3.org/ns/prov#endedAtTime> ?e } }';
const COUNT_QUADS = 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }';

async function countOf(store: SparqlEndpoint, query: string): Promise<number> {
  const [row] = await store.select(query);
  return Number(row?.['n']?.value ?? Number.NaN);
}

interface StoreCount {
  batches: number; // completed batch executions
  quads: number;
}

async function storeCount(store: SparqlEndpoint | undefined): Promise<StoreCount> {
  if (!store) return { batches: Number.NaN, quads: Number.NaN };
  return { batches: await countOf(store, COUNT_BATCHES), quads: await countOf(store, COUNT_QUADS) };
}

/** Stop a tracker: shutdown, and stop the worker that keeps the in-memory store queryable. */
async function stop(tracker: Tracker): Promise<void> {
  await tracker.shutdown();
  if (tracker.thread === 'worker') await (tracker.store as WorkerStore | undefined)?.close();
}

/** Start a tracker and wait until its pipeline listens (worker start-up is reported apart). */
async function start(options: ProvMLOptions): Promise<{ tracker: Tracker; startupMs: number; own: ThreadSet }> {
  const before = threadIds();
  const t0 = performance.now();
  const tracker = ProvML.init({ ...quiet, ...options });
  await tracker.flush();
  const startupMs = performance.now() - t0;
  return { tracker, startupMs, own: ThreadSet.since(before) };
}

// ---------------------------------------------------------------------------------------------
// Phases. Each system runs in its own phase (interleaving OTel rounds with provml's would make one
// pay for the other's garbage); dead trackers and stores are collected between phases. Each
// tracker lives in a function of its own, so no stale stack slot here keeps it alive.

// (c) OpenTelemetry, before any provml tracker exists (no ALS enabled, no provml garbage).
const otelPhase = await inFrame((t) => measureRounds(t, ['plain', 'otel'], () => bsp.forceFlush()));
await collect();

interface TrackerPhase {
  rounds: Record<string, RoundStats>;
  startupMs: number;
  threads: number; // threads ProvML.init() started
  stats: ReturnType<Tracker['stats']>;
  count: StoreCount; // in the store at the end of the phase (delta for a shared server)
  serverCpuMs: number;
  awaits?: { inFrame: AwaitCost; outside: AwaitCost };
}

const ROUND_BATCHES = (WARMUP_ROUNDS + ROUNDS) * ROUND_CALLS; // @Batch calls per tracker phase

interface PhaseOptions {
  serverPid?: number;
  /** Also measure (f) part 2 in this phase. */
  awaits?: boolean;
  /**
   * Interleave OTel rounds in this phase too: a ratio that compares rounds run side by side under
   * the same machine load (the OTel phase may have run under another load). Every round of the
   * phase then settles both systems, so the fixed costs still cancel against the plain rounds.
   */
  otel?: boolean;
}

async function trackerPhase(options: ProvMLOptions, checkStore: SparqlEndpoint | 'own', phase: PhaseOptions = {}): Promise<TrackerPhase> {
  const { serverPid, awaits = false } = phase;
  const { tracker, startupMs, own } = await start(options);
  const store = checkStore === 'own' ? tracker.store : checkStore;
  const before = checkStore === 'own' ? { batches: 0, quads: 0 } : await storeCount(store);
  const s0 = await procCpuMs(serverPid);
  const settle = phase.otel
    ? async () => {
        await bsp.forceFlush();
        await tracker.flush();
      }
    : () => tracker.flush();
  const rounds = await inFrame((t) => measureRounds(t, phase.otel ? ['plain', 'provml', 'otel'] : ['plain', 'provml'], settle, own));
  await tracker.flush();
  const serverCpuMs = (await procCpuMs(serverPid)) - s0;
  const stats = tracker.stats();
  const after = await storeCount(store);
  const count = { batches: after.batches - before.batches, quads: after.quads - before.quads };
  let aw: TrackerPhase['awaits'];
  if (awaits) {
    // (f) part 2: awaits inside an active provml frame, and outside any frame once ALS is enabled.
    const inF = await inFrame(() => measureAwaits());
    const outside = await measureAwaits();
    aw = { inFrame: inF, outside };
  }
  await stop(tracker);
  return { rounds, startupMs, threads: own.tids.length, stats, count, serverCpuMs, ...(aw ? { awaits: aw } : {}) };
}

// (a)(b) the default: worker pipeline, embedded store in the worker.
const worker = await trackerPhase({}, 'own', { awaits: true, otel: true });
await release();
// The old design: everything on the user's thread.
const mainThread = await trackerPhase({ thread: 'main' }, 'own');
await release();

// HTTP: `provml serve` in a child process (fsync on, as by default).
const serveDir = await mkdtemp(join(tmpdir(), 'provml-bench-capture-'));
const server = await startServe(root, serveDir);
const serverQ = new HttpSparqlEndpoint({ url: server.queryUrl });
const endpoint = { url: server.queryUrl, gsp: { url: server.gspUrl, style: 'standard' as const } };

let http: TrackerPhase;
let httpMain: TrackerPhase;
let e2eHttp: E2E;
try {
  http = await trackerPhase({ endpoint }, serverQ, { serverPid: server.proc.pid, otel: true });
  await release();
  httpMain = await trackerPhase({ endpoint, thread: 'main' }, serverQ, { serverPid: server.proc.pid });
  await release();
  e2eHttp = await e2ePhase({ endpoint }, serverQ, server.proc.pid);
  await release();
} finally {
  await serverQ.close();
  await stopServe(server.proc);
  await rm(serveDir, { recursive: true, force: true });
}

// Hot path alone: an emitter that discards events (no hand-off, no pipeline). Measured after the
// tracker phases, as in a program where provml ran before.
let discarded = 0;
const prevEmitter = setDefaultEmitter({ emit: () => void discarded++ });
const hotOnly = await inFrame((t) => measureRounds(t, ['plain', 'provml'], async () => {}));
setDefaultEmitter(prevEmitter);
await collect();

// ---------------------------------------------------------------------------------------------
// (d) end to end: E2E_CALLS batch calls → flush → everything in the store.

interface E2E {
  startupMs: number;
  events: number;
  seconds: number; // first call → flush resolved
  loopSeconds: number; // first call → last call (the producing loop, turns included)
  flushMs: number; // the final `await flush()`
  loopActiveNsPerCall: number; // event-loop active time of the producing loop, per call
  mainCpuNsPerCall: number; // main-thread CPU, first call → flush resolved, per call
  ownCpuNsPerCall: number; // CPU of the tracker's threads (the worker), same window, per call
  otherCpuNsPerCall: number; // CPU of every other thread (V8 GC helpers…), same window, per call
  chunkMedianNsPerCall: number; // per-chunk loop time, median
  chunkMaxMs: number; // the slowest chunk of E2E_CHUNK calls (a back-pressure stall shows here)
  count: StoreCount; // batch executions and quads in the store (delta for a shared server)
  stats: ReturnType<Tracker['stats']>;
  serverCpuMs: number;
  dump?: string;
}

async function e2ePhase(options: ProvMLOptions, checkStore: SparqlEndpoint | 'own', serverPid?: number, dump = false): Promise<E2E> {
  const { tracker, startupMs, own } = await start(options);
  const store = checkStore === 'own' ? tracker.store : checkStore;
  const before = await storeCount(store);
  const s0 = await procCpuMs(serverPid);
  const run = await inFrame(async (t) => {
    const captured0 = tracker.stats().captured;
    const chunks: number[] = [];
    const w0 = own.cpuNs();
    const p0 = processCpuNs();
    const elu0 = performance.eventLoopUtilization();
    const c0 = exactMainThreadCpuNs();
    const t0 = performance.now();
    for (let base = 0; base < E2E_CALLS; base += E2E_CHUNK) {
      const tc = performance.now();
      let acc = 0;
      for (let i = base; i < base + E2E_CHUNK; i++) acc += t.step(i).loss;
      sink += acc;
      chunks.push(performance.now() - tc);
      await yieldTurn(); // a training loop yields now and then (data loading, callbacks…)
    }
    const tLoop = performance.now();
    const loopElu = performance.eventLoopUtilization(elu0);
    await tracker.flush();
    const tEnd = performance.now();
    const c1 = exactMainThreadCpuNs();
    const w1 = own.cpuNs();
    const p1 = processCpuNs();
    return {
      events: tracker.stats().captured - captured0,
      seconds: (tEnd - t0) / 1000,
      loopSeconds: (tLoop - t0) / 1000,
      flushMs: tEnd - tLoop,
      loopActiveNsPerCall: (loopElu.active * 1e6) / E2E_CALLS,
      mainCpuNsPerCall: (c1 - c0) / E2E_CALLS,
      ownCpuNsPerCall: (w1 - w0) / E2E_CALLS,
      otherCpuNsPerCall: (p1 - p0 - (c1 - c0) - (w1 - w0)) / E2E_CALLS,
      chunkMedianNsPerCall: (median(chunks) * 1e6) / E2E_CHUNK,
      chunkMaxMs: Math.max(...chunks),
    };
  });
  await tracker.flush(); // the frame's end events, emitted when inFrame returned
  const serverCpuMs = (await procCpuMs(serverPid)) - s0;
  const after = await storeCount(store);
  const stats = tracker.stats();
  const text = dump ? await (tracker.store as WorkerStore).dump() : undefined;
  await stop(tracker);
  return {
    startupMs,
    ...run,
    count: { batches: after.batches - before.batches, quads: after.quads - before.quads },
    stats,
    serverCpuMs,
    ...(text !== undefined ? { dump: text } : {}),
  };
}

const e2eWorker = await e2ePhase({}, 'own', undefined, true);
await release();
const e2eMain = await e2ePhase({ thread: 'main' }, 'own');
await release();

// (e) Oxigraph's own bulk load, in this thread, of the N-Quads the pipeline stored: in chunks the
// size of the pipeline's batches, and in one shot.
const NQ = 'application/n-quads';
function oxLoad(texts: readonly string[]): { seconds: number; triples: number } {
  const store = new oxigraph.Store();
  const t0 = performance.now();
  for (const text of texts) store.load(text, { format: NQ });
  const seconds = (performance.now() - t0) / 1000;
  const triples = store.size;
  (store as unknown as { free?: () => void }).free?.();
  return { seconds, triples };
}
const dumpLines = e2eWorker.dump!.split('\n').filter((l) => l.length > 0);
delete e2eWorker.dump;
const pipelineBatches = Math.max(1, Math.ceil(e2eWorker.events / BATCH_EVENTS));
const linesPerBatch = Math.ceil(dumpLines.length / pipelineBatches);
const batchTexts: string[] = [];
for (let i = 0; i < dumpLines.length; i += linesPerBatch) batchTexts.push(`${dumpLines.slice(i, i + linesPerBatch).join('\n')}\n`);
const oxBatched = oxLoad(batchTexts);
await collect();
const oxOneShot = oxLoad([batchTexts.join('')]);
await collect();
const oxBatchedRate = oxBatched.triples / oxBatched.seconds;
const oxOneShotRate = oxOneShot.triples / oxOneShot.seconds;
const oxRate = Math.max(oxBatchedRate, oxOneShotRate);
const pipelineTriplesPerS = e2eWorker.count.quads / e2eWorker.seconds;
const pipelineVsOx = pipelineTriplesPerS / oxRate;

// Per-stage cost of the worker's work on the same workload (for profiling; here, in this thread):
// capture events with a collecting emitter, then time the recorder, n3 re-serialization and the load.
const collected: CaptureEvent[] = [];
const prev2 = setDefaultEmitter({ emit: (e) => void collected.push(e) });
const BD_CALLS = QUICK ? 5_000 : 20_000;
await inFrame(async (t) => {
  let acc = 0;
  for (let i = 0; i < BD_CALLS; i++) acc += t.step(i).loss;
  sink += acc;
});
setDefaultEmitter(prev2);
const recorder = new Recorder({ environment: false });
const recorded: { nquads: string; count: number }[] = [];
let tr = performance.now();
for (let i = 0; i < collected.length; i += BATCH_EVENTS) recorded.push(await recorder.record(collected.slice(i, i + BATCH_EVENTS)));
const recordS = (performance.now() - tr) / 1000;
const bdQuads = recorded.reduce((n, b) => n + b.count, 0);
const bdTexts = recorded.map((b) => b.nquads);
const reparsed = bdTexts.map((t) => parseNQuads(t));
tr = performance.now();
for (const q of reparsed) toNQuads(q);
const serializeS = (performance.now() - tr) / 1000;
const bdLoad = oxLoad(bdTexts);

const totalS = (performance.now() - t00) / 1000;
await provider.shutdown();

// ---------------------------------------------------------------------------------------------
// Report

interface Overheads {
  hot: number;
  hotCpu: number;
  total: number;
  cpu: number;
  worker: number;
  other: number;
  totalRaw: number;
  cpuRaw: number;
  idleMs: number; // mean idle wait per round (variant's), ms
  idleCpuUsPerS: number; // main-thread CPU per idle second, tracker alive
  ratioHot: number;
  ratioTotal: number;
  ratioCpu: number;
}

function overheadsOf(r: Record<string, RoundStats>, v: Variant, otel?: Overheads): Overheads {
  const a = r[v]!;
  const p = r.plain!;
  const o = {
    hot: a.hot - p.hot,
    hotCpu: a.hotCpu - p.hotCpu,
    total: a.total - p.total,
    cpu: a.cpu - p.cpu,
    worker: a.worker - p.worker,
    other: a.other - p.other,
    totalRaw: a.totalRaw - p.totalRaw,
    cpuRaw: a.cpuRaw - p.cpuRaw,
    idleMs: a.idleMs,
    idleCpuUsPerS: a.idle.cpuUsPerS,
  };
  return { ...o, ratioHot: otel ? o.hot / otel.hot : 1, ratioTotal: otel ? o.total / otel.total : 1, ratioCpu: otel ? o.cpu / otel.cpu : 1 };
}
const otelO = overheadsOf(otelPhase, 'otel');
const oW = overheadsOf(worker.rounds, 'provml', otelO);
const oM = overheadsOf(mainThread.rounds, 'provml', otelO);
const oH = overheadsOf(http.rounds, 'provml', otelO);
const oHM = overheadsOf(httpMain.rounds, 'provml', otelO);
const oD = overheadsOf(hotOnly, 'provml', otelO);
// Same-phase OTel rounds (side by side with provml's, under the same load).
const otelW = overheadsOf(worker.rounds, 'otel');
const otelH = overheadsOf(http.rounds, 'otel');
const oWs = overheadsOf(worker.rounds, 'provml', otelW);
const oHs = overheadsOf(http.rounds, 'provml', otelH);

const spread = (r: RoundStats): string => `${r.p10.toFixed(0)}–${r.p90.toFixed(0)}`;
const fmtMaybe = (ns: number): string => (Number.isFinite(ns) ? fmtNs(ns) : '—');
const configs: Array<[string, Record<string, RoundStats>, Overheads, Variant]> = [
  ['@Batch, worker → embedded (default)', worker.rounds, oW, 'provml'],
  ["@Batch, thread: 'main' → embedded", mainThread.rounds, oM, 'provml'],
  ['@Batch, worker → provml serve (HTTP)', http.rounds, oH, 'provml'],
  ["@Batch, thread: 'main' → provml serve", httpMain.rounds, oHM, 'provml'],
  ['@Batch, discarding emitter (capture only)', hotOnly, oD, 'provml'],
  ['OTel span (BatchSpanProcessor, no-op exp.)', otelPhase, otelO, 'otel'],
  ['  OTel span, interleaved in the worker phase', worker.rounds, otelW, 'otel'],
  ['  OTel span, interleaved in the http phase', http.rounds, otelH, 'otel'],
];
table(
  `capture benchmark — overhead per call of step(i) vs plain rounds of the same phase (${ROUNDS} rounds × ${ROUND_CALLS} calls after ${WARMUP_ROUNDS} warm-up rounds)`,
  [
    ['configuration', 'raw hot', 'p10–p90 raw', 'hot', 'hot CPU', 'total', 'main CPU', 'worker CPU', 'other CPU', '÷otel hot', '÷otel total', '÷otel CPU'],
    ['plain step(i) (worker phase, raw)', fmtNs(worker.rounds.plain!.hot), spread(worker.rounds.plain!), '—', fmtNs(worker.rounds.plain!.hotCpu), fmtNs(worker.rounds.plain!.total), fmtNs(worker.rounds.plain!.cpu), '', '', '', '', ''],
    ...configs.map(([name, r, o, v]): [string, ...string[]] => [
      name,
      fmtNs(r[v]!.hot),
      spread(r[v]!),
      fmtNs(o.hot),
      fmtNs(o.hotCpu),
      fmtNs(o.total),
      fmtNs(o.cpu),
      v === 'otel' ? '—' : fmtMaybe(o.worker),
      v === 'otel' ? '—' : fmtNs(o.other),
      o.ratioHot.toFixed(2),
      o.ratioTotal.toFixed(2),
      o.ratioCpu.toFixed(2),
    ]),
  ],
);
process.stderr.write(
  `  hot = the synchronous loop (wall, median); hot CPU = its main-thread CPU time (median); total = the loop + the main\n` +
    `  thread's event-loop active time until the pipeline settled the round (median); main CPU = main-thread CPU, same window\n` +
    `  (mean; ${threadCpuAvailable ? '/proc/self/task/<pid>/schedstat' : 'unavailable here'}); worker CPU = the threads ProvML.init() started (mean);\n` +
    `  other CPU = every other thread of the process (V8's GC and compiler helper threads, shared by all isolates; libuv), mean.\n` +
    `  total and main CPU leave out the idle-wait wake-ups (next table). Slowest provml round (hot, ns/call): worker\n` +
    `  ${worker.rounds.provml!.maxHot.toFixed(0)}, main ${mainThread.rounds.provml!.maxHot.toFixed(0)}, http ${http.rounds.provml!.maxHot.toFixed(0)}, http-main ${httpMain.rounds.provml!.maxHot.toFixed(0)}\n` +
    `  ÷otel columns use the OTel phase; against OTel rounds interleaved in the same phase (same load): worker → embedded\n` +
    `  hot ${oWs.ratioHot.toFixed(2)}, total ${oWs.ratioTotal.toFixed(2)}, CPU ${oWs.ratioCpu.toFixed(2)}; worker → provml serve hot ${oHs.ratioHot.toFixed(2)}, total ${oHs.ratioTotal.toFixed(2)}, CPU ${oHs.ratioCpu.toFixed(2)}\n`,
);
table('while the user\'s thread waits idle for the pipeline: wake-ups taken out of total / main CPU above', [
  ['configuration', 'idle wait/round', 'idle main CPU', 'total incl. wake-ups', 'main CPU incl. wake-ups'],
  ...configs.map(([name, , o]): [string, ...string[]] => [name, `${o.idleMs.toFixed(1)} ms`, `${o.idleCpuUsPerS.toFixed(0)} µs/s`, fmtNs(o.totalRaw), fmtNs(o.cpuRaw)]),
]);

const e2eRow = (name: string, e: E2E, expected: number): [string, ...string[]] => [
  name,
  `${e.count.batches}/${expected}`,
  String(e.count.quads),
  e.seconds.toFixed(2),
  fmtRate(e.events / e.seconds),
  fmtNs((e.loopSeconds * 1e9) / E2E_CALLS),
  fmtNs(e.loopActiveNsPerCall),
  fmtNs(e.mainCpuNsPerCall),
  fmtMaybe(e.ownCpuNsPerCall),
  fmtNs(e.otherCpuNsPerCall),
  `${e.chunkMaxMs.toFixed(1)} ms`,
  `${e.flushMs.toFixed(0)} ms`,
  `${e.startupMs.toFixed(0)} ms`,
];
table(`end to end (d): ${E2E_CALLS} calls (${2 * E2E_CALLS} events), a turn every ${E2E_CHUNK} calls, no pacing → flush → SPARQL COUNT`, [
  ['configuration', 'batches in store', 'quads', 's', 'events/s', 'loop/call', 'loop active/call', 'main CPU/call', 'worker CPU/call', 'other CPU/call', 'slowest chunk', 'flush', 'start-up'],
  e2eRow('worker → embedded', e2eWorker, E2E_CALLS),
  e2eRow("thread: 'main' → embedded", e2eMain, E2E_CALLS),
  e2eRow('worker → provml serve', e2eHttp, E2E_CALLS),
]);
table('Oxigraph baseline (e): its own store.load() in this thread, of the N-Quads the worker stored in (d)', [
  ['measure', 'value'],
  ['pipeline (worker → embedded), first call → flush', `${fmtRate(pipelineTriplesPerS)} triples`],
  [`oxigraph load, ${batchTexts.length} batch-sized chunks`, `${fmtRate(oxBatchedRate)} (${oxBatched.seconds.toFixed(2)} s, ${oxBatched.triples} triples)`],
  ['oxigraph load, one shot', `${fmtRate(oxOneShotRate)} (${oxOneShot.seconds.toFixed(2)} s)`],
  ['pipeline / oxigraph (goal ≥ 0.5)', pipelineVsOx.toFixed(2)],
]);
table(`the worker's work per stage, measured in this thread (${BD_CALLS} calls, ${collected.length} events, ${bdQuads} quads, batches of ${BATCH_EVENTS} events)`, [
  ['stage', 'per event', 'per quad', 'quads/s'],
  ['record (events → N-Quads text)', fmtNs((recordS * 1e9) / collected.length), fmtNs((recordS * 1e9) / bdQuads), fmtRate(bdQuads / recordS)],
  ['n3 Writer (not used; reference)', fmtNs((serializeS * 1e9) / collected.length), fmtNs((serializeS * 1e9) / bdQuads), fmtRate(bdQuads / serializeS)],
  ['oxigraph store.load', fmtNs((bdLoad.seconds * 1e9) / collected.length), fmtNs((bdLoad.seconds * 1e9) / bdQuads), fmtRate(bdQuads / bdLoad.seconds)],
]);
const awaitInFrame = worker.awaits!.inFrame;
const awaitOutside = worker.awaits!.outside;
table('(f) whole-program cost of trivial awaits (ns per await step)', [
  ['loop', 'no provml loaded', 'provml loaded, outside frame', 'inside provml frame (ALS)'],
  ['await Promise.resolve()', fmtNs(awaitPlain.resolved), fmtNs(awaitOutside.resolved), fmtNs(awaitInFrame.resolved)],
  ['await asyncFn()', fmtNs(awaitPlain.asyncFn), fmtNs(awaitOutside.asyncFn), fmtNs(awaitInFrame.asyncFn)],
]);

const phaseStores: Array<[string, TrackerPhase]> = [
  ['worker', worker],
  ['main', mainThread],
  ['http', http],
  ['http-main', httpMain],
];
const roundsComplete = phaseStores.every(([, p]) => p.count.batches === ROUND_BATCHES);
const e2eComplete = [e2eWorker, e2eMain, e2eHttp].every((e) => e.count.batches === E2E_CALLS);
const goals: Array<[string, boolean]> = [
  ['worker → embedded: hot ≤ 0.5 × OTel span', oW.ratioHot <= 0.5],
  ['worker → embedded: hot CPU ≤ 0.5 × OTel span (information)', oW.hotCpu / otelO.hotCpu <= 0.5],
  ['worker → embedded: hot ≤ 0.5 × OTel span in the same phase', oWs.ratioHot <= 0.5],
  ['worker → embedded: total ≤ 0.5 × OTel span', oW.ratioTotal <= 0.5],
  ['worker → provml serve: hot ≤ 0.5 × OTel span', oH.ratioHot <= 0.5],
  ['worker → provml serve: hot ≤ 0.5 × OTel span in the same phase', oHs.ratioHot <= 0.5],
  ['every batch execution of the rounds in the store', roundsComplete],
  ['every batch execution of (d) in the store', e2eComplete],
  ['pipeline/oxigraph ≥ 0.5', pipelineVsOx >= 0.5],
];
table('goals', goals.map(([g, ok]) => [g, ok ? 'met' : 'MISSED']));
const statLine = (name: string, s: ReturnType<Tracker['stats']>, c: StoreCount, expected: number): string =>
  `${name}: captured=${s.captured} sent=${s.sent} journaled=${s.journaled} dropped=${s.dropped} queue=${s.queueLength} batches in store=${c.batches}/${expected} quads=${c.quads}`;
process.stderr.write(
  `\nchecks:\n  ${phaseStores.map(([n, p]) => statLine(`rounds ${n}`, p.stats, p.count, ROUND_BATCHES)).join('\n  ')}\n` +
    `  ${statLine('e2e worker', e2eWorker.stats, e2eWorker.count, E2E_CALLS)}\n  ${statLine('e2e main', e2eMain.stats, e2eMain.count, E2E_CALLS)}\n` +
    `  ${statLine('e2e http', e2eHttp.stats, e2eHttp.count, E2E_CALLS)}\n` +
    `  tracker threads started: worker ${worker.threads}, main ${mainThread.threads}, http ${http.threads}; start-up ms: worker ${worker.startupMs.toFixed(0)}, http ${http.startupMs.toFixed(0)}\n` +
    `  provml serve CPU: rounds (worker) ${http.serverCpuMs} ms, rounds (main) ${httpMain.serverCpuMs} ms, e2e ${e2eHttp.serverCpuMs} ms\n` +
    `  otel spans started=${otelStarted} exported=${otelExported}; discarded=${discarded}; warnings=${warnings.length}${warnings.length ? ` (first: ${warnings[0]})` : ''}; total ${totalS.toFixed(1)} s; sink=${sink.toFixed(0)}\n\n`,
);

const r1 = (x: number): number => round(x, 1);
const r3 = (x: number): number => round(x, 3);
const e2eJson = (e: E2E) => ({
  events: e.events,
  seconds: r3(e.seconds),
  events_per_s: Math.round(e.events / e.seconds),
  batches_in_store: e.count.batches,
  quads_in_store: e.count.quads,
  loop_ns_per_call: r1((e.loopSeconds * 1e9) / E2E_CALLS),
  loop_active_ns_per_call: r1(e.loopActiveNsPerCall),
  main_cpu_ns_per_call: r1(e.mainCpuNsPerCall),
  worker_cpu_ns_per_call: r1(e.ownCpuNsPerCall),
  other_threads_cpu_ns_per_call: r1(e.otherCpuNsPerCall),
  chunk_median_ns_per_call: r1(e.chunkMedianNsPerCall),
  slowest_chunk_ms: r1(e.chunkMaxMs),
  flush_ms: r1(e.flushMs),
  startup_ms: Math.round(e.startupMs),
  dropped: e.stats.dropped,
});
const json = {
  bench: 'capture',
  // worker → embedded store (the default)
  provml_ns: r1(oW.hot),
  plain_ns: r1(worker.rounds.plain!.hot),
  otel_ns: r1(otelO.hot),
  ratio_vs_otel: r3(oW.ratioHot),
  provml_hot_cpu_ns: r1(oW.hotCpu),
  otel_hot_cpu_ns: r1(otelO.hotCpu),
  ratio_hot_cpu_vs_otel: r3(oW.hotCpu / otelO.hotCpu),
  provml_total_ns: r1(oW.total),
  otel_total_ns: r1(otelO.total),
  ratio_total_vs_otel: r3(oW.ratioTotal),
  provml_main_cpu_ns: r1(oW.cpu),
  otel_main_cpu_ns: r1(otelO.cpu),
  ratio_cpu_vs_otel: r3(oW.ratioCpu),
  provml_worker_cpu_ns: r1(oW.worker),
  provml_other_threads_cpu_ns: r1(oW.other),
  provml_total_incl_idle_wakeups_ns: r1(oW.totalRaw),
  provml_main_cpu_incl_idle_wakeups_ns: r1(oW.cpuRaw),
  provml_idle_wait_ms_per_round: r1(oW.idleMs),
  idle_main_cpu_us_per_s: { no_tracker: r1(otelO.idleCpuUsPerS), worker: r1(oW.idleCpuUsPerS), main_thread: r1(oM.idleCpuUsPerS), http: r1(oH.idleCpuUsPerS) },
  provml_raw_ns: r1(worker.rounds.provml!.hot),
  otel_same_phase_ns: r1(otelW.hot),
  otel_same_phase_total_ns: r1(otelW.total),
  otel_same_phase_main_cpu_ns: r1(otelW.cpu),
  ratio_vs_otel_same_phase: r3(oWs.ratioHot),
  ratio_total_vs_otel_same_phase: r3(oWs.ratioTotal),
  ratio_cpu_vs_otel_same_phase: r3(oWs.ratioCpu),
  otel_raw_ns: r1(otelPhase.otel!.hot),
  // thread: 'main' → embedded (the old in-thread design)
  main_thread_provml_ns: r1(oM.hot),
  main_thread_hot_cpu_ns: r1(oM.hotCpu),
  main_thread_total_ns: r1(oM.total),
  main_thread_main_cpu_ns: r1(oM.cpu),
  main_thread_other_threads_cpu_ns: r1(oM.other),
  main_thread_ratio_cpu_vs_otel: r3(oM.ratioCpu),
  main_thread_ratio_vs_otel: r3(oM.ratioHot),
  main_thread_ratio_total_vs_otel: r3(oM.ratioTotal),
  // worker → provml serve (HTTP, child process)
  http_provml_ns: r1(oH.hot),
  http_hot_cpu_ns: r1(oH.hotCpu),
  http_total_ns: r1(oH.total),
  http_main_cpu_ns: r1(oH.cpu),
  http_worker_cpu_ns: r1(oH.worker),
  http_other_threads_cpu_ns: r1(oH.other),
  http_ratio_cpu_vs_otel: r3(oH.ratioCpu),
  http_ratio_vs_otel: r3(oH.ratioHot),
  http_ratio_total_vs_otel: r3(oH.ratioTotal),
  http_otel_same_phase_ns: r1(otelH.hot),
  http_ratio_vs_otel_same_phase: r3(oHs.ratioHot),
  http_ratio_total_vs_otel_same_phase: r3(oHs.ratioTotal),
  http_ratio_cpu_vs_otel_same_phase: r3(oHs.ratioCpu),
  http_serve_cpu_ns_per_call: r1((http.serverCpuMs * 1e6) / ROUND_BATCHES),
  // thread: 'main' → provml serve
  http_main_thread_provml_ns: r1(oHM.hot),
  http_main_thread_hot_cpu_ns: r1(oHM.hotCpu),
  http_main_thread_total_ns: r1(oHM.total),
  http_main_thread_main_cpu_ns: r1(oHM.cpu),
  http_main_thread_ratio_vs_otel: r3(oHM.ratioHot),
  // capture alone (discarding emitter)
  provml_hotpath_discard_ns: r1(oD.hot),
  provml_hotpath_discard_cpu_ns: r1(oD.hotCpu),
  main_cpu_source: threadCpuAvailable ? '/proc/self/task/<pid>/schedstat' : 'unavailable',
  total_source: 'loop wall + performance.eventLoopUtilization() active time until the pipeline settled, minus idle-wait wake-ups',
  worker_startup_ms: Math.round(worker.startupMs),
  http_startup_ms: Math.round(http.startupMs),
  rounds_batches_expected: ROUND_BATCHES,
  rounds_batches_in_store: { worker: worker.count.batches, main: mainThread.count.batches, http: http.count.batches, http_main: httpMain.count.batches },
  // (d) end to end, (e) Oxigraph baseline
  e2e_calls: E2E_CALLS,
  e2e_worker: e2eJson(e2eWorker),
  e2e_main_thread: e2eJson(e2eMain),
  e2e_http: e2eJson(e2eHttp),
  embedded_events_per_s: Math.round(e2eWorker.events / e2eWorker.seconds),
  pipeline_triples_per_s: Math.round(pipelineTriplesPerS),
  oxigraph_load_triples_per_s: Math.round(oxRate),
  oxigraph_load_batched_triples_per_s: Math.round(oxBatchedRate),
  oxigraph_load_oneshot_triples_per_s: Math.round(oxOneShotRate),
  pipeline_vs_oxigraph: r3(pipelineVsOx),
  triples_per_call: round(e2eWorker.count.quads / E2E_CALLS, 2),
  record_to_nquads_ns_per_quad: r1((recordS * 1e9) / bdQuads),
  n3_writer_ns_per_quad_reference: r1((serializeS * 1e9) / bdQuads),
  oxigraph_load_ns_per_quad: r1((bdLoad.seconds * 1e9) / bdQuads),
  // (f)
  await_ns_plain: r1(awaitPlain.resolved),
  await_ns_in_provml: r1(awaitInFrame.resolved),
  await_ns_provml_outside_frame: r1(awaitOutside.resolved),
  await_asyncfn_ns_plain: r1(awaitPlain.asyncFn),
  await_asyncfn_ns_in_provml: r1(awaitInFrame.asyncFn),
  goal_ratio_met: oW.ratioHot <= 0.5,
  goal_ratio_total_met: oW.ratioTotal <= 0.5,
  goal_http_ratio_met: oH.ratioHot <= 0.5,
  goal_ratio_same_phase_met: oWs.ratioHot <= 0.5,
  goal_http_ratio_same_phase_met: oHs.ratioHot <= 0.5,
  goal_all_in_store_met: roundsComplete && e2eComplete,
  goal_pipeline_met: pipelineVsOx >= 0.5,
  warnings: warnings.length,
  rounds: ROUNDS,
  round_calls: ROUND_CALLS,
  quick: QUICK,
  total_s: r1(totalS),
  node: process.version,
};
process.stdout.write(`${JSON.stringify(json)}\n`);
