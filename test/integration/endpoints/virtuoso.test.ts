/**
 * The decorated training of test/integration/training, landing through `ProvML.init({ endpoint })`
 * in a private Virtuoso (test/support/virtuoso.ts), through Virtuoso's Graph Store endpoint
 * (anonymous, and digest-authenticated as dba) and through SPARQL Update; the same checks query
 * Virtuoso's /sparql over HTTP. Skipped with a console line when `virtuoso-t` is missing, unless
 * PROVML_REQUIRE_VIRTUOSO=1 (CI), where a missing Virtuoso fails the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../../support/virtuoso.js';
import { SeismicTraining, flavourSeen } from '../training/fixture.js';
import { trainingSuite, type TrainingTarget } from '../training/suite.js';

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: Virtuoso endpoint tests — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
}

describe.skipIf(!available && !required)('Virtuoso endpoint', () => {
  let virtuoso: VirtuosoInstance;
  const dropped: string[][] = [];

  beforeAll(async () => {
    virtuoso = await startVirtuoso();
    console.log(`Virtuoso pid ${virtuoso.pid} answered after ${virtuoso.startupMs.toFixed(0)} ms at ${virtuoso.sparqlUrl}`);
  }, 120_000);

  afterAll(async () => {
    await virtuoso?.stop();
  });

  function target(path: 'gsp' | 'gsp-digest' | 'update'): TrainingTarget {
    const names = { gsp: 'Graph Store protocol', 'gsp-digest': 'Graph Store protocol with digest auth', update: 'SPARQL Update' };
    return {
      name: `Virtuoso via ${names[path]}`,
      doubleDigits: 6, // Virtuoso writes xsd:double results with 6 significant digits ("0.383333")
      async setup() {
        dropped.push(await virtuoso.clearGraphs()); // each run starts with only Virtuoso's own graphs
        const query = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl });
        const gsp =
          path === 'update'
            ? (false as const)
            : { url: path === 'gsp' ? virtuoso.gspUrl : virtuoso.gspAuthUrl, style: 'virtuoso' as const };
        return {
          options: {
            endpoint: {
              url: virtuoso.sparqlUrl,
              gsp,
              ...(path === 'gsp-digest' ? { auth: { type: 'digest' as const, user: 'dba', password: 'dba' } } : {}),
            },
          },
          endpoint: () => query,
          teardown: () => query.close(),
        };
      },
    };
  }

  trainingSuite('legacy', SeismicTraining, flavourSeen, target('gsp'));
  trainingSuite('legacy', SeismicTraining, flavourSeen, target('gsp-digest'));
  trainingSuite('legacy', SeismicTraining, flavourSeen, target('update'));

  it('cleared the previous run before each later one', () => {
    expect(dropped).toHaveLength(3);
    expect(dropped[1]!.length).toBeGreaterThan(0);
    expect(dropped[2]!.length).toBeGreaterThan(0);
  });
});
