/**
 * provml — provenance of the machine-learning lifecycle as W3C PROV-ML RDF.
 *
 * Decorate your code (`@Workflow`, `@Transformation`, `@LearningStage`, `@Epoch`, `@Batch`) or use
 * `track.*`; call `ProvML.init()` once; query the embedded store (or any SPARQL endpoint) later.
 *
 * @example
 * ```ts
 * import { ProvML, Workflow, WorkflowRun, LearningStage, Epoch, Batch, ref } from 'provml';
 *
 * @Workflow({ name: 'digits', experiment: 'baseline', persona: 'ml-engineer' })
 * class Trainer {
 *   @WorkflowRun() async main() { await this.train({ lr: 0.01, epochs: 3, data: ref('train.csv') }); }
 *   @LearningStage({ stage: 'training', hyperparameters: ['lr', 'epochs'], inputs: ['data'] })
 *   async train(o: { lr: number; epochs: number; data: unknown }) { for (let e = 0; e < o.epochs; e++) this.epoch(e); }
 *   @Epoch({ indexArg: 0, measures: ['loss'] }) epoch(e: number) { return { loss: this.batch() }; }
 *   @Batch({ measures: ['loss'] }) batch() { return Math.random(); }
 * }
 *
 * const prov = ProvML.init();
 * await new Trainer().main();
 * await prov.shutdown();
 * ```
 *
 * @packageDocumentation
 */

// TC39 decorators on Node 20 need Symbol.metadata before any decorated class loads.
import './capture/polyfill.js';

export { ProvML, type ProvMLOptions, type ProvMLStats } from './tracker.js';
export { ProvMLConfigError } from './tracker-options.js';
export type { DescribeOptions, DomainValue } from './tracker-identity.js';

export {
  Batch,
  CaptureConfigError,
  Epoch,
  FeatureExtraction,
  LearningStage,
  Transformation,
  Workflow,
  WorkflowRun,
  currentExecution,
  currentRun,
  DEFAULT_LIMITS,
  endWorkflow,
  isRef,
  ref,
  track,
  tracked,
  type ActivityKind,
  type AnyMethod,
  type ArgRef,
  type CaptureClassDecorator,
  type CaptureEvent,
  type CaptureMethodDecorator,
  type DataRefSummary,
  type DescribeEvent,
  type SummarizeLimits,
  type EventEmitterLike,
  type ExecutionInfo,
  type StageType,
  type ValueRole,
  type ValueSummary,
  type Fact,
  type SpecEvent,
  type StartEvent,
  type EndEvent,
  type AttributeSpec,
  type ArgSpec,
  type CaptureOptions,
  type Execution,
  type IterationOptions,
  type OutSpec,
  type RefOptions,
  type StageOptions,
  type StartOptions,
  type TrackOptions,
  type WorkflowOptions,
} from './capture/index.js';

export { EmbeddedStore, type EmbeddedStoreOptions } from './store/embedded.js';
export { HttpSparqlEndpoint, type GraphStoreOptions, type HttpSparqlEndpointOptions } from './store/http.js';
export { SparqlHttpError, type SparqlHttpErrorCode } from './store/http-error.js';
export type { HttpAuth } from './store/http-auth.js';
export { EndpointSink, type EndpointSinkOptions } from './transport/sinks/endpoint.js';
export { startSparqlServer, type SparqlServer, type SparqlServerOptions, type SparqlServerRequestInfo, type StoreWrite } from './store/server.js';
export type { Bindings, QueryOptions, SparqlEndpoint } from './store/endpoint.js';
export { InMemorySink } from './transport/sinks/in-memory.js';
export type { QuadBatch, Sink } from './transport/sink.js';
export type { TransportErrorContext, TransportStats } from './transport/options.js';
export type { TransportLogger } from './transport/logger.js';
export type { FullQueuePolicy } from './transport/queue.js';
export type { JournalDurability } from './transport/journal.js';
export type { RetryOptions } from './transport/retry.js';
export type { FileInspectorOptions } from './record/files.js';
