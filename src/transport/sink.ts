import type { Quad } from '@rdfjs/types';

/**
 * A batch of PROV-ML quads ready for a sink. Built in the background by `record/` from a batch of
 * capture events. Every node is an IRI (no blank nodes), so writing a batch twice is harmless.
 */
export interface QuadBatch {
  /** Monotonic sequence number within one tracker, for journal bookkeeping. */
  readonly seq: number;
  /** Number of capture events this batch came from. */
  readonly events: number;
  /** The quads, each in its workflow execution's named graph. */
  readonly quads: readonly Quad[];
  /** The same quads as N-Quads text (computed once, lazily, and shared by all sinks). */
  readonly nquads: string;
}

/**
 * Where batches go: the embedded store, an in-memory array for tests, a journal file, an HTTP
 * SPARQL endpoint. `write` may reject; the transport then retries / spills per its policy.
 */
export interface Sink {
  /** Short name used in logs and stats (never contains credentials). */
  readonly name: string;
  /** Persist one batch. Resolves when the data is durable/queryable at this sink. */
  write(batch: QuadBatch): Promise<void>;
  /** Make everything written so far durable (e.g. fsync). */
  flush?(): Promise<void>;
  /** Release resources. Called once by the tracker's shutdown. */
  close?(): Promise<void>;
}
