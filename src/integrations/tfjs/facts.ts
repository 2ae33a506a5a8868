/**
 * What the TensorFlow.js callback reads once per fit: tf.js's fit params, the optimizer and the
 * model's architecture. Everything is read structurally (no tf.js import) and defensively: a
 * getter that throws loses that one fact, never the fit.
 *
 * @module
 */

import type { FitModel, FitShape, ProvmlCallbackOptions, TfThis } from './types.js';

/** tf.js's callback params (`this.params`) → hyperparameter names. `steps` is only set by `fitDataset`. */
const FIT_PARAMS = { epochs: 'epochs', initialEpoch: 'initialEpoch', batchSize: 'batchSize', steps: 'batchesPerEpoch' } as const;
/** Layer config entries recorded as `layer<i>.<key>` (when a number, string, boolean or list of numbers). */
const LAYER_CONFIG = ['units', 'activation', 'filters', 'kernelSize', 'rate'] as const;

/** @internal */
export const isNum = (v: unknown): v is number => typeof v === 'number';

/** What one fit is: its hyperparameters and attributes, and what the callback needs to follow it. @internal */
export interface FitFacts {
  hp: Record<string, unknown>;
  attrs: Record<string, unknown>;
  /** The metric names tf.js will log (`params.metrics`, `val_*` included when it validates). */
  metrics?: string[];
  /** Batches per epoch, when tf.js says (`fit`: ⌈samples / batchSize⌉; `fitDataset`: `batchesPerEpoch` or the dataset's size). */
  steps?: number;
  /** The `epochs` argument of the fit (the last epoch index + 1). */
  epochs?: number;
  /** tf.js gave no batch size (a `fitDataset`): read it from the first batch's logs. */
  batchSizeUnknown: boolean;
  /** The model: the `model` option, else tf.js's `this.model`. */
  model?: FitModel;
}

/** Hyperparameters and attributes of a fit from tf.js's params, the optimizer and the user's. @internal */
export function fitFacts(self: unknown, o: ProvmlCallbackOptions): FitFacts {
  const hp: Record<string, unknown> = {};
  const attrs: Record<string, unknown> = {};
  const tf = (typeof self === 'object' ? self : undefined) as TfThis;
  const params = tf?.params;
  const facts: FitFacts = { hp, attrs, batchSizeUnknown: params != null && !isNum(params.batchSize) };
  if (params) {
    for (const [from, to] of Object.entries(FIT_PARAMS)) if (isNum(params[from])) hp[to] = params[from];
    if (isNum(params.samples)) attrs.samples = params.samples;
    if (isNum(params.epochs)) facts.epochs = params.epochs;
    if (Array.isArray(params.metrics)) facts.metrics = params.metrics.filter((m): m is string => typeof m === 'string');
    if (isNum(params.steps)) facts.steps = params.steps;
    else if (isNum(params.samples) && isNum(params.batchSize) && params.batchSize > 0) facts.steps = Math.ceil(params.samples / params.batchSize);
  }
  const model = o.model ?? tf?.model ?? undefined;
  if (model) facts.model = model;
  try {
    const opt = model?.optimizer;
    const cls = opt?.getClassName?.();
    if (typeof cls === 'string') hp.optimizer = cls;
    for (const [k, v] of Object.entries(opt?.getConfig?.() ?? {})) if (isNum(v) || typeof v === 'boolean') hp[k] = v;
  } catch {
    /* an optimizer without a usable config */
  }
  Object.assign(hp, o.hyperparameters);
  return facts;
}

/** `[null,4]` for one shape, `[[null,4],[null,2]]` for several. */
function shapeText(shapes: ReadonlyArray<{ readonly shape: FitShape }> | undefined): string | undefined {
  if (!Array.isArray(shapes) || shapes.length === 0) return undefined;
  return JSON.stringify(shapes.length === 1 ? shapes[0]!.shape : shapes.map((s) => s.shape));
}

const isNumList = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);

/**
 * The architecture of a tf.js model as flat name → value pairs, the way the callback records it
 * (as model hyperparameters of the learning stage, once per fit):
 *
 * - `layers` — number of layers (`model.layers`, as `model.summary()` lists them);
 * - `params` — total parameter count (`model.countParams()`), `trainableParams` — of the trainable
 *   weights (what `model.summary()` prints as *Total params* and *Trainable params*);
 * - `inputShape`, `outputShape` — of the model's inputs/outputs as JSON (`[null,4]`; a list of
 *   shapes for several);
 * - per layer *i*: `layer<i>.type` (class name, e.g. `Dense`), `layer<i>.name`, `layer<i>.params`,
 *   `layer<i>.outputShape`, and from its config `units`, `activation`, `filters`, `kernelSize`,
 *   `rate` when present.
 *
 * Each value is read on its own: one that throws (an unbuilt layer's `countParams`, a shared
 * layer's `outputShape`) is left out. Useful in custom training loops too (see the module docs).
 *
 * @example
 * ```ts
 * import { modelArchitecture } from 'provml/tfjs';
 * const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu' })] });
 * modelArchitecture(model);
 * // { layers: 1, params: 40, trainableParams: 40, inputShape: '[null,4]', outputShape: '[null,8]',
 * //   'layer0.type': 'Dense', 'layer0.name': 'dense_Dense1', 'layer0.params': 40,
 * //   'layer0.outputShape': '[null,8]', 'layer0.units': 8, 'layer0.activation': 'relu' }
 * ```
 */
export function modelArchitecture(model: FitModel): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  const put = (name: string, read: () => unknown): void => {
    try {
      const v = read();
      if (isNum(v) || typeof v === 'string' || typeof v === 'boolean') out[name] = v;
      else if (isNumList(v)) out[name] = JSON.stringify(v);
    } catch {
      /* that one fact is unknown */
    }
  };
  const layers = model.layers;
  if (Array.isArray(layers)) out.layers = layers.length;
  put('params', () => model.countParams?.());
  put('trainableParams', () => {
    const ws: ReadonlyArray<{ readonly shape: FitShape }> | undefined = model.trainableWeights;
    if (ws === undefined || typeof ws.length !== 'number') return undefined;
    let n = 0;
    for (const w of ws) {
      let size = 1;
      for (const d of w.shape) size *= d ?? 1;
      n += size;
    }
    return n;
  });
  put('inputShape', () => shapeText(model.inputs));
  put('outputShape', () => shapeText(model.outputs));
  if (!Array.isArray(layers)) return out;
  layers.forEach((layer, i) => {
    const p = `layer${i}.`;
    put(`${p}type`, () => layer.getClassName?.());
    put(`${p}name`, () => layer.name);
    put(`${p}params`, () => layer.countParams?.());
    put(`${p}outputShape`, () => {
      const s = layer.outputShape;
      return Array.isArray(s) ? JSON.stringify(s) : undefined;
    });
    let config: Readonly<Record<string, unknown>> | undefined;
    try {
      config = layer.getConfig?.();
    } catch {
      config = undefined;
    }
    if (config) for (const k of LAYER_CONFIG) if (config[k] != null) put(`${p}${k}`, () => config[k]);
  });
  return out;
}
