/**
 * NaN and ±INF into a real Virtuoso by SPARQL Update (`INSERT DATA`, no Graph Store endpoint):
 * Virtuoso 7.2 answers HTTP 500 "out of seg data" to NaN constants in INSERT DATA (its sort of
 * the inserted rows breaks on a native NaN), so provml writes NaN triples with STRDT — stored as
 * Virtuoso's Graph Store loader stores them. The values must read back as written, by both paths.
 * Skipped with a console line when `virtuoso-t` is missing, unless PROVML_REQUIRE_VIRTUOSO=1.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Literal } from '@rdfjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDouble } from '../../../src/rdf/literal.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../../support/virtuoso.js';

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: Virtuoso NaN/INF tests — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const N = 500; // one INSERT DATA of 500 triples: the size at which Virtuoso failed

/** The value of subject i: NaN, INF, -INF among ordinary doubles (exact in 6 digits, as Virtuoso answers). */
function valueOf(i: number): number {
  if (i % 7 === 0) return Number.NaN;
  if (i % 11 === 0) return Number.POSITIVE_INFINITY;
  if (i % 13 === 0) return Number.NEGATIVE_INFINITY;
  return (i % 64) / 8;
}
const lexical = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? 'INF' : n === -Infinity ? '-INF' : String(n));

function batch(graph: string): string {
  let out = '';
  for (let i = 0; i < N; i++) out += `<urn:provml:value:${i}> <http://www.w3.org/ns/mls#hasValue> "${lexical(valueOf(i))}"^^<${XSD}double> <${graph}> .\n`;
  return out;
}

describe.skipIf(!available && !required)('Virtuoso: NaN and INF doubles', () => {
  let virtuoso: VirtuosoInstance;

  beforeAll(async () => {
    virtuoso = await startVirtuoso();
  }, 120_000);

  afterAll(async () => {
    await virtuoso?.stop();
  });

  async function readBack(ep: HttpSparqlEndpoint, graph: string): Promise<Map<number, number>> {
    const rows = await ep.select(`SELECT ?s ?o WHERE { GRAPH <${graph}> { ?s <http://www.w3.org/ns/mls#hasValue> ?o } }`);
    return new Map(
      rows.map((r) => {
        const o = r.o as Literal;
        expect(o.datatype.value).toBe(`${XSD}double`);
        return [Number(r.s!.value.split(':').at(-1)), parseDouble(o.value)];
      }),
    );
  }

  it('INSERT DATA with NaN, INF and -INF is accepted and every value reads back as written', async () => {
    const ep = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: false });
    try {
      const graph = 'urn:provml:test:nan:update';
      await ep.insertQuads(batch(graph)); // one request; a 500 would reject
      const back = await readBack(ep, graph);
      expect(back.size).toBe(N);
      for (let i = 0; i < N; i++) expect(Object.is(back.get(i), valueOf(i)) || back.get(i) === valueOf(i), `value ${i}`).toBe(true);
      expect([...back.values()].filter(Number.isNaN)).toHaveLength(Math.ceil(N / 7));
      // Ordinary inserts still work after it, and the server logged no broken sort.
      await ep.insertQuads(`<urn:provml:value:after> <urn:p> "0.5"^^<${XSD}double> <urn:provml:test:nan:after> .\n`);
      expect(await ep.ask('ASK { GRAPH <urn:provml:test:nan:after> { ?s ?p 0.5 } }')).toBe(true);
      const log = await readFile(join(virtuoso.dir, 'virtuoso.log'), 'utf8');
      expect(log).not.toMatch(/items being sorted look to have changed|out of seg data/);
    } finally {
      await ep.close();
    }
  });

  it('the Graph Store path stores the same terms: both graphs read back equal, NaN by NaN', async () => {
    const ep = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } });
    const update = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl });
    try {
      await ep.insertQuads(batch('urn:provml:test:nan:gsp'));
      await update.insertQuads(batch('urn:provml:test:nan:update2'));
      const viaGsp = await readBack(ep, 'urn:provml:test:nan:gsp');
      const viaUpdate = await readBack(ep, 'urn:provml:test:nan:update2');
      expect([...viaUpdate.entries()].sort((a, b) => a[0] - b[0])).toEqual([...viaGsp.entries()].sort((a, b) => a[0] - b[0]));
      // The same RDF term in Virtuoso: STR() gives "NaN" for both (a native double NaN would give "nan").
      const strs = await ep.select(
        `SELECT DISTINCT (STR(?o) AS ?v) WHERE { GRAPH ?g { <urn:provml:value:0> <http://www.w3.org/ns/mls#hasValue> ?o } VALUES ?g { <urn:provml:test:nan:gsp> <urn:provml:test:nan:update2> } }`,
      );
      expect(strs.map((r) => r.v!.value)).toEqual(['NaN']);
    } finally {
      await ep.close();
      await update.close();
    }
  });
});
