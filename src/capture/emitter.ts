/**
 * Where capture events go. The tracker (transport layer) implements {@link EventEmitterLike};
 * decorators and the `track` API emit into an explicit `tracker` option or, otherwise, into the
 * process-wide default emitter read at call time.
 *
 * @module
 */

import type { CaptureEvent, ValueRole } from './events.js';

/**
 * The sink of capture events: anything with a synchronous `emit`. `emit` must not block or throw
 * (errors it throws are swallowed by capture, with one process warning). When `enabled` is `false`
 * capture is skipped entirely and decorated code runs undecorated.
 *
 * @example
 * ```ts
 * import type { CaptureEvent, EventEmitterLike } from 'provml';
 * const events: CaptureEvent[] = [];
 * const collector: EventEmitterLike = { emit: (e) => void events.push(e) };
 * ```
 */
export interface EventEmitterLike {
  /** Receive one event. Called synchronously on the user's hot path: enqueue, don't process. */
  emit(e: CaptureEvent): void;
  /** `false` disables capture for this emitter (checked on every call). Absent means enabled. */
  readonly enabled?: boolean;
  /** Base of the IRIs this emitter's events are recorded under (default `urn:provml:`); names executions in {@link ExecutionInfo.iri}. */
  readonly base?: string;
  /** A lane that takes batch executions without event objects (the worker pipeline's). @internal */
  readonly [BATCH_LANE]?: BatchLane | undefined;
}

/** Most numeric outputs a batch may have to take the {@link BatchLane} (its `end`'s `n`). @internal */
export const LANE_MAX_OUTS = 16;

/** Key of an emitter's {@link BatchLane}. @internal */
export const BATCH_LANE: unique symbol = Symbol.for('provml.capture.batchLane');

/**
 * The batch fast lane. A `@Batch` execution inside an open execution whose outputs are all
 * numbers is the one call a training makes thousands of times between its own kernels, with its
 * caches cold; an emitter that offers this lane receives its start and end as the fields of the
 * two events, written straight into its hand-off buffer: no event objects, no fact arrays, no
 * summaries. What it records must equal what `emit` of the two events would record. Everything
 * else (errors, promises, facts added with `track.record`, non-numeric outputs) takes `emit`.
 * @internal
 */
export interface BatchLane {
  /**
   * Same as `emit` of `{ t: 'start', id, kind: 'batch', root, parent, spec, at, index }`, where
   * `id` is `idText(idMs, idCounter, ID_NODE)` (capture/ids.ts): the id of this thread made of
   * those two numbers.
   */
  start(idMs: number, idCounter: number, root: string, parent: string, spec: string, at: number, index: number): void;
  /**
   * Same as `emit` of `{ t: 'end', id, kind: 'batch', root, at, facts }` with `n` facts (≤ 16):
   * fact `k` is `{ role: outs[k].role, name: outs[k].name, value: values[k] }`; none when `n` is 0.
   */
  end(idMs: number, idCounter: number, root: string, at: number, outs: readonly { readonly role: ValueRole; readonly name: string }[], values: Float64Array, n: number): void;
  /**
   * How long (ms) an integration may hold batches that have ended before writing them, to write
   * several in a row (the TF.js callback's groups): a share of the hand-off interval, so that
   * what is held adds little to how late events reach the worker — and to what a SIGKILL loses
   * under `durability: 'sync'` (whose hand-off is 10 ms).
   */
  holdMs: number;
}

/**
 * An emitter that drops everything and disables capture: the default until provml is initialised,
 * so decorated code behaves exactly as undecorated code.
 *
 * @example
 * ```ts
 * import { noopEmitter, setDefaultEmitter } from './emitter.js'; // internal: integrations inside provml
 * setDefaultEmitter(noopEmitter); // stop capturing
 * ```
 */
export const noopEmitter: EventEmitterLike = Object.freeze({
  enabled: false,
  emit(): void {},
});

let current: EventEmitterLike = noopEmitter;

/**
 * Make `e` the default emitter for decorated code and the `track` API; returns the previous one.
 * Passing `undefined` restores the no-op emitter. Takes effect for the next call (the default is
 * read at call time, not decoration time).
 *
 * @example
 * ```ts
 * import { setDefaultEmitter } from './emitter.js'; // internal
 * const events: unknown[] = [];
 * const previous = setDefaultEmitter({ emit: (e) => void events.push(e) });
 * // ... run decorated code ...
 * setDefaultEmitter(previous);
 * ```
 */
export function setDefaultEmitter(e: EventEmitterLike | undefined): EventEmitterLike {
  const prev = current;
  current = e ?? noopEmitter;
  return prev;
}

/**
 * The current default emitter ({@link noopEmitter} if none was set).
 *
 * @example
 * ```ts
 * import { getDefaultEmitter, noopEmitter } from './emitter.js'; // internal
 * const capturing = getDefaultEmitter() !== noopEmitter;
 * ```
 */
export function getDefaultEmitter(): EventEmitterLike {
  return current;
}

let warned = false;

/** Emit without ever letting an emitter failure reach user code. @internal */
export function safeEmit(em: EventEmitterLike, e: CaptureEvent): void {
  try {
    em.emit(e);
  } catch (err) {
    if (!warned) {
      warned = true;
      try {
        process.emitWarning(`provml: an event emitter threw; events may be lost (${String(err)})`, 'ProvmlWarning');
      } catch {
        /* ignore */
      }
    }
  }
}
