/**
 * The crossing between the user's thread and the provenance worker: typed messages, the layout
 * of the shared control memory, and the codes of the compact (columnar) event encoding.
 *
 * Everything after capture runs in the worker; the user's thread only encodes events into
 * columns ({@link EventChunk}) and posts them with their buffer transferred, not cloned.
 *
 * @module
 */

import type { ActivityKind, CaptureEvent, ValueRole } from '../capture/events.js';
import type { TransportErrorContext } from '../transport/options.js';

// ---- event encoding ----------------------------------------------------------------------------

/** Kind codes (one byte per event). @internal */
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

/** Op codes: a columnar start, a columnar end, or an event sent whole (`raw`). @internal */
export const OP_START = 1;
/** @internal */
export const OP_END = 2;
/** @internal */
export const OP_RAW = 3;

/** Flag bits of a columnar event. @internal */
export const F_ID_PREV = 1; // end: id is the previous start's id (not in `strings`)
/** @internal */
export const F_ROOT_PREV = 2; // root is the previous event's root
/** @internal */
export const F_PARENT = 4; // start: has a parent
/** @internal */
export const F_PARENT_PREV = 8; // start: parent is the previous start's parent
/** @internal */
export const F_INDEX = 16; // start: has an index
/** @internal */
export const F_ROOT_ID = 32; // start: root is its own id (a workflow run)

/**
 * One hand-off of events: typed columns in a single transferred buffer, plus the strings that
 * cannot be derived (new ids; roots and parents only when they change), new dictionary entries
 * (spec keys, fact names) and the rare events sent whole (specs, errors, non-numeric facts).
 *
 * @example
 * ```ts
 * worker.postMessage(chunk, [chunk.buffer]);
 * ```
 */
export interface EventChunk {
  type: 'events';
  /** Events in the chunk. */
  n: number;
  /** Numeric facts in the chunk. */
  nFacts: number;
  buffer: ArrayBuffer;
  /** Event capacity the column views were laid out for. */
  cap: number;
  /** Fact capacity the column views were laid out for. */
  factCap: number;
  strings: string[];
  /** Dictionary entries added since the previous chunk, in code order. */
  dict: string[];
  /** Events sent whole, in order of their `OP_RAW` slots. */
  raw: CaptureEvent[];
  /** Under durability `'sync'`: record and journal this chunk at once. */
  urgent: boolean;
}

/**
 * Typed views over an {@link EventChunk}'s buffer. Float64 columns first (8-byte aligned).
 *
 * @example
 * ```ts
 * const cols = columns(new ArrayBuffer(chunkBytes(512, 1024)), 512, 1024);
 * ```
 */
export interface Columns {
  at: Float64Array;
  index: Float64Array;
  factValue: Float64Array;
  spec: Int32Array;
  factName: Int32Array;
  op: Uint8Array;
  kind: Uint8Array;
  flags: Uint8Array;
  nFacts: Uint8Array;
  factRole: Uint8Array;
}

/** Bytes of a chunk buffer for `cap` events and `factCap` facts. @internal */
export function chunkBytes(cap: number, factCap: number): number {
  return cap * 8 * 2 + factCap * 8 + cap * 4 + factCap * 4 + cap * 4 + factCap;
}

/** Lay the columns over a chunk buffer. @internal */
export function columns(buffer: ArrayBuffer, cap: number, factCap: number): Columns {
  let o = 0;
  const f64 = (n: number) => {
    const v = new Float64Array(buffer, o, n);
    o += n * 8;
    return v;
  };
  const i32 = (n: number) => {
    const v = new Int32Array(buffer, o, n);
    o += n * 4;
    return v;
  };
  const u8 = (n: number) => {
    const v = new Uint8Array(buffer, o, n);
    o += n;
    return v;
  };
  return {
    at: f64(cap),
    index: f64(cap),
    factValue: f64(factCap),
    spec: i32(cap),
    factName: i32(factCap),
    op: u8(cap),
    kind: u8(cap),
    flags: u8(cap),
    nFacts: u8(cap),
    factRole: u8(factCap),
  };
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
export const STAT_KEYS = ['captured', 'recorded', 'sent', 'journaled', 'deadLettered', 'dropped', 'retried', 'failedBatches', 'queueLength', 'maxBuffered'] as const;

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
