/**
 * Data the builder tests query, as one N-Quads text every target loads:
 *
 * - test/fixtures/training-run.ttl in `urn:provml:graph:fixture` (hand-written, exact values);
 * - a copy of one fixture batch in a second graph, with an extra `rdf:type` (its superclass): a
 *   node written by two runs and typed twice, which must still count once on a union graph;
 * - a real capture: the decorated SeismicTraining of test/integration/training (3 epochs × 5
 *   batches, one failing step) recorded by `ProvML.init()` into its embedded store.
 */
import type { WorkerStore } from '../../../src/worker/store.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, Parser, Writer } from 'n3';
import { ProvML } from '../../../src/index.js';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startSparqlServer } from '../../../src/store/server.js';
import { SeismicTraining } from '../../integration/training/fixture.js';

const { namedNode, quad } = DataFactory;

/** IRI prefix of the fixture run's executions and values. */
export const R = 'urn:provml:run:mnist-2025-03-14:';
export const FIXTURE_GRAPH = 'urn:provml:graph:fixture';
export const COPY_GRAPH = 'urn:provml:graph:copy';

export interface BuilderData {
  /** Everything, as N-Quads. */
  nquads: string;
  /** Batch losses of the captured training, in call order (epoch-major). */
  losses: number[];
  /** Epoch losses (mean of the epoch's batch losses), in order. */
  epochLosses: number[];
}

export async function builderData(): Promise<BuilderData> {
  const ttl = await readFile(new URL('../../fixtures/training-run.ttl', import.meta.url), 'utf8');
  const fixture = new Parser().parse(ttl).map((q) => quad(q.subject, q.predicate, q.object, namedNode(FIXTURE_GRAPH)));
  const batch = `${R}epoch-0-batch-0`;
  const copy = fixture
    .filter((q) => q.subject.value === batch)
    .map((q) => quad(q.subject, q.predicate, q.object, namedNode(COPY_GRAPH)));
  copy.push(
    quad(namedNode(batch), namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), namedNode('https://w3id.org/prov-ml#IterationExecution'), namedNode(COPY_GRAPH)),
  );

  const dir = await mkdtemp(join(tmpdir(), 'provml-builder-'));
  const prov = ProvML.init({ installExitHooks: false, flushIntervalMs: 50 });
  try {
    const training = new SeismicTraining(dir);
    await training.run({ lr: 0.05, epochs: 3 });
    await training.broken(7, new TypeError('tile size must be positive')).catch(() => undefined);
    await prov.flush();
    const captured = await (prov.store as WorkerStore).dump(); // the default store lives in the worker
    const nquads = new Writer({ format: 'N-Quads' }).quadsToString([...fixture, ...copy]) + captured;
    return { nquads, losses: [...training.losses], epochLosses: [...training.epochLosses] };
  } finally {
    await prov.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `actual` ≈ `expected` to `digits` significant digits (exact when `digits` is undefined). */
export function close(actual: number | undefined, expected: number, digits: number | undefined): boolean {
  if (actual === undefined) return false;
  if (digits === undefined) return actual === expected;
  return Math.abs(actual - expected) <= Math.abs(expected) * 10 ** (1 - digits);
}

/** An embedded store (holding `nquads`) behind a loopback `provml serve`, queried over HTTP. */
export async function serveEndpoint(nquads?: string): Promise<{ endpoint: SparqlEndpoint; teardown: () => Promise<void> }> {
  const store = EmbeddedStore.create();
  if (nquads !== undefined) store.loadNQuads(nquads);
  const server = await startSparqlServer({ store });
  const endpoint = new HttpSparqlEndpoint({ url: server.queryUrl });
  return {
    endpoint,
    async teardown() {
      await endpoint.close();
      await server.close();
      await store.close();
    },
  };
}
