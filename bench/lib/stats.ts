import v8 from 'node:v8';
import vm from 'node:vm';
/** Small statistics and formatting helpers for the benchmarks. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Arithmetic mean; NaN when empty. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Round to `digits` significant-ish decimals for the JSON line. */
export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function fmtNs(ns: number): string {
  return Number.isFinite(ns) ? `${ns.toFixed(1)} ns` : String(ns);
}

export function fmtRate(perS: number): string {
  if (!Number.isFinite(perS)) return String(perS);
  if (perS >= 1e6) return `${(perS / 1e6).toFixed(2)} M/s`;
  if (perS >= 1e3) return `${(perS / 1e3).toFixed(1)} k/s`;
  return `${perS.toFixed(0)} /s`;
}

/** Yield one macrotask turn (lets setImmediate-scheduled background work and its microtasks run). */
export function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Print a two-column (or more) table to stderr. */
export function table(title: string, rows: Array<[string, ...string[]]>): void {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  process.stderr.write(`\n${title}\n${'-'.repeat(Math.max(title.length, ...lines.map((l) => l.length)))}\n${lines.join('\n')}\n`);
}

/** Nearest-rank percentile (p in [0, 1]) of a sample; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

/**
 * A full GC, then a few event-loop turns (for FinalizationRegistry callbacks, which free
 * Oxigraph's WASM stores). Exposes `gc` on first use.
 *
 * @example
 * ```ts
 * await collect(); // before a timed phase
 * ```
 */
export async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    fullGc();
    await yieldTurn();
  }
}

let gcFn: (() => void) | undefined;
function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}
