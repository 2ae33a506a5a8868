// A data node is its content: the same bytes written again later (another run, another process)
// are the same node with a second modification time, and the graph still conforms to the shapes.
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ProvML, ref, track } from '../../../src/index.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { validate } from '../../../src/validate/index.js';

test('identical content rewritten later: one node, two lastModified values, conforms', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'provml-same-content-'));
  const file = join(dir, 'labels.csv');
  const store = EmbeddedStore.create();
  try {
    for (const [i, when] of [new Date('2026-01-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z')].entries()) {
      // a fresh tracker per write, as two processes would be: each inspects the file anew
      const prov = ProvML.init({ environment: false, installExitHooks: false, store });
      await writeFile(file, 'a,b\n1,2\n');
      await utimes(file, when, when);
      await track.workflow({ name: `write-${i}` }, () => track.transformation('write', { inputs: { labels: ref(file) } }, () => 1));
      await prov.shutdown();
    }
    const times = await store.select('SELECT DISTINCT ?d ?t WHERE { GRAPH ?g { ?d <https://w3id.org/prov-ml#lastModified> ?t } }');
    expect(new Set(times.map((r) => r.d!.value)).size).toBe(1);
    expect(times).toHaveLength(2);
    const report = await validate({ endpoint: store });
    expect(report.results.map((r) => `${r.focusNode} ${r.path ?? ''} ${r.message}`)).toEqual([]);
    expect(report.conforms).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
