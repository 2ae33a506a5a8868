/**
 * A deliberately small model in plain TypeScript, so the demo needs no native code or downloads:
 * logistic regression trained by mini-batch gradient descent on a synthetic two-class dataset.
 * (provml works the same around a TensorFlow.js `model.fit`; see the `provml/tfjs` integration.)
 */

/** One labelled example. */
export interface Example {
  x: number[];
  y: 0 | 1;
}

/** Deterministic PRNG (mulberry32) so the demo prints the same figures every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two Gaussian blobs in `dims` dimensions. */
export function makeBlobs(n: number, dims: number, seed: number): Example[] {
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const y = (i % 2) as 0 | 1;
    out.push({ x: Array.from({ length: dims }, () => gauss() + (y ? 1.2 : -1.2)), y });
  }
  return out;
}

/** Logistic regression weights. */
export class LogisticModel {
  w: number[];
  b = 0;

  constructor(dims: number) {
    this.w = new Array<number>(dims).fill(0);
  }

  predict(x: number[]): number {
    let z = this.b;
    for (let i = 0; i < x.length; i++) z += (this.w[i] ?? 0) * (x[i] ?? 0);
    return 1 / (1 + Math.exp(-z));
  }

  /** One gradient step on a batch; returns the batch's mean log-loss. */
  step(batch: Example[], learningRate: number): number {
    const gw = new Array<number>(this.w.length).fill(0);
    let gb = 0;
    let loss = 0;
    for (const { x, y } of batch) {
      const p = this.predict(x);
      loss += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
      const d = p - y;
      for (let i = 0; i < gw.length; i++) gw[i] = (gw[i] ?? 0) + d * (x[i] ?? 0);
      gb += d;
    }
    for (let i = 0; i < gw.length; i++) this.w[i] = (this.w[i] ?? 0) - (learningRate * (gw[i] ?? 0)) / batch.length;
    this.b -= (learningRate * gb) / batch.length;
    return loss / batch.length;
  }

  /** Accuracy and mean log-loss over a dataset. */
  evaluate(data: Example[]): { accuracy: number; loss: number } {
    let correct = 0;
    let loss = 0;
    for (const { x, y } of data) {
      const p = this.predict(x);
      if ((p >= 0.5 ? 1 : 0) === y) correct++;
      loss += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
    }
    return { accuracy: correct / data.length, loss: loss / data.length };
  }
}
