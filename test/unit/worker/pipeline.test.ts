import { afterEach, describe, expect, it, vi } from 'vitest';
import { track } from '../../../src/capture/api.js';
import { ProvML } from '../../../src/tracker.js';

const open: ProvML[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.shutdown()));
});
function init(options: Parameters<typeof ProvML.init>[0] = {}): ProvML {
  const prov = ProvML.init({ installExitHooks: false, environment: false, files: false, logger: { warn() {} }, ...options });
  open.push(prov);
  return prov;
}

describe('the worker pipeline', () => {
  it('runs in a worker by default, and on this thread when asked or when given objects', () => {
    expect(init().thread).toBe('worker');
    expect(init({ global: false, thread: 'main' }).thread).toBe('main');
    expect(init({ global: false, sink: { name: 'x', write: async () => undefined } }).thread).toBe('main');
    expect(() => init({ global: false, thread: 'worker', sink: { name: 'x', write: async () => undefined } })).toThrow(/cannot move to the worker/);
  });

  it('hands the last events of a quiet program off by itself — no flush, no further events', async () => {
    const prov = init({ flushIntervalMs: 100 });
    for (let round = 1; round <= 3; round++) {
      track.workflow({ name: 'quiet' }, () => undefined); // then nothing happens on this thread
      await vi.waitFor(() => expect(prov.stats().sent).toBe(prov.stats().captured), { timeout: 10_000, interval: 20 });
    }
    expect(prov.stats().captured).toBe(7); // one spec + three runs of start and end
  });

  it('answers queries from this thread through prov.store, also after shutdown', async () => {
    const prov = init();
    track.workflow({ name: 'q' }, () => undefined);
    await prov.flush();
    await prov.shutdown();
    const rows = await prov.store!.select('SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/prov-ml#WorkflowExecution> }');
    expect(Number(rows[0]?.n?.value)).toBe(1);
    expect(prov.stats()).toMatchObject({ captured: 3, sent: 3, dropped: 0 });
  });

  it('counts events after shutdown as captured and dropped, and never throws', async () => {
    const prov = init();
    await prov.shutdown();
    expect(() => track.workflow({ name: 'late', tracker: prov }, () => undefined)).not.toThrow();
    const s = prov.stats();
    expect(s.dropped).toBe(s.captured);
    expect(s.captured).toBeGreaterThan(0);
  });
});
