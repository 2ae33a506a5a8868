/**
 * `provml/tfjs`: provenance of TensorFlow.js training. Pass {@link provmlCallback} to
 * `model.fit(x, y, { callbacks })`; each fit is recorded as a PROV-ML learning stage execution
 * with its epochs and batches. `@tensorflow/tfjs` is an optional peer dependency and is never
 * imported by provml.
 *
 * @example
 * ```ts
 * import { ProvML, ref, track } from 'provml';
 * import { provmlCallback } from 'provml/tfjs';
 *
 * const prov = ProvML.init();
 * await track.workflow('digits', () =>
 *   model.fit(xs, ys, { epochs: 3, callbacks: provmlCallback({ inputs: { train: ref('train.csv') } }) }),
 * );
 * await prov.shutdown();
 * ```
 *
 * @module
 */

export { provmlCallback, type FitLogs, type FitModel, type ProvmlCallback, type ProvmlCallbackOptions } from './integrations/tfjs.js';
