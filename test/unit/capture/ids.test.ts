import { describe, expect, test } from 'vitest';
import { now, uuidv7, uuidv7Time } from '../../../src/capture/index.js';

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
  test('the clock is wall-clock ms and monotonic', () => {
    const a = now();
    const b = now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(1000);
  });
});
