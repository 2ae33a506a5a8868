/**
 * Small text helpers of the live monitor: a unicode sparkline and compact numbers and durations.
 */

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A unicode sparkline (▁▂▃▄▅▆▇█) of `values`, scaled between their minimum (▁) and maximum (█); the last
 * `width` values when there are more. A flat series is drawn at mid height; non-finite values
 * are blanks.
 *
 * @example
 * ```ts
 * sparkline([0.9, 0.6, 0.4, 0.3]); // '█▄▂▁'
 * sparkline([1, 1, 1]);            // '▄▄▄'
 * ```
 */
export function sparkline(values: readonly number[], width = 40): string {
  const shown = width > 0 && values.length > width ? values.slice(values.length - width) : values;
  const finite = shown.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return ' '.repeat(shown.length);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min;
  let out = '';
  for (const v of shown) {
    if (!Number.isFinite(v)) out += ' ';
    else if (span === 0) out += BARS[3];
    else out += BARS[Math.round(((v - min) / span) * (BARS.length - 1))];
  }
  return out;
}

/**
 * A number in at most four significant digits, without trailing zeros.
 *
 * @example
 * ```ts
 * formatNumber(0.301234); // '0.3012'
 * formatNumber(12);       // '12'
 * ```
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e6) return String(n);
  return String(Number(n.toPrecision(4)));
}

/**
 * A duration for people: `350 ms`, `12.3 s`, `4m 05s`, `2h 03m`, `3d 04h` (from two days on).
 *
 * @example
 * ```ts
 * formatDuration(65_000); // '1m 05s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s >= 172_800) return `${Math.floor(s / 86_400)}d ${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
