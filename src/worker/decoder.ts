import type { CaptureEvent, EndEvent, Fact, StartEvent } from '../capture/events.js';
import {
  columns,
  F_ID_PREV,
  F_INDEX,
  F_PARENT,
  F_PARENT_PREV,
  F_ROOT_ID,
  F_ROOT_PREV,
  KINDS,
  OP_END,
  OP_START,
  ROLES,
  type EventChunk,
} from './protocol.js';

/**
 * The worker's side of the hand-off: turns an {@link EventChunk} back into the capture events
 * the record layer takes, in order. Keeps the dictionary (spec keys, fact names) across chunks.
 *
 * @example
 * ```ts
 * const dec = new EventDecoder();
 * dec.decode(chunk, (e) => transport.emit(e));
 * ```
 */
export class EventDecoder {
  readonly #dict: string[] = [];

  /** Decode `chunk`, calling `emit` once per event, in capture order. */
  decode(chunk: EventChunk, emit: (e: CaptureEvent) => void): void {
    for (const s of chunk.dict) this.#dict.push(s);
    const c = columns(chunk.buffer, chunk.cap, chunk.factCap);
    const strings = chunk.strings;
    let si = 0;
    let ri = 0;
    let fi = 0;
    let lastId: string | undefined;
    let lastRoot: string | undefined;
    let lastParent: string | undefined;
    for (let i = 0; i < chunk.n; i++) {
      const op = c.op[i];
      if (op === OP_START) {
        const f = c.flags[i]!;
        const id = strings[si++]!;
        const root = f & F_ROOT_ID ? id : f & F_ROOT_PREV ? lastRoot! : strings[si++]!;
        const e: StartEvent = { t: 'start', id, spec: this.#dict[c.spec[i]!]!, kind: KINDS[c.kind[i]!]!, root, at: c.at[i]! };
        if (f & F_PARENT) e.parent = f & F_PARENT_PREV ? lastParent : strings[si++];
        if (f & F_INDEX) e.index = c.index[i]!;
        const n = c.nFacts[i]!;
        if (n > 0) {
          e.facts = this.#facts(c, fi, n);
          fi += n;
        }
        lastId = id;
        lastRoot = root;
        lastParent = e.parent;
        emit(e);
      } else if (op === OP_END) {
        const f = c.flags[i]!;
        const id = f & F_ID_PREV ? lastId! : strings[si++]!;
        const root = f & F_ROOT_PREV ? lastRoot! : strings[si++]!;
        const e: EndEvent = { t: 'end', id, kind: KINDS[c.kind[i]!]!, root, at: c.at[i]! };
        const n = c.nFacts[i]!;
        if (n > 0) {
          e.facts = this.#facts(c, fi, n);
          fi += n;
        }
        lastRoot = root;
        emit(e);
      } else {
        const e = chunk.raw[ri++]!;
        if (e.t === 'start') {
          lastId = e.id;
          lastRoot = e.root;
          lastParent = e.parent;
        } else if (e.t === 'end') lastRoot = e.root;
        emit(e);
      }
    }
  }

  #facts(c: ReturnType<typeof columns>, from: number, n: number): Fact[] {
    const facts: Fact[] = [];
    for (let k = from; k < from + n; k++) facts.push({ role: ROLES[c.factRole[k]!]!, name: this.#dict[c.factName[k]!]!, value: c.factValue[k]! });
    return facts;
  }
}
