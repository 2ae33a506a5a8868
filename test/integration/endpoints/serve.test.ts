/**
 * The decorated training of test/integration/training, landing through `ProvML.init({ endpoint })`
 * in `provml serve` (the persisted embedded store behind startSparqlServer), once through the
 * Graph Store protocol and once through SPARQL Update; the same checks query it over HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServeHandle } from '../../../src/cli/serve-command.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { SeismicTraining, flavourSeen } from '../training/fixture.js';
import { trainingSuite, type TrainingTarget } from '../training/suite.js';

let dir: string;
let server: ServeHandle;
const writes: Record<string, { graphStore: number; update: number }> = {};
let counting: { graphStore: number; update: number } | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-serve-it-'));
  server = await serve({
    data: join(dir, 'store'),
    port: 0,
    update: true, // the runs write into it (`provml serve --update`)
    log: () => {},
    onRequest: (r) => {
      if (!counting || r.method !== 'POST' || r.status >= 300) return;
      if (r.operation === 'graph-store') counting.graphStore++;
      if (r.operation === 'update') counting.update++;
    },
  });
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

function target(path: 'gsp' | 'update'): TrainingTarget {
  return {
    name: `provml serve via ${path === 'gsp' ? 'Graph Store protocol' : 'SPARQL Update'}`,
    async setup() {
      const query = new HttpSparqlEndpoint({ url: server.queryUrl });
      counting = undefined;
      await query.update('DROP ALL'); // each run starts from an empty store
      counting = writes[path] = { graphStore: 0, update: 0 };
      return {
        options: {
          endpoint: {
            url: server.queryUrl,
            updateUrl: server.updateUrl,
            gsp: path === 'gsp' ? { url: server.gspUrl, style: 'standard' } : false,
          },
        },
        endpoint: () => query,
        teardown: () => query.close(),
      };
    },
  };
}

trainingSuite('legacy', SeismicTraining, flavourSeen, target('gsp'));
trainingSuite('legacy', SeismicTraining, flavourSeen, target('update'));

describe('provml serve keeps what the runs wrote', () => {
  it('received each run through the write path it was given', () => {
    expect(writes.gsp!.graphStore).toBeGreaterThan(0);
    expect(writes.gsp!.update).toBe(0);
    expect(writes.update!.update).toBeGreaterThan(0);
    expect(writes.update!.graphStore).toBe(0);
  });

  it('has the last run in store.nq after stop', async () => {
    const query = new HttpSparqlEndpoint({ url: server.queryUrl });
    const [live] = await query.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }');
    await query.close();
    await server.stop();
    const reopened = await EmbeddedStore.open({ path: join(dir, 'store', 'store.nq'), persistOnClose: false });
    expect(reopened.size).toBe(Number(live!.n!.value));
    expect(reopened.size).toBeGreaterThan(200);
  });
});
