/**
 * The execution context: which capture execution is running "here", kept in an
 * `AsyncLocalStorage` so nesting (batch in epoch in stage in workflow) survives `await`.
 *
 * On Node 20/22 an enabled `AsyncLocalStorage` installs promise hooks that make *every* `await` in
 * the program ≈ 4x dearer, inside provml executions or not. So the storage is enabled only while
 * executions are open: frames are counted from construction to end, and when the count drops to 0
 * the storage is disabled (the next `als.run`/`als.enterWith` re-enables it). An implicit workflow
 * execution stays open until `endWorkflow`/shutdown and keeps it enabled until then. (Enabling
 * costs ≈ 1.5 µs, paid once per top-level workflow run, not per nested execution.)
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitterLike } from './emitter.js';
import type { ActivityKind, Fact } from './events.js';
import { ID_NODE, idText } from './ids.js';

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
  /** Whether the end event was emitted (see {@link closeFrame}). */
  ended = false;
  #id: string | undefined;
  /**
   * `id` undefined: the id is `idMs`/`idCounter` of this thread (see ids.ts), its text built only
   * when asked for — the batch lane's frames, which seldom need it.
   */
  constructor(
    id: string | undefined,
    readonly root: string,
    readonly kind: ActivityKind,
    readonly spec: string,
    readonly workflowSpec: string | undefined,
    readonly emitter: EventEmitterLike,
    readonly idMs = 0,
    readonly idCounter = 0,
  ) {
    this.#id = id;
    openFrames++;
  }
  /** The execution id (a UUIDv7). */
  get id(): string {
    return (this.#id ??= idText(this.idMs, this.idCounter, ID_NODE));
  }
  /** IRI of this execution in the recorded graph (computed on demand, never on the hot path). */
  get iri(): string {
    return executionIri(this.emitter, this.id);
  }
  /** IRI of its root workflow execution. */
  get runIri(): string {
    return executionIri(this.emitter, this.root);
  }
  /** The named graph its workflow execution is recorded in. */
  get graph(): string {
    return `${this.emitter.base ?? 'urn:provml:'}graph:${this.root}`;
  }
}

/** `<base>execution:<id>` (the recorder's rule; see record/iri.ts). @internal */
export function executionIri(em: EventEmitterLike | undefined, id: string): string {
  return `${em?.base ?? 'urn:provml:'}execution:${id}`;
}

/** @internal */
export const als = new AsyncLocalStorage<Frame>();

/** Frames constructed and not yet closed. */
let openFrames = 0;

/**
 * Mark `frame` ended; `false` if it already was. Disables the storage when no frame is left open.
 * @internal
 */
export function closeFrame(frame: Frame): boolean {
  if (frame.ended) return false;
  frame.ended = true;
  if (--openFrames === 0) als.disable();
  return true;
}

/**
 * Make `prev` the current store again (after `als.enterWith`), keeping the storage disabled when
 * no frame is open. @internal
 */
export function restoreStore(prev: Frame | undefined): void {
  als.enterWith(prev as Frame);
  if (openFrames === 0) als.disable();
}

/** How many executions are open (for tests). @internal */
export function openFrameCount(): number {
  return openFrames;
}

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
  /**
   * The execution's IRI in the recorded graph (`<base>execution:<id>`): what `q1`…`q5`, `lineage`,
   * `provml inspect --run` and `provml lineage` take.
   */
  readonly iri: string;
  /** IRI of its root workflow execution (the run). */
  readonly runIri: string;
  /** The named graph the run is recorded in (`<base>graph:<root id>`). */
  readonly graph: string;
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

/**
 * The workflow execution (the run) the current code belongs to, or `undefined` outside any
 * capture. Inside `@WorkflowRun`, `track.workflow` or any execution nested in them, this names the
 * run to give to the queries, `provml inspect --run` or `provml lineage`.
 *
 * @example
 * ```ts
 * import { Workflow, WorkflowRun, currentRun } from 'provml';
 * @Workflow({ name: 'train' })
 * class Training {
 *   @WorkflowRun()
 *   async run() {
 *     console.log('recording as', currentRun()?.iri); // urn:provml:execution:0190…
 *   }
 * }
 * ```
 */
export function currentRun(): ExecutionInfo | undefined {
  const f = als.getStore();
  if (f === undefined) return undefined;
  if (f.id === f.root) return f;
  const em = f.emitter;
  return Object.freeze({
    id: f.root,
    root: f.root,
    kind: 'workflow' as const,
    spec: f.workflowSpec ?? '',
    workflowSpec: f.workflowSpec,
    iri: executionIri(em, f.root),
    runIri: executionIri(em, f.root),
    graph: f.graph,
  });
}
