/**
 * Transport: bounded queue, batching, journal, sinks. `src/index.ts` re-exports what is public.
 * @module
 */
export { EventQueue, type EventQueueHooks, type EventQueueOptions, type FullQueuePolicy } from './queue.js';
export { Transport } from './pipeline.js';
export {
  resolveTransportOptions,
  type BatchRecorder,
  type ResolvedTransportOptions,
  type TransportErrorContext,
  type TransportOptions,
  type TransportStats,
} from './options.js';
export {
  Journal,
  formatBatchHeader,
  readJournal,
  readSentSeqs,
  replayJournal,
  sentSidecarPath,
  type JournalBatch,
  type JournalDurability,
  type JournalOptions,
  type ReadJournalOptions,
  type ReplayResult,
} from './journal.js';
export { createQuadBatch, parseNQuads, toNQuads, type QuadBatch, type QuadBatchInit, type Sink } from './sink.js';
export {
  deadLetterBatch,
  deliverBatch,
  writeWithRetry,
  type DeliveryContext,
  type DeliveryCounters,
  type DrainBacklog,
} from './delivery.js';
export { DeadLetterFile, describeFailure, formatDeadLetterHeader, isPermanentFailure, retryAfterOf } from './dead-letter.js';
export { JournalDrain, type JournalDrainOptions } from './drain.js';
export { DEFAULT_RETRY, backoffDelay, sleepUnref, type RetryOptions } from './retry.js';
export { rateLimitedLogger, silentLogger, type TransportLogger } from './logger.js';
export { registerExitFlush, type ExitFlushTarget } from './exit-hooks.js';
export { InMemorySink } from './sinks/in-memory.js';
export { JournalSink } from './sinks/journal-sink.js';
export { EmbeddedStoreSink, type EmbeddedStoreSinkOptions } from './sinks/embedded-store.js';
export { EndpointSink, type EndpointSinkOptions } from './sinks/endpoint.js';
