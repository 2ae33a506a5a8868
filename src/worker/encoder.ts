import type { CaptureEvent, EndEvent, Fact, StartEvent } from '../capture/events.js';
import {
  chunkBytes,
  columns,
  F_ID_PREV,
  F_INDEX,
  F_PARENT,
  F_PARENT_PREV,
  F_ROOT_ID,
  F_ROOT_PREV,
  KINDS,
  OP_END,
  OP_RAW,
  OP_START,
  ROLES,
  type Columns,
  type EventChunk,
} from './protocol.js';

const KIND_CODE: Record<string, number> = Object.fromEntries(KINDS.map((k, i) => [k, i]));
const ROLE_CODE: Record<string, number> = Object.fromEntries(ROLES.map((r, i) => [r, i]));
/** Events with more numeric facts than this are sent whole. */
const MAX_FACTS = 16;

/**
 * The user's side of the hand-off: encodes capture events into typed columns as they are
 * emitted, so a chunk crosses to the worker as one transferred buffer plus the few strings that
 * cannot be derived. Ids are the only per-event strings; roots and parents travel only when they
 * change, spec keys and fact names once per process (a dictionary the worker mirrors).
 *
 * Events that are rare or irregular — specs, errors, non-numeric facts — are sent whole.
 *
 * @example
 * ```ts
 * const enc = new EventEncoder(512);
 * if (enc.add(event)) worker.postMessage(enc.take(false)!, …); // full: post it
 * ```
 */
export class EventEncoder {
  readonly cap: number;
  readonly factCap: number;
  #buffer!: ArrayBuffer;
  #c!: Columns;
  #n = 0;
  #nf = 0;
  #strings: string[] = [];
  #raw: CaptureEvent[] = [];
  #dict: string[] = [];
  readonly #codes = new Map<string, number>();
  #lastSpec: string | undefined;
  #lastSpecCode = -1;
  #lastId: string | undefined;
  #lastRoot: string | undefined;
  #lastParent: string | undefined;
  /** Capture time of the chunk's first timed event (for time-based hand-off); Infinity before it. */
  firstAt = Infinity;

  constructor(cap: number) {
    this.cap = cap;
    this.factCap = cap * 4;
    this.#fresh();
  }

  /** Events in the current chunk. */
  get length(): number {
    return this.#n;
  }

  #fresh(): void {
    this.#buffer = new ArrayBuffer(chunkBytes(this.cap, this.factCap));
    this.#c = columns(this.#buffer, this.cap, this.factCap);
    this.#n = 0;
    this.#nf = 0;
    this.#strings = [];
    this.#raw = [];
    this.#dict = [];
    this.#lastId = this.#lastRoot = this.#lastParent = undefined;
    this.firstAt = Infinity;
  }

  #code(s: string): number {
    let code = this.#codes.get(s);
    if (code === undefined) {
      code = this.#codes.size;
      this.#codes.set(s, code);
      this.#dict.push(s);
    }
    return code;
  }

  /** Add one event; true when the chunk is now full and must be taken. */
  add(e: CaptureEvent): boolean {
    const i = this.#n;
    if (e.t !== 'spec' && this.firstAt === Infinity) this.firstAt = e.at;
    if (e.t === 'start' && numericFacts(e.facts)) this.#start(e, i);
    else if (e.t === 'end' && e.error === undefined && numericFacts(e.facts)) this.#end(e, i);
    else this.#whole(e, i);
    this.#n = i + 1;
    return this.#n === this.cap || this.#nf > this.factCap - MAX_FACTS;
  }

  #start(e: StartEvent, i: number): void {
    const c = this.#c;
    let f = 0;
    c.op[i] = OP_START;
    c.kind[i] = KIND_CODE[e.kind]!;
    c.at[i] = e.at;
    this.#strings.push(e.id);
    if (e.root === e.id) f |= F_ROOT_ID;
    else if (e.root === this.#lastRoot) f |= F_ROOT_PREV;
    else this.#strings.push(e.root);
    if (e.parent !== undefined) {
      f |= F_PARENT;
      if (e.parent === this.#lastParent) f |= F_PARENT_PREV;
      else this.#strings.push(e.parent);
    }
    if (e.index !== undefined) {
      f |= F_INDEX;
      c.index[i] = e.index;
    }
    c.flags[i] = f;
    if (e.spec !== this.#lastSpec) {
      this.#lastSpec = e.spec;
      this.#lastSpecCode = this.#code(e.spec);
    }
    c.spec[i] = this.#lastSpecCode;
    this.#lastId = e.id;
    this.#lastRoot = e.root;
    this.#lastParent = e.parent;
    this.#facts(e.facts, i);
  }

  #end(e: EndEvent, i: number): void {
    const c = this.#c;
    let f = 0;
    c.op[i] = OP_END;
    c.kind[i] = KIND_CODE[e.kind]!;
    c.at[i] = e.at;
    if (e.id === this.#lastId) f |= F_ID_PREV;
    else this.#strings.push(e.id);
    if (e.root === this.#lastRoot) f |= F_ROOT_PREV;
    else this.#strings.push(e.root);
    c.flags[i] = f;
    this.#lastRoot = e.root;
    this.#facts(e.facts, i);
  }

  #facts(facts: Fact[] | undefined, i: number): void {
    const c = this.#c;
    if (facts === undefined) {
      c.nFacts[i] = 0;
      return;
    }
    c.nFacts[i] = facts.length;
    for (let k = 0; k < facts.length; k++) {
      const fact = facts[k]!;
      const j = this.#nf++;
      c.factRole[j] = ROLE_CODE[fact.role]!;
      c.factName[j] = this.#code(fact.name);
      c.factValue[j] = fact.value as number;
    }
  }

  #whole(e: CaptureEvent, i: number): void {
    this.#c.op[i] = OP_RAW;
    this.#raw.push(e);
    if (e.t === 'start') {
      this.#lastId = e.id;
      this.#lastRoot = e.root;
      this.#lastParent = e.parent;
    } else if (e.t === 'end') this.#lastRoot = e.root;
  }

  /** The current chunk (undefined when empty), ready to post with `[chunk.buffer]` transferred. */
  take(urgent: boolean): EventChunk | undefined {
    if (this.#n === 0) return undefined;
    const chunk: EventChunk = {
      type: 'events',
      n: this.#n,
      nFacts: this.#nf,
      buffer: this.#buffer,
      cap: this.cap,
      factCap: this.factCap,
      strings: this.#strings,
      dict: this.#dict,
      raw: this.#raw,
      urgent,
    };
    this.#fresh();
    return chunk;
  }
}

/** True when every fact (if any) has a number value and there are few enough to encode. */
function numericFacts(facts: Fact[] | undefined): boolean {
  if (facts === undefined) return true;
  if (facts.length > MAX_FACTS) return false;
  for (let k = 0; k < facts.length; k++) if (typeof facts[k]!.value !== 'number') return false;
  return true;
}
