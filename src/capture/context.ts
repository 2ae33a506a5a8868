/**
 * The execution context: which capture execution is running "here", kept in an
 * `AsyncLocalStorage` so nesting (batch in epoch in stage in workflow) survives `await`.
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitterLike } from './emitter.js';
import type { ActivityKind, Fact } from './events.js';

/**
 * One running execution. Mutable counters give epochs/batches their automatic per-parent index.
 * @internal
 */
export class Frame {
  /** Next automatic epoch index for children of this execution. */
  epochs = 0;
  /** Next automatic batch index for children of this execution. */
  batches = 0;
  /** Facts recorded during the execution (`track.record`), emitted with its end event. */
  facts: Fact[] | undefined = undefined;
  /** Whether the end event was emitted. */
  ended = false;
  constructor(
    readonly id: string,
    readonly root: string,
    readonly kind: ActivityKind,
    readonly spec: string,
    readonly workflowSpec: string | undefined,
    readonly emitter: EventEmitterLike,
  ) {}
}

/** @internal */
export const als = new AsyncLocalStorage<Frame>();

/**
 * A read-only view of the current execution, as seen by user code.
 *
 * @example
 * ```ts
 * import type { ExecutionInfo } from 'provml';
 * const show = (x: ExecutionInfo) => `${x.kind} ${x.id} in ${x.root}`;
 * ```
 */
export interface ExecutionInfo {
  /** UUIDv7 id of the execution. */
  readonly id: string;
  /** Id of its root workflow execution. */
  readonly root: string;
  readonly kind: ActivityKind;
  /** Spec key, e.g. `"Trainer#fit"`. */
  readonly spec: string;
  /** Spec key of the enclosing workflow (the workflow's own key for a workflow execution). */
  readonly workflowSpec: string | undefined;
}

/**
 * The innermost capture execution active in this async context, or `undefined`.
 *
 * @example
 * ```ts
 * import { Batch, currentExecution } from 'provml';
 * class T {
 *   @Batch()
 *   step() {
 *     console.log(currentExecution()?.kind); // 'batch'
 *   }
 * }
 * ```
 */
export function currentExecution(): ExecutionInfo | undefined {
  return als.getStore();
}
