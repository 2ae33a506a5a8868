/**
 * The capture test suite, registered once per decorator flavour (see legacy.test.ts and
 * tc39/tc39.test.ts). The decorated classes come from fixtures.ts, compiled by the calling project.
 */
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  Batch,
  CaptureConfigError,
  currentExecution,
  endOpenWorkflows,
  endWorkflow,
  Epoch,
  getCaptureMetadata,
  LearningStage,
  setDefaultEmitter,
  Transformation,
  Workflow,
  type StartEvent,
} from '../../../src/capture/index.js';
import type * as Fixtures from './fixtures.js';
import { Collector, LaneCollector } from './helpers.js';

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The capture suite with `flavour` decorators, into a plain collector or (`lane`) into one that
 * offers the batch lane and passes every event through the worker's hand-off codec.
 */
export function registerCaptureSuite(flavour: 'legacy' | 'tc39', fx: typeof Fixtures, via: 'events' | 'lane' = 'events'): void {
  const { Trainer, Etl, Loose, flavourSeen } = fx;
  describe(`capture with ${flavour} decorators${via === 'lane' ? ', through the batch lane and the hand-off codec' : ''}`, () => {
    let c: Collector;
    let laneCalls = 0;
    beforeEach(() => {
      c = via === 'lane' ? new LaneCollector() : new Collector();
      setDefaultEmitter(c);
    });
    afterEach(() => {
      if (c instanceof LaneCollector) laneCalls += c.laneCalls;
      endOpenWorkflows();
      setDefaultEmitter(undefined);
    });
    if (via === 'lane') {
      afterAll(() => {
        expect(laneCalls).toBeGreaterThan(0); // the suite did take the lane
      });
    }

    test('the fixtures were compiled with the expected decorator flavour', () => {
      expect(flavourSeen).toEqual([flavour]);
    });

    test('a training workflow: counts, parents, roots, indexes', async () => {
      const t = new Trainer();
      await t.main(0.01);
      const [wf] = c.startsOf('workflow');
      expect(c.startsOf('workflow')).toHaveLength(1);
      expect(c.startsOf('transformation')).toHaveLength(1);
      expect(c.startsOf('stage')).toHaveLength(1);
      expect(c.startsOf('epoch')).toHaveLength(3);
      expect(c.startsOf('batch')).toHaveLength(15);
      expect(c.ends).toHaveLength(c.starts.length);
      const stage = c.startsOf('stage')[0]!;
      const epochs = c.startsOf('epoch');
      expect(wf!.root).toBe(wf!.id);
      expect(wf!.parent).toBeUndefined();
      expect(wf!.spec).toBe('Trainer');
      for (const s of c.starts) {
        expect(s.id).toMatch(UUIDV7);
        expect(s.root).toBe(wf!.id);
      }
      expect(new Set(c.starts.map((s) => s.id)).size).toBe(c.starts.length);
      expect(c.startsOf('transformation')[0]!.parent).toBe(wf!.id);
      expect(stage.parent).toBe(wf!.id);
      expect(epochs.map((e) => e.parent)).toEqual([stage.id, stage.id, stage.id]);
      expect(epochs.map((e) => e.index)).toEqual([0, 1, 2]);
      for (const e of epochs) {
        const batches = c.startsOf('batch').filter((b) => b.parent === e.id);
        expect(batches.map((b) => b.index)).toEqual([0, 1, 2, 3, 4]);
      }
      for (const e of c.ends) expect(e.root).toBe(wf!.id);
    });

    test('facts: parameters, hyperparameters, dataset refs, losses, models', async () => {
      const t = new Trainer();
      const model = await t.main(0.01);
      const tr = c.startsOf('transformation')[0]!;
      expect(tr.facts).toEqual([
        { role: 'parameter', name: 'ratio', value: 0.8 },
        { role: 'input', name: 'source', value: 'raw/digits.csv' },
      ]);
      const dataset = c.fact(c.endOf(tr.id), 'dataset') as { $: string; uri: string; mediaType: string };
      expect(dataset).toMatchObject({ $: 'ref', mediaType: 'text/csv' });
      expect(dataset.uri).toBe(`${process.cwd()}/data/14-0.8.csv`);
      expect(c.endOf(tr.id).facts![0]!.role).toBe('output');
      const stage = c.startsOf('stage')[0]!;
      expect(stage.facts).toEqual([
        { role: 'hyperparameter', name: 'lr', value: 0.01 },
        { role: 'hyperparameter', name: 'epochs', value: 3 },
        { role: 'input', name: 'dataset', value: dataset },
      ]);
      expect(c.endOf(stage.id).facts).toEqual([{ role: 'model', name: 'model', value: model }]);
      const batchLosses = c.startsOf('batch').map((b) => c.fact(c.endOf(b.id), 'loss'));
      expect(batchLosses).toEqual(t.losses);
      expect(c.endOf(c.startsOf('batch')[0]!.id).facts).toEqual([{ role: 'measure', name: 'loss', value: t.losses[0] }]);
      c.startsOf('epoch').forEach((e, i) => {
        expect(c.endOf(e.id).facts).toEqual([
          { role: 'measure', name: 'loss', value: t.losses[i * 5 + 4] },
          { role: 'model', name: 'model', value: expect.objectContaining({ $: 'ref', uri: `${process.cwd()}/models/epoch-${i}.json` }) },
          { role: 'modelHyperparameter', name: 'epoch', value: i },
        ]);
      });
    });

    test('spec events: once per spec and emitter, before the first start', async () => {
      const t = new Trainer();
      await t.main(0.01);
      await t.main(0.02);
      expect(c.startsOf('workflow')).toHaveLength(2);
      const specs = c.specs;
      expect(specs.map((s) => s.spec).sort()).toEqual(['Trainer', 'Trainer#batch', 'Trainer#epoch', 'Trainer#prepare', 'Trainer#train']);
      for (const s of specs) {
        const firstStart = c.events.findIndex((e) => e.t === 'start' && e.spec === s.spec);
        expect(c.events.indexOf(s)).toBeLessThan(firstStart);
      }
      expect(specs.find((s) => s.spec === 'Trainer')).toEqual({
        t: 'spec', spec: 'Trainer', kind: 'workflow', name: 'digits', attributes: [],
        study: 'mnist', experiment: 'exp-1', persona: 'ml-engineer', algorithm: 'MLP', software: 'provml-test',
      });
      expect(specs.find((s) => s.spec === 'Trainer#prepare')).toEqual({
        t: 'spec', spec: 'Trainer#prepare', kind: 'transformation', name: 'split', workflow: 'Trainer',
        attributes: [
          { role: 'parameter', name: 'ratio', direction: 'in' },
          { role: 'input', name: 'source', direction: 'in' },
          { role: 'output', name: 'dataset', direction: 'out' },
        ],
      });
      expect(specs.find((s) => s.spec === 'Trainer#train')).toMatchObject({ kind: 'stage', stageType: 'training', workflow: 'Trainer' });
      // A new emitter gets the specs again.
      const c2 = new Collector();
      setDefaultEmitter(c2);
      await t.main(0.03);
      expect(c2.specs).toHaveLength(5);
    });

    test('timestamps are monotonic and start <= end', async () => {
      await new Trainer().main(0.01);
      const times = c.events.filter((e) => e.t !== 'spec').map((e) => (e as StartEvent).at);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
      for (const s of c.starts) expect(c.endOf(s.id).at).toBeGreaterThanOrEqual(s.at);
      expect(Math.abs(times[0]! - Date.now())).toBeLessThan(60_000);
    });

    test('concurrent async workflows keep their own nesting across awaits', async () => {
      const a = new Trainer();
      const b = new Trainer();
      b.batchesPerEpoch = 2;
      await Promise.all([a.main(0.1), b.main(0.2)]);
      const [wa, wb] = c.startsOf('workflow');
      const byId = new Map(c.starts.map((s) => [s.id, s]));
      for (const s of c.starts.filter((x) => x.kind === 'batch')) {
        const epoch = byId.get(s.parent!)!;
        expect(epoch.kind).toBe('epoch');
        expect(byId.get(epoch.parent!)!.kind).toBe('stage');
        expect(s.root).toBe(epoch.root);
      }
      expect(c.startsOf('batch').filter((s) => s.root === wa!.id)).toHaveLength(15);
      expect(c.startsOf('batch').filter((s) => s.root === wb!.id)).toHaveLength(6);
      expect(currentExecution()).toBeUndefined();
    });

    test('async batch: index from an options key, measure from a nested result path', async () => {
      const t = new Trainer();
      await t.asyncBatch({ i: 7 });
      const [wf] = c.startsOf('workflow');
      const [b] = c.startsOf('batch');
      expect(wf!.spec).toBe('Trainer');
      expect(b).toMatchObject({ kind: 'batch', index: 7, parent: wf!.id, root: wf!.id });
      expect(c.endOf(b!.id).facts).toEqual([{ role: 'measure', name: 'loss', value: 0.7 }]);
      expect(endWorkflow(t)).toBe(true);
      expect(c.endOf(wf!.id).error).toBeUndefined();
    });

    test('user errors reach the caller unchanged and are recorded', async () => {
      const t = new Trainer();
      const err = new RangeError('boom');
      const stack = err.stack;
      let caught: unknown;
      try {
        t.fails(err);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(err);
      expect((caught as Error).stack).toBe(stack);
      const s1 = c.startsOf('transformation')[0]!;
      expect(c.endOf(s1.id).error).toEqual({ name: 'RangeError', message: 'boom' });

      const err2 = new TypeError('async boom');
      await expect(t.failsAsync(err2)).rejects.toBe(err2);
      const s2 = c.startsOf('transformation')[1]!;
      expect(c.endOf(s2.id).error).toEqual({ name: 'TypeError', message: 'async boom' });

      expect(() => t.fails('plain string')).toThrow('plain string');
      expect(c.endOf(c.startsOf('transformation')[2]!.id).error).toEqual({ name: 'Error', message: 'plain string' });
    });

    test('@Workflow({ run }) delimits workflow executions', async () => {
      const e = new Etl();
      expect(await e.go(3)).toBe(6);
      const [wf] = c.startsOf('workflow');
      expect(wf!.spec).toBe('Etl');
      const steps = c.startsOf('transformation');
      expect(steps.map((s) => s.parent)).toEqual([wf!.id, wf!.id, wf!.id]);
      expect(steps.map((s) => s.facts)).toEqual([0, 1, 2].map((i) => [{ role: 'parameter', name: 'i', value: i }]));
      expect(steps.map((s) => c.endOf(s.id).facts)).toEqual([0, 2, 4].map((v) => [{ role: 'output', name: 'result', value: v }]));
      expect(c.endOf(wf!.id).at).toBeGreaterThanOrEqual(c.endOf(steps[2]!.id).at);
    });

    test('implicit workflow per instance, ended by endWorkflow / endOpenWorkflows', () => {
      const l = new Loose();
      expect(l.scale({ factor: 3 }, 2)).toBe(6);
      expect(l.scale({ factor: 4 }, 2)).toBe(8);
      const [wf] = c.startsOf('workflow');
      expect(c.startsOf('workflow')).toHaveLength(1);
      expect(wf!.spec).toBe('Loose');
      const steps = c.startsOf('transformation');
      expect(steps.map((s) => s.parent)).toEqual([wf!.id, wf!.id]);
      expect(steps[0]!.spec).toBe('Loose#scale');
      expect(steps[1]!.facts).toEqual([{ role: 'parameter', name: 'factor', value: 4 }]);
      expect(c.endOf(steps[1]!.id).facts).toEqual([{ role: 'output', name: 'out', value: 8 }]);
      expect(c.ends.some((e) => e.id === wf!.id)).toBe(false);
      expect(endWorkflow(l)).toBe(true);
      expect(endWorkflow(l)).toBe(false);
      expect(c.endOf(wf!.id).kind).toBe('workflow');
      l.scale({ factor: 1 }, 1);
      expect(Loose.twice(4)).toBe(8);
      expect(c.startsOf('workflow')).toHaveLength(3);
      expect(c.startsOf('transformation')[3]!.spec).toBe('Loose#twice');
      expect(endOpenWorkflows(c)).toBe(2);
      expect(c.ends.filter((e) => e.kind === 'workflow')).toHaveLength(3);
    });

    test('the no-op default emitter: nothing emitted, behaviour unchanged', async () => {
      setDefaultEmitter(undefined);
      const t = new Trainer();
      const model = await t.main(0.01);
      expect(model.uri).toMatch(/models\/epoch-2\.json$/);
      expect(t.losses).toHaveLength(15);
      const err = new Error('x');
      expect(() => t.fails(err)).toThrow(err);
      expect(new Loose().scale({ factor: 2 }, 5)).toBe(10);
      expect(c.events).toHaveLength(0);
      expect(endOpenWorkflows()).toBe(0);
    });

    test('a tracker option routes events to that emitter', () => {
      const own = new Collector();
      class Routed {
        @Batch({ tracker: own, measures: ['loss'] })
        step(): number {
          return 0.5;
        }
      }
      new Routed().step();
      expect(c.events).toHaveLength(0);
      expect(own.startsOf('batch')).toHaveLength(1);
      expect(endOpenWorkflows(own)).toBe(1);
    });

    test('getCaptureMetadata lists the declarations', () => {
      const m = getCaptureMetadata(Trainer);
      expect(m.workflow).toEqual({ spec: 'Trainer', name: 'digits' });
      expect(m.methods.map((x) => x.spec).sort()).toEqual([
        'Trainer#asyncBatch', 'Trainer#batch', 'Trainer#epoch', 'Trainer#fails', 'Trainer#failsAsync', 'Trainer#main', 'Trainer#prepare', 'Trainer#train',
      ]);
      expect(getCaptureMetadata(new Etl()).methods.map((x) => x.method).sort()).toEqual(['go', 'step']);
    });

    describe('invalid decorator options are configuration errors at decoration time', () => {
      const anyDecorator = Batch() as unknown as (value: unknown, context: unknown) => void;
      const cls = flavour === 'legacy' ? 'Bad' : '<class at ';
      const cases: Array<[string, () => unknown, RegExp]> = [
        ['non-string array item', () => {
          class Bad { @Batch({ measures: [42] } as never) step() {} }
          return Bad;
        }, /@Batch on .*#step: measures\[0\] must be a result key/],
        ['unknown option', () => {
          class Bad { @LearningStage({ stage: 'training', hyperparameter: ['lr'] } as never) fit() {} }
          return Bad;
        }, /@LearningStage on .*#fit: "hyperparameter" is not an option/],
        ['bad stage', () => {
          class Bad { @LearningStage({ stage: 'train' } as never) fit() {} }
          return Bad;
        }, /#fit: stage must be 'training', 'validation' or 'testing', got "train"/],
        ['negative position', () => {
          class Bad { @Transformation({ params: { t: -1 } }) run() {} }
          return Bad;
        }, /#run: params\.t must be a non-negative integer/],
        ['bad arg ref', () => {
          class Bad { @Epoch({ indexArg: '$x' }) ep() {} }
          return Bad;
        }, /#ep: indexArg has an invalid argument reference "\$x"/],
        ['empty path segment', () => {
          class Bad { @Transformation({ inputs: ['a..b'] }) run() {} }
          return Bad;
        }, /#run: inputs\[0\] has an invalid path "a\.\.b"/],
        ['positional in array form', () => {
          class Bad { @Transformation({ inputs: ['$0'] }) run() {} }
          return Bad;
        }, /#run: inputs\[0\] "\$0" needs a name/],
        ['duplicate attribute', () => {
          class Bad { @Transformation({ params: ['a'], inputs: ['a'] }) run() {} }
          return Bad;
        }, /#run: a is declared twice/],
        ['not a method', () => {
          class Bad { @anyDecorator field = 1; }
          return Bad;
        }, /@Batch on .*#field: target can only decorate methods/],
      ];
      for (const [what, make, msg] of cases) {
        test(what, () => {
          let err: unknown;
          try {
            make();
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(CaptureConfigError);
          expect((err as Error).message).toMatch(msg);
          expect((err as Error).message).toContain(cls);
          // TC39: no class name yet, so the location must be the user's decorator line, not a compiler helper's.
          if (flavour !== 'legacy') expect((err as Error).message).toMatch(/<class at [^>]*capture\.suite\.ts:\d+:\d+>/);
        });
      }
      test('index on a decorator is refused with the new name (indexArg)', () => {
        expect(() => {
          class Bad { @Epoch({ index: 0 } as never) ep(_e: number) {} }
          return Bad;
        }).toThrow(/index is now indexArg: it names the argument holding the epoch number/);
      });
      test('@Workflow run naming a missing method', () => {
        expect(() => {
          @Workflow({ run: 'nope' })
          class Bad {}
          return Bad;
        }).toThrow(/@Workflow on Bad#\(class\): run names "nope", which is not a method of Bad/);
      });
    });
  });
}
