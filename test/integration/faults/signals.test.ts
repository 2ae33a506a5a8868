import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChildConfig } from '../../fixtures/faults/child.js';
import { countTriples, endpointOption, provmlPush, pushArgs, startBackend, startProxied, startTrainingChild, tempDir } from './harness.js';

/**
 * The user's process dies: SIGTERM (provml flushes, then the process still dies of SIGTERM) or
 * SIGKILL (nothing runs; `durability: 'sync'` journal). The child runs the decorated training and
 * pauses after epoch 2 — a deterministic point, so "everything captured before the signal" is the
 * same set of events in every run. Reference: a child paused at the same point with a healthy
 * endpoint, after a flush.
 */

const WORK = { epochs: 6, batches: 40, pauseAfterEpoch: 2 };
type Stats = { captured: number; sent: number; journaled: number; dropped: number };
type Paused = { paused: number; stats: Stats };

let reference: { triples: number; stats: Stats };
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

beforeAll(async () => {
  const backend = await startBackend();
  const t = await tempDir();
  const origin = new URL(backend.server.url).origin;
  const child = startTrainingChild({ ...WORK, endpoint: endpointOption(backend.server, origin), journal: { path: join(t.dir, 'j.nq'), durability: 'batch' } });
  try {
    const paused = await child.line<Paused>((o) => 'paused' in o);
    reference = { triples: await countTriples(backend.store), stats: paused.stats };
    child.proc.kill('SIGKILL');
    await child.exited;
  } finally {
    await backend.close();
    await t.cleanup();
  }
  expect(reference.stats).toMatchObject({ sent: reference.stats.captured, journaled: 0, dropped: 0 });
  expect(reference.triples).toBeGreaterThan(1000);
});

describe('the user process is signalled mid-run', () => {
  it('SIGTERM, endpoint up: the exit hook flushes to the endpoint, the process dies of SIGTERM', async () => {
    const { backend, proxy, close } = await startProxied('pass');
    const journal = join(dir, 'j.nq');
    try {
      // One big batch and no timer: nothing leaves the process before the signal's flush.
      const config: ChildConfig = {
        ...WORK,
        flushAtPause: false,
        batchSize: 1000,
        flushIntervalMs: 60_000,
        endpoint: endpointOption(backend.server, proxy.origin),
        journal: { path: journal, durability: 'batch' },
      };
      const child = startTrainingChild(config);
      await child.line((o) => 'paused' in o);
      expect(await countTriples(backend.store)).toBe(0);
      child.proc.kill('SIGTERM');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGTERM');
      expect(exit.lines.some((l) => 'userError' in l)).toBe(false);
      const afterDeath = await countTriples(backend.store);
      const push = await provmlPush([journal, ...pushArgs(backend.server, proxy.origin)]);
      expect(push.code).toBe(0);
      console.info('[faults] SIGTERM endpoint up', { reference: reference.triples, afterDeath, push: push.stdout.trim() });
      expect(afterDeath).toBe(reference.triples); // flushed before dying: push had nothing to add
      expect(await countTriples(backend.store)).toBe(reference.triples);
    } finally {
      await close();
    }
  });

  it('SIGTERM while the endpoint is down: everything is in the journal; push completes it exactly', async () => {
    const { backend, proxy, close } = await startProxied('pass');
    const journal = join(dir, 'j.nq');
    try {
      const config: ChildConfig = {
        ...WORK,
        flushAtPause: false,
        epochDelayMs: 100,
        endpoint: endpointOption(backend.server, proxy.origin),
        journal: { path: journal, durability: 'batch' },
      };
      const child = startTrainingChild(config);
      await child.line((o) => 'epoch' in o && o.epoch === 0);
      await proxy.setMode('down');
      await child.line((o) => 'paused' in o);
      const signalled = Date.now();
      child.proc.kill('SIGTERM');
      const exit = await child.exited;
      const exitMs = Date.now() - signalled;
      expect(exit.signal).toBe('SIGTERM');
      const afterDeath = await countTriples(backend.store);
      await proxy.setMode('pass');
      const push = await provmlPush([journal, ...pushArgs(backend.server, proxy.origin)]);
      console.info('[faults] SIGTERM endpoint down', { reference: reference.triples, afterDeath, exitMs, push: push.stdout.trim() });
      expect(push.code).toBe(0);
      expect(await countTriples(backend.store)).toBe(reference.triples);
    } finally {
      await close();
    }
  });

  it("SIGKILL with durability 'sync' after the endpoint went down mid-run: provml push of the journal gives the exact count", async () => {
    const { backend, proxy, close } = await startProxied('pass');
    const journal = join(dir, 'j.nq');
    try {
      const config: ChildConfig = { ...WORK, epochDelayMs: 100, endpoint: endpointOption(backend.server, proxy.origin), journal: { path: journal, durability: 'sync' } };
      const child = startTrainingChild(config);
      await child.line((o) => 'epoch' in o && o.epoch === 0);
      await proxy.setMode('down');
      const paused = await child.line<Paused>((o) => 'paused' in o);
      expect(paused.stats.captured).toBe(reference.stats.captured);
      expect(paused.stats.sent + paused.stats.journaled).toBe(paused.stats.captured);
      child.proc.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
      const afterDeath = await countTriples(backend.store);
      const push = await provmlPush([journal, ...pushArgs(backend.server, new URL(backend.server.url).origin)]);
      console.info('[faults] SIGKILL', { reference: reference.triples, afterDeath, stats: paused.stats, push: push.stdout.trim() });
      expect(push.code).toBe(0);
      expect(await countTriples(backend.store)).toBe(reference.triples);
      const again = await provmlPush([journal, ...pushArgs(backend.server, new URL(backend.server.url).origin)]);
      expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, failed: 0 }); // idempotent
      expect(await countTriples(backend.store)).toBe(reference.triples);
    } finally {
      await close();
    }
  });
});
