/**
 * Cheap, synchronous, never-throwing summaries of runtime values ({@link ValueSummary}).
 *
 * Runs on the user's hot path, so it is bounded: strings are truncated, objects are summarized
 * shallowly with key and depth limits, large arrays and byte buffers become a length plus a
 * fingerprint of a bounded sample, and tensors (duck-typed `shape`/`dtype`/`size`) are described
 * without reading their data (they may be disposed right after the call).
 *
 * @module
 */

import type { DataRefSummary, ValueSummary } from './events.js';
import { isBrandedRef } from './ref.js';

/**
 * Bounds of how captured values are summarized (`ProvML.init({ limits })`).
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS, ProvML, type SummarizeLimits } from 'provml';
 * const limits: SummarizeLimits = { ...DEFAULT_LIMITS, maxString: 4096 };
 * ProvML.init({ limits }); // strings up to 4096 characters are recorded whole
 * ```
 */
export interface SummarizeLimits {
  /** Longer strings are cut to this many characters plus a `…[+N chars]` marker. */
  maxString: number;
  /** Arrays/typed arrays/sets with at most this many items keep their items. */
  maxItems: number;
  /** Objects keep at most this many keys (then `truncated: true`). */
  maxKeys: number;
  /** Nesting depth below which objects/arrays are expanded (0 = top-level only). */
  maxDepth: number;
  /** At most this many elements/bytes are hashed for a fingerprint. */
  maxSample: number;
}

/**
 * The default {@link SummarizeLimits}.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from 'provml';
 * DEFAULT_LIMITS.maxItems; // 16
 * ```
 */
export const DEFAULT_LIMITS: Readonly<SummarizeLimits> = Object.freeze({
  maxString: 1024,
  maxItems: 16,
  maxKeys: 32,
  maxDepth: 2,
  maxSample: 4096,
});

let active: Readonly<SummarizeLimits> = DEFAULT_LIMITS;

/**
 * Set the limits every capture uses from now on (`ProvML.init({ limits })`); missing fields keep
 * their defaults. Process-wide, like the default tracker.
 * @internal
 */
export function setSummarizeLimits(limits: Partial<SummarizeLimits>): void {
  active = Object.freeze({ ...DEFAULT_LIMITS, ...limits });
}

/**
 * Summarize any value; never throws.
 *
 * - numbers (incl. NaN/±Infinity), booleans, null: themselves; strings: truncated with a marker
 * - bigint, symbol, function, undefined, Date, Error: tagged (`{ $: 'bigint' … }` etc.)
 * - data references ({@link ref}): `{ $: 'ref', uri, … }`
 * - tensor-like (`shape: number[]`, `dtype: string`, `size: number`): `{ $: 'tensor', shape, dtype, size }`
 * - arrays, typed arrays, Sets: `{ $: 'array', length, items }` if small, else `{ $: 'array', length, hash }`
 * - Buffers/Uint8Arrays/ArrayBuffers/DataViews: `{ $: 'bytes', length, hash }`
 * - Maps and other objects: `{ $: 'object', fields, truncated? }`, shallow; cycles → `{ $: 'circular' }`
 * - anything that throws while being inspected (getters, revoked Proxies): `{ $: 'error', … }`
 *
 * `hash` is a **fingerprint** — `fnv1a32:` FNV-1a over the length and a bounded, evenly spaced
 * sample — good for noticing that data changed, *not* a checksum: different data can share it.
 *
 * @example
 * ```ts
 * import { summarize } from './summarize.js'; // internal
 * summarize({ lr: 0.01, layers: [64, 32] });
 * // { $: 'object', fields: { lr: 0.01, layers: { $: 'array', length: 2, items: [64, 32] } } }
 * summarize(new Float32Array(1e6)); // { $: 'array', length: 1000000, hash: 'fnv1a32:…' }
 * ```
 */
export function summarize(value: unknown, limits: Readonly<SummarizeLimits> = active): ValueSummary {
  try {
    return summ(value, limits, 0, undefined);
  } catch (err) {
    return errorSummary(err);
  }
}

function summ(v: unknown, L: Readonly<SummarizeLimits>, depth: number, seen: object[] | undefined): ValueSummary {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return v;
    case 'string':
      return truncate(v, L.maxString);
    case 'undefined':
      return { $: 'undefined' };
    case 'bigint':
      return { $: 'bigint', value: v.toString() };
    case 'symbol':
      return { $: 'symbol', description: v.description ?? '' };
    case 'function':
      return { $: 'function', name: safeName(v) };
  }
  if (v === null) return null;
  const o = v as object;
  if (seen !== undefined && seen.includes(o)) return { $: 'circular' };
  try {
    return summObject(o, L, depth, seen);
  } catch (err) {
    return errorSummary(err);
  }
}

function summObject(o: object, L: Readonly<SummarizeLimits>, depth: number, seen: object[] | undefined): ValueSummary {
  if (isBrandedRef(o)) return o as DataRefSummary;
  if (Array.isArray(o)) return summArray(o, o.length, L, depth, seen);
  if (ArrayBuffer.isView(o)) {
    if (o instanceof Uint8Array || o instanceof DataView || o instanceof Uint8ClampedArray || o instanceof Int8Array) {
      return { $: 'bytes', length: o.byteLength, hash: hashBytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength), L) };
    }
    const ta = o as unknown as ArrayLike<number | bigint>;
    if (ta.length <= L.maxItems) return summArray(ta, ta.length, L, depth, seen);
    return { $: 'array', length: ta.length, hash: hashBytes(new Uint8Array(o.buffer, o.byteOffset, o.byteLength), L) };
  }
  if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && o instanceof SharedArrayBuffer)) {
    return { $: 'bytes', length: o.byteLength, hash: hashBytes(new Uint8Array(o), L) };
  }
  if (o instanceof Date) {
    const t = o.getTime();
    return { $: 'date', iso: Number.isNaN(t) ? 'Invalid Date' : o.toISOString() };
  }
  if (o instanceof Error) return errorSummary(o);
  const rec = o as Record<string, unknown>;
  // Data reference by shape, and tensors by duck typing (never touch the data).
  if (rec.$ === 'ref' && typeof rec.uri === 'string') {
    const r: DataRefSummary = { $: 'ref', uri: rec.uri };
    if (typeof rec.mediaType === 'string') r.mediaType = rec.mediaType;
    if (typeof rec.version === 'string') r.version = rec.version;
    return r;
  }
  const shape = rec.shape;
  if (Array.isArray(shape) && typeof rec.dtype === 'string' && typeof rec.size === 'number') {
    const dims: number[] = [];
    for (let i = 0; i < shape.length && i < 64; i++) dims.push(typeof shape[i] === 'number' ? (shape[i] as number) : -1);
    return { $: 'tensor', shape: dims, dtype: rec.dtype, size: rec.size };
  }
  if (o instanceof Set) return summArray(o, o.size, L, depth, seen);
  const next = seen === undefined ? [o] : [...seen, o];
  if (o instanceof Map) {
    const fields: Record<string, ValueSummary> = Object.create(null) as Record<string, ValueSummary>;
    if (depth >= L.maxDepth) return o.size > 0 ? { $: 'object', fields, truncated: true } : { $: 'object', fields };
    let n = 0;
    for (const [k, val] of o) {
      if (n++ >= L.maxKeys) return { $: 'object', fields, truncated: true };
      fields[typeof k === 'string' ? k : keyText(k)] = summ(val, L, depth + 1, next);
    }
    return { $: 'object', fields };
  }
  const keys = Object.keys(o);
  const fields: Record<string, ValueSummary> = Object.create(null) as Record<string, ValueSummary>;
  if (depth >= L.maxDepth) return keys.length > 0 ? { $: 'object', fields, truncated: true } : { $: 'object', fields };
  const n = keys.length < L.maxKeys ? keys.length : L.maxKeys;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    let val: unknown;
    try {
      val = rec[k];
    } catch (err) {
      fields[k] = errorSummary(err);
      continue;
    }
    fields[k] = summ(val, L, depth + 1, next);
  }
  return keys.length > n ? { $: 'object', fields, truncated: true } : { $: 'object', fields };
}

function summArray(
  a: Iterable<unknown> | ArrayLike<unknown>,
  length: number,
  L: Readonly<SummarizeLimits>,
  depth: number,
  seen: object[] | undefined,
): ValueSummary {
  if (length <= L.maxItems && depth < L.maxDepth) {
    const next = seen === undefined ? [a as object] : [...seen, a as object];
    const items: ValueSummary[] = [];
    if (a instanceof Set) for (const x of a) items.push(summ(x, L, depth + 1, next));
    else for (let i = 0; i < length; i++) items.push(summ((a as ArrayLike<unknown>)[i], L, depth + 1, next));
    return { $: 'array', length, items };
  }
  if (a instanceof Set) return { $: 'array', length, hash: hashItems(Array.from(a), length, L) };
  return { $: 'array', length, hash: hashItems(a as ArrayLike<unknown>, length, L) };
}

// ---------------------------------------------------------------------------------------------
// FNV-1a fingerprints over a bounded sample

const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

function mixByte(h: number, b: number): number {
  return Math.imul(h ^ b, 0x01000193);
}

function mixNumber(h: number, n: number): number {
  f64[0] = n;
  for (let j = 0; j < 8; j++) h = mixByte(h, f64b[j]!);
  return h;
}

function mixString(h: number, s: string): number {
  const n = s.length < 256 ? s.length : 256;
  for (let j = 0; j < n; j++) {
    const c = s.charCodeAt(j);
    h = mixByte(mixByte(h, c & 0xff), c >>> 8);
  }
  return mixNumber(h, s.length);
}

function hex32(h: number): string {
  return 'fnv1a32:' + (h >>> 0).toString(16).padStart(8, '0');
}

function hashItems(a: ArrayLike<unknown>, length: number, L: Readonly<SummarizeLimits>): string {
  let h = mixNumber(0x811c9dc5, length);
  const step = length <= L.maxSample ? 1 : length / L.maxSample;
  const count = length <= L.maxSample ? length : L.maxSample;
  for (let s = 0; s <= count; s++) {
    // evenly spaced sample, plus the last element when sampling
    if (s === count && step === 1) break;
    const i = s === count ? length - 1 : step === 1 ? s : Math.floor(s * step);
    const x = a[i];
    switch (typeof x) {
      case 'number':
        h = mixNumber(h, x);
        break;
      case 'string':
        h = mixString(h, x);
        break;
      case 'boolean':
        h = mixByte(h, x ? 1 : 2);
        break;
      case 'bigint':
        h = mixString(h, x.toString());
        break;
      default:
        h = mixByte(h, x === null ? 3 : x === undefined ? 4 : 5);
    }
  }
  return hex32(h);
}

function hashBytes(b: Uint8Array, L: Readonly<SummarizeLimits>): string {
  const length = b.length;
  let h = mixNumber(0x811c9dc5, length);
  if (length <= L.maxSample) {
    for (let i = 0; i < length; i++) h = mixByte(h, b[i]!);
  } else {
    // 64 evenly spaced chunks covering maxSample bytes in total, always including both ends.
    const chunks = 64;
    const chunk = Math.max(1, Math.floor(L.maxSample / chunks));
    const stride = (length - chunk) / (chunks - 1);
    for (let c = 0; c < chunks; c++) {
      const start = Math.floor(c * stride);
      for (let i = start; i < start + chunk; i++) h = mixByte(h, b[i]!);
    }
  }
  return hex32(h);
}

// ---------------------------------------------------------------------------------------------

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max) + `…[+${s.length - max} chars]`;
}

function safeName(f: unknown): string {
  try {
    const n = (f as { name?: unknown }).name;
    return typeof n === 'string' ? n : '';
  } catch {
    return '';
  }
}

function keyText(k: unknown): string {
  try {
    return String(k);
  } catch {
    return '[key]';
  }
}

function errorSummary(err: unknown): ValueSummary {
  let name = 'Error';
  let message = '';
  try {
    if (err instanceof Error || (typeof err === 'object' && err !== null)) {
      const e = err as { name?: unknown; message?: unknown };
      name = typeof e.name === 'string' ? e.name : 'Error';
      message = typeof e.message === 'string' ? truncate(e.message, 1024) : '';
    } else {
      message = truncate(String(err), 1024);
    }
  } catch {
    /* keep defaults */
  }
  return { $: 'error', name, message };
}

/** Error → `{ name, message }` for end events, never throwing. @internal */
export function errorInfo(err: unknown): { name: string; message: string } {
  const s = errorSummary(err) as { name: string; message: string };
  return { name: s.name, message: s.message };
}
