import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../src/capture/events.js';
import { TrainingWatch } from '../../../src/worker/training-watch.js';

const spec = (key: string, kind: 'stage' | 'batch', stageType?: 'training' | 'validation'): CaptureEvent => ({
  t: 'spec',
  spec: key,
  kind,
  name: key,
  ...(stageType ? { stageType } : {}),
  attributes: [],
});
const startE = (id: string, key: string, kind: 'stage' | 'batch' = 'stage'): CaptureEvent => ({ t: 'start', id, spec: key, kind, root: 'w', at: 0 });
const endE = (id: string, kind: 'stage' | 'batch' = 'stage'): CaptureEvent => ({ t: 'end', id, kind, root: 'w', at: 1 });

describe('TrainingWatch', () => {
  it('is training from a training stage start to its end, and calls back once when the last one ends', () => {
    let closed = 0;
    const w = new TrainingWatch(() => closed++);
    for (const e of [spec('fit', 'stage', 'training'), spec('b', 'batch'), spec('val', 'stage', 'validation')]) w.see(e);
    expect(w.training).toBe(false);
    w.see(startE('v1', 'val'));
    expect(w.training).toBe(false); // validation is not held
    w.see(endE('v1'));
    w.see(startE('t1', 'fit'));
    w.see(startE('t2', 'fit')); // two fits at once (e.g. two models in one process)
    w.see(startE('x', 'b', 'batch'));
    w.see(endE('x', 'batch'));
    w.see(endE('t1'));
    expect([w.training, closed]).toEqual([true, 0]);
    w.see(endE('t2'));
    expect([w.training, closed]).toEqual([false, 1]);
    w.see(endE('t2')); // an end seen twice changes nothing
    expect(closed).toBe(1);
  });

  it('follows a spec key redefined as another stage type', () => {
    const w = new TrainingWatch(() => undefined);
    w.see(spec('s', 'stage', 'training'));
    w.see(spec('s', 'stage', 'validation'));
    w.see(startE('a', 's'));
    expect(w.training).toBe(false);
  });
});
