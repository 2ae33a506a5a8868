// N-Quads, TriG, Turtle and JSON-LD exports parse back (with n3 and jsonld, not with provml's
// code) to the very quads the store holds: same terms, same datatypes, same graphs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Quad } from '@rdfjs/types';
import jsonld from 'jsonld';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportProvenance, writeExport } from '../../../src/export.js';
import { lifecycle, quadSet, storeQuads } from './helpers.js';

let lc: Awaited<ReturnType<typeof lifecycle>>;
let expected: Set<string>;
let expectedTriples: Set<string>;

beforeAll(async () => {
  lc = await lifecycle('rdf');
  const quads = await storeQuads(lc.prov.store!);
  expected = quadSet(quads);
  expectedTriples = quadSet(quads, false);
});
afterAll(() => lc.done());

describe('RDF exports re-parse to the same graph', () => {
  test('provml produces no blank nodes, so the quads compare as sets', async () => {
    const quads = await storeQuads(lc.prov.store!);
    expect(quads.length).toBeGreaterThan(200);
    expect(quads.some((q) => q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode' || q.graph.termType === 'BlankNode')).toBe(false);
    // several graphs: one per run and the shared one
    expect(new Set(quads.map((q) => q.graph.value)).size).toBe(4);
  });

  for (const [format, parserFormat] of [
    ['nquads', 'application/n-quads'],
    ['trig', 'application/trig'],
  ] as const) {
    test(`${format}: every quad, in its graph`, async () => {
      const out = join(lc.dir, `export.${format}`);
      await writeExport(await exportProvenance(lc.prov.store!, { format }), out);
      const parsed = new Parser({ format: parserFormat }).parse(await readFile(out, 'utf8'));
      expect(parsed.length).toBe(expected.size);
      expect(quadSet(parsed)).toEqual(expected);
    });
  }

  test('turtle: the union of the graphs, every triple once', async () => {
    const { text } = await exportProvenance(lc.prov.store!, { format: 'turtle' });
    const parsed = new Parser({ format: 'text/turtle' }).parse(text);
    expect(parsed.length).toBe(expectedTriples.size);
    expect(quadSet(parsed, false)).toEqual(expectedTriples);
  });

  test('jsonld: a streaming JSON-LD parser gives back every quad, lexical forms (NaN) and datatypes included', async () => {
    const { text } = await exportProvenance(lc.prov.store!, { format: 'jsonld' });
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc['@context']).toMatchObject({ provml: 'https://w3id.org/prov-ml#', prov: 'http://www.w3.org/ns/prov#' });
    const parsed = await new Promise<Quad[]>((resolve, reject) => {
      const out: Quad[] = [];
      const parser = new JsonLdParser();
      parser.on('data', (q: Quad) => out.push(q));
      parser.on('error', reject);
      parser.on('end', () => resolve(out));
      parser.write(text);
      parser.end();
    });
    expect(quadSet(parsed)).toEqual(expected);
    expect(text).toContain('"@value": "NaN"');
  });

  test('jsonld: jsonld.js toRDF gives back every quad (it rewrites xsd:double lexical forms canonically: compared by value)', async () => {
    const { text } = await exportProvenance(lc.prov.store!, { format: 'jsonld' });
    const nquads = await jsonld.toRDF(JSON.parse(text) as object, { format: 'application/n-quads' });
    const parsed = new Parser({ format: 'application/n-quads' }).parse(nquads);
    const byValue = (set: Set<string>) => new Set([...set].map((q) => q.replace(/"([^"]*)"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#double>/g, (_m, v: string) => `${String(Number(v === 'INF' ? Infinity : v === '-INF' ? -Infinity : v))}^^double`)));
    expect(byValue(quadSet(parsed))).toEqual(byValue(expected));
  });

  test('--run: the run graph in full plus what it reaches in the shared graph, and no other run', async () => {
    const { text, runs } = await exportProvenance(lc.prov.store!, { format: 'nquads', runs: [lc.runs.training] });
    expect(runs).toEqual([lc.runs.training]);
    const parsed = new Parser({ format: 'application/n-quads' }).parse(text);
    const graphs = new Set(parsed.map((q) => q.graph.value));
    const runGraph = parsed.find((q) => q.subject.value === lc.runs.training)!.graph.value;
    expect([...graphs].sort()).toEqual([runGraph, 'urn:provml:graph:shared'].sort());
    const all = await storeQuads(lc.prov.store!);
    // the whole run graph …
    expect(parsed.filter((q) => q.graph.value === runGraph).length).toBe(all.filter((q) => q.graph.value === runGraph).length);
    const subjects = new Set(parsed.map((q) => q.subject.value));
    // … its workflow, plans, the training set and the models; not the curation or preparation runs' plans
    expect(subjects.has('urn:provml:workflow:training')).toBe(true);
    expect(subjects.has('urn:provml:plan:training:epoch')).toBe(true);
    expect(subjects.has('urn:provml:plan:preparation:tile')).toBe(false);
    expect(subjects.has(lc.runs.preparation)).toBe(false);
    const storageUrls = parsed.filter((q) => q.predicate.value === 'https://w3id.org/prov-ml#storageUrl').map((q) => q.object.value);
    expect(storageUrls).toContain(new URL(`file://${lc.files.dataset}`).href);
    expect(storageUrls).not.toContain(new URL(`file://${lc.files.raw}`).href);
    await expect(exportProvenance(lc.prov.store!, { format: 'nquads', runs: ['urn:provml:execution:nope'] })).rejects.toThrow(/no workflow execution urn:provml:execution:nope/);
  });
});
