/**
 * Linear scales and "nice" axis ticks for the report's charts (the 1-2-5 rule: ticks at round
 * multiples of 1, 2 or 5 times a power of ten, about `count` of them across the data's extent).
 */

/**
 * A linear map from a data domain to pixel range, with its ticks.
 *
 * @example
 * ```ts
 * const x = linearScale([0, 9], [40, 600]);
 * x.map(0); // 40
 * x.ticks;  // [0, 2, 4, 6, 8, 10] (the domain is widened to the nice bounds)
 * ```
 */
export interface Scale {
  /** The (widened) domain. */
  domain: [number, number];
  /** Data value → pixel. */
  map(v: number): number;
  /** Tick values inside the domain. */
  ticks: number[];
}

/**
 * The tick step for an extent: 1, 2 or 5 times a power of ten, giving about `count` intervals.
 *
 * @example
 * ```ts
 * niceStep(0, 1, 5); // 0.2
 * ```
 */
export function niceStep(lo: number, hi: number, count: number): number {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/**
 * A linear scale over the extent of `values` (finite ones), widened to round tick bounds. A
 * single value gets a small band around it; no values give [0, 1]. `integer` keeps ticks on whole
 * numbers (epochs, batch steps).
 *
 * @example
 * ```ts
 * const y = linearScale(extent([0.31, 0.92]), [300, 20]);
 * ```
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], options: { count?: number; integer?: boolean; zero?: boolean } = {}): Scale {
  let [lo, hi] = domain;
  if (options.zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  let step = niceStep(lo, hi, options.count ?? 5);
  if (options.integer) step = Math.max(1, Math.round(step));
  const nlo = Math.floor(lo / step + 1e-9) * step;
  const nhi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; nlo + i * step <= nhi + step * 1e-9 && i <= 1000; i++) ticks.push(clean(nlo + i * step, step));
  const [r0, r1] = range;
  const span = nhi - nlo || 1;
  return { domain: [nlo, nhi], ticks, map: (v) => r0 + ((v - nlo) / span) * (r1 - r0) };
}

/**
 * Smallest and largest finite value (`[0, 1]` when there is none).
 *
 * @example
 * ```ts
 * extent([3, NaN, 1]); // [1, 3]
 * ```
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** A tick value without floating-point noise (0.30000000000000004 → 0.3). */
function clean(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(20, digits)));
}

/**
 * A pixel coordinate as short text (two decimals at most).
 *
 * @example
 * ```ts
 * px(12.3456); // '12.35'
 * ```
 */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}
