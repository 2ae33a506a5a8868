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
const DOUBLE = /"([^"]*)"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#double>/g;

/**
 * Quads with their xsd:double values taken out (key → the values): Virtuoso prints doubles with
 * six significant digits, rounding ties its own way (0.05078125 → 0.0507812), so values are
 * compared within a relative 1e-5 (six digits: at most 5e-6 off), not as text.
 */
function doublesApart(set: Set<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const q of set) {
    const values: number[] = [];
    const key = trimSeconds(q).replace(DOUBLE, (_m, v: string) => {
      values.push(Number(v === 'INF' ? Infinity : v === '-INF' ? -Infinity : v));
      return '?^^double';
    });
    out.set(key, [...(out.get(key) ?? []), ...values].sort((x, y) => x - y));
  }
  return out;
}

function expectSameQuads(remote: Set<string>, embedded: Set<string>): void {
  const r = doublesApart(remote);
  const e = doublesApart(embedded);
  expect([...r.keys()].sort()).toEqual([...e.keys()].sort());
  for (const [key, want] of e) {
    const got = r.get(key)!;
    expect(got.length, key).toBe(want.length);
    got.forEach((x, i) => {
      const y = want[i]!;
      const same = x === y || (Number.isNaN(x) && Number.isNaN(y)) || Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y));
      expect(same, `${key}: ${x} vs ${y}`).toBe(true);
    });
  }
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
    expectSameQuads(quadSet(b), quadSet(a));
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
