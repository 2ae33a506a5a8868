/**
 * The lifecycle queries on Virtuoso: capture lands through Virtuoso's Graph Store endpoint, the
 * queries run over HTTP. Skipped with a console line when `virtuoso-t` is missing, unless
 * PROVML_REQUIRE_VIRTUOSO=1 (CI).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../../support/virtuoso.js';
import { lifecycleSuite } from './suite.js';

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: Virtuoso lifecycle query tests — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
}

describe.skipIf(!available && !required)('Virtuoso', () => {
  let virtuoso: VirtuosoInstance;
  beforeAll(async () => {
    virtuoso = await startVirtuoso();
  }, 120_000);
  afterAll(async () => {
    await virtuoso?.stop();
  });

  lifecycleSuite({
    name: 'Virtuoso',
    doubleDigits: 6,
    async setup() {
      const endpoint = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } });
      return {
        options: { endpoint: { url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } } },
        endpoint,
        teardown: () => endpoint.close(),
      };
    },
  });
});
