/**
 * Fast UUIDv7 execution ids (RFC 9562): 48-bit Unix ms timestamp, version 7, then 50 random bits
 * drawn once per process (a node id, RFC 9562 §6.4), then a 24-bit counter (§6.2 method 1):
 *
 * ```
 * tttttttt-tttt-7nnn-vnnn-nnnnnncccccc     t: ms timestamp   n: per-process random   v: variant+2 random bits   c: counter
 * ```
 *
 * - **Time-ordered and strictly increasing within a process**: the node bits are constant, so ids
 *   sort by (timestamp, counter). The counter is seeded randomly (22 bits) on each new millisecond;
 *   on overflow (> 12 M ids in one ms) the timestamp is advanced by one ms. Timestamps earlier than
 *   the last id's are clamped to it.
 * - **Unique across processes and nodes**: each process (and each worker thread) draws its 50 node
 *   bits from `crypto.randomFillSync` when this module loads.
 * - **Cheap**: the first 33 characters (timestamp, node bits, counter high digits) are formatted once
 *   per millisecond (or per 4096 ids) into one flat string; each id is that string plus a cached
 *   3-digit tail, i.e. one small string allocation and no random draw per id. The batch lane
 *   takes only the two numbers ({@link nextIdNumbers}): a batch every few ms would otherwise
 *   format a new head for each id.
 *
 * @module
 */

import { randomFillSync } from 'node:crypto';

const HEX2: string[] = [];
for (let i = 0; i < 256; i++) HEX2.push((i < 16 ? '0' : '') + i.toString(16));
/** `000`…`fff`: the last three hex digits of an id. */
const HEX3: string[] = [];
for (let i = 0; i < 4096; i++) HEX3.push(HEX2[i >>> 8]!.slice(1) + HEX2[i & 0xff]!);
const HEXC = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEXC[2 * i] = HEX2[i]!.charCodeAt(0);
  HEXC[2 * i + 1] = HEX2[i]!.charCodeAt(1);
}

// The 33-character head `tttttttt-tttt-7nnn-vnnn-nnnnnnccc` is written as ASCII into one buffer
// and decoded once per change: a flat string, so each id is a single cons of two flat strings.
const HEAD = 33;
const head = Buffer.alloc(HEAD, 0x2d); // '-' at 8, 13, 18, 23 stays
{
  const node = new Uint8Array(7);
  randomFillSync(node);
  head[14] = 0x37; // '7'
  head[15] = HEXC[2 * (node[0]! & 0x0f) + 1]!; // 4 random bits (low digit of one byte)
  hex(16, node[1]!); // 8
  hex(19, 0x80 | (node[2]! & 0x3f)); // variant '10' + 6
  hex(21, node[3]!); // 8
  hex(24, node[4]!); // 8
  hex(26, node[5]!); // 8
  hex(28, node[6]!); // 8: 4 + 8 + 6 + 8 + 24 = 50 random bits
}

/**
 * The 17 characters every id this thread makes shares (`-7nnn-vnnn-nnnnnn`, after the timestamp
 * and before the counter): with it, an id travels as two numbers (see {@link LAST_ID}). @internal
 */
export const ID_NODE: string = head.toString('latin1', 13, 30);

/**
 * The id {@link uuidv7} returned last, and the two numbers it is made of: `ms` (its timestamp)
 * and `counter` (its 24-bit counter). `idText(ms, counter, ID_NODE)` gives `text` back; `text`
 * is empty after {@link nextIdNumbers}. The hand-off to the provenance worker sends such an id as
 * two numbers instead of a string. @internal
 */
export const LAST_ID = { text: '', ms: 0, counter: 0 };

/**
 * The id made of `ms`, `counter` and `node` (an {@link ID_NODE} of the thread that made it).
 * @internal
 */
export function idText(ms: number, counter: number, node: string): string {
  const hi = Math.floor(ms / 0x10000);
  return hi.toString(16).padStart(8, '0') + '-' + (ms % 0x10000).toString(16).padStart(4, '0') + node + counter.toString(16).padStart(6, '0');
}

const SEEDS = new Uint32Array(256);
let seedPos = SEEDS.length;
let lastMs = -1;
let counter = 0;
let prefix = '';
/** `prefix` no longer matches (lastMs, counter >>> 12). */
let stale = true;

function hex(at: number, byte: number): void {
  head[at] = HEXC[2 * byte]!;
  head[at + 1] = HEXC[2 * byte + 1]!;
}

/** A random counter start with the top two bits clear: >= 12.5 M increments before overflow. */
function seed(): number {
  if (seedPos >= SEEDS.length) {
    randomFillSync(SEEDS);
    seedPos = 0;
  }
  return SEEDS[seedPos++]! & 0x3fffff;
}

function writeTime(t: number): void {
  const hi = Math.floor(t / 0x10000); // top 32 bits of the 48-bit timestamp
  const lo = t % 0x10000;
  hex(0, (hi >>> 24) & 0xff);
  hex(2, (hi >>> 16) & 0xff);
  hex(4, (hi >>> 8) & 0xff);
  hex(6, hi & 0xff);
  hex(9, lo >>> 8);
  hex(11, lo & 0xff);
}

function writeHead(): void {
  const hi = counter >>> 12;
  head[30] = HEXC[2 * (hi >>> 8) + 1]!;
  hex(31, hi & 0xff);
  prefix = (head as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(0, HEAD);
}

/**
 * A new UUIDv7 text id (lower-case, 36 characters).
 *
 * @param ms - the timestamp to embed (wall-clock ms); pass the event time to avoid a second clock
 *   read. Defaults to `Date.now()` (also used for a negative or non-numeric `ms`). Values earlier
 *   than the last id's timestamp are clamped so ids stay monotonic.
 * @example
 * ```ts
 * import { uuidv7, now } from 'provml';
 * const a = uuidv7(now());
 * const b = uuidv7();
 * a < b; // true: lexicographic order is creation order
 * ```
 */
export function uuidv7(ms?: number): string {
  tick(ms);
  if (stale) {
    writeTime(lastMs);
    writeHead();
    stale = false;
  }
  const id = prefix + HEX3[counter & 0xfff]!;
  LAST_ID.text = id;
  return id;
}

/**
 * Make the next id as {@link uuidv7} would, but only as its two numbers, in `LAST_ID.ms` and
 * `LAST_ID.counter` (`LAST_ID.text` is then empty): the batch lane's ids, whose text is built
 * only if something asks for it (`idText(ms, counter, ID_NODE)`, the same string). @internal
 */
export function nextIdNumbers(ms: number): void {
  tick(ms);
  LAST_ID.text = '';
}

/** Advance (timestamp, counter) for one id; the text head is rebuilt later, when an id string is asked for. */
function tick(ms: number | undefined): void {
  const t = ms !== undefined && ms >= 0 ? Math.floor(ms) : Date.now();
  if (t > lastMs) {
    lastMs = t;
    counter = seed();
    stale = true;
  } else if ((++counter & 0xfff) === 0) {
    if (counter > 0xffffff) {
      counter = seed();
      lastMs++;
    }
    stale = true;
  }
  LAST_ID.ms = lastMs;
  LAST_ID.counter = counter;
}

/**
 * The millisecond timestamp embedded in a UUIDv7 id.
 *
 * @example
 * ```ts
 * import { uuidv7, uuidv7Time } from 'provml';
 * uuidv7Time(uuidv7(1_700_000_000_000)); // 1700000000000
 * ```
 */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
