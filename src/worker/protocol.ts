/**
 * The crossing between the user's thread and the provenance worker: typed messages, the layout
 * of the shared control memory, and the codes of the compact (row) event encoding.
 *
 * Everything after capture runs in the worker; the user's thread only encodes events into
 * records of one Float64Array ({@link EventChunk}) and posts them with their buffer transferred, not cloned.
 *
 * @module
 */

import { LANE_MAX_OUTS } from '../capture/emitter.js';
import type { ActivityKind, CaptureEvent, ValueRole } from '../capture/events.js';
import type { TransportErrorContext } from '../transport/options.js';

// ---- event encoding ----------------------------------------------------------------------------

/** Kind codes (3 bits of a record head). @internal */
export const KINDS: readonly ActivityKind[] = ['workflow', 'transformation', 'featureExtraction', 'stage', 'epoch', 'batch'];
/** Role codes of numeric facts. @internal */
export const ROLES: readonly ValueRole[] = [
  'parameter',
  'hyperparameter',
  'input',
  'output',
  'measure',
  'model',
  'modelHyperparameter',
  'characteristic',
  'attribute',
];

/** Op codes: an encoded start, an encoded end, or an event sent whole (`raw`). @internal */
export const OP_START = 1;
export const OP_END = 2;
export const OP_RAW = 3;

export const F_ID_PREV = 1; // end: id is the previous start's id (not in `strings`)
export const F_ROOT_PREV = 2; // root is the previous event's root
export const F_PARENT = 4; // start: has a parent
export const F_PARENT_PREV = 8; // start: parent is the previous start's parent
export const F_INDEX = 16; // start: has an index (the word after `at`)
export const F_ROOT_ID = 32; // start: root is its own id (a workflow run)
export const F_ID_NUM = 64; // the id is two words (ms, counter) of the sender's ids, not a string

/*
 * Row layout. A chunk is ONE Float64Array; each event is a record of consecutive words, so
 * encoding an event writes one array, one or two cache lines, where ten typed columns meant ten
 * objects and ten places in memory — on a training's thread, whose caches its own kernels have
 * just flushed, every place touched is a likely cache miss.
 *
 *   word 0   head = op | kind << 2 | flags << 5 | nFacts << 12 (17 bits), + spec code × 2^17 (start)
 *   word 1   at                       (start and end)
 *   then     id ms, id counter        (with F_ID_NUM: an id this thread's uuidv7 made, as numbers)
 *   then     index                    (start with F_INDEX)
 *   then     per numeric fact: role + name code × 2^4, then its value
 *
 * Ids are the only per-event strings; an id made by this thread's `uuidv7` (nearly all: each start
 * event's own id is the one just made) travels as its two numbers and is rebuilt in the worker
 * from the thread's `ID_NODE`, so a chunk of batches carries no strings at all.
 *
 * An `OP_RAW` record is its head word alone: the event travels whole in `raw`.
 */

/** Head word of a record. @internal */
export function recordHead(op: number, kind: number, flags: number, nFacts: number, spec: number): number {
  return (op | (kind << 2) | (flags << 5) | (nFacts << 12)) + spec * HEAD_SPEC;
}

/** The spec code's unit in a head word (the bits below it hold op, kind, flags and nFacts). @internal */
export const HEAD_SPEC = 131072;

/** Longest record: head, at, two id words, index and 16 facts (LANE_MAX_OUTS) of two words. @internal */
export const MAX_RECORD_WORDS = 5 + 2 * LANE_MAX_OUTS;

/** Words of a chunk buffer for `cap` events (room for about three facts each, on average). @internal */
export function chunkWords(cap: number): number {
  return cap * 8 + MAX_RECORD_WORDS;
}

/**
 * A chunk of capture events in the row layout above, posted with its buffer transferred.
 * @internal
 */
export interface EventChunk {
  type: 'events';
  /** Events in the chunk. */
  n: number;
  /** Words of `buffer` (a Float64Array's) in use. */
  words: number;
  buffer: ArrayBuffer;
  strings: string[];
  /** Dictionary entries added since the previous chunk, in code order. */
  dict: string[];
  /** Events sent whole, in order of their `OP_RAW` records. */
  raw: CaptureEvent[];
  /** Under durability `'sync'`: record and journal this chunk at once. */
  urgent: boolean;
}

// ---- shared control memory ----------------------------------------------------------------

/**
 * Int32 slots of the control buffer shared by both threads. The worker stores, the user's
 * thread loads (and waits on `PROGRESS` / `DONE` with `Atomics.wait`). Event counts wrap at
 * 2^32: compare them by difference.
 * @internal
 */
export const CTL = {
  /** Events the worker has settled (sent, journaled, dead-lettered or dropped). */
  SETTLED: 0,
  /** Bumped by the worker whenever something settles (a futex for back-pressure waits). */
  PROGRESS: 1,
  /** Set to a request id when the worker finished the synchronous exit settle of that id. */
  DONE: 2,
  /** 1 once the worker has loaded and listens (its start-up is not counted against timeouts). */
  READY: 3,
  SIZE: 4,
} as const;

/** Float64 slots of the shared stats buffer (the worker's transport counters). @internal */
export const STAT_KEYS = ['captured', 'recorded', 'sent', 'journaled', 'deadLettered', 'dropped', 'retried', 'failedBatches', 'queueLength', 'maxBuffered', 'held'] as const;

// ---- messages --------------------------------------------------------------------------------

/**
 * Messages the user's thread sends to the worker.
 *
 * @example
 * ```ts
 * const m: ToWorker = { type: 'flush', id: 1 };
 * ```
 */
export type ToWorker =
  | EventChunk
  | { type: 'flush'; id: number }
  | { type: 'shutdown'; id: number }
  /** Settle everything against `deadline` (epoch ms), then set `CTL.DONE` to `id` and notify. */
  | { type: 'settle'; id: number; deadline: number }
  | { type: 'query'; id: number; method: 'select' | 'construct' | 'ask' | 'update' | 'insertQuads' | 'dump'; args: unknown[] };

/**
 * A serialisable error: what `onError` receives on the user's side, rebuilt as an `Error`.
 *
 * @example
 * ```ts
 * const e: WireError = { name: 'SparqlHttpError', message: 'HTTP 500', props: { status: 500 } };
 * ```
 */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  props?: Record<string, unknown>;
}

/**
 * Messages the worker sends back.
 *
 * @example
 * ```ts
 * const m: FromWorker = { type: 'done', id: 1 };
 * ```
 */
export type FromWorker =
  | { type: 'done'; id: number; value?: unknown; error?: WireError }
  | { type: 'warn'; message: string }
  | { type: 'error'; error: WireError; context: TransportErrorContext };

/** A term as plain data: `[termType, value]`, or for a literal `[…, datatype, language]`. @internal */
export type WireTerm = [string, string, string?, string?];

/** The worker's answer to a `settle` request, sent on the dedicated settle port. @internal */
export interface SettleReply {
  type: 'settled';
  id: number;
  fallbackJournal: string | undefined;
  fallbackEvents: number;
  dropped: number;
  /** Journal, spill and fallback files holding this tracker's batches. */
  files: string[];
}

/** Turn anything thrown into a {@link WireError} (own enumerable primitive props kept). @internal */
export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) props[k] = v;
  return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}), props };
}

/** Rebuild an `Error` from a {@link WireError}. @internal */
export function fromWire(w: WireError): Error {
  const e = Object.assign(new Error(w.message), w.props ?? {});
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}
