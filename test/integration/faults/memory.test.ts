import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countTriples, provmlPush, pushArgs, startFloodChild, startProxied, tempDir } from './harness.js';

/**
 * A long outage: 200,028 capture events (10 epochs × 10,000 decorated batch calls) while the
 * endpoint refuses connections (fault proxy `down`). The tracker spills to its journal, so the
 * user's process stays small. Measured in a child process: the RSS the process retains (after a
 * full GC at each epoch end) grows by less than {@link RSS_LIMIT_MB} over the outage, and does not
 * keep growing with the number of events (epochs 5–9 add less than {@link TREND_LIMIT_MB}: memory
 * is bounded, not merely slow to leak). The 25 ms-sampled peak, which includes GC slack of the
 * producer's bursts, and the growth since `ProvML.init` are logged. For scale: the same workload into an embedded store peaks near
 * 430 MB. Then the endpoint comes back and `provml push` of the journal yields exactly the
 * triples of the same workload run into a clean store.
 */

const RSS_LIMIT_MB = 150;
const TREND_LIMIT_MB = 40;
const WORK = { epochs: 10, batches: 10_000 };
const MB = 1 << 20;

interface FloodResult {
  stats: { captured: number; sent: number; journaled: number; dropped: number; maxBuffered: number };
  initRss: number;
  baseRss: number;
  peakRss: number;
  retainedRss: number[];
  seconds: number;
  triples?: number;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

describe('memory during a long outage', () => {
  it(`≥ 200,000 events while the endpoint is down: retained RSS growth < ${RSS_LIMIT_MB} MB and no trend, exact count after push`, async () => {
    const { backend, proxy, close } = await startProxied('down');
    try {
      const journal = join(dir, 'journal.nq');
      const outage = startFloodChild({ ...WORK, endpoint: proxy.url(new URL(backend.server.queryUrl).pathname), journal });
      const flood = await outage.line<FloodResult>((o) => 'peakRss' in o, 60_000);
      expect((await outage.exited).code).toBe(0);
      const retained = flood.retainedRss;
      expect(retained).toHaveLength(WORK.epochs);
      const growthMb = (Math.max(...retained) - retained[0]!) / MB;
      const trendMb = (retained[WORK.epochs - 1]! - retained[Math.floor(WORK.epochs / 2)]!) / MB;

      // The reference (same workload, clean embedded store) runs while the journal is pushed.
      const ref = startFloodChild(WORK);
      await proxy.setMode('pass');
      const started = Date.now();
      const push = await provmlPush([journal, ...pushArgs(backend.server, new URL(backend.server.url).origin)]);
      const pushSeconds = (Date.now() - started) / 1000;
      const reference = await ref.line<FloodResult>((o) => 'triples' in o, 60_000);
      const final = await countTriples(backend.store);
      console.info('[faults] memory', {
        events: flood.stats.captured,
        growthMb: Math.round(growthMb),
        trendMb: Math.round(trendMb),
        retainedMb: retained.map((r) => Math.round(r / MB)),
        peakGrowthMb: Math.round((flood.peakRss - flood.baseRss) / MB),
        growthSinceInitMb: Math.round((flood.peakRss - flood.initRss) / MB),
        initMb: Math.round(flood.initRss / MB),
        baseMb: Math.round(flood.baseRss / MB),
        peakMb: Math.round(flood.peakRss / MB),
        maxBuffered: flood.stats.maxBuffered,
        floodSeconds: flood.seconds,
        pushSeconds,
        reference: reference.triples,
        referencePeakMb: Math.round(reference.peakRss / MB),
        final,
      });

      expect(flood.stats.captured).toBeGreaterThanOrEqual(200_000);
      expect(flood.stats).toMatchObject({ sent: 0, dropped: 0, journaled: flood.stats.captured });
      expect(growthMb).toBeLessThan(RSS_LIMIT_MB);
      expect(trendMb).toBeLessThan(TREND_LIMIT_MB);
      expect(push.code).toBe(0);
      expect(reference.stats.captured).toBe(flood.stats.captured);
      expect(final).toBe(reference.triples);
    } finally {
      await close();
    }
  }, 120_000);
});
