/**
 * One in-process fault scenario: the decorated training with `ProvML.init({ endpoint, journal })`,
 * faults switched from inside the training's per-epoch hook, then recovery, shutdown, `provml push`
 * of the journal, and the exact triple count.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { ProvML, type ProvMLStats } from '../../../src/index.js';
import { FaultTraining, type FaultTrainingOptions } from '../../fixtures/faults/training.js';
import { countTriples, provmlPush, pushArgs, startBackend, tempDir, type Backend } from './harness.js';

/**
 * The workload every in-process scenario runs (500 events, 3,052 triples).
 *
 * @example
 * ```ts
 * await new FaultTraining().run(WORKLOAD);
 * ```
 */
export const WORKLOAD: FaultTrainingOptions = { epochs: 6, batches: 40, lr: 0.01 };

/**
 * What a scenario observed.
 *
 * @example
 * ```ts
 * expect(result.final).toBe(reference.final);
 * ```
 */
export interface ScenarioResult {
  /** Mean loss per epoch, as the training returned it. */
  epochLosses: number[];
  /** Every batch loss the user code computed. */
  losses: number[];
  /** An exception that reached the training code (must stay undefined). */
  userError: unknown;
  stats: ProvMLStats;
  /** Triples at the endpoint after shutdown, before `provml push`. */
  afterShutdown: number;
  /** `provml push`'s exit code, JSON summary and stderr. */
  push: { code: number; summary: Record<string, number> | undefined; stderr: string };
  /** Triples at the endpoint at the end. */
  final: number;
  /** Errors reported through `onError` (stage, outcome). */
  reported: string[];
}

/**
 * Options of {@link runScenario}.
 *
 * @example
 * ```ts
 * const o: ScenarioOptions = { backend, origin: proxy.origin, dir, afterEpoch: (e) => (e === 1 ? proxy.setMode('hang') : undefined) };
 * ```
 */
export interface ScenarioOptions {
  backend: Backend;
  /** Origin the tracker talks to (the backend's own, or a fault proxy's). */
  origin: string;
  /** Where the journal goes. */
  dir: string;
  /** Called after each epoch, inside the open learning stage: inject and clear faults here. */
  afterEpoch?: (epoch: number) => Promise<void> | void;
  /** Called after the training returned, before shutdown: make the endpoint reachable again. */
  recover?: () => Promise<void> | void;
  /** Request timeout of the endpoint client (default 2000 ms). */
  timeoutMs?: number;
}

const via = (origin: string, u: string) => {
  const x = new URL(u);
  return `${origin}${x.pathname}${x.search}`;
};

/**
 * Run the workload with faults, recover, shut down, push the journal; count triples.
 *
 * @example
 * ```ts
 * const r = await runScenario({ backend, origin: proxy.origin, dir, recover: () => proxy.setMode('pass') });
 * expect(r.final).toBe(reference);
 * ```
 */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const { server } = o.backend;
  const journal = join(o.dir, 'journal.nq');
  const reported: string[] = [];
  const init = ProvML.init as (options: Record<string, unknown>) => ProvML;
  const prov = init({
    endpoint: {
      url: via(o.origin, server.queryUrl),
      updateUrl: via(o.origin, server.updateUrl),
      gsp: { url: via(o.origin, server.gspUrl), style: 'standard' },
      timeoutMs: o.timeoutMs ?? 2000,
    },
    journal: { path: journal, durability: 'batch' },
    batchSize: 16,
    flushIntervalMs: 10,
    retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 50 },
    installExitHooks: false,
    logger: { warn() {} },
    onError: (_e: unknown, c: { stage: string; outcome: string }) => reported.push(`${c.stage}:${c.outcome}`),
  });
  await prov.flush(); // the pipeline's worker is up before the faults start
  const training = new FaultTraining(o.afterEpoch);
  let epochLosses: number[] = [];
  let userError: unknown;
  try {
    epochLosses = await training.run(WORKLOAD);
  } catch (err) {
    userError = err;
  }
  await o.recover?.();
  await prov.shutdown();
  const stats = prov.stats();
  const afterShutdown = await countTriples(o.backend.store);
  const r = await provmlPush([journal, ...pushArgs(server, new URL(server.url).origin)]);
  const summary = r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, number>) : undefined;
  return {
    epochLosses,
    losses: training.losses,
    userError,
    stats,
    afterShutdown,
    push: { code: r.code, summary, stderr: r.stderr },
    final: await countTriples(o.backend.store),
    reported,
  };
}

/**
 * Sleep `ms` (ref'ed).
 *
 * @example
 * ```ts
 * await sleep(200);
 * ```
 */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The reference: the same workload through the same HTTP path into a clean store, no faults. It
 * is checked to be fault-free (no user error; nothing journaled, dropped or dead-lettered) before
 * any scenario is compared with it.
 *
 * @example
 * ```ts
 * const reference = await referenceRun();
 * reference.final; // triples of a fault-free run
 * ```
 */
export async function referenceRun(): Promise<ScenarioResult> {
  const backend = await startBackend();
  const t = await tempDir();
  try {
    const r = await runScenario({ backend, origin: new URL(backend.server.url).origin, dir: t.dir });
    expect(r.userError).toBeUndefined();
    expect(r.stats).toMatchObject({ journaled: 0, dropped: 0, deadLettered: 0 });
    return r;
  } finally {
    await backend.close();
    await t.cleanup();
  }
}
