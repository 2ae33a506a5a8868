/**
 * Wiring of a tracker's pipeline (with tracker.ts, the only place that knows every layer): which
 * sink, which thread, which options cross to the worker.
 *
 * @module
 */

import type { CaptureEvent } from './capture/index.js';
import type { BatchLane } from './capture/emitter.js';
import { Recorder, type RecorderOptions } from './record/recorder.js';
import { trackingRecorder, type TrackingOptions } from './record/tracking.js';
import { EmbeddedStore } from './store/embedded.js';
import type { SparqlEndpoint } from './store/endpoint.js';
import { HttpSparqlEndpoint, type HttpSparqlEndpointOptions } from './store/http.js';
import { reportUnsettled } from './transport/exit-hooks.js';
import type { JournalDurability } from './transport/journal.js';
import { rateLimitedLogger, type TransportLogger } from './transport/logger.js';
import { resolveTransportOptions, type TransportErrorContext, type TransportOptions, type TransportStats } from './transport/options.js';
import { Transport } from './transport/pipeline.js';
import type { Sink } from './transport/sink.js';
import { EmbeddedStoreSink } from './transport/sinks/embedded-store.js';
import { EndpointSink } from './transport/sinks/endpoint.js';
import { WorkerPipeline } from './worker/client.js';
import type { WorkerConfig } from './worker/entry.js';
import type { ProvMLOptions } from './tracker.js';

/** What the tracker needs from its pipeline, wherever it runs. @internal */
export interface Pipeline {
  emit(e: CaptureEvent): void;
  /** The batch lane, where the pipeline has one (the worker's). */
  readonly lane?: BatchLane;
  stats(): TransportStats;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
  hasPendingWork(): boolean;
  settleSync(): void;
  /** Files on disk holding batches (journal, fallback journal). */
  files(): string[];
}

/** A pipeline with the store and endpoint the tracker exposes. @internal */
export interface Wired {
  pipeline: Pipeline;
  thread: 'worker' | 'main';
  store: SparqlEndpoint | undefined;
  endpoint: SparqlEndpoint | undefined;
  logger: TransportLogger;
}

/** The in-thread pipeline (`thread: 'main'`): a {@link Transport} plus the exit path. */
class MainPipeline implements Pipeline {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }
  emit = (e: CaptureEvent): void => this.#t.emit(e);
  stats = (): TransportStats => this.#t.stats();
  flush = (): Promise<void> => this.#t.flush();
  shutdown = (): Promise<void> => this.#t.shutdown();
  hasPendingWork = (): boolean => this.#t.hasPendingWork();
  files = (): string[] => this.#t.diskFiles();
  /** At exit nothing asynchronous can run: recorded batches go to disk, the rest is dropped (and said). */
  settleSync(): void {
    this.#t.settleSync();
    reportUnsettled(this.#t.stats(), this.#t.diskFiles(), this.#t.options.mode === 'offline');
  }
}

/**
 * Sending to a server: a few requests in flight, and batches that queued behind a slow request go
 * as one write (one Graph Store POST of up to 8,192 quads — Virtuoso takes 10,000 in ~130 ms).
 */
const SERVER_SENDING = { sendConcurrency: 4, mergeQuads: 8192 } as const;

function isEndpoint(e: HttpSparqlEndpointOptions | SparqlEndpoint): e is SparqlEndpoint {
  return typeof (e as SparqlEndpoint).insertQuads === 'function';
}

/** The endpoint option as plain options (to build it in the worker too), or as the object given. */
function endpointOf(options: ProvMLOptions): HttpSparqlEndpointOptions | SparqlEndpoint | undefined {
  const e = options.endpoint;
  if (e === undefined) return options.store || options.sink ? undefined : HttpSparqlEndpoint.optionsFromEnv();
  if (typeof e === 'string') return { url: e };
  return e;
}

function journalOf(options: ProvMLOptions): { path: string; durability: JournalDurability } | undefined {
  const journal = typeof options.journal === 'string' ? { path: options.journal } : options.journal;
  if (!journal) return undefined;
  return { path: journal.path, durability: journal.durability ?? options.durability ?? 'batch' };
}

/**
 * Build the pipeline `options` ask for. Throws configuration errors (at init only).
 * @internal
 */
export function wire(options: ProvMLOptions): Wired {
  const mode = options.mode ?? 'online';
  const endpointOption = endpointOf(options);
  const objects = options.sink !== undefined || options.store !== undefined || (endpointOption !== undefined && isEndpoint(endpointOption));
  const thread = options.thread ?? (objects ? 'main' : 'worker');
  if (thread === 'worker' && objects) {
    throw new TypeError("provml: a custom `sink`, a `store` instance or a SparqlEndpoint object cannot move to the worker thread; pass endpoint options (URL) instead, or use thread: 'main'");
  }
  if (thread !== 'worker' && thread !== 'main') throw new TypeError(`provml: thread must be 'worker' or 'main', got ${JSON.stringify(thread)}`);
  const logger = options.logger ?? rateLimitedLogger();
  const environment = recordsEnvironment(options);
  const recorder: RecorderOptions = {
    ...(options.base !== undefined ? { base: options.base } : {}),
    ...(options.files !== undefined ? { files: options.files } : {}),
    ...(environment ? {} : { environment: false }),
    ...(process.argv[1] !== undefined ? { script: process.argv[1] } : {}),
  };
  const tracking: TrackingOptions = {
    tracking: options.tracking ?? 'full',
    processFacts: environment,
    ...(process.argv[1] !== undefined ? { script: process.argv[1] } : {}),
    ...(options.environmentVariables !== undefined ? { environmentVariables: [...options.environmentVariables] } : {}),
  };
  const journal = journalOf(options);
  const transport: Omit<TransportOptions, 'recorder'> = {
    mode,
    ...(journal ? { journal } : {}),
    ...pick(options, ['queueSize', 'batchSize', 'flushIntervalMs', 'fullQueuePolicy', 'deadLetter', 'shutdownTimeoutMs', 'fallbackJournal']),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  // Configuration errors are thrown here, at init, on the user's thread — not later in a worker.
  new Recorder(recorder);
  resolveTransportOptions({ ...transport, recorder: () => [], ...(mode === 'online' ? { sink: { name: 'check', write: async () => {} } } : {}) });
  const endpoint = endpointOption === undefined ? undefined : isEndpoint(endpointOption) ? endpointOption : new HttpSparqlEndpoint(endpointOption);
  if (endpoint && mode === 'online' && !options.sink) Object.assign(transport, SERVER_SENDING);
  if (thread === 'main') return wireMain(options, transport, recorder, tracking, endpoint, endpointOption, logger);

  const target: WorkerConfig['target'] =
    mode === 'offline' ? { kind: 'offline' } : endpointOption ? { kind: 'endpoint', options: endpointOption as HttpSparqlEndpointOptions } : { kind: 'embedded' };
  const queueSize = options.queueSize ?? 2048;
  const batchSize = Math.min(options.batchSize ?? 512, queueSize);
  const urgent = journal?.durability === 'sync';
  // The in-memory store cannot take data later, so the producer waits for it; a server's
  // overflow waits on disk in the worker, so there is more room before the producer waits.
  const maxInFlight = target.kind === 'embedded' ? 4 * queueSize : 12 * queueSize;
  const pipe = new WorkerPipeline(
    { recorder, tracking, target, transport: { ...transport, installExitHooks: false } as WorkerConfig['transport'] },
    {
      // Chunks are how events cross to the worker, not the batches it sends (those stay
      // batchSize): a small batchSize must not mean a post every few batches. min(512, half of
      // what may be in flight) events, or batchSize if larger (≤ queueSize, itself ≤ a quarter of
      // maxInFlight), so a chunk always fits.
      chunkSize: Math.max(batchSize, Math.min(512, Math.floor(maxInFlight / 2))),
      // Each hand-off costs the user's thread one postMessage (≈ 30–100 µs on a training's cold
      // caches), so a slow stream's chunk goes after the worker's flush interval, at most 250 ms:
      // < 1 µs per 4 ms batch. A full chunk goes at once.
      handoffMs: urgent ? 10 : Math.min(options.flushIntervalMs ?? 250, 250),
      maxInFlight,
      policy: options.fullQueuePolicy ?? 'spill',
      urgent,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 3000,
      logger,
      onError: options.onError,
      queryable: target.kind === 'embedded',
      keepStore: target.kind === 'embedded',
      offline: mode === 'offline',
    },
  );
  return { pipeline: pipe, thread, store: pipe.store, endpoint, logger };
}

function wireMain(
  options: ProvMLOptions,
  transport: Omit<TransportOptions, 'recorder'>,
  recorderOptions: RecorderOptions,
  tracking: TrackingOptions,
  endpoint: SparqlEndpoint | undefined,
  endpointOption: HttpSparqlEndpointOptions | SparqlEndpoint | undefined,
  logger: TransportLogger,
): Wired {
  const recorder = new Recorder({ ...recorderOptions, warn: (m) => logger.warn(m) });
  let sink: Sink | undefined = options.sink;
  let store: SparqlEndpoint | undefined = options.store;
  if (transport.mode === 'online' && sink === undefined && endpoint) {
    sink = new EndpointSink(endpoint, { closeEndpoint: !(endpointOption && isEndpoint(endpointOption)) });
  } else if (transport.mode === 'online' && sink === undefined) {
    const embedded = options.store ?? EmbeddedStore.create();
    store = embedded;
    sink = new EmbeddedStoreSink(embedded);
  }
  const t = new Transport({
    ...transport,
    recorder: trackingRecorder(recorder, tracking),
    ...(sink ? { sink } : {}),
    installExitHooks: false,
    logger,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { pipeline: new MainPipeline(t), thread: 'main', store, endpoint, logger };
}

/**
 * Whether the environment, the code and the process facts are recorded: the `environment` option,
 * by default on in full tracking and off in basic. @internal
 */
export function recordsEnvironment(options: Pick<ProvMLOptions, 'environment' | 'tracking'>): boolean {
  return options.environment ?? (options.tracking ?? 'full') === 'full';
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export type { TransportErrorContext };
