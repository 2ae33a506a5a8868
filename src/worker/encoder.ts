import type { CaptureEvent, EndEvent, Fact, StartEvent, ValueRole } from '../capture/events.js';
import { LANE_MAX_OUTS } from '../capture/emitter.js';
import { LAST_ID } from '../capture/ids.js';
import {
  chunkWords,
  F_ID_NUM,
  F_ID_PREV,
  F_INDEX,
  F_PARENT,
  F_PARENT_PREV,
  F_ROOT_ID,
  F_ROOT_PREV,
  recordHead,
  KINDS,
  MAX_RECORD_WORDS,
  OP_END,
  OP_RAW,
  OP_START,
  ROLES,
  type EventChunk,
} from './protocol.js';

const KIND_CODE: Record<string, number> = Object.fromEntries(KINDS.map((k, i) => [k, i]));
const BATCH = KIND_CODE.batch!;
const ROLE_CODE: Record<string, number> = Object.fromEntries(ROLES.map((r, i) => [r, i]));
/** A fact's role and name (an output getter of a batch plan). */
interface FactName {
  readonly role: ValueRole;
  readonly name: string;
}
/** Events with more numeric facts than this are sent whole. */
const MAX_FACTS = LANE_MAX_OUTS; // the lane's bound; a record has room for this many (MAX_RECORD_WORDS)
/** The first chunk's size; each next one is sized from the one before, up to `cap`. */
const MIN_CHUNK = 64;

/**
 * The user's side of the hand-off: encodes capture events, as they are emitted, into records of
 * one Float64Array (layout in protocol.ts), so a chunk crosses to the worker as one transferred
 * buffer plus the few strings that cannot be derived. Ids are the only per-event strings; roots
 * and parents travel only when they change, spec keys and fact names once per process (a
 * dictionary the worker mirrors).
 *
 * Buffers are sized from the previous chunk (a tracker that hands off every 50 ms a few dozen
 * events does not allocate room for `cap` each time); a chunk that fills up is handed off and the
 * next one is twice its size, up to `cap` events.
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
  #buffer!: ArrayBuffer;
  #w!: Float64Array;
  /** Events this chunk has room for, and the last word a record may start at. */
  #room = 0;
  #limit = 0;
  #n = 0;
  #at = 0;
  #strings: string[] = [];
  #raw: CaptureEvent[] = [];
  #dict: string[] = [];
  readonly #codes = new Map<string, number>();
  #lastSpec: string | undefined;
  #lastSpecCode = -1;
  #lastId: string | undefined;
  /** The last start's id when the lane gave it as numbers (then `#lastId` is undefined); else NaN. */
  #lastIdMs = Number.NaN;
  #lastIdCounter = Number.NaN;
  #lastRoot: string | undefined;
  #lastParent: string | undefined;
  #lastOuts: readonly FactName[] | undefined;
  #lastOutWords = new Float64Array(0);
  /** Capture time of the chunk's first timed event (for time-based hand-off); Infinity before it. */
  firstAt = Infinity;

  constructor(cap: number) {
    this.cap = Math.max(1, Math.floor(cap));
    this.#fresh(Math.min(this.cap, MIN_CHUNK));
  }

  /** Events in the current chunk. */
  get length(): number {
    return this.#n;
  }

  #fresh(room: number): void {
    const words = chunkWords(room);
    this.#buffer = new ArrayBuffer(words * 8);
    this.#w = new Float64Array(this.#buffer);
    this.#room = room;
    this.#limit = words - MAX_RECORD_WORDS;
    this.#n = 0;
    this.#at = 0;
    this.#strings = [];
    this.#raw = [];
    this.#dict = [];
    this.#lastId = this.#lastRoot = this.#lastParent = undefined;
    this.#lastIdMs = this.#lastIdCounter = Number.NaN;
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
    if (e.t !== 'spec' && this.firstAt === Infinity) this.firstAt = e.at;
    if (e.t === 'start' && numericFacts(e.facts)) this.#start(e);
    else if (e.t === 'end' && e.error === undefined && numericFacts(e.facts)) this.#end(e);
    else this.#whole(e);
    this.#n++;
    return this.#full();
  }

  /** No room for another event, or for another record of the longest kind. */
  #full(): boolean {
    return this.#n === this.#room || this.#at > this.#limit;
  }

  #start(e: StartEvent): void {
    const facts = e.facts;
    const at = this.#startRecord(e.id, 0, 0, e.root, e.parent, e.spec, KIND_CODE[e.kind]!, e.at, e.index, facts === undefined ? 0 : facts.length);
    this.#at = facts === undefined ? at : this.#facts(facts, at);
  }

  /**
   * Head, time and index of a start record; returns the word its facts go at. `id` undefined: the
   * id is (`ms`, `counter`) of this thread (the lane's).
   */
  #startRecord(id: string | undefined, ms: number, counter: number, root: string, parent: string | undefined, spec: string, kind: number, t: number, index: number | undefined, nFacts: number): number {
    const w = this.#w;
    let f = 0;
    let at = this.#at;
    const h = at;
    w[at + 1] = t;
    at += 2;
    if (this.#numericId(id, ms, counter, at)) {
      f |= F_ID_NUM;
      at += 2;
    } else this.#strings.push(id!);
    if (root === id) f |= F_ROOT_ID;
    else if (root === this.#lastRoot) f |= F_ROOT_PREV;
    else this.#strings.push(root);
    if (parent !== undefined) {
      f |= F_PARENT;
      if (parent === this.#lastParent) f |= F_PARENT_PREV;
      else this.#strings.push(parent);
    }
    if (spec !== this.#lastSpec) {
      this.#lastSpec = spec;
      this.#lastSpecCode = this.#code(spec);
    }
    if (index !== undefined) {
      f |= F_INDEX;
      w[at++] = index;
    }
    w[h] = recordHead(OP_START, kind, f, nFacts, this.#lastSpecCode);
    this.#lastId = id;
    this.#lastIdMs = id === undefined ? ms : Number.NaN;
    this.#lastIdCounter = counter;
    this.#lastRoot = root;
    this.#lastParent = parent;
    return at;
  }

  #end(e: EndEvent): void {
    const facts = e.facts;
    const at = this.#endRecord(e.id, 0, 0, e.root, KIND_CODE[e.kind]!, e.at, facts === undefined ? 0 : facts.length);
    this.#at = facts === undefined ? at : this.#facts(facts, at);
  }

  /**
   * Write an id as two words at `at`: (`ms`, `counter`) when `id` is undefined (the lane's), or
   * `id`'s own if this thread's uuidv7 made it last; else false (it goes as a string).
   */
  #numericId(id: string | undefined, ms: number, counter: number, at: number): boolean {
    if (id !== undefined) {
      if (id !== LAST_ID.text) return false;
      ms = LAST_ID.ms;
      counter = LAST_ID.counter;
    }
    this.#w[at] = ms;
    this.#w[at + 1] = counter;
    return true;
  }

  /** Head and time of an end record; returns the word its facts go at. `id` undefined: as in `#startRecord`. */
  #endRecord(id: string | undefined, ms: number, counter: number, root: string, kind: number, t: number, nFacts: number): number {
    const w = this.#w;
    let f = 0;
    let at = this.#at;
    const h = at;
    w[at + 1] = t;
    at += 2;
    if (id === undefined ? ms === this.#lastIdMs && counter === this.#lastIdCounter : id === this.#lastId) f |= F_ID_PREV;
    else if (this.#numericId(id, ms, counter, at)) {
      f |= F_ID_NUM;
      at += 2;
    } else this.#strings.push(id!);
    if (root === this.#lastRoot) f |= F_ROOT_PREV;
    else this.#strings.push(root);
    w[h] = recordHead(OP_END, kind, f, nFacts, 0);
    this.#lastRoot = root;
    return at;
  }

  // ---- the batch lane: records written without event objects (see capture's BatchLane) -------

  /**
   * Add a batch's start record, as `add()` would add its start event (no facts), for the id of
   * this thread made of `ms` and `counter` (capture/ids.ts `nextIdNumbers`). True when the chunk
   * is now full.
   */
  addBatchStart(ms: number, counter: number, root: string, parent: string, spec: string, t: number, index: number): boolean {
    if (this.firstAt === Infinity) this.firstAt = t;
    this.#at = this.#startRecord(undefined, ms, counter, root, parent, spec, BATCH, t, index, 0);
    this.#n++;
    return this.#full();
  }

  /**
   * Add a batch's end record with `n` numeric facts: `values[k]` of `outs[k]` (at most 16), as
   * `add()` would add its end event. True when the chunk is now full.
   */
  addBatchEnd(ms: number, counter: number, root: string, t: number, outs: readonly FactName[], values: Float64Array, n: number): boolean {
    if (this.firstAt === Infinity) this.firstAt = t;
    let at = this.#endRecord(undefined, ms, counter, root, BATCH, t, n);
    if (n > 0) {
      const w = this.#w;
      const words = this.#outWords(outs);
      for (let k = 0; k < n; k++) {
        w[at] = words[k]!;
        w[at + 1] = values[k]!;
        at += 2;
      }
    }
    this.#at = at;
    this.#n++;
    return this.#full();
  }

  /** Fact words (role + name code) of `outs`, cached for the last list seen (a loop's one batch plan). */
  #outWords(outs: readonly FactName[]): Float64Array {
    if (outs === this.#lastOuts) return this.#lastOutWords;
    const words = new Float64Array(outs.length);
    for (let k = 0; k < outs.length; k++) words[k] = ROLE_CODE[outs[k]!.role]! + this.#code(outs[k]!.name) * 16;
    this.#lastOuts = outs;
    this.#lastOutWords = words;
    return words;
  }

  #facts(facts: Fact[], at: number): number {
    const w = this.#w;
    for (let k = 0; k < facts.length; k++) {
      const fact = facts[k]!;
      w[at] = ROLE_CODE[fact.role]! + this.#code(fact.name) * 16;
      w[at + 1] = fact.value as number;
      at += 2;
    }
    return at;
  }

  #whole(e: CaptureEvent): void {
    this.#w[this.#at++] = recordHead(OP_RAW, 0, 0, 0, 0);
    this.#raw.push(e);
    if (e.t === 'start') {
      this.#lastId = e.id;
      this.#lastIdMs = Number.NaN;
      this.#lastRoot = e.root;
      this.#lastParent = e.parent;
    } else if (e.t === 'end') this.#lastRoot = e.root;
  }

  /** The current chunk (undefined when empty), ready to post with `[chunk.buffer]` transferred. */
  take(urgent: boolean): EventChunk | undefined {
    const n = this.#n;
    if (n === 0) return undefined;
    const chunk: EventChunk = { type: 'events', n, words: this.#at, buffer: this.#buffer, strings: this.#strings, dict: this.#dict, raw: this.#raw, urgent };
    // Size the next buffer from this chunk: twice it when it filled up, else a little over it.
    this.#fresh(Math.min(this.cap, Math.max(MIN_CHUNK, this.#full() ? 2 * this.#room : n + (n >> 1))));
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
