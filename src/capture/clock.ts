/**
 * Wall-clock time from a monotonic clock.
 *
 * `performance.timeOrigin` (wall-clock ms at process start) is read once; each call then adds the
 * monotonic `performance.now()`. Timestamps therefore never go backwards within a process, even if
 * the system clock is adjusted, and the capture hot path reads the clock at most twice per
 * execution (start and end).
 *
 * @module
 */

const origin = performance.timeOrigin;

/**
 * Milliseconds since the Unix epoch (fractional), monotonic within the process.
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
  return origin + performance.now();
}
