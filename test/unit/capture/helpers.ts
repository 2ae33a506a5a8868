import type { CaptureEvent, EndEvent, EventEmitterLike, SpecEvent, StartEvent } from '../../../src/capture/index.js';

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

export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
