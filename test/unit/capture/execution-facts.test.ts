/**
 * Execution facts capture adds itself (issue 13 §3): user tags on every kind of execution, and the
 * process's peak memory on workflow and stage end events — only for an emitter that asks for it,
 * and read only at those ends (never per epoch or batch).
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  Batch,
  CaptureConfigError,
  endOpenWorkflows,
  Epoch,
  FeatureExtraction,
  LearningStage,
  setDefaultEmitter,
  track,
  tracked,
  Transformation,
  Workflow,
  WorkflowRun,
  type CaptureEvent,
  type EndEvent,
  type EventEmitterLike,
  type Fact,
  type StartEvent,
} from '../../../src/capture/index.js';
import { RECORDS_PEAK_MEMORY } from '../../../src/capture/engine.js';
import { PEAK_MEMORY_QUALITY, QUALITY_FACT } from '../../../src/capture/events.js';
import { Collector } from './helpers.js';

/** A collector that asks for peak memory, as a full-tracking ProvML does. */
class MemoryCollector extends Collector {
  readonly [RECORDS_PEAK_MEMORY] = true;
}

/** `{ name: value }` of the tag facts of an event (names without the reserved prefix). */
function tags(e: StartEvent | EndEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of e.facts ?? []) if (f.name.startsWith(`${QUALITY_FACT}tag:`)) out[f.name.slice(`${QUALITY_FACT}tag:`.length)] = f.value;
  return out;
}

/** The other (ordinary) facts of an event. */
function plain(e: StartEvent | EndEvent): Fact[] {
  return (e.facts ?? []).filter((f) => !f.name.startsWith(QUALITY_FACT));
}

function peak(e: EndEvent): unknown {
  return e.facts?.find((f) => f.name === `${QUALITY_FACT}${PEAK_MEMORY_QUALITY}`)?.value;
}

/** Apply a method decorator (legacy semantics, as this test project compiles them). */
function onMethod(d: (target: object, key: string, desc: PropertyDescriptor) => unknown): void {
  class X {
    m(): void {}
  }
  d(X.prototype, 'm', Object.getOwnPropertyDescriptor(X.prototype, 'm')!);
}

let c: Collector;
let previous: EventEmitterLike;
beforeEach(() => {
  c = new Collector();
  previous = setDefaultEmitter(c);
});
afterEach(() => {
  endOpenWorkflows();
  setDefaultEmitter(previous);
  vi.restoreAllMocks();
});

describe('tags', () => {
  test('on every capture decorator: fixed at decoration, added to each start event after the argument facts', async () => {
    @Workflow({ name: 'geo', tags: { team: 'geo', owner: 'ana' } })
    class Pipeline {
      @WorkflowRun({ tags: { owner: 'bo', nightly: true } })
      async main(): Promise<void> {
        this.clean(3);
        this.features();
        await this.fit({ lr: 0.1 });
      }
      @Transformation({ params: { threshold: 0 }, tags: { step: 'clean' } })
      clean(_threshold: number): void {}
      @FeatureExtraction({ tags: { step: 'features' } })
      features(): void {}
      @LearningStage({ stage: 'training', hyperparameters: ['lr'], tags: { gpu: 1 } })
      async fit(_o: { lr: number }): Promise<void> {
        for (let e = 0; e < 2; e++) this.epoch(e);
      }
      @Epoch({ indexArg: 0, tags: { kind: 'epoch' } })
      epoch(_e: number): void {
        this.batch();
      }
      @Batch({ tags: { kind: 'batch' } })
      batch(): void {}
    }
    await new Pipeline().main();
    const byKind = (k: StartEvent['kind']) => c.startsOf(k).map(tags);
    // The run method's tags join the workflow's; for the same name, the run's win.
    expect(byKind('workflow')).toEqual([{ team: 'geo', owner: 'bo', nightly: true }]);
    expect(byKind('transformation')).toEqual([{ step: 'clean' }]);
    expect(byKind('featureExtraction')).toEqual([{ step: 'features' }]);
    expect(byKind('stage')).toEqual([{ gpu: 1 }]);
    expect(byKind('epoch')).toEqual([{ kind: 'epoch' }, { kind: 'epoch' }]);
    expect(byKind('batch')).toEqual([{ kind: 'batch' }, { kind: 'batch' }]);
    // Argument facts are unchanged and come first.
    const [clean] = c.startsOf('transformation');
    expect(plain(clean!)).toEqual([{ role: 'parameter', name: 'threshold', value: 3 }]);
    expect(clean!.facts![0]!.name).toBe('threshold');
    const [stage] = c.startsOf('stage');
    expect(plain(stage!)).toEqual([{ role: 'hyperparameter', name: 'lr', value: 0.1 }]);
    // Tags are about the execution: never in the prospective spec.
    for (const s of c.specs) expect(s.attributes.map((a) => a.name).filter((n) => n.startsWith(QUALITY_FACT))).toEqual([]);
  });

  test('@Workflow tags go on implicit workflow executions too; tracked() takes them', () => {
    @Workflow({ tags: { team: 'geo' } })
    class Prep {
      @Transformation()
      run(): void {}
    }
    new Prep().run();
    const split = tracked('transformation', { tags: { via: 'tracked' } }, function split(): void {});
    split();
    endOpenWorkflows();
    expect(c.startsOf('workflow').map(tags)).toEqual([{ team: 'geo' }, {}]);
    expect(c.startsOf('transformation').map(tags)).toEqual([{}, { via: 'tracked' }]);
  });

  test('track.*: per call — each run of one workflow may carry other tags', async () => {
    for (const sweep of [1, 2]) {
      await track.workflow({ name: 'sweep', experiment: 'e1', tags: { sweep } }, async () => {
        track.transformation('load', { tags: { source: 'disk' } }, () => undefined);
        await track.stage('training', { hyperparameters: { lr: 0.1 }, tags: { sweep, gpu: false } }, async () => {
          for (const [e] of track.loop('epoch', 2, { tags: { loop: 'epochs' } })) void e;
          track.batch({ index: 0, tags: { b: 0 } }, () => undefined);
          const h = track.start('batch', { tags: { handle: true } });
          h.end();
        });
      });
    }
    expect(c.startsOf('workflow').map(tags)).toEqual([{ sweep: 1 }, { sweep: 2 }]);
    expect(c.startsOf('transformation').map(tags)).toEqual([{ source: 'disk' }, { source: 'disk' }]);
    expect(c.startsOf('stage').map(tags)).toEqual([
      { sweep: 1, gpu: false },
      { sweep: 2, gpu: false },
    ]);
    expect(c.startsOf('epoch').map(tags)).toEqual(Array(4).fill({ loop: 'epochs' }));
    expect(c.startsOf('batch').map(tags)).toEqual([{ b: 0 }, { handle: true }, { b: 0 }, { handle: true }]);
    expect(plain(c.startsOf('stage')[0]!)).toEqual([{ role: 'hyperparameter', name: 'lr', value: 0.1 }]);
  });

  test('long string values are cut like any captured string; undefined values are skipped', () => {
    track.transformation('t', { tags: { note: 'x'.repeat(5000), none: undefined as unknown as string } }, () => undefined);
    const [t] = c.startsOf('transformation');
    const note = tags(t!).note as string;
    expect(note.length).toBeLessThan(1100);
    expect(note).toMatch(/…\[\+\d+ chars\]$/);
    expect(Object.keys(tags(t!))).toEqual(['note']);
  });

  test('bad tags are configuration errors: at decoration for decorators, at the call for track.*', () => {
    const bad: Array<[unknown, RegExp]> = [
      [['a'], /tags must be an object/],
      [{ a: { b: 1 } }, /tags\.a must be a string, a finite number or a boolean/],
      [{ a: null }, /tags\.a must be a string/],
      [{ a: Number.NaN }, /tags\.a must be a string/],
      [{ '': 'x' }, /invalid tag name/],
      [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, i])), /at most 64/],
    ];
    for (const [value, message] of bad) {
      expect(() => onMethod(Transformation({ tags: value as never })), JSON.stringify(value)).toThrow(message);
      expect(() => onMethod(WorkflowRun({ tags: value as never })), JSON.stringify(value)).toThrow(message);
      expect(() => Workflow({ tags: value as never })(class X {}), JSON.stringify(value)).toThrow(message);
      expect(() => track.transformation('t', { tags: value as never }, () => undefined)).toThrow(CaptureConfigError);
      expect(() => track.workflow({ name: 'w', tags: value as never }, () => undefined)).toThrow(message);
    }
    expect(() => onMethod(WorkflowRun({ tags: { ok: 'yes' } }))).not.toThrow();
    // Nothing started for a bad call (only the script's implicit workflow, which any track.* call opens).
    expect(c.starts.filter((e) => e.kind !== 'workflow')).toEqual([]);
  });
});

describe('peak memory', () => {
  test('on workflow and stage end events of an emitter that asks for it; one resourceUsage() per such end', async () => {
    const m = new MemoryCollector();
    setDefaultEmitter(m);
    const usage = vi.spyOn(process, 'resourceUsage');
    await track.workflow('mem', async () => {
      track.transformation('prep', () => undefined);
      await track.stage('training', async () => {
        for (const [e] of track.loop('epoch', 3)) for (const [b] of track.loop('batch', 4)) void [e, b];
      });
      try {
        track.stage('testing', () => {
          throw new Error('boom');
        });
      } catch {
        // recorded as failed
      }
    });
    expect(usage).toHaveBeenCalledTimes(3); // two stages and the workflow, never the 3 epochs or 12 batches
    const ends = (k: EndEvent['kind']) => m.ends.filter((e) => e.kind === k);
    for (const e of [...ends('workflow'), ...ends('stage')]) {
      expect(typeof peak(e), e.kind).toBe('number');
      expect(peak(e) as number).toBeGreaterThan(1024 * 1024); // bytes (the OS reports kilobytes)
    }
    expect(ends('stage').find((e) => e.error)?.error?.message).toBe('boom'); // a failed stage has it too
    for (const e of [...ends('transformation'), ...ends('epoch'), ...ends('batch')]) expect(peak(e)).toBeUndefined();
    // A high-water mark: never lower at a later end.
    const values = m.ends.map(peak).filter((v): v is number => typeof v === 'number');
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  test('keeps the facts the execution recorded, after them', async () => {
    const m = new MemoryCollector();
    setDefaultEmitter(m);
    await track.stage('training', { measures: ['loss'] }, async () => ({ loss: 0.5 }));
    endOpenWorkflows();
    const stage = m.ends.find((e) => e.kind === 'stage')!;
    expect(stage.facts!.map((f) => f.name)).toEqual(['loss', `${QUALITY_FACT}${PEAK_MEMORY_QUALITY}`]);
  });

  test('not for emitters that do not ask (custom emitters, basic tracking): their events are unchanged', async () => {
    const usage = vi.spyOn(process, 'resourceUsage');
    await track.workflow('plain', () => track.stage('training', () => undefined));
    expect(usage).not.toHaveBeenCalled();
    expect(c.ends.every((e: CaptureEvent) => e.t === 'end' && e.facts === undefined)).toBe(true);
  });
});
