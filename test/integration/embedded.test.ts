import { DataFactory } from 'n3';
import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { Journal } from '../../src/transport/journal.js';
import { silentLogger } from '../../src/transport/logger.js';
import { Transport } from '../../src/transport/pipeline.js';
import { createQuadBatch } from '../../src/transport/sink.js';
import { EmbeddedStoreSink } from '../../src/transport/sinks/embedded-store.js';
import { end, fakeQuads, fakeRecorder, start, tempDir } from '../unit/transport/helpers.js';

const { namedNode: n, literal, quad } = DataFactory;
const T = 'urn:provml:test#';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

async function count(store: EmbeddedStore): Promise<number> {
  const [row] = await store.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }');
  return Number(row?.n?.value);
}

describe('EmbeddedStore behind the transport', () => {
  it('pipeline → EmbeddedStoreSink → SELECT over the union of named graphs', async () => {
    const store = await EmbeddedStore.open();
    const t = new Transport({
      recorder: fakeRecorder,
      sink: new EmbeddedStoreSink(store),
      logger: silentLogger,
      installExitHooks: false,
      batchSize: 3,
    });
    for (let i = 0; i < 4; i++) t.emit(start(i, 'A'));
    for (let i = 4; i < 6; i++) t.emit(start(i, 'B'));
    t.emit(end(5, 'B'));
    await t.shutdown();
    expect(t.stats()).toMatchObject({ captured: 7, sent: 7 });

    const rows = await store.select(`SELECT ?s ?at WHERE { ?s <${T}start> ?at } ORDER BY ?s`);
    expect(rows.map((r) => r.s?.value)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `urn:provml:exec:e${i}`));
    expect(rows[0]?.at?.termType).toBe('Literal');
    expect(rows[0]?.at?.equals(literal('0'))).toBe(true); // RDF/JS (n3) terms

    const graphs = await store.select('SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g');
    expect(graphs.map((r) => [r.g?.value, Number(r.n?.value)])).toEqual([
      ['urn:provml:run:A', 4],
      ['urn:provml:run:B', 4],
    ]);
    // Union is an option: the real default graph is empty.
    expect(await store.select('SELECT * WHERE { ?s ?p ?o }', { unionDefaultGraph: false })).toHaveLength(0);
    expect(await store.ask(`ASK { <urn:provml:exec:e5> <${T}kind> "batch" }`)).toBe(true);

    const built = await store.construct(`CONSTRUCT { ?s <${T}inRun> ?g } WHERE { GRAPH ?g { ?s <${T}start> ?o } }`);
    expect(built).toHaveLength(6);
    expect(built[0]?.graph.termType).toBe('DefaultGraph');
    await store.update(`INSERT DATA { GRAPH <urn:provml:run:C> { <urn:x> <urn:y> <urn:z> } }`);
    expect(await count(store)).toBe(9);
    await store.close();
  });

  it('inserting the same batch twice leaves the triple count unchanged', async () => {
    const store = await EmbeddedStore.open();
    const sink = new EmbeddedStoreSink(store);
    const batch = createQuadBatch({ seq: 1, events: 4, quads: fakeQuads([start(1), end(1), start(2), end(2)]) });
    await sink.write(batch);
    const once = store.size;
    await sink.write(batch);
    await store.insertQuads(batch.quads);
    await store.insertQuads(batch.nquads);
    expect(once).toBe(6);
    expect(store.size).toBe(once);
  });

  it('insertQuads puts default-graph quads into the given graph', async () => {
    const store = await EmbeddedStore.open();
    await store.insertQuads([quad(n('urn:a'), n('urn:p'), literal('x'))], 'urn:provml:run:G');
    await store.insertQuads('<urn:b> <urn:p> "y" .\n', 'urn:provml:run:G');
    const rows = await store.select('SELECT ?s WHERE { GRAPH <urn:provml:run:G> { ?s ?p ?o } } ORDER BY ?s');
    expect(rows.map((r) => r.s?.value)).toEqual(['urn:a', 'urn:b']);
  });

  it('persists atomically (0600) and reopens with the same triples', async () => {
    const path = join(dir, 'db', 'store.nq');
    const store = await EmbeddedStore.open({ path });
    await store.insertQuads(fakeQuads([start(1, 'A'), end(1, 'A'), start(2, 'B')]));
    await store.insertQuads('<urn:s> <urn:p> "é \\"quoted\\"\\nline"@fr <urn:provml:run:A> .\n');
    const before = store.size;
    await store.close(); // persists
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const again = await EmbeddedStore.open({ path });
    expect(again.size).toBe(before);
    expect(await count(again)).toBe(before);
    const [row] = await again.select('SELECT ?o WHERE { <urn:s> <urn:p> ?o }');
    expect(row?.o?.value).toBe('é "quoted"\nline');
    expect((row?.o as { language?: string }).language).toBe('fr');
    await again.close();
  });

  it('opens a journal file (torn last block skipped) as its backing file', async () => {
    const path = join(dir, 'journal.nq');
    const j = Journal.openSync({ path });
    await j.append(createQuadBatch({ seq: 1, events: 2, quads: fakeQuads([start(1), start(2)]) }));
    await j.append(createQuadBatch({ seq: 2, events: 2, quads: fakeQuads([start(3), start(4)]) }));
    await j.close();
    await truncate(path, (await stat(path)).size - 10);
    const warnings: string[] = [];
    const store = await EmbeddedStore.open({ path, onWarning: (m) => warnings.push(m), persistOnClose: false });
    expect(store.size).toBe(2);
    expect(warnings).toHaveLength(1);
    await store.close();
  });

  it('a missing path starts empty; a closed store refuses work', async () => {
    const path = join(dir, 'none.nq');
    const store = await EmbeddedStore.open({ path });
    expect(store.size).toBe(0);
    await store.close();
    await store.close();
    await expect(store.select('SELECT * WHERE { ?s ?p ?o }')).rejects.toThrow(/closed/);
  });

  it('reports the wrong query form', async () => {
    const store = await EmbeddedStore.open();
    await store.insertQuads('<urn:a> <urn:p> <urn:b> <urn:g> .\n');
    await expect(store.select('ASK { ?s ?p ?o }')).rejects.toThrow(TypeError);
    await expect(store.ask('SELECT * WHERE { ?s ?p ?o }')).rejects.toThrow(TypeError);
    await expect(store.construct('SELECT * WHERE { ?s ?p ?o }')).rejects.toThrow(TypeError);
  });
});
