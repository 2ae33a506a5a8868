import { readFile } from 'node:fs/promises';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore, ProvML, track } from '../../../src/index.js';
import type { TransportErrorContext } from '../../../src/index.js';

const root = new URL('../../../', import.meta.url).pathname;
const quiet = { warn: () => undefined };

describe('ProvML.init({ validate: true })', () => {
  it('reports violations in the store through onError at shutdown, without throwing', async () => {
    const store = EmbeddedStore.create();
    const broken = new Parser({ format: 'text/turtle' }).parse(await readFile(`${root}test/fixtures/cli/broken.ttl`, 'utf8'));
    await store.insertQuads(broken, 'urn:provml:test:broken');
    const errors: [unknown, TransportErrorContext][] = [];
    const prov = ProvML.init({ store, validate: true, global: false, installExitHooks: false, logger: quiet, onError: (e, c) => errors.push([e, c]) });
    await expect(prov.shutdown()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    const [error, context] = errors[0]!;
    expect(context).toEqual({ stage: 'close', outcome: 'none' });
    expect((error as Error).name).toBe('ProvenanceValidationError');
    expect((error as Error).message).toContain('urn:x:batch provml:iterationIndex');
    expect((error as { report: { results: unknown[] } }).report.results).toHaveLength(1);
  });

  it('stays silent when what the tracker recorded conforms, and does nothing without the option', async () => {
    const errors: unknown[] = [];
    const prov = ProvML.init({ validate: true, environment: false, files: false, installExitHooks: false, logger: quiet, onError: (e) => errors.push(e) });
    await track.workflow('validate-at-shutdown', async () => undefined);
    await prov.flush();
    expect(await prov.store!.ask('ASK { ?s ?p ?o }')).toBe(true);
    await prov.shutdown();
    expect(errors).toEqual([]);

    const store = EmbeddedStore.create();
    store.loadNQuads('<urn:x:batch> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/prov-ml#BatchExecution> .\n');
    const off = ProvML.init({ store, global: false, installExitHooks: false, logger: quiet, onError: (e) => errors.push(e) });
    await off.shutdown();
    expect(errors).toEqual([]);
  });
});
