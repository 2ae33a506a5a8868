/**
 * tf.js's own `Callback` class, when tf.js is already loaded: the callback is made an instance of
 * it, so that tf.js calls its hooks directly instead of through a `CustomCallback`.
 *
 * Why it matters: tf.js wraps every plain callback object in a `CustomCallback`, which before each
 * hook reads the logs' scalar tensors asynchronously (`await data()`, a `Promise.all`, a dispose)
 * and awaits a debounced yield. On the dense 32→64→64→1 fit of `bench:tfjs` (≈ 4 ms batches) that
 * wrapper alone, around an empty `onBatchEnd`, cost ≈ 40 µs per batch (≈ 1 % of the fit), more
 * than the ≤ 0.5 % the whole callback may cost. A `Callback` instance is called as tf.js's own
 * callbacks are: one direct call, the logs as tf.js holds them (scalar tensors, read here with
 * `dataSync()`, which on the CPU backend returns the value held in memory).
 *
 * How it is found, without importing tf.js (an optional peer): among the modules Node has
 * already loaded (`require.cache`, which holds tf.js also when it was `import`ed, since its
 * package is CommonJS), the `@tensorflow/tfjs-layers` module. Nothing is loaded that was not. When
 * there are several copies, the one whose `LayersModel` the `model` option is an instance of;
 * without a model, none. Not found (tf.js not loaded yet, a bundle, a browser): the plain object,
 * as before. Either way tf.js calls the same hooks; a wrapped instance (`new
 * tf.CustomCallback(cb)`, or a list whose first element is a plain object) works as well.
 *
 * @module
 */

import { createRequire } from 'node:module';

/** The tf.js `Callback` constructor (tfjs-layers), as far as the callback needs it. @internal */
export type TfCallbackClass = new () => object;

const LAYERS = /[\\/]@tensorflow[\\/]tfjs-layers[\\/]/;

/**
 * The loaded tf.js `Callback` class to build the callback on, or undefined (see the module docs).
 * Never throws. @internal
 */
export function loadedCallbackClass(model: unknown): TfCallbackClass | undefined {
  try {
    const cache = createRequire(import.meta.url).cache;
    const found: Array<{ Callback: TfCallbackClass; LayersModel?: unknown }> = [];
    for (const key of Object.keys(cache)) {
      if (!LAYERS.test(key)) continue;
      const exp = cache[key]?.exports as { Callback?: unknown; LayersModel?: unknown } | undefined;
      if (typeof exp?.Callback === 'function' && !found.some((f) => f.Callback === exp.Callback)) found.push(exp as { Callback: TfCallbackClass });
    }
    if (found.length === 1 && model === undefined) return found[0]!.Callback;
    const mine = found.filter((f) => typeof f.LayersModel === 'function' && model instanceof (f.LayersModel as new () => object));
    return mine.length === 1 ? mine[0]!.Callback : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A logged value as a number: itself, or a scalar tensor's value (`dataSync()`); undefined for
 * anything else (a tensor of several values, a disposed one, a string). @internal
 */
export function logNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || typeof v !== 'object') return undefined;
  const t = v as { size?: unknown; dtype?: unknown; dataSync?: unknown; isDisposed?: unknown };
  if (typeof t.dataSync !== 'function' || t.size !== 1 || t.dtype === 'string' || t.isDisposed === true) return undefined;
  try {
    const x = (t.dataSync as () => ArrayLike<unknown>)()[0];
    return typeof x === 'number' ? x : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Logs as numbers (see {@link logNumber}): `logs` itself when every value already is one (a
 * `CustomCallback` resolved them), else a copy with the scalar tensors read and the rest dropped.
 * tf.js's own object is never changed: its `History` reads the tensors later. @internal
 */
export function numericLogs(logs: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> | undefined {
  if (logs == null) return logs;
  let plain = true;
  for (const k in logs) if (typeof logs[k] !== 'number') plain = false;
  if (plain) return logs;
  const out: Record<string, number> = {};
  for (const k in logs) {
    const x = logNumber(logs[k]);
    if (x !== undefined) out[k] = x;
  }
  return out;
}
