/**
 * `provml/tfjs`: provenance of TensorFlow.js training. Pass {@link provmlCallback} to
 * `model.fit(x, y, { callbacks })` or `model.fitDataset(ds, { callbacks })`; each fit is recorded
 * as a PROV-ML learning stage execution with its epochs, batches (all, or every `captureEvery`-th),
 * the model's architecture, early stopping and — when tf.js validates — a validation stage.
 * Custom training loops are covered in the docs of `integrations/tfjs.ts`, with
 * {@link modelArchitecture}. `@tensorflow/tfjs` is an optional peer dependency and is never
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

export {
  modelArchitecture,
  provmlCallback,
  type FitLayer,
  type FitLogs,
  type FitModel,
  type FitShape,
  type ProvmlCallback,
  type ProvmlCallbackOptions,
  type ValidationOptions,
} from './integrations/tfjs.js';
