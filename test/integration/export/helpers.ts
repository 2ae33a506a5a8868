import type { Quad, Term } from '@rdfjs/types';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import { captureLifecycle, type Lifecycle } from './lifecycle.js';

/** A term as a comparable string (datatype and language included). */
export function key(t: Term): string {
  if (t.termType === 'Literal') return `${JSON.stringify(t.value)}^^<${t.datatype.value}>@${t.language}`;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  if (t.termType === 'DefaultGraph') return '';
  return `<${t.value}>`;
}

/** Each quad as `s p o g`, in a set (RDF datasets are sets). */
export function quadSet(quads: readonly Quad[], withGraph = true): Set<string> {
  return new Set(quads.map((q) => `${key(q.subject)} ${key(q.predicate)} ${key(q.object)}${withGraph ? ` ${key(q.graph)}` : ''}`));
}

/** Every quad of the store's named graphs, read with SPARQL (independently of src/export). */
export async function storeQuads(store: SparqlEndpoint): Promise<Quad[]> {
  const rows = await store.select('SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }', { unionDefaultGraph: false });
  return rows.map((r) => ({ subject: r.s!, predicate: r.p!, object: r.o!, graph: r.g! }) as unknown as Quad);
}

/** A lifecycle in a fresh temporary directory; `done()` shuts the tracker down and removes it. */
export async function lifecycle(prefix: string): Promise<Lifecycle & { dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `provml-export-${prefix}-`));
  const lc = await captureLifecycle(join(dir, 'work'));
  return {
    ...lc,
    dir,
    done: async () => {
      await lc.prov.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
