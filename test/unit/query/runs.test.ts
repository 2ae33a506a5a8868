import { describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { listRuns, runEpochs, sparqlIri } from '../../../src/query/index.js';

describe('provml/query run templates', () => {
  it('accepts IRIs and rejects anything that could change a query', () => {
    expect(sparqlIri('urn:provml:execution:0190-ab')).toBe('<urn:provml:execution:0190-ab>');
    expect(sparqlIri('https://example.org/run/1?x=1#f')).toBe('<https://example.org/run/1?x=1#f>');
    for (const bad of ['urn:x> } ; DROP ALL #', 'no-scheme', 'urn:a b', 'urn:"q"', 'urn:x\n', 'urn:\u0000', '', 'urn:{x}']) {
      expect(() => sparqlIri(bad), bad).toThrow(/not a valid IRI/);
    }
  });

  it('reads runs and epochs from hand-written provenance (the test fixture)', async () => {
    const { readFile } = await import('node:fs/promises');
    const ttl = await readFile(new URL('../../fixtures/training-run.ttl', import.meta.url), 'utf8');
    const store = EmbeddedStore.create();
    await store.insertQuads(new Parser().parse(ttl), 'urn:provml:graph:fixture');
    const runs = await listRuns(store);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    const learning = runs.find((r) => r.learning)!;
    expect(learning.status).toBe('completed');
    const epochs = await runEpochs(store, learning.run);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(epochs.every((e) => e.batches === 2)).toBe(true);
    expect(Object.keys(epochs[0]!.measures)).toContain('loss');
  });
});
