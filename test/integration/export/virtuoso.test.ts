// Exports read from Virtuoso over HTTP hold what the embedded store's exports hold: the same
// provenance graphs (Virtuoso's own system graphs are left out), the same quads (doubles compared
// to the 6 significant digits Virtuoso returns, times by value: it pads fractional seconds to 6
// digits), the same OpenLineage events. Skipped with a line
// when virtuoso-t is missing, unless PROVML_REQUIRE_VIRTUOSO=1 (CI).
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportProvenance } from '../../../src/export.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../../support/virtuoso.js';
import { lifecycle, quadSet, storeQuads } from './helpers.js';

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: Virtuoso export tests — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
}

/** Virtuoso writes fractional seconds with 6 digits (`.66828Z` comes back `.668280Z`): same value. */
const trimSeconds = (text: string) => text.replace(/(T\d\d:\d\d:\d\d\.\d*?)0+Z/g, '$1Z');

/** Doubles to 6 significant digits (what Virtuoso 7.2 gives back), dateTimes by value, everything else as is. */
function sixDigits(set: Set<string>): Set<string> {
  return new Set(
    [...set].map((q) =>
      trimSeconds(q).replace(/"([^"]*)"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#double>/g, (_m, v: string) => {
        const n = Number(v === 'INF' ? Infinity : v === '-INF' ? -Infinity : v);
        return `${Number.isFinite(n) ? Number(n.toPrecision(6)) : n}^^double`;
      }),
    ),
  );
}

describe.skipIf(!available && !required)('export from Virtuoso', () => {
  let virtuoso: VirtuosoInstance;
  let endpoint: HttpSparqlEndpoint;
  let lc: Awaited<ReturnType<typeof lifecycle>>;

  beforeAll(async () => {
    virtuoso = await startVirtuoso();
    endpoint = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } });
    lc = await lifecycle('virtuoso');
    await endpoint.insertQuads(await storeQuads(lc.prov.store!));
  }, 120_000);
  afterAll(async () => {
    await endpoint?.close();
    await virtuoso?.stop();
    await lc?.done();
  });

  test('N-Quads: the same graphs and quads as from the embedded store', async () => {
    const embedded = await exportProvenance(lc.prov.store!, { format: 'nquads' });
    const remote = await exportProvenance(endpoint, { format: 'nquads' });
    const a = new Parser({ format: 'application/n-quads' }).parse(embedded.text);
    const b = new Parser({ format: 'application/n-quads' }).parse(remote.text);
    expect(new Set(b.map((q) => q.graph.value))).toEqual(new Set(a.map((q) => q.graph.value)));
    expect(remote.runs).toEqual(embedded.runs);
    expect(sixDigits(quadSet(b))).toEqual(sixDigits(quadSet(a)));
  });

  test('--run and OpenLineage: the same events', async () => {
    const opts = { format: 'openlineage', runs: [lc.runs.training] } as const;
    const strip = (text: string) => trimSeconds(text).replace(/"durationMs":[0-9.e+-]+/g, '"durationMs":0').replace(/"loss":[0-9.e+-]+/g, '"loss":0').replace(/"learningRate":[0-9.e+-]+/g, '"learningRate":0');
    const embedded = await exportProvenance(lc.prov.store!, opts);
    const remote = await exportProvenance(endpoint, opts);
    expect(remote.events!.length).toBe(10);
    expect(strip(remote.text)).toBe(strip(embedded.text));
  });
});
