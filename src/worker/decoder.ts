import type { CaptureEvent, EndEvent, Fact, StartEvent } from '../capture/events.js';
import { idText, ID_NODE } from '../capture/ids.js';
import { F_ID_NUM, F_ID_PREV, F_INDEX, HEAD_SPEC, F_PARENT, F_PARENT_PREV, F_ROOT_ID, F_ROOT_PREV, KINDS, OP_END, OP_START, ROLES, type EventChunk } from './protocol.js';

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
  readonly #node: string;

  /** `node`: the `ID_NODE` of the thread whose events this decodes (by default this one's). */
  constructor(node: string = ID_NODE) {
    this.#node = node;
  }

  /** Decode `chunk`, calling `emit` once per event, in capture order. */
  decode(chunk: EventChunk, emit: (e: CaptureEvent) => void): void {
    for (const s of chunk.dict) this.#dict.push(s);
    const w = new Float64Array(chunk.buffer, 0, chunk.words);
    const strings = chunk.strings;
    let at = 0;
    let si = 0;
    let ri = 0;
    let lastId: string | undefined;
    let lastRoot: string | undefined;
    let lastParent: string | undefined;
    for (let i = 0; i < chunk.n; i++) {
      const h = w[at]!;
      const bits = h % HEAD_SPEC;
      const op = bits & 3;
      const kind = KINDS[(bits >> 2) & 7]!;
      const f = (bits >> 5) & 127;
      const n = bits >> 12;
      if (op === OP_START) {
        const t = w[at + 1]!;
        at += 2;
        let id: string;
        if (f & F_ID_NUM) {
          id = idText(w[at]!, w[at + 1]!, this.#node);
          at += 2;
        } else id = strings[si++]!;
        const root = f & F_ROOT_ID ? id : f & F_ROOT_PREV ? lastRoot! : strings[si++]!;
        const e: StartEvent = { t: 'start', id, spec: this.#dict[(h - bits) / HEAD_SPEC]!, kind, root, at: t };
        if (f & F_PARENT) e.parent = f & F_PARENT_PREV ? lastParent : strings[si++];
        if (f & F_INDEX) e.index = w[at++]!;
        if (n > 0) {
          e.facts = this.#facts(w, at, n);
          at += 2 * n;
        }
        lastId = id;
        lastRoot = root;
        lastParent = e.parent;
        emit(e);
      } else if (op === OP_END) {
        const t = w[at + 1]!;
        at += 2;
        let id: string;
        if (f & F_ID_PREV) id = lastId!;
        else if (f & F_ID_NUM) {
          id = idText(w[at]!, w[at + 1]!, this.#node);
          at += 2;
        } else id = strings[si++]!;
        const root = f & F_ROOT_PREV ? lastRoot! : strings[si++]!;
        const e: EndEvent = { t: 'end', id, kind, root, at: t };
        if (n > 0) {
          e.facts = this.#facts(w, at, n);
          at += 2 * n;
        }
        lastRoot = root;
        emit(e);
      } else {
        at++;
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

  #facts(w: Float64Array, at: number, n: number): Fact[] {
    const facts: Fact[] = [];
    for (let k = 0; k < n; k++, at += 2) {
      const code = w[at]!;
      facts.push({ role: ROLES[code & 15]!, name: this.#dict[(code - (code & 15)) / 16]!, value: w[at + 1]! });
    }
    return facts;
  }
}
