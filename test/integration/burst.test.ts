import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, stopServe, type ServeChild } from '../../bench/lib/serve-child.js';
import { track } from '../../src/capture/api.js';
import type { SparqlEndpoint } from '../../src/store/endpoint.js';
import { ProvML, type ProvMLOptions } from '../../src/tracker.js';

/**
 * A synchronous burst — the producer never yields while it captures 100,000+ events — with the
 * default pipeline (worker, embedded store): the in-memory store cannot be written later, so the
 * producer is slowed (back-pressure) instead of anything going to disk; after `flush()` every
 * event is in the store. The same into `provml serve` (another process) with a journal.
 */

const CALLS = 50_000; // batch executions: 2 events each, plus the workflow's

async function burst(options: ProvMLOptions, query: (prov: ProvML) => SparqlEndpoint): Promise<void> {
  const errors = new Map<string, number>();
  const onError = (e: unknown, c: { stage: string; outcome: string }) => {
    const k = `${c.stage}/${c.outcome}: ${String(e).slice(0, 160)}`;
    errors.set(k, (errors.get(k) ?? 0) + 1);
  };
  const prov = ProvML.init({ installExitHooks: false, environment: false, files: false, logger: { warn() {} }, onError, ...options });
  try {
    track.workflow({ name: 'burst' }, () => {
      for (const [b] of track.loop('batch', CALLS, { measures: ['loss'] })) track.measure('loss', 1 / (b + 1));
    });
    await prov.flush();
    const s = prov.stats();
    expect(s.captured).toBeGreaterThanOrEqual(2 * CALLS);
    expect(s, `errors: ${JSON.stringify([...errors])}`).toMatchObject({ sent: s.captured, journaled: 0, dropped: 0, deadLettered: 0, queueLength: 0 });
    const rows = await query(prov).select('SELECT (COUNT(?b) AS ?n) WHERE { ?b a <https://w3id.org/prov-ml#BatchExecution> }');
    expect(Number(rows[0]?.n?.value)).toBe(CALLS);
  } finally {
    await prov.shutdown();
  }
}

describe('a synchronous burst of 100,000 events loses nothing', () => {
  it('with the defaults (worker, embedded store): all of it is in the store after flush()', async () => {
    await burst({}, (prov) => prov.store!);
  }, 240_000);

  describe('into provml serve, with a journal', () => {
    let dir: string;
    let server: ServeChild;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'provml-burst-'));
      server = await startServe(resolve(import.meta.dirname, '../..'), dir);
    }, 60_000);
    afterAll(async () => {
      await stopServe(server.proc);
      await rm(dir, { recursive: true, force: true });
    });

    it('all of it is at the endpoint after flush(), and the journal marks every batch sent', async () => {
      const journal = join(dir, 'tracker', 'journal.nq'); // not serve's own data files
      await burst({ endpoint: { url: server.queryUrl, gsp: { url: server.gspUrl, style: 'standard' } }, journal }, (prov) => prov.endpoint!);
    }, 240_000);
  });
});
