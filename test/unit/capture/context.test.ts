import vm from 'node:vm';
import v8 from 'node:v8';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Batch, currentExecution, endOpenWorkflows, endWorkflow, setDefaultEmitter, track, tracked } from '../../../src/capture/index.js';
import { als, openFrameCount } from '../../../src/capture/context.js';
import { Collector, tick } from './helpers.js';

/** Whether Node's AsyncLocalStorage (async_hooks flavour) is enabled; `undefined` elsewhere. */
const alsEnabled = (): boolean | undefined => (als as unknown as { enabled?: boolean }).enabled;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Steps {
  @Batch({ measures: ['kind'] })
  async step(): Promise<{ kind: string | undefined }> {
    await tick();
    return { kind: currentExecution()?.kind };
  }
}

describe('AsyncLocalStorage is enabled only while executions are open', () => {
  let c: Collector;
  beforeEach(() => {
    c = new Collector();
    setDefaultEmitter(c);
  });
  afterEach(() => {
    endOpenWorkflows();
    setDefaultEmitter(undefined);
  });

  test('an await outside any frame after a finished workflow sees no store; nesting survives await', async () => {
    let detached: unknown = 'unset';
    const seen = await track.workflow('w', async () => {
      const kinds: Array<string | undefined> = [];
      await tick();
      kinds.push(currentExecution()?.kind);
      await track.stage('training', async () => {
        await tick();
        kinds.push(currentExecution()?.kind);
        for (const [i] of track.loop('epoch', 2)) {
          await tick();
          kinds.push(`${currentExecution()?.kind}${i}`);
        }
        kinds.push(currentExecution()?.kind);
      });
      kinds.push(currentExecution()?.kind);
      // A continuation that outlives the workflow.
      setTimeout(() => (detached = als.getStore()), 5);
      return kinds;
    });
    expect(seen).toEqual(['workflow', 'stage', 'epoch0', 'epoch1', 'stage', 'workflow']);
    expect(openFrameCount()).toBe(0);
    await Promise.resolve();
    expect(als.getStore()).toBeUndefined();
    expect(alsEnabled()).not.toBe(true);
    await sleep(10);
    expect(detached).toBeUndefined(); // not the ended workflow's frame
    // The next execution re-enables it, nesting included.
    await track.workflow('again', async () => {
      await tick();
      expect(alsEnabled()).not.toBe(false);
      expect(currentExecution()?.kind).toBe('workflow');
    });
    expect(openFrameCount()).toBe(0);
    expect(c.ends).toHaveLength(c.starts.length);
  });

  test('concurrent frames: one ending does not disturb the others', async () => {
    let releaseA!: () => void;
    const gateA = new Promise<void>((r) => (releaseA = r));
    const a = track.workflow('a', async () => {
      await gateA;
      await tick();
      return currentExecution()?.spec;
    });
    const b = track.workflow('b', async () => {
      await tick();
      const inner = await new Steps().step();
      return [currentExecution()?.spec, inner.kind];
    });
    expect(await b).toEqual(['b', 'batch']);
    expect(openFrameCount()).toBe(1); // `a` is still open
    releaseA();
    expect(await a).toBe('a');
    expect(openFrameCount()).toBe(0);
    const batch = c.startsOf('batch')[0]!;
    expect(c.start(batch.parent!).spec).toBe('b');
  });

  test('errors, sync frames and tracked functions close their frames', async () => {
    const err = new Error('boom');
    await expect(
      track.workflow('fails', async () => {
        await tick();
        throw err;
      }),
    ).rejects.toBe(err);
    expect(() => track.workflow('sync', () => {
      throw err;
    })).toThrow(err);
    expect(openFrameCount()).toBe(0);
    const f = tracked('transformation', {}, async function f() {
      await tick();
      return currentExecution()?.kind;
    });
    expect(await track.workflow('t', () => f())).toBe('transformation');
    expect(openFrameCount()).toBe(0);
    expect(als.getStore()).toBeUndefined();
  });

  test('implicit workflows and track.start handles keep it enabled until they end', async () => {
    const s = new Steps();
    expect((await s.step()).kind).toBe('batch'); // starts the implicit workflow of `s`
    expect(openFrameCount()).toBe(1);
    const stage = track.start('stage', { stage: 'training' }); // under the script's implicit workflow
    const epoch = track.start('epoch', { parent: stage, index: 0 });
    expect(openFrameCount()).toBe(4);
    const kind = await epoch.run(async () => {
      await tick();
      return (await s.step()).kind;
    });
    expect(kind).toBe('batch');
    expect(c.start(c.startsOf('batch')[1]!.parent!).id).toBe(epoch.id);
    epoch.end();
    stage.end();
    expect(endWorkflow(s)).toBe(true);
    expect(openFrameCount()).toBe(1); // the script's implicit workflow
    expect(endOpenWorkflows()).toBe(1);
    expect(openFrameCount()).toBe(0);
    await tick();
    expect(als.getStore()).toBeUndefined();
    expect(alsEnabled()).not.toBe(true);
  });

  test('a shut-down emitter is not kept alive by capture', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const ref = await (async () => {
      const em = new Collector();
      setDefaultEmitter(em);
      await new Steps().step();
      track.batch(0, () => 1);
      setDefaultEmitter(c);
      endOpenWorkflows(em); // what a tracker's shutdown does
      return new WeakRef(em);
    })();
    // `deref()` keeps its target alive until the current job ends: collect in later jobs only.
    for (let i = 0; i < 3; i++) {
      await sleep(1);
      gc();
    }
    expect(ref.deref()).toBeUndefined();
  });
});
