import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  CaptureConfigError,
  currentExecution,
  endOpenWorkflows,
  ref,
  setDefaultEmitter,
  track,
  tracked,
  type CaptureEvent,
  type DataRefSummary,
} from '../../../src/capture/index.js';
import { Trainer } from './fixtures.js';
import { Collector, tick } from './helpers.js';

/** Structure of a run, independent of ids, times and spec keys. */
function structure(events: CaptureEvent[]): string[] {
  const kinds = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.t === 'spec') {
      out.push(`spec ${e.kind} ${e.stageType ?? ''} ${e.attributes.map((a) => `${a.role}:${a.name}:${a.direction}`).join(',')}`);
    } else if (e.t === 'start') {
      kinds.set(e.id, e.kind);
      out.push(`start ${e.kind} in ${e.parent ? kinds.get(e.parent) : '-'} #${e.index ?? ''} ${JSON.stringify(e.facts ?? [])}`);
    } else if (e.t === 'end') {
      out.push(`end ${e.kind} ${JSON.stringify(e.facts ?? [])} ${e.error ? 'error' : ''}`);
    }
  }
  return out;
}

/** The fixture's Trainer.main, written with the track API. */
async function trainWithApi(lr: number): Promise<DataRefSummary> {
  return track.workflow({ name: 'digits', study: 'mnist' }, async () => {
    const dataset = await track.transformation(
      'split',
      { params: { ratio: 0.8 }, inputs: { source: 'raw/digits.csv' }, outputs: { dataset: '$' } },
      async () => {
        await tick();
        return ref('data/14-0.8.csv', { mediaType: 'text/csv' });
      },
    );
    const { model } = await track.stage('training', { hyperparameters: { lr, epochs: 3 }, inputs: { dataset }, models: ['model'] }, async () => {
      let model = ref('models/none.json');
      for (const [epoch] of track.loop('epoch', 3, { measures: ['loss'], models: ['model'], modelHyperparameters: ['epoch'] })) {
        await tick();
        let loss = 0;
        for (const [b] of track.loop('batch', 5, { measures: ['loss'] })) {
          await tick();
          loss = 1 / (1 + epoch * 10 + b) + lr;
          track.measure('loss', loss);
        }
        model = ref(`models/epoch-${epoch}.json`);
        track.measure('loss', loss);
        track.record('model', 'model', model);
        track.record('modelHyperparameter', 'epoch', epoch);
      }
      return { model };
    });
    return model;
  });
}

let c: Collector;
beforeEach(() => {
  c = new Collector();
  setDefaultEmitter(c);
});
afterEach(() => {
  endOpenWorkflows();
  setDefaultEmitter(undefined);
});

describe('track API', () => {
  test('yields the same event structure as the decorators', async () => {
    await new Trainer().main(0.01);
    const viaDecorators = structure(c.events);
    c.events.length = 0;
    await trainWithApi(0.01);
    const viaApi = structure(c.events);
    expect(viaApi).toEqual(viaDecorators);
    expect(c.startsOf('batch')).toHaveLength(15);
    expect(c.specs.map((s) => s.spec)).toEqual(['digits', 'digits/split', 'digits/training', 'digits/training/epoch', 'digits/training/epoch/batch']);
  });

  test('track.epoch / track.batch with explicit indexes; sync values returned unchanged', () => {
    const r = track.stage('validation', () =>
      track.epoch(4, () => [track.batch(9, () => currentExecution()?.kind), track.batch({ index: 2, name: 'scored', measures: ['acc'] }, () => 0.9)]),
    );
    expect(r).toEqual(['batch', 0.9]);
    expect(c.startsOf('epoch')[0]!.index).toBe(4);
    expect(c.startsOf('batch').map((b) => b.index)).toEqual([9, 2]);
    expect(c.endOf(c.startsOf('batch')[1]!.id).facts).toEqual([{ role: 'measure', name: 'acc', value: 0.9 }]);
    const [wf] = c.startsOf('workflow');
    expect(c.startsOf('stage')[0]!.parent).toBe(wf!.id); // implicit workflow named after the script
  });

  test('errors are rethrown unchanged; loops ended on break and throw', () => {
    const err = new Error('x');
    expect(() => track.transformation('t', () => { throw err; })).toThrow(err);
    expect(c.endOf(c.startsOf('transformation')[0]!.id).error).toEqual({ name: 'Error', message: 'x' });
    for (const [i] of track.loop('batch', ['a', 'b', 'c'])) if (i === 1) break;
    expect(() => {
      for (const [i] of track.loop('epoch', 5)) if (i === 2) throw err;
    }).toThrow(err);
    expect(c.startsOf('batch')).toHaveLength(2);
    expect(c.startsOf('epoch')).toHaveLength(3);
    expect(c.ends).toHaveLength(c.starts.length - 1); // all but the open implicit workflow
    expect(currentExecution()).toBeUndefined();
  });

  test('track.start: explicit parents without AsyncLocalStorage (callback integrations)', () => {
    const stage = track.start('stage', { stage: 'training', hyperparameters: { lr: 0.1 } });
    const epoch = track.start('epoch', { parent: stage, index: 0, measures: ['loss'] });
    const batch = track.start('batch', { parent: epoch, measures: ['loss'] });
    batch.end({ loss: 0.5 });
    epoch.record('attribute', 'note', 'hi');
    epoch.end({ loss: 0.4 });
    stage.end();
    expect(c.start(batch.id)).toMatchObject({ parent: epoch.id, index: 0 });
    expect(c.start(epoch.id).parent).toBe(stage.id);
    expect(c.endOf(epoch.id).facts).toEqual([
      { role: 'measure', name: 'loss', value: 0.4 },
      { role: 'attribute', name: 'note', value: 'hi' },
    ]);
    expect(c.startsOf('stage')[0]!.facts).toEqual([{ role: 'hyperparameter', name: 'lr', value: 0.1 }]);
  });

  test('tracked() wraps plain functions like a decorator', async () => {
    const clean = tracked('transformation', { params: { threshold: 1 }, inputs: { src: 0 }, outputs: { dataset: '$' } }, function clean(src: string, threshold: number) {
      return ref(`${src}.${threshold}`);
    });
    expect(clean('a', 2).uri).toMatch(/a\.2$/);
    const [t] = c.startsOf('transformation');
    expect(t!.spec).toBe('clean');
    expect(t!.facts).toEqual([
      { role: 'parameter', name: 'threshold', value: 2 },
      { role: 'input', name: 'src', value: 'a' },
    ]);
    expect(() => tracked('batch', { measures: {} as never, indexArg: -1 }, () => 1)).toThrow(CaptureConfigError);
  });

  test('nothing emitted with the no-op emitter', async () => {
    setDefaultEmitter(undefined);
    expect((await trainWithApi(0.01)).uri).toMatch(/epoch-2/);
    expect(track.start('batch').id).toBe('');
    expect(track.measure('loss', 1)).toBe(false);
    expect(c.events).toHaveLength(0);
  });
});
