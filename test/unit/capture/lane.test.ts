// The batch lane (capture/engine.ts `laneBatch`): a `@Batch` execution inside an open one is
// written straight into the emitter's hand-off buffer. Whatever path a call takes, the events the
// worker decodes must be exactly those `emit` would have carried.
import { afterEach, describe, expect, test } from 'vitest';
import { Batch, Epoch, Transformation, Workflow, WorkflowRun, endOpenWorkflows, setDefaultEmitter, track } from '../../../src/capture/index.js';
import { Collector, LaneCollector, normalized } from './helpers.js';

@Workflow({ name: 'lane' })
class Loop {
  @WorkflowRun()
  async run(body: (l: Loop) => unknown): Promise<void> {
    await this.epoch(body);
  }

  @Epoch({ measures: ['loss'] })
  async epoch(body: (l: Loop) => unknown): Promise<number> {
    for (let i = 0; i < 3; i++) {
      try {
        await body(this);
      } catch {
        /* a batch that throws is recorded, then the loop goes on */
      }
    }
    return 0.5;
  }

  @Batch({ measures: ['loss'] })
  one(v: unknown): unknown {
    return v;
  }

  @Batch({ measures: ['loss', 'acc'] })
  two(v: unknown): unknown {
    return v;
  }

  @Batch()
  none(): void {}

  @Batch({ measures: ['loss'], indexArg: 0 })
  indexed(i: unknown): number {
    return 1 / (1 + Number(i));
  }

  @Batch({ measures: ['loss'] })
  throws(): number {
    throw new TypeError('bad batch');
  }

  @Batch({ measures: ['loss'] })
  async later(v: number): Promise<{ loss: number }> {
    await Promise.resolve();
    return { loss: v };
  }

  @Batch({ measures: ['loss'] })
  records(v: number): number {
    track.record('attribute', 'size', 32);
    return v;
  }

  @Batch({ measures: ['loss'] })
  nests(v: number): number {
    return this.inner(v);
  }

  @Transformation({ params: ['x'] })
  inner(x: number): number {
    return x * 2;
  }
}

async function capture(c: Collector, body: (l: Loop) => unknown): Promise<unknown[]> {
  setDefaultEmitter(c);
  await new Loop().run(body);
  return normalized(c.events);
}

const cases: Record<string, (l: Loop) => unknown> = {
  'a number': (l) => l.one(0.25),
  'NaN and infinities': (l) => (l.one(Number.NaN), l.one(-Infinity)),
  'a plain object of numbers': (l) => l.two({ loss: 0.1, acc: 0.9, other: 'ignored' }),
  'a missing output': (l) => l.two({ loss: 0.1 }),
  'a string output': (l) => l.one({ loss: 'low' }),
  'a tensor-like result': (l) => l.one({ shape: [2], dtype: 'float32', loss: 1 }),
  'a reference result': (l) => l.one({ $: 'ref', uri: '/d.csv', loss: 1 }),
  'a Map result': (l) => l.one(new Map([['loss', 1]])),
  'an object without a prototype': (l) => l.one(Object.assign(Object.create(null) as object, { loss: 2 })),
  'no outputs': (l) => l.none(),
  'an index argument': (l) => (l.indexed(7), l.indexed('x')),
  'a throw': (l) => l.throws(),
  'a promise': (l) => l.later(0.3),
  'facts added with track.record': (l) => l.records(0.4),
  'a nested execution': (l) => l.nests(3),
};

describe('the batch lane records exactly what emit would', () => {
  afterEach(() => {
    endOpenWorkflows();
    setDefaultEmitter(undefined);
  });
  for (const [name, body] of Object.entries(cases)) {
    test(name, async () => {
      const lane = new LaneCollector();
      const viaLane = await capture(lane, body);
      const viaEvents = await capture(new Collector(), body);
      expect(lane.laneCalls).toBeGreaterThan(0);
      expect(viaLane).toEqual(viaEvents);
    });
  }
});
