import { describe, expect, test } from 'vitest';
import { isRef, ref, summarize } from '../../../src/capture/index.js';

describe('summarize', () => {
  test('primitives and tagged scalars', () => {
    expect(summarize(1.5)).toBe(1.5);
    expect(summarize(NaN)).toBeNaN();
    expect(summarize(-Infinity)).toBe(-Infinity);
    expect(summarize(true)).toBe(true);
    expect(summarize(null)).toBeNull();
    expect(summarize('abc')).toBe('abc');
    expect(summarize(undefined)).toEqual({ $: 'undefined' });
    expect(summarize(12n ** 30n)).toEqual({ $: 'bigint', value: (12n ** 30n).toString() });
    expect(summarize(Symbol('s'))).toEqual({ $: 'symbol', description: 's' });
    expect(summarize(function named() {})).toEqual({ $: 'function', name: 'named' });
    expect(summarize(new Date(0))).toEqual({ $: 'date', iso: '1970-01-01T00:00:00.000Z' });
    expect(summarize(new Date(NaN))).toEqual({ $: 'date', iso: 'Invalid Date' });
    expect(summarize(new TypeError('bad'))).toEqual({ $: 'error', name: 'TypeError', message: 'bad' });
  });

  test('long strings are truncated with a marker', () => {
    const s = summarize('x'.repeat(5000)) as string;
    expect(s.length).toBeLessThan(1100);
    expect(s).toMatch(/…\[\+3976 chars\]$/);
  });

  test('tensor-like objects: shape/dtype/size only, data never read', () => {
    const tensor = {
      shape: [32, 28, 28],
      dtype: 'float32',
      size: 25088,
      dataSync() {
        throw new Error('must not be read');
      },
      get values(): never {
        throw new Error('must not be read');
      },
    };
    expect(summarize(tensor)).toEqual({ $: 'tensor', shape: [32, 28, 28], dtype: 'float32', size: 25088 });
  });

  test('arrays, typed arrays, buffers: items when small, length + fingerprint when large', () => {
    expect(summarize([1, 'a', null])).toEqual({ $: 'array', length: 3, items: [1, 'a', null] });
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const s = summarize(big) as { $: string; length: number; hash: string };
    expect(s).toEqual({ $: 'array', length: 100_000, hash: expect.stringMatching(/^fnv1a32:[0-9a-f]{8}$/) });
    expect((summarize(big.slice()) as { hash: string }).hash).toBe(s.hash);
    expect((summarize([...big.slice(0, -1), -1]) as { hash: string }).hash).not.toBe(s.hash);
    expect(summarize(new Float32Array([1, 2]))).toEqual({ $: 'array', length: 2, items: [1, 2] });
    expect(summarize(new Float32Array(1e6))).toMatchObject({ $: 'array', length: 1e6 });
    expect(summarize(new BigInt64Array([1n]))).toEqual({ $: 'array', length: 1, items: [{ $: 'bigint', value: '1' }] });
    expect(summarize(Buffer.from('hello'))).toMatchObject({ $: 'bytes', length: 5 });
    expect(summarize(new ArrayBuffer(1 << 20))).toMatchObject({ $: 'bytes', length: 1 << 20 });
    expect(summarize(new DataView(new ArrayBuffer(8)))).toMatchObject({ $: 'bytes', length: 8 });
    expect(summarize(new Set([1, 2]))).toEqual({ $: 'array', length: 2, items: [1, 2] });
  });

  test('objects: shallow, key limit, depth limit, circular refs, Maps', () => {
    expect(summarize({ lr: 0.1, opt: { name: 'adam', betas: [0.9, 0.99] } })).toEqual({
      $: 'object',
      fields: { lr: 0.1, opt: { $: 'object', fields: { name: 'adam', betas: { $: 'array', length: 2 , hash: expect.any(String) } } } },
    });
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    const w = summarize(wide) as { fields: object; truncated: boolean };
    expect(Object.keys(w.fields)).toHaveLength(32);
    expect(w.truncated).toBe(true);
    expect(summarize({ a: { b: { c: { d: 1 } } } })).toEqual({
      $: 'object',
      fields: { a: { $: 'object', fields: { b: { $: 'object', fields: {}, truncated: true } } } },
    });
    const cyc: Record<string, unknown> = { x: 1 };
    cyc.self = cyc;
    expect(summarize(cyc)).toEqual({ $: 'object', fields: { x: 1, self: { $: 'circular' } } });
    const arr: unknown[] = [1];
    arr.push(arr);
    expect(summarize(arr)).toEqual({ $: 'array', length: 2, items: [1, { $: 'circular' }] });
    expect(summarize(new Map<unknown, unknown>([['a', 1], [2, 'b']]))).toEqual({ $: 'object', fields: { a: 1, '2': 'b' } });
  });

  test('hostile values never throw', () => {
    const throwingGetter = { ok: 1, get bad(): number { throw new Error('getter') } };
    expect(summarize(throwingGetter)).toEqual({ $: 'object', fields: { ok: 1, bad: { $: 'error', name: 'Error', message: 'getter' } } });
    const trap = new Proxy({}, { ownKeys() { throw new Error('ownKeys'); }, get() { throw new Error('get'); }, getPrototypeOf() { throw new Error('proto'); } });
    expect(summarize(trap)).toMatchObject({ $: 'error' });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(summarize(proxy)).toMatchObject({ $: 'error' });
    const weirdError = Object.assign(Object.create(Error.prototype) as Error, {});
    Object.defineProperty(weirdError, 'message', { get() { throw new Error('no'); } });
    expect(() => summarize(weirdError)).not.toThrow();
    expect(summarize(Object.create(null))).toEqual({ $: 'object', fields: {} });
    expect(() => summarize(Promise.resolve(1))).not.toThrow();
    expect(() => summarize(new WeakMap())).not.toThrow();
    expect(() => summarize(globalThis)).not.toThrow();
  });

  test('data references', () => {
    const r = ref('data/x.csv', { mediaType: 'text/csv', version: 'v1' });
    expect(r).toEqual({ $: 'ref', uri: `${process.cwd()}/data/x.csv`, mediaType: 'text/csv', version: 'v1' });
    expect(Object.isFrozen(r)).toBe(true);
    expect(summarize(r)).toBe(r);
    expect(ref('s3://bucket/key').uri).toBe('s3://bucket/key');
    expect(ref(new URL('https://example.org/a')).uri).toBe('https://example.org/a');
    expect(ref('/abs/path').uri).toBe('/abs/path');
    expect(isRef(r)).toBe(true);
    expect(isRef({ $: 'ref', uri: 'x' })).toBe(true);
    expect(isRef('x')).toBe(false);
    expect(summarize({ $: 'ref', uri: 'u', junk: 1 })).toEqual({ $: 'ref', uri: 'u' });
  });
});
