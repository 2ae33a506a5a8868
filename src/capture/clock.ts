/**
 * Wall-clock time from a monotonic clock.
 *
 * `performance.timeOrigin` (wall-clock ms at process start) is read once; each call then adds the
 * monotonic `performance.now()`. Timestamps therefore never go backwards within a process, even if
 * the system clock is adjusted, and the capture hot path reads the clock at most twice per
 * execution (start and end).
 *
 * **Resolution.** The result is a double holding ≈1.7e12 ms, whose spacing (ulp) is 2^-12 ms
 * ≈ 0.244 µs until 2039 (2^-11 ms after). That is the resolution of every event's `at` and so of a
 * duration computed as `end.at - start.at` (error ≤ ±0.25 µs); the sum is rounded once, so no
 * further precision is lost. A duration needing better than a quarter microsecond is below what
 * capture itself costs (two clock reads alone are ≈ 0.1 µs), so no separate high-resolution field
 * is kept.
 *
 * @module
 */

const origin = performance.timeOrigin;
// Bound once: `globalThis.performance` is an accessor in Node, not worth a call per read.
const perfNow: () => number = performance.now.bind(performance);

/**
 * Milliseconds since the Unix epoch (fractional, resolution ≈ 0.244 µs), monotonic within the
 * process.
 *
 * @example
 * ```ts
 * import { now } from 'provml';
 * const t0 = now();
 * const t1 = now(); // t1 >= t0, always
 * new Date(t0).toISOString();
 * ```
 */
export function now(): number {
  return origin + perfNow();
}
