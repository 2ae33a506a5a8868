import type { CaptureEvent, EndEvent, EventEmitterLike, SpecEvent, StartEvent } from '../../../src/capture/index.js';
import { BATCH_LANE, type BatchLane } from '../../../src/capture/emitter.js';
import { EventDecoder } from '../../../src/worker/decoder.js';
import { EventEncoder } from '../../../src/worker/encoder.js';

/** A collecting emitter for tests. */
export class Collector implements EventEmitterLike {
  readonly events: CaptureEvent[] = [];
  emit(e: CaptureEvent): void {
    this.events.push(e);
  }
  get specs(): SpecEvent[] {
    return this.events.filter((e): e is SpecEvent => e.t === 'spec');
  }
  get starts(): StartEvent[] {
    return this.events.filter((e): e is StartEvent => e.t === 'start');
  }
  get ends(): EndEvent[] {
    return this.events.filter((e): e is EndEvent => e.t === 'end');
  }
  startsOf(kind: StartEvent['kind']): StartEvent[] {
    return this.starts.filter((e) => e.kind === kind);
  }
  endOf(id: string): EndEvent {
    const e = this.ends.find((x) => x.id === id);
    if (!e) throw new Error(`no end event for ${id}`);
    return e;
  }
  start(id: string): StartEvent {
    const e = this.starts.find((x) => x.id === id);
    if (!e) throw new Error(`no start event for ${id}`);
    return e;
  }
  fact(e: StartEvent | EndEvent, name: string): unknown {
    return e.facts?.find((f) => f.name === name)?.value;
  }
}

/**
 * A collector that, like the worker pipeline, offers the batch lane and sends every event through
 * the real hand-off codec: events are encoded (batches through the lane), then decoded into
 * `events`. The capture suite run with it must see exactly what it sees with {@link Collector}.
 */
export class LaneCollector extends Collector {
  readonly #enc = new EventEncoder(64);
  readonly #dec = new EventDecoder();
  /** Calls that took the lane (a suite that never takes it tests nothing). */
  laneCalls = 0;
  override emit(e: CaptureEvent): void {
    this.#enc.add(e);
    this.#drain();
  }
  readonly [BATCH_LANE]: BatchLane = {
    start: (ms, counter, root, parent, spec, at, index) => {
      this.laneCalls++;
      this.#enc.addBatchStart(ms, counter, root, parent, spec, at, index);
      this.#drain();
    },
    end: (ms, counter, root, at, outs, values, n) => {
      this.laneCalls++;
      this.#enc.addBatchEnd(ms, counter, root, at, outs, values, n);
      this.#drain();
    },
    holdMs: 0,
  };
  #drain(): void {
    const c = this.#enc.take(false);
    if (c) this.#dec.decode(c, (e) => this.events.push(e));
  }
}

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * Ids by order of first appearance, times dropped (but where `keepAt` says otherwise): two runs
 * of the same code compare equal.
 */
export function normalized(events: readonly CaptureEvent[], keepAt: (e: CaptureEvent) => boolean = () => false): unknown[] {
  const ids = new Map<string, string>();
  const id = (s: string | undefined) => (s === undefined ? undefined : (ids.get(s) ?? (ids.set(s, `#${ids.size}`), `#${ids.size - 1}`)));
  return events.map((e) => {
    if (e.t === 'spec' || e.t === 'describe') return e;
    return { ...e, id: id(e.id), root: id(e.root), ...('parent' in e ? { parent: id(e.parent) } : {}), at: keepAt(e) ? e.at : 0 };
  });
}
