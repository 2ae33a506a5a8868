import { describe, expect, test, vi } from 'vitest';
import { now, uuidv7, uuidv7Time } from '../../../src/capture/index.js';
import { ID_NODE, idText, LAST_ID, nextIdNumbers } from '../../../src/capture/ids.js';

describe('uuidv7', () => {
  test('format, embedded time, strict monotonic order, uniqueness', () => {
    const t = now();
    const ids = Array.from({ length: 100_000 }, () => uuidv7(t));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // counter overflow borrows from the next milliseconds, never goes back
    expect(uuidv7Time(ids[0]!)).toBe(Math.floor(t));
    expect(uuidv7Time(ids.at(-1)!)).toBeGreaterThanOrEqual(Math.floor(t));
    expect(uuidv7(t - 10_000) > ids.at(-1)!).toBe(true);
    expect(uuidv7Time(uuidv7(3e12))).toBe(3e12);
  });
  test('random bits differ (not a pure counter)', () => {
    const a = uuidv7(2e12).slice(19);
    const b = uuidv7(2e12 + 1).slice(19);
    expect(a).not.toBe(b);
  });
  test('per-process node bits, counter tail; another process (module instance) differs', async () => {
    vi.resetModules();
    const m1 = await import('../../../src/capture/ids.js');
    vi.resetModules();
    const m2 = await import('../../../src/capture/ids.js');
    const t = 1_800_000_000_000;
    const a = [m1.uuidv7(t), m1.uuidv7(t), m1.uuidv7(t + 5)];
    const b = m2.uuidv7(t);
    const node = (id: string): string => id.slice(15, 30);
    expect(new Set(a.map(node)).size).toBe(1); // constant within a process
    expect(node(b)).not.toBe(node(a[0]!)); // 50 random bits per process
    expect(b).not.toBe(a[0]);
    expect(parseInt(a[1]!.slice(30), 16)).toBe(parseInt(a[0]!.slice(30), 16) + 1); // 24-bit counter
    expect(parseInt(a[0]!.slice(30), 16)).toBeLessThan(0x400000); // seeded with 22 random bits
    for (const id of [...a, b]) expect(m1.uuidv7Time(id)).toBeGreaterThanOrEqual(t);
  });
  test('counter overflow advances the timestamp and stays ordered', async () => {
    vi.resetModules();
    const m = await import('../../../src/capture/ids.js');
    const t = 1_900_000_000_000;
    let prev = m.uuidv7(t);
    const n = 0x1000000 - parseInt(prev.slice(30), 16) + 10; // past the 24-bit counter's end
    let ok = true;
    for (let i = 0; i < n; i++) {
      const id = m.uuidv7(t);
      ok &&= id > prev && id.length === 36;
      prev = id;
    }
    expect(ok).toBe(true);
    expect(m.uuidv7Time(prev)).toBe(t + 1);
    expect(prev).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.uuidv7(NaN).length).toBe(36); // bad input falls back to Date.now(), clamped
  });
  test('the clock is wall-clock ms and monotonic', () => {
    const a = now();
    const b = now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });

  test('ids made as numbers (the batch lane) interleave with text ids: same format, one strictly increasing sequence', () => {
    // 5,000 ids in one millisecond cross the counter's 4,096 boundary (where the text head changes)
    // with either kind of call on either side of it.
    const t = 4e12; // later than any id the tests above made (ids never go back in time)
    const ids: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      if ((i * 7) % 3 === 0) ids.push(uuidv7(t));
      else {
        nextIdNumbers(t);
        expect(LAST_ID.text).toBe('');
        ids.push(idText(LAST_ID.ms, LAST_ID.counter, ID_NODE));
      }
    }
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `id ${i}`).toBe(true);
    for (const id of ids.slice(4_090, 4_100)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // a text id is exactly the text of its two numbers
    const id = uuidv7(t);
    expect(idText(LAST_ID.ms, LAST_ID.counter, ID_NODE)).toBe(id);
    // a new millisecond after a numbers-only id: the text head follows
    nextIdNumbers(t + 5);
    expect(uuidv7Time(uuidv7(t + 5))).toBe(t + 5);
  });
});
