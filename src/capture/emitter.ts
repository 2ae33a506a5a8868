/**
 * Where capture events go. The tracker (transport layer) implements {@link EventEmitterLike};
 * decorators and the `track` API emit into an explicit `tracker` option or, otherwise, into the
 * process-wide default emitter read at call time.
 *
 * @module
 */

import type { CaptureEvent } from './events.js';

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
