/**
 * The typed query builders, end to end: the same assertions (builder-suite.ts) on the embedded
 * store, on `provml serve` (startSparqlServer) over HTTP, and on a private Virtuoso. The Virtuoso
 * target is skipped with a console line when `virtuoso-t` is missing, unless
 * PROVML_REQUIRE_VIRTUOSO=1, where a missing Virtuoso fails the file.
 */
import { beforeAll } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startVirtuoso, virtuosoRequirement } from '../../support/virtuoso.js';
import { builderData, serveEndpoint, type BuilderData } from './builder-data.js';
import { builderSuite } from './builder-suite.js';

let data: BuilderData;
beforeAll(async () => {
  data = await builderData();
}, 60_000);

builderSuite(
  {
    name: 'the embedded store',
    async setup(nquads) {
      const store = EmbeddedStore.create({ unionDefaultGraph: false }); // the builders ask for the union themselves
      store.loadNQuads(nquads);
      return { endpoint: store, teardown: () => store.close() };
    },
  },
  () => data,
);

builderSuite(
  {
    name: 'provml serve over HTTP',
    setup: (nquads) => serveEndpoint(nquads),
  },
  () => data,
);

const { available, required } = virtuosoRequirement();
if (!available && !required) {
  console.log('SKIPPED: query builders on Virtuoso — virtuoso-t is not installed (apt-get install -y virtuoso-opensource; PROVML_REQUIRE_VIRTUOSO=1 makes this a failure)');
} else {
  builderSuite(
    {
      name: 'Virtuoso',
      doubleDigits: 6,
      async setup(nquads) {
        const virtuoso = await startVirtuoso();
        const endpoint = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl, gsp: { url: virtuoso.gspUrl, style: 'virtuoso' } });
        await endpoint.insertQuads(nquads);
        return {
          endpoint,
          async teardown() {
            await endpoint.close();
            await virtuoso.stop();
          },
        };
      },
    },
    () => data,
  );
}
