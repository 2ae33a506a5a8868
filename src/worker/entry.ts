/**
 * The provenance worker: everything after capture — recording, serialization, journal, spill,
 * retries, sinks and (by default) the embedded store itself — runs here, off the user's thread.
 * Started by {@link WorkerPipeline} (client.ts); talks to it only through protocol.ts.
 *
 * @module
 */

import type { Quad, Term } from '@rdfjs/types';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { Recorder, type RecorderOptions } from '../record/recorder.js';
import { trackingRecorder, type TrackingOptions } from '../record/tracking.js';
import type { EmbeddedStore } from '../store/embedded.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import type { HttpSparqlEndpointOptions } from '../store/http.js';
import type { TransportOptions } from '../transport/options.js';
import { Transport } from '../transport/pipeline.js';
import { toNQuads } from '../transport/sink.js';
import { EmbeddedStoreSink } from '../transport/sinks/embedded-store.js';
import { EndpointSink } from '../transport/sinks/endpoint.js';
import { EventDecoder } from './decoder.js';
import { TrainingWatch } from './training-watch.js';
import { CTL, STAT_KEYS, toWire, type FromWorker, type ToWorker, type WireTerm } from './protocol.js';

/**
 * What the worker is started with: plain data only (functions stay on the user's thread; the
 * worker reports warnings and errors back as messages).
 *
 * @example
 * ```ts
 * const config: WorkerConfig = { recorder: {}, target: { kind: 'embedded' }, transport: { batchSize: 512 } };
 * ```
 */
export interface WorkerConfig {
  recorder: RecorderOptions;
  /** Tracking mode and execution facts (see record/tracking.ts); absent: the recorder alone. */
  tracking?: TrackingOptions;
  target: { kind: 'embedded' } | { kind: 'endpoint'; options: HttpSparqlEndpointOptions } | { kind: 'offline' };
  transport: Omit<TransportOptions, 'recorder' | 'sink' | 'onError' | 'logger' | 'installExitHooks'>;
}

/** Data the worker gets at start. @internal */
export interface WorkerInit {
  config: WorkerConfig;
  ctl: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  settlePort: MessagePort;
  /** The user's thread's `ID_NODE`: ids it sends as numbers are rebuilt with it. */
  idNode: string;
}

const init = workerData as WorkerInit;
const port = parentPort!;
const ctl = new Int32Array(init.ctl);
const stats = new Float64Array(init.stats);
const post = (m: FromWorker) => port.postMessage(m);

// ---- the pipeline ------------------------------------------------------------------------------

const { config } = init;
const recorder = new Recorder({ ...config.recorder, warn: (message) => post({ type: 'warn', message }) });
const record = config.tracking ? trackingRecorder(recorder, config.tracking) : (events: Parameters<Recorder['record']>[0]) => recorder.record(events);
let store: EmbeddedStore | undefined;
let endpoint: SparqlEndpoint | undefined;
let embeddedSink: EmbeddedStoreSink | undefined;
let transport!: Transport;

/*
 * While a training stage is open, the embedded store holds what it is sent and indexes it when
 * the stage ends (or when asked: every query and flush releases first, so a reader never sees less
 * than was written). Indexing is the costliest work after capture, and this worker shares the
 * machine's cores with the training: done during the fit, it lengthens the training thread's
 * waits for a core and its GC pauses (bench:tfjs); done after it, it costs the fit nothing.
 */
const watch = new TrainingWatch(() => setImmediate(release));
function release(): void {
  if (!embeddedSink?.held) return;
  try {
    embeddedSink.release();
  } catch (err) {
    post({ type: 'error', error: toWire(err), context: { stage: 'sink', sink: 'embedded', outcome: 'none' } });
  }
  publish();
}
const see = (e: Parameters<Transport['emit']>[0]): void => {
  watch.see(e);
  transport.emit(e);
};

/** Load only the store this tracker uses (Oxigraph's WASM is tens of MB a worker need not hold). */
async function open(): Promise<void> {
  let sink: EmbeddedStoreSink | EndpointSink | undefined;
  if (config.target.kind === 'embedded') {
    const { EmbeddedStore } = await import('../store/embedded.js');
    store = EmbeddedStore.create();
    sink = embeddedSink = new EmbeddedStoreSink(store, {
      hold: () => watch.training,
      onLateFailure: (batch, err) => transport.refusedLate(batch, err),
    });
  } else if (config.target.kind === 'endpoint') {
    const { HttpSparqlEndpoint } = await import('../store/http.js');
    endpoint = new HttpSparqlEndpoint(config.target.options);
    sink = new EndpointSink(endpoint, { closeEndpoint: true });
  }
  transport = createTransport(sink);
}

function createTransport(sink: EmbeddedStoreSink | EndpointSink | undefined): Transport {
  return new Transport({
    ...config.transport,
    recorder: record,
    ...(sink ? { sink } : {}),
    // The in-memory store cannot be written to later, so it never spills: the user's thread waits instead.
    ...(store ? { spillPath: false as const } : {}),
    installExitHooks: false,
    logger: { warn: (message) => post({ type: 'warn', message }) },
    onError: (error, context) => post({ type: 'error', error: toWire(error), context }),
    onProgress: () => publish(),
  });
}

/** Copy the counters to shared memory and wake a producer waiting for room. */
function publish(): void {
  const s = transport.stats();
  for (let k = 0; k < STAT_KEYS.length; k++) stats[k] = s[STAT_KEYS[k]!];
  Atomics.store(ctl, CTL.SETTLED, (s.sent + s.journaled + s.deadLettered + s.dropped) | 0);
  Atomics.add(ctl, CTL.PROGRESS, 1);
  Atomics.notify(ctl, CTL.PROGRESS);
}

// ---- messages --------------------------------------------------------------------------------

const decoder = new EventDecoder(init.idNode);

function onMessage(m: ToWorker): void {
  switch (m.type) {
    case 'events':
      decoder.decode(m, see);
      if (m.urgent) transport.handoffNow();
      publish();
      return;
    case 'flush':
      void transport.flush().then(() => done(m.id, disk()));
      return;
    case 'shutdown':
      void shutdown().then(() => done(m.id, disk()));
      return;
    case 'settle':
      void settle(m.id, m.deadline);
      return;
    case 'query':
      void query(m.method, m.args).then(
        (value) => done(m.id, value),
        (err: unknown) => post({ type: 'done', id: m.id, error: toWire(err) }),
      );
      return;
  }
}

function done(id: number, value?: unknown): void {
  publish();
  post({ type: 'done', id, ...(value !== undefined ? { value } : {}) });
}

/** Where this tracker's batches are on disk (journal, fallback journal), for the user's side. */
function disk(): { files: string[]; fallbackJournal: string | undefined } {
  return { files: transport.diskFiles(), fallbackJournal: transport.stats().fallbackJournal };
}

async function shutdown(): Promise<void> {
  await transport.shutdown();
  publish();
}

/** The exit path: the user's thread is blocked in `Atomics.wait` until `CTL.DONE` says so. */
async function settle(id: number, deadline: number): Promise<void> {
  let report = { fallbackJournal: undefined as string | undefined, fallbackEvents: 0, dropped: 0 };
  try {
    const budget = (deadline - Date.now()) / 2;
    const flushed = await Promise.race([transport.flush().then(() => true), new Promise<boolean>((r) => setTimeout(r, budget, false))]);
    if (!flushed) report = await transport.settleNow(deadline);
    else report = transport.settleSync(); // nothing open: this only freezes the counters
  } finally {
    publish();
    init.settlePort.postMessage({ type: 'settled', id, ...report, ...disk() });
    Atomics.store(ctl, CTL.DONE, id);
    Atomics.notify(ctl, CTL.DONE);
  }
}

async function query(method: string, args: unknown[]): Promise<unknown> {
  const target = store ?? endpoint;
  release(); // a query sees every batch the store accepted, held ones included
  if (!target) throw new Error('provml: this tracker has no store to query (offline mode)');
  switch (method) {
    case 'select':
      return (await target.select(args[0] as string, args[1] as never)).map((row) => {
        const out: Record<string, WireTerm> = {};
        for (const [k, t] of Object.entries(row)) out[k] = wireTerm(t);
        return out;
      });
    case 'construct':
      return toNQuads((await target.construct(args[0] as string, args[1] as never)) as Quad[]);
    case 'ask':
      return target.ask(args[0] as string, args[1] as never);
    case 'update':
      return target.update(args[0] as string);
    case 'insertQuads':
      return target.insertQuads(args[0] as string, args[1] as string | undefined);
    case 'dump':
      if (!store) throw new Error('provml: dump() needs the embedded store');
      return store.dump();
  }
  throw new Error(`provml: unknown store method ${method}`);
}

function wireTerm(t: Term): WireTerm {
  if (t.termType === 'Literal') return ['Literal', t.value, t.datatype.value, t.language];
  return [t.termType, t.value];
}

// Diagnostics (memory tests): with --expose-gc and PROVML_DEBUG_WORKER_GC=1 the worker collects
// every 100 ms, so a retained-memory measurement sees live data, not garbage V8 has not collected yet.
if (process.env.PROVML_DEBUG_WORKER_GC === '1') setInterval(() => (globalThis as { gc?: () => void }).gc?.(), 100).unref();
void open().then(() => {
  port.on('message', onMessage); // messages posted meanwhile wait in the port
  publish();
  Atomics.store(ctl, CTL.READY, 1);
  Atomics.notify(ctl, CTL.READY);
});
