import { holdingAny, releaseHeld } from './capture/held.js';
import { endOpenWorkflows, getDefaultEmitter, setDefaultEmitter, type CaptureEvent, type EventEmitterLike } from './capture/index.js';
import { RECORDS_PEAK_MEMORY } from './capture/engine.js';
import { BATCH_LANE, type BatchLane } from './capture/emitter.js';
import type { FileInspectorOptions } from './record/files.js';
import type { EmbeddedStore } from './store/embedded.js';
import type { SparqlEndpoint } from './store/endpoint.js';
import type { HttpSparqlEndpointOptions } from './store/http.js';
import { setSummarizeLimits, type SummarizeLimits } from './capture/summarize.js';
import { checkInitOptions } from './tracker-options.js';
import { dataIriOf, describeEvent, type DescribeOptions, type DomainValue } from './tracker-identity.js';
import type { DataRefSummary, ExecutionInfo } from './capture/index.js';
import { recordsEnvironment, wire, type Pipeline } from './tracker-wiring.js';
import { registerExitFlush, reportUnsettled } from './transport/exit-hooks.js';
import type { JournalDurability } from './transport/journal.js';
import type { TransportLogger } from './transport/logger.js';
import type { TransportErrorContext, TransportStats } from './transport/options.js';
import type { FullQueuePolicy } from './transport/queue.js';
import type { RetryOptions } from './transport/retry.js';
import type { Sink } from './transport/sink.js';

/**
 * Wiring: capture → record → transport → store. This file and `index.ts` are the only places that
 * know every layer (ARCHITECTURE.md, "imports point down the flow").
 */

/**
 * Options of {@link ProvML.init}. Every field is optional: `ProvML.init()` records into an
 * in-memory embedded Oxigraph store with no setup. Names follow the PROV-ML paper's capture
 * settings (queue size, diskful/diskless, online/offline).
 *
 * @example
 * ```ts
 * const prov = ProvML.init({
 *   batchSize: 256,
 *   journal: { path: '.provml/journal.nq', durability: 'batch' }, // diskful
 *   mode: 'online',
 *   onError: (err, ctx) => console.error('provenance', ctx.stage, err),
 * });
 * ```
 */
export interface ProvMLOptions {
  /**
   * Where the pipeline runs. `'worker'` (default): recording, serialization, journal, retries,
   * sinks and the embedded store run in one `worker_threads` worker; your thread only captures
   * compact events and hands them over. `'main'`: everything runs on your thread, between your
   * own work (for runtimes without workers). A custom `sink`, a `store` instance or a
   * `SparqlEndpoint` object implies `'main'`: such objects cannot cross to a worker.
   */
  thread?: 'worker' | 'main';
  /**
   * An embedded store you created to write to (implies `thread: 'main'`). Default: a new
   * in-memory store, which lives in the worker and is queried through `prov.store`.
   */
  store?: EmbeddedStore;
  /** A custom primary sink instead of the embedded store (e.g. an `InMemorySink` in tests; implies `thread: 'main'`). */
  sink?: Sink;
  /**
   * Write to a SPARQL endpoint instead of the embedded store: a query URL, the options of an
   * `HttpSparqlEndpoint` (update URL, Graph Store endpoint, auth…), or any `SparqlEndpoint`
   * (which you then own: it is not closed at shutdown). Without `store`, `sink` and `endpoint`,
   * `PROVML_ENDPOINT` (see `HttpSparqlEndpoint.fromEnv`) selects an endpoint from the environment.
   * Batches that cannot be sent while the endpoint is down wait on disk — in the `journal`, or
   * without one in the fallback journal — and are delivered in order when it is back. A URL or
   * options run in the worker; a `SparqlEndpoint` object keeps the pipeline on your thread.
   */
  endpoint?: string | HttpSparqlEndpointOptions | SparqlEndpoint;
  /** Base of minted IRIs (default `urn:provml:`). */
  base?: string;
  /** `'online'` (default) sends to the store/sink; `'offline'` only journals (replay later with `provml push`). */
  mode?: 'online' | 'offline';
  /** Events held in memory before `fullQueuePolicy` applies (default 2048). */
  queueSize?: number;
  /** Events per batch (default 512). */
  batchSize?: number;
  /** A partial batch is sent after this many ms (default 250: a slow stream is queryable within half a second, and `flush()` at the end has little left to send). */
  flushIntervalMs?: number;
  /** When the queue is full: `'spill'` to disk (default), `'drop'` and count, or `'block'` the producer. */
  fullQueuePolicy?: FullQueuePolicy;
  /** Diskful mode: an append-only N-Quads journal (path, or path + fsync policy). Default: diskless. */
  journal?: false | string | { path: string; durability?: JournalDurability };
  /** Shorthand for `journal.durability` (default `'batch'`); used when `journal.durability` is not set. */
  durability?: JournalDurability;
  /**
   * Append-only N-Quads file for batches the endpoint rejects for good (non-retryable errors such
   * as HTTP 400); default `<journal>.dead.nq`, or `<tmpdir>/provml/dead-<pid>.nq` without a journal.
   */
  deadLetter?: string;
  /** Retry policy for sink writes. */
  retry?: Partial<RetryOptions>;
  /** Receives every provenance error (never thrown into your code) with what became of the data. */
  onError?: (error: unknown, context: TransportErrorContext) => void;
  /** Where warnings go (default: console.warn, rate-limited). */
  logger?: TransportLogger;
  /** File facts for data references (sha256, size, media type); `false` records only the URI. */
  files?: FileInspectorOptions | false;
  /**
   * How much is recorded — the tracking modes of the Pegasus paper:
   * - `'full'` (default): executions with everything they used and generated, plus the workflow
   *   definition (declared parameters, inputs and outputs; study, experiment, persona, task,
   *   algorithm, software), the code (entry script, checksum, commit, git branch and dirty flag),
   *   the environment (runtime, OS, host, CPU count, packages) and the execution facts: process
   *   id, machine memory, the process's peak memory at the end of each workflow and stage
   *   execution, batch-job ids (SLURM, PBS, LSF, Kubernetes) and allow-listed environment variables.
   * - `'basic'`: executions and their inputs and outputs only — data references with their file
   *   facts, parameters, hyperparameters, measures, models — and tags. Plans keep only what types
   *   an execution (name, kind, stage type); no code, environment or execution facts.
   *
   * @example
   * ```ts
   * const prov = ProvML.init({ tracking: 'basic', journal: 'lineage.nq' });
   * ```
   */
  tracking?: 'basic' | 'full';
  /**
   * Record the environment, the code and the execution facts (runtime, OS, host, packages, entry
   * script, git branch and dirty flag, process id, memory, batch job, allow-listed environment
   * variables). Default: `true` with `tracking: 'full'`; `tracking: 'basic'` records none (asking
   * for them there is a configuration error).
   */
  environment?: boolean;
  /**
   * Further environment variables whose values are recorded on each workflow execution (as
   * `env:<NAME>` qualities), besides the built-in allow-list of batch-job variables (SLURM_*, PBS_*,
   * LSB_*, Kubernetes pod names; see `ENVIRONMENT_ALLOW_LIST` in record/process-facts.ts). No
   * other variable is ever read for recording. Names that look like credentials (`…SECRET…`,
   * `…TOKEN…`, `…PASSWORD…`, `…_KEY`…) are refused.
   *
   * @example
   * ```ts
   * const prov = ProvML.init({ environmentVariables: ['CUDA_VISIBLE_DEVICES', 'OMP_NUM_THREADS'] });
   * ```
   */
  environmentVariables?: readonly string[];
  /** Become the default tracker used by decorators and `track` (default true). */
  global?: boolean;
  /**
   * Settle everything when the process ends (default true): flush on `beforeExit`; on `exit`
   * (also after `process.exit()` or an uncaught exception), SIGINT and SIGTERM, block until every
   * captured event is sent, journaled or written to a fallback journal (at most
   * `shutdownTimeoutMs`), and print on stderr what did not reach the store.
   */
  installExitHooks?: boolean;
  /** `shutdown()` — and the settle at exit — take at most this long (default 3000 ms); what is left goes to disk. */
  shutdownTimeoutMs?: number;
  /**
   * Without a `journal`: the file undelivered batches go to at exit or at the shutdown deadline
   * (default `<tmpdir>/provml/unsent-<pid>-<time>.nq`, created only when needed and printed).
   */
  fallbackJournal?: string;
  /**
   * At `shutdown()`, validate everything in the embedded store against provml's SHACL shapes
   * (default false; needs the embedded store, so not with a custom `sink` or offline). Results
   * go to `onError` (and the logger) as an Error named `ProvenanceValidationError` whose `report`
   * holds them, with context `{ stage: 'close', outcome: 'none' }`; nothing is thrown.
   */
  validate?: boolean;
  /**
   * How captured values are summarized (process-wide; the last `init` with `global: true` sets
   * them): strings are cut at `maxString` characters (default 1024) with a `…[+N chars]` marker;
   * objects keep `maxKeys` keys (32), arrays up to `maxItems` items (16) are listed, longer ones
   * become a length plus a fingerprint over `maxSample` elements (4096), nesting stops at
   * `maxDepth` (2). BigInts are recorded as their decimal string.
   */
  limits?: Partial<SummarizeLimits>;
}

/**
 * Counters of a tracker: every captured event ends up sent, journaled or dropped.
 *
 * @example
 * ```ts
 * const { captured, sent, journaled, dropped }: ProvMLStats = prov.stats();
 * ```
 */
export type ProvMLStats = TransportStats;

let current: ProvML | undefined;

/**
 * A provenance tracker. Decorated code and the `track` API emit events into it; it records them
 * as PROV-ML in the background and writes them to its store. It never throws into your code.
 *
 * @example
 * ```ts
 * import { ProvML } from 'provml';
 *
 * const prov = ProvML.init();
 * await new Trainer().run();          // decorated with @Workflow, @LearningStage, @Epoch…
 * await prov.flush();
 * const rows = await prov.store!.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
 * await prov.shutdown();
 * ```
 */
export class ProvML implements EventEmitterLike {
  /**
   * The store this tracker writes to, queryable from your thread: the embedded store (by
   * default it lives in the worker and answers through messages), or the `store` you passed.
   * Undefined with a custom `sink`, an `endpoint`, or offline.
   */
  readonly store: SparqlEndpoint | undefined;
  /** The SPARQL endpoint this tracker writes to (`endpoint` option or `PROVML_ENDPOINT`), if any. */
  readonly endpoint: SparqlEndpoint | undefined;
  /** Where the pipeline runs (see {@link ProvMLOptions.thread}). */
  readonly thread: 'worker' | 'main';
  /** Hot path: records one capture event (no I/O, never throws). Used by decorators. */
  readonly emit: (event: CaptureEvent) => void;
  /** Base of the IRIs this tracker mints (`base` option, default `urn:provml:`). */
  readonly base: string;
  /** The tracking mode (see {@link ProvMLOptions.tracking}). */
  readonly tracking: 'basic' | 'full';
  /** Capture adds the peak memory to workflow and stage end events (with the environment facts). @internal */
  readonly [RECORDS_PEAK_MEMORY]: boolean;
  /** Batches written straight into the worker's hand-off (see capture's `BatchLane`). @internal */
  readonly [BATCH_LANE]: BatchLane | undefined;
  readonly #files: ProvMLOptions['files'];
  readonly #pipeline: Pipeline;
  readonly #previous: EventEmitterLike | undefined;
  readonly #validate: boolean;
  readonly #logger: TransportLogger;
  readonly #onError: ProvMLOptions['onError'];
  readonly #unregisterExit: (() => void) | undefined;
  readonly #ownsEndpoint: boolean;
  readonly #offline: boolean;
  #shutdown: Promise<void> | undefined;

  private constructor(options: ProvMLOptions) {
    checkInitOptions(options);
    const w = wire(options);
    this.base = options.base ?? 'urn:provml:';
    this.tracking = options.tracking ?? 'full';
    this[RECORDS_PEAK_MEMORY] = recordsEnvironment(options);
    this.#files = options.files;
    this.#pipeline = w.pipeline;
    this.thread = w.thread;
    this.store = w.store;
    this.endpoint = w.endpoint;
    this.#logger = w.logger;
    this.#onError = options.onError;
    this.#ownsEndpoint = w.endpoint !== undefined && w.endpoint !== options.endpoint;
    this.emit = w.pipeline.emit;
    this[BATCH_LANE] = w.pipeline.lane;
    this.#validate = options.validate ?? false;
    this.#offline = options.mode === 'offline';
    const p = w.pipeline;
    this.#unregisterExit =
      (options.installExitHooks ?? true)
        ? registerExitFlush(
            {
              // What an integration holds back (capture/held.ts) is released first, so it is settled too.
              hasPendingWork: () => holdingAny() || p.hasPendingWork(),
              flush: () => this.flush(),
              settleSync: () => (releaseHeld(), p.settleSync()),
            },
            options.shutdownTimeoutMs ?? 3000,
          )
        : undefined;
    if (options.global ?? true) {
      if (current !== undefined && current !== this) {
        this.#logger.warn(
          'provml: ProvML.init() called while another tracker is installed: the new one replaces it as the default until its shutdown(); shut the first one down first, or pass global: false for a second tracker',
        );
      }
      if (options.limits) setSummarizeLimits(options.limits);
      this.#previous = setDefaultEmitter(this);
      current = this;
    }
  }

  /**
   * Create a tracker. Configuration errors (bad IRI base, offline without a journal, bad sizes)
   * throw here, at init; nothing after init ever throws into your code.
   *
   * @example
   * ```ts
   * const prov = ProvML.init({ journal: '.provml/run.nq' });
   * ```
   */
  static init(options: ProvMLOptions = {}): ProvML {
    return new ProvML(options);
  }

  /**
   * The tracker installed as default by the last `init()` (undefined before, or after its shutdown).
   *
   * @example
   * ```ts
   * await ProvML.current?.flush();
   * ```
   */
  static get current(): ProvML | undefined {
    return current;
  }

  /**
   * Resolves when every event captured before the call is stored, journaled or counted dropped.
   * Never rejects.
   *
   * @example
   * ```ts
   * await prov.flush();
   * ```
   */
  flush(): Promise<void> {
    releaseHeld(); // batches an integration holds to record in groups (capture/held.ts)
    return this.#pipeline.flush();
  }

  /**
   * Ends still-open implicit workflow executions, flushes, closes sinks and uninstalls the
   * tracker. Always resolves, within `shutdownTimeoutMs` (default 3 s) plus the time to write what
   * is left to disk: batches the sink has not confirmed by then are in the journal or a fallback
   * journal (see `stats().fallbackJournal`). Idempotent; events after it are counted as dropped.
   * The default in-memory store stays queryable afterwards.
   *
   * @example
   * ```ts
   * await prov.shutdown();
   * ```
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      releaseHeld();
      endOpenWorkflows(this);
      await this.#pipeline.shutdown();
      this.#unregisterExit?.();
      reportUnsettled(this.#pipeline.stats(), this.#pipeline.files(), this.#offline); // silent when everything is stored
      if (this.#validate && this.store) await this.#validateStore(this.store);
      if (this.#ownsEndpoint) await this.endpoint?.close().catch(() => undefined);
      if (current === this) {
        current = undefined;
        if (getDefaultEmitter() === this) setDefaultEmitter(this.#previous);
      }
    })();
    return this.#shutdown;
  }

  /** Validates the store at shutdown; loads the SHACL engine only then. Never throws. */
  async #validateStore(store: SparqlEndpoint): Promise<void> {
    const logger = this.#logger;
    const onError = this.#onError;
    const report = (error: unknown) => {
      logger.warn(`provml: close error: ${error instanceof Error ? error.message : String(error)} [none]`);
      try {
        onError?.(error, { stage: 'close', outcome: 'none' });
      } catch (hookErr) {
        logger.warn(`provml: onError hook threw: ${String(hookErr)}`);
      }
    };
    try {
      const { validate } = await import('./validate/index.js');
      const result = await validate({ endpoint: store });
      if (result.conforms) return;
      const first = result.results[0]!;
      const error = new Error(
        `recorded provenance does not conform to the PROV-ML shapes: ${result.results.length} result(s), first: ${first.focusNode}${first.path ? ` ${first.path}` : ''}: ${first.message}`,
      );
      report(Object.assign(error, { name: 'ProvenanceValidationError', report: result }));
    } catch (err) {
      report(err);
    }
  }

  /**
   * The IRI an execution or a data reference is recorded under — what the queries, `lineage`,
   * `provml inspect --run` and `provml lineage` take. For an execution (`currentRun()`,
   * `currentExecution()`, a `track.start` handle, the run `track.workflow` passes) it is
   * immediate. For a file it is content-derived, as the recorder mints it: the file is hashed now,
   * so call it while the file holds the content that was recorded (after writing an output, before
   * overwriting it). Paths and URLs are taken as `ref()` takes them.
   *
   * @example
   * ```ts
   * const dataset = ref('data/train.csv');
   * const run = await track.workflow({ name: 'prep' }, async (run) => { await prepare(dataset); return run; });
   * const rows = await q3(prov.store!, { dataset: await prov.iriOf(dataset) });
   * console.log(prov.iriOf(run)); // urn:provml:execution:0190…
   * ```
   */
  iriOf(execution: ExecutionInfo): string;
  iriOf(data: DataRefSummary | string | URL): Promise<string>;
  iriOf(x: ExecutionInfo | DataRefSummary | string | URL): string | Promise<string> {
    if (typeof x === 'object' && x !== null && !(x instanceof URL) && typeof (x as ExecutionInfo).id === 'string' && typeof (x as ExecutionInfo).root === 'string') {
      return `${this.base}execution:${(x as ExecutionInfo).id}`;
    }
    return dataIriOf(x as DataRefSummary | string | URL, this.base, this.#files);
  }

  /**
   * Record domain facts about a file or URI — basin, field, wells, report text — into a domain
   * graph (default `<base>graph:domain`), about the file's storage URL: the absolute,
   * percent-encoded `file://` URL of a path (`ref()`'s rule), or the URI itself. That is the node
   * Q1 and Q6 join domain facts on, so they hold for every version of the file. Fact names
   * become `<vocab><name>` (default vocab `<base>domain:`) unless they are IRIs; a `URL` or `ref()`
   * value links to that file's node; a list gives one triple per item. The facts travel with the
   * captured events (journaled, retried, counted); a bad graph, vocab or name throws a TypeError.
   *
   * @example
   * ```ts
   * prov.describe(ref('raw/netherlands.sgy'), { basin: 'North Sea', field: 'F3', wells: ['F02-1', 'F03-4'] });
   * const [row] = await q1(prov.store!, { model });
   * row?.domain.basin; // 'North Sea'
   * ```
   */
  describe(target: DataRefSummary | string | URL, facts: Readonly<Record<string, DomainValue>>, options: DescribeOptions = {}): void {
    this.emit(describeEvent(target, facts, options, this.base));
  }

  /**
   * Counters: captured, recorded, sent, journaled, dropped, retried, failed batches, queue length
   * and the most events ever held in memory.
   *
   * @example
   * ```ts
   * const { captured, sent, dropped } = prov.stats();
   * ```
   */
  stats(): ProvMLStats {
    return this.#pipeline.stats();
  }
}

