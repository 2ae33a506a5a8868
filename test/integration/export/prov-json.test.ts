// PROV-JSON loads in Debian's python3-prov (the `prov` library, a reader nobody here wrote) with
// the same numbers of entities, activities, agents and relations as the graph, counted with SPARQL
// over the store plus the ontology's class hierarchy (not with provml's export code).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportProvenance, writeExport } from '../../../src/export.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { Parser } from 'n3';
import { lifecycle, storeQuads } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import prov, sys; sys.stdout.write(prov.__version__)'], { encoding: 'utf8' });
const hasProv = probe.status === 0;
const required = process.env.PROVML_REQUIRE_PYPROV === '1';
if (!hasProv && !required) {
  console.warn('SKIP PROV-JSON reader test: python3-prov is not installed (apt-get install -y python3-prov; PROVML_REQUIRE_PYPROV=1 makes this a failure)');
}

const ONTOLOGY = 'urn:test:ontology';
const PREFIXES = `PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX provml: <https://w3id.org/prov-ml#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#>`;

let lc: Awaited<ReturnType<typeof lifecycle>>;
let counts: EmbeddedStore;

/** The class hierarchy closure, as a SPARQL pattern: ?t is ?k or below it. */
const below = (t: string, k: string) => `GRAPH <${ONTOLOGY}> { ${t} (rdfs:subClassOf|owl:equivalentClass)* ${k} }`;

async function count(query: string): Promise<number> {
  const [row] = await counts.select(`${PREFIXES} SELECT (COUNT(*) AS ?n) WHERE { ${query} }`, { unionDefaultGraph: false });
  return Number(row!.n!.value);
}

beforeAll(async () => {
  lc = await lifecycle('provjson');
  counts = EmbeddedStore.create();
  await counts.insertQuads(await storeQuads(lc.prov.store!));
  for (const file of ['ontology/prov-ml.ttl', 'ontology/imports/prov-o.ttl', 'ontology/imports/MLSchema.ttl']) {
    await counts.insertQuads(new Parser({ format: 'text/turtle' }).parse(await readFile(file, 'utf8')), ONTOLOGY);
  }
});
afterAll(async () => {
  await counts?.close();
  await lc.done();
});

describe.skipIf(!hasProv && !required)('PROV-JSON in python3-prov', () => {
  test('prov.read(path, format="json") sees every entity, activity, agent and relation of the graph', async () => {
    expect(hasProv, 'python3-prov is required (PROVML_REQUIRE_PYPROV=1) but /usr/bin/python3 cannot import prov').toBe(true);
    const path = join(lc.dir, 'provenance.json');
    await writeExport(await exportProvenance(lc.prov.store!, { format: 'prov-json' }), path);
    const script = `
import json, sys, prov, prov.model as m
doc = prov.read(sys.argv[1], format='json')
recs = list(doc.get_records())
out = {'entity': 0, 'activity': 0, 'agent': 0, 'relations': 0, 'byType': {}}
for r in recs:
    if isinstance(r, m.ProvEntity): out['entity'] += 1
    elif isinstance(r, m.ProvActivity): out['activity'] += 1
    elif isinstance(r, m.ProvAgent): out['agent'] += 1
    elif isinstance(r, m.ProvRelation):
        out['relations'] += 1
        k = type(r).__name__
        out['byType'][k] = out['byType'].get(k, 0) + 1
fails = [str(r.identifier) for r in doc.get_records(m.ProvActivity) if r.get_endTime() is None]
out['noEnd'] = fails
out['nan'] = [str(v) for r in recs for (a, v) in r.attributes if str(a) == 'mls:hasValue' and str(v).lower().startswith('nan')]
out['bundles'] = len(list(doc.bundles))
json.dump(out, sys.stdout)
`;
    const got = JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' })) as {
      entity: number;
      activity: number;
      agent: number;
      relations: number;
      byType: Record<string, number>;
      nan: string[];
      bundles: number;
    };

    // Expected, from the graph: nodes by the PROV class their types fall under.
    const kind = (k: string) => `{ SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER(?g != <${ONTOLOGY}>) ${below('?t', k)} } }`;
    const activities = await count(kind('prov:Activity'));
    const agents = await count(kind('prov:Agent'));
    const entities = await count(`${kind('prov:Entity')} FILTER NOT EXISTS { GRAPH ?g2 { ?s a ?t2 } FILTER(?g2 != <${ONTOLOGY}>) ${below('?t2', '?k2')} VALUES ?k2 { prov:Activity prov:Agent } }`);
    // every subject is an entity, an activity or an agent (nothing is left unclassified)
    const subjects = await count(`{ SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <${ONTOLOGY}>) } }`);
    expect(entities + activities + agents).toBe(subjects);
    // relations: one per PROV link (used, wasGeneratedBy, wasAssociatedWith) and per provml link
    // PROV-JSON expresses as a relation (executes → association with a plan, partOf → start by the parent)
    const triples = (p: string) => count(`{ SELECT DISTINCT ?s ?o WHERE { GRAPH ?g { ?s ${p} ?o } FILTER(?g != <${ONTOLOGY}>) } }`);
    const used = await triples('prov:used');
    const generated = await triples('prov:wasGeneratedBy');
    const associated = (await triples('prov:wasAssociatedWith')) + (await triples('provml:executes'));
    const started = await triples('provml:partOf');

    expect({ entity: got.entity, activity: got.activity, agent: got.agent }).toEqual({ entity: entities, activity: activities, agent: agents });
    expect(got.byType).toEqual({ ProvUsage: used, ProvGeneration: generated, ProvAssociation: associated, ProvStart: started });
    expect(got.relations).toBe(used + generated + associated + started);
    // the lifecycle: 3 runs, 2 + 2 + 1 + (1 stage + 2 epochs + 6 batches + 1 failed stage) executions, 3 personas
    expect(activities).toBe(3 + 1 + 2 + 1 + 2 + 6 + 1);
    expect(agents).toBe(3);
    expect(got.nan.length).toBe(1);
    expect(got.bundles).toBe(0);
    console.log(`python3-prov ${probe.stdout}: ${got.entity} entities, ${got.activity} activities, ${got.agent} agents, ${got.relations} relations ${JSON.stringify(got.byType)}`);
  });
});
