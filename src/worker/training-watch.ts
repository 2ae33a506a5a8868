import type { CaptureEvent } from '../capture/events.js';

/**
 * Follows the event stream the worker decodes and tells whether a training stage is open: a
 * `stage` execution whose specification says `stageType: 'training'` (`@LearningStage`,
 * `track.stage`, the TF.js callback's fit), started and not yet ended.
 *
 * The worker holds the embedded store's indexing while it is (see `EmbeddedStoreSink`'s `hold`),
 * so the store's work does not compete with the training for the machine's cores. It sees the
 * stream as it is handed over, so it runs a little behind the training: it opens after the
 * stage's start is handed off and closes after its end is.
 *
 * @example
 * ```ts
 * const watch = new TrainingWatch(() => sink.release());
 * decoder.decode(chunk, (e) => { watch.see(e); transport.emit(e); });
 * if (watch.training) console.log('a training stage is open');
 * ```
 */
export class TrainingWatch {
  /** Spec keys whose stage type is training. */
  readonly #trainingSpecs = new Set<string>();
  /** Open training stage executions, by id. */
  readonly #open = new Set<string>();
  readonly #onClosed: () => void;

  /** `onClosed`: called when the last open training stage ends. */
  constructor(onClosed: () => void) {
    this.#onClosed = onClosed;
  }

  /** True while at least one training stage is open. */
  get training(): boolean {
    return this.#open.size > 0;
  }

  /** Look at one event (in capture order). Cheap for anything but stages and specs. */
  see(e: CaptureEvent): void {
    if (e.t === 'spec') {
      if (e.kind === 'stage' && e.stageType === 'training') this.#trainingSpecs.add(e.spec);
      else this.#trainingSpecs.delete(e.spec);
    } else if (e.t === 'start') {
      if (e.kind === 'stage' && this.#trainingSpecs.has(e.spec)) this.#open.add(e.id);
    } else if (e.t === 'end') {
      if (e.kind === 'stage' && this.#open.delete(e.id) && this.#open.size === 0) this.#onClosed();
    }
  }
}
