import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/load.js';
import { parseSparql, runSparql } from '../../src/cli/sparql-command.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';
import { provml as runCli } from './cli/run-cli.js';

const root = new URL('../../', import.meta.url).pathname;
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const DATA = `
<urn:ex:run1> a <https://w3id.org/prov-ml#WorkflowExecution> ;
  <https://w3id.org/prov-ml#status> "completed" ;
  <http://www.w3.org/2000/01/rdf-schema#label> "plain" ;
  <https://w3id.org/prov-ml#durationMs> 1.5 .
<urn:ex:run2> a <https://w3id.org/prov-ml#WorkflowExecution> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "a, \\"quoted\\"\\nsecond line" .
<urn:ex:odd> <urn:ex:v> "NaN"^^<http://www.w3.org/2001/XMLSchema#double>, "INF"^^<http://www.w3.org/2001/XMLSchema#double>,
  "-INF"^^<http://www.w3.org/2001/XMLSchema#float>, 123456789012345678901234567890, "chat"@fr .
`;

let store: EmbeddedStore;
let server: SparqlServer;
let dir: string;

beforeAll(async () => {
  store = EmbeddedStore.create();
  await store.insertQuads(new Parser().parse(DATA), 'urn:ex:graph');
  server = await startSparqlServer({ store });
  dir = await mkdtemp(join(tmpdir(), 'provml-sparql-'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

class Out {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

async function run(query: string, format: 'table' | 'json' | 'csv' = 'json', update = false): Promise<{ out: string; err: string }> {
  const out = new Out();
  const err = new Out();
  await runSparql(store, query, { format, update }, out, err);
  return { out: out.text, err: err.text };
}

/** `provml sparql …`, in this process (the same path as the executable). */
function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(['sparql', ...args]);
}

/** A SPARQL 1.1 Query Results JSON document. */
interface ResultsJson {
  head: { vars: string[] };
  results: { bindings: Record<string, { type: string; value: string; datatype?: string; 'xml:lang'?: string }>[] };
}

const SELECT = 'SELECT ?run ?label ?status WHERE { ?run a provml:WorkflowExecution ; rdfs:label ?label . OPTIONAL { ?run provml:status ?status } } ORDER BY ?run';

describe('provml sparql (in process)', () => {
  it('detects the request form and predeclares the provml prefixes', () => {
    expect(parseSparql(SELECT)).toMatchObject({ form: 'SELECT', variables: ['run', 'label', 'status'] });
    expect(parseSparql('SELECT * WHERE { ?s ?p ?o }').variables).toBeUndefined();
    expect(parseSparql('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }').variables).toEqual(['n']);
    expect(parseSparql('ASK { ?s ?p ?o }').form).toBe('ASK');
    expect(parseSparql('CONSTRUCT WHERE { ?s ?p ?o }').form).toBe('CONSTRUCT');
    expect(parseSparql('DESCRIBE <urn:ex:run1>').form).toBe('DESCRIBE');
    expect(parseSparql('DELETE WHERE { ?s ?p ?o }').form).toBe('UPDATE');
    const own = parseSparql('PREFIX provml: <urn:mine#> ASK { ?s a provml:X }').text;
    expect(own).not.toContain('https://w3id.org/prov-ml#'); // the query's own declaration wins
    expect(own).toContain('PREFIX prov: <http://www.w3.org/ns/prov#>');
  });

  it('SELECT as W3C SPARQL 1.1 Query Results JSON (unbound left out, every variable in head) and as CSV with RFC 4180 quoting', async () => {
    const json = JSON.parse((await run(SELECT, 'json')).out) as ResultsJson;
    expect(json).toEqual({
      head: { vars: ['run', 'label', 'status'] },
      results: {
        bindings: [
          { run: { type: 'uri', value: 'urn:ex:run1' }, label: { type: 'literal', value: 'plain' }, status: { type: 'literal', value: 'completed' } },
          { run: { type: 'uri', value: 'urn:ex:run2' }, label: { type: 'literal', value: 'a, "quoted"\nsecond line' } },
        ],
      },
    });
    expect((await run(SELECT, 'csv')).out).toBe('run,label,status\nurn:ex:run1,plain,completed\nurn:ex:run2,"a, ""quoted""\nsecond line",\n');
    expect(JSON.parse((await run('SELECT ?d WHERE { ?r provml:durationMs ?d }')).out)).toEqual({
      head: { vars: ['d'] },
      results: { bindings: [{ d: { type: 'literal', value: '1.5', datatype: `${XSD}decimal` } }] },
    });
    expect(JSON.parse((await run('SELECT ?x WHERE { ?x a provml:Nothing }')).out)).toEqual({ head: { vars: ['x'] }, results: { bindings: [] } });
    expect((await run('SELECT ?x WHERE { ?x a provml:Nothing }', 'csv')).out).toBe('x\n');
  });

  it('prints NaN, ±INF, big integers and language tags faithfully in JSON (strings with their datatype, never null)', async () => {
    const text = (await run('SELECT ?v WHERE { <urn:ex:odd> <urn:ex:v> ?v } ORDER BY STR(?v)')).out;
    expect(text).not.toContain('null');
    const values = (JSON.parse(text) as ResultsJson).results.bindings.map((b) => b.v);
    expect(values).toEqual(
      expect.arrayContaining([
        { type: 'literal', value: 'NaN', datatype: `${XSD}double` },
        { type: 'literal', value: 'INF', datatype: `${XSD}double` },
        { type: 'literal', value: '-INF', datatype: `${XSD}float` },
        { type: 'literal', value: '123456789012345678901234567890', datatype: `${XSD}integer` },
        { type: 'literal', value: 'chat', 'xml:lang': 'fr' },
      ]),
    );
    expect(values).toHaveLength(5);
    expect((await run('SELECT ?v WHERE { <urn:ex:odd> <urn:ex:v> ?v FILTER(isNumeric(?v) && ?v != ?v) }', 'csv')).out).toBe('v\nNaN\n');
  });

  it('ASK prints true/false; CONSTRUCT prints N-Triples', async () => {
    expect((await run('ASK { <urn:ex:run1> provml:status "completed" }')).out).toBe('true\n');
    expect((await run('ASK { <urn:ex:run2> provml:status ?s }')).out).toBe('false\n');
    const nt = (await run('CONSTRUCT { ?r rdfs:label ?l } WHERE { ?r rdfs:label ?l }')).out;
    const quads = new Parser({ format: 'N-Triples' }).parse(nt);
    expect(quads).toHaveLength(2);
    expect(quads.map((q) => q.object.value).sort()).toEqual(['a, "quoted"\nsecond line', 'plain']);
  });

  it('refuses an update without --update, applies it with', async () => {
    const insert = 'INSERT DATA { GRAPH <urn:ex:graph> { <urn:ex:run3> a provml:WorkflowExecution } }';
    await expect(run(insert)).rejects.toThrow(/only with --update/);
    expect((await run('ASK { <urn:ex:run3> ?p ?o }')).out).toBe('false\n');
    expect((await run(insert, 'json', true)).err).toContain('update applied');
    expect((await run('ASK { <urn:ex:run3> ?p ?o }')).out).toBe('true\n');
    await run('DELETE WHERE { GRAPH <urn:ex:graph> { <urn:ex:run3> ?p ?o } }', 'json', true);
  });

  it('reports syntax errors with line and column', () => {
    const cases: Array<[string, RegExp]> = [
      ['SELECT ?x WHERE {\n  ?x ?y\n}', /line 3, column 1: unexpected "\}"/],
      ['ASK { ?s ?p ?o ', /line 1, column 16: unexpected end of query/],
      ['SELECT ?x WHERE {\n  ?x a foo:Bar }', /line 2, column 8: Unknown prefix: foo/],
      ['SELEC ?x WHERE { ?x ?p ?o }', /line 1, column 1: /],
    ];
    for (const [q, re] of cases) {
      let error: unknown;
      try {
        parseSparql(q);
      } catch (e) {
        error = e;
      }
      expect(error, q).toBeInstanceOf(InputError);
      expect((error as Error).message, q).toMatch(re);
    }
    expect(() => parseSparql('SELECT ?x WHERE {\n  ?x ?y\n}')).toThrow(/\n {2}3 \| \}\n {4}\| \^/);
  });
});

describe('provml sparql (the CLI)', () => {
  it('prints SELECT rows as a table and CSV from an endpoint', async () => {
    const [table, csv, json] = await Promise.all([
      provml(SELECT, '--endpoint', server.queryUrl),
      provml(SELECT, '--endpoint', server.queryUrl, '--format', 'csv'),
      provml('SELECT ?v WHERE { <urn:ex:odd> <urn:ex:v> ?v }', '--endpoint', server.queryUrl, '--format', 'json'),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('urn:ex:run1');
    expect(table.stdout).toContain('completed');
    expect(csv.stdout).toBe('run,label,status\nurn:ex:run1,plain,completed\nurn:ex:run2,"a, ""quoted""\nsecond line",\n');
    expect(json.code).toBe(0); // over HTTP too: NaN and INF arrive and leave as strings
    expect((JSON.parse(json.stdout) as ResultsJson).results.bindings.map((b) => b.v!.value).sort()).toEqual(['-INF', '123456789012345678901234567890', 'INF', 'NaN', 'chat']);
  });

  it('reads --file, answers ASK and CONSTRUCT, and reads --data files', async () => {
    const file = join(dir, 'q.rq');
    await writeFile(file, 'ASK {\n  <urn:ex:run1> provml:status "completed"\n}\n');
    const data = join(dir, 'data.ttl');
    await writeFile(data, DATA);
    const [ask, c, stdin] = await Promise.all([
      provml('--file', file, '--endpoint', server.queryUrl),
      provml('CONSTRUCT { ?r provml:status ?s } WHERE { ?r provml:status ?s }', '--data', data),
      runCli(['sparql', '--file', '-', '--data', data], { stdin: 'ASK { <urn:ex:run2> ?p ?o }' }),
    ]);
    expect(ask).toMatchObject({ code: 0, stdout: 'true\n' });
    expect(stdin).toMatchObject({ code: 0, stdout: 'true\n' });
    expect(c.code).toBe(0);
    expect(c.stdout).toBe('<urn:ex:run1> <https://w3id.org/prov-ml#status> "completed" .\n');
  });

  it('exits 2 for an update without --update, and applies it with --update', async () => {
    const insert = 'INSERT DATA { GRAPH <urn:ex:graph> { <urn:ex:cli> a provml:WorkflowExecution } }';
    const refused = await provml(insert, '--endpoint', server.queryUrl);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('this is a SPARQL Update: it changes the store, so it runs only with --update');
    expect(await store.ask('ASK { <urn:ex:cli> ?p ?o }')).toBe(false);
    const applied = await provml(insert, '--endpoint', server.queryUrl, '--update');
    expect(applied.code).toBe(0);
    expect(await store.ask('ASK { <urn:ex:cli> ?p ?o }')).toBe(true);
    const onFiles = await provml(insert, '--data', join(root, 'test/fixtures/training-run.ttl'), '--update');
    expect(onFiles.code).toBe(2);
    expect(onFiles.stderr).toContain('in-memory copy');
  });

  it('exits 2 on a syntax error (line and column, before opening the source), without a query, on an unreachable endpoint', async () => {
    const [r, none, both, unreachable] = await Promise.all([
      provml('SELECT ?x WHERE {\n  ?x ?y\n}', '--endpoint', 'http://127.0.0.1:9/unreachable'),
      provml('--endpoint', server.queryUrl),
      provml('ASK {}', '--file', join(dir, 'q.rq'), '--endpoint', server.queryUrl),
      provml('ASK { ?s ?p ?o }', '--endpoint', 'http://127.0.0.1:9/unreachable'),
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach SPARQL endpoint');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provml: SPARQL syntax error at line 3, column 1: unexpected "\}"/);
    expect(none.code).toBe(2); // no query at all: says so, not "…not both"
    expect(none.stderr).toBe('provml: no query: give it as an argument (provml sparql "SELECT …") or with --file FILE (--file - reads stdin)\n');
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('provml: give the query as an argument or with --file, not both\n');
  });
});
