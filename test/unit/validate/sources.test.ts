import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Quad } from '@rdfjs/types';
import { DataFactory, Parser, Store, Writer } from 'n3';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import type { SparqlEndpoint } from '../../../src/store/endpoint.js';
import { formatBatchHeader } from '../../../src/transport/journal.js';
import { createQuadBatch } from '../../../src/transport/sink.js';
import { validate, ValidationInputError, type ValidationReport } from '../../../src/validate/index.js';

const { namedNode, quad } = DataFactory;
const FIXTURES = new URL('../../fixtures/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;
const RUN_TTL = fixturePath('training-run.ttl');
const fixture = new Parser().parse(readFileSync(RUN_TTL, 'utf8'));
const SHAPES = 'https://w3id.org/prov-ml/shapes#';
const PROVML = 'https://w3id.org/prov-ml#';
const RUN = 'urn:provml:run:mnist-2025-03-14:';
const GRAPH = 'urn:provml:graph:run-1';

const dir = mkdtempSync(join(tmpdir(), 'provml-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture without epoch-1's iteration index: exactly one violation. */
const broken = fixture.filter((q) => !(q.subject.value === `${RUN}epoch-1` && q.predicate.value === `${PROVML}iterationIndex`));
const inGraph = (quads: readonly Quad[], g = GRAPH) => quads.map((q) => quad(q.subject, q.predicate, q.object, namedNode(g)));

function write(name: string, quads: readonly Quad[], format: string): string {
  const path = join(dir, name);
  const writer = new Writer({ format });
  writer.addQuads([...quads]);
  writer.end((err, text: string) => writeFileSync(path, text));
  return path;
}

function expectMissingIndex(report: ValidationReport): void {
  expect(report.conforms).toBe(false);
  expect(report.results).toEqual([
    expect.objectContaining({ focusNode: `${RUN}epoch-1`, path: 'provml:iterationIndex', sourceShape: `${SHAPES}IterationIndexShape` }),
  ]);
  expect(report.triples).toBe(broken.length);
}

describe('validate(source): every kind of source', () => {
  it('an RDF/JS dataset, a quad array and a generator of quads', async () => {
    const fromStore = await validate(new Store(fixture));
    expect(fromStore).toMatchObject({ conforms: true, results: [], countsByShape: {}, triples: fixture.length });
    expect(fromStore.durationMs).toBeGreaterThanOrEqual(0);
    expectMissingIndex(await validate(broken));
    expectMissingIndex(await validate((function* () { yield* broken; })()));
  });

  it('a Turtle file: the conforming fixture conforms', async () => {
    const report = await validate(RUN_TTL);
    expect(report).toMatchObject({ conforms: true, results: [], triples: fixture.length });
  });

  it('N-Triples, N-Quads (named graphs are unioned, duplicates collapse) and TriG files', async () => {
    expectMissingIndex(await validate(write('run.nt', broken, 'N-Triples')));
    const twice = [...inGraph(broken), ...inGraph(broken.slice(0, 10), 'urn:provml:graph:other')];
    expectMissingIndex(await validate(write('run.nq', twice, 'N-Quads')));
    expectMissingIndex(await validate(write('run.trig', inGraph(broken), 'TriG')));
  });

  it('a provml journal with a torn last block, as a .nq file and as { journal }', async () => {
    const nquads = new Writer({ format: 'N-Quads' }).quadsToString(inGraph(broken));
    const b1 = createQuadBatch({ seq: 1, events: 1, nquads });
    const torn = createQuadBatch({ seq: 2, events: 1, nquads: `<urn:x> <${PROVML}iterationIndex> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <${GRAPH}> .\n<urn:y> <urn:p> <urn:z> <${GRAPH}> .\n` });
    const path = join(dir, 'journal.nq');
    const tornText = formatBatchHeader(torn) + torn.nquads;
    writeFileSync(path, formatBatchHeader(b1) + b1.nquads + tornText.slice(0, tornText.length - 30));
    const warnings: string[] = [];
    expectMissingIndex(await validate({ journal: path }, { onWarning: (m) => warnings.push(m) }));
    expect(warnings.join('\n')).toMatch(/torn batch seq=2/);
    expectMissingIndex(await validate(path, { onWarning: () => {} }));
  });

  it('a JSON-LD file', async () => {
    const report = await validate(fixturePath('validate/environment.jsonld'));
    expect(report.triples).toBe(6);
    expect(report.results).toEqual([
      expect.objectContaining({ focusNode: 'urn:provml:env:no-host', path: 'provml:hostName', sourceShape: `${SHAPES}EnvironmentHostNameShape` }),
    ]);
  });

  it('a SPARQL endpoint read in several keyset pages, optionally one named graph', async () => {
    const store = EmbeddedStore.create();
    await store.insertQuads(inGraph(broken));
    const elsewhere = quad(namedNode('urn:x:env'), namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type'), namedNode(`${PROVML}Environment`));
    await store.insertQuads([...inGraph(fixture.slice(0, 5), 'urn:provml:graph:elsewhere'), ...inGraph([elsewhere], 'urn:provml:graph:elsewhere')]);
    const queries: string[] = [];
    const spy: SparqlEndpoint = {
      select: (q, o) => (queries.push(q), store.select(q, o)),
      construct: (q, o) => (queries.push(q), store.construct(q, o)),
      ask: (q, o) => store.ask(q, o),
      update: (u) => store.update(u),
      insertQuads: (q, g) => store.insertQuads(q, g),
      close: () => store.close(),
    };
    const progress: Array<[number, number | undefined]> = [];
    const report = await validate({ endpoint: spy, graph: GRAPH, pageSize: 7 }, { onProgress: (d, t) => progress.push([d, t]) });
    expectMissingIndex(report);
    const pages = queries.filter((q) => q.startsWith('CONSTRUCT') && q.includes('LIMIT 7'));
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.every((q) => q.includes(`GRAPH <${GRAPH}>`))).toBe(true);
    expect(progress.some(([d, t]) => t === broken.length && d > 0 && d < broken.length)).toBe(true);
    // the whole endpoint (default graph = union): the other graph adds one node (and duplicates)
    const all = await validate({ endpoint: store, pageSize: 1000 });
    expect(all.triples).toBe(broken.length + 1);
    expect(all.results.map((r) => r.focusNode).sort()).toEqual([`${RUN}epoch-1`, 'urn:x:env', 'urn:x:env']);
    await store.close();
  });
});

describe('validate(source): unreadable input', () => {
  it('a Turtle syntax error names the file and line', async () => {
    const file = fixturePath('validate/broken.ttl');
    const err = await validate(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationInputError);
    expect(err).toMatchObject({ file, line: 7 });
    expect((err as Error).message).toContain(`${file}:7:`);
  });

  it('a JSON-LD syntax error names the file and line', async () => {
    const file = fixturePath('validate/broken.jsonld');
    await expect(validate(file)).rejects.toMatchObject({ name: 'ValidationInputError', file, line: 3 });
  });

  it('a missing file or an unknown extension', async () => {
    await expect(validate(join(dir, 'missing.ttl'))).rejects.toBeInstanceOf(ValidationInputError);
    const odd = join(dir, 'data.xyz');
    writeFileSync(odd, '');
    await expect(validate(odd)).rejects.toThrow(/unknown RDF file extension/);
  });
});
