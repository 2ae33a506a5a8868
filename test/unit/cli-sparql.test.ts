import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/cli/load.js';
import { parseSparql, runSparql } from '../../src/cli/sparql-command.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

const DATA = `
<urn:ex:run1> a <https://w3id.org/prov-ml#WorkflowExecution> ;
  <https://w3id.org/prov-ml#status> "completed" ;
  <http://www.w3.org/2000/01/rdf-schema#label> "plain" ;
  <https://w3id.org/prov-ml#durationMs> 1.5 .
<urn:ex:run2> a <https://w3id.org/prov-ml#WorkflowExecution> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "a, \\"quoted\\"\\nsecond line" .
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

/** The real CLI entry, as `provml …` would run it. */
async function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'PROVML_ENDPOINT', 'PROVML_AUTH']) delete env[name];
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'sparql', ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
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

  it('SELECT as JSON (numbers as numbers, unbound left out) and as CSV with RFC 4180 quoting', async () => {
    const json = JSON.parse((await run(SELECT, 'json')).out) as Record<string, unknown>[];
    expect(json).toEqual([
      { run: 'urn:ex:run1', label: 'plain', status: 'completed' },
      { run: 'urn:ex:run2', label: 'a, "quoted"\nsecond line' },
    ]);
    expect((await run(SELECT, 'csv')).out).toBe('run,label,status\nurn:ex:run1,plain,completed\nurn:ex:run2,"a, ""quoted""\nsecond line",\n');
    expect(JSON.parse((await run('SELECT ?d WHERE { ?r provml:durationMs ?d }')).out)).toEqual([{ d: 1.5 }]);
    expect((await run('SELECT ?x WHERE { ?x a provml:Nothing }', 'csv')).out).toBe('x\n');
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
    const [table, csv] = await Promise.all([provml(SELECT, '--endpoint', server.queryUrl), provml(SELECT, '--endpoint', server.queryUrl, '--format', 'csv')]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('urn:ex:run1');
    expect(table.stdout).toContain('completed');
    expect(csv.stdout).toBe('run,label,status\nurn:ex:run1,plain,completed\nurn:ex:run2,"a, ""quoted""\nsecond line",\n');
  });

  it('reads --file, answers ASK and CONSTRUCT, and reads --data files', async () => {
    const file = join(dir, 'q.rq');
    await writeFile(file, 'ASK {\n  <urn:ex:run1> provml:status "completed"\n}\n');
    const data = join(dir, 'data.ttl');
    await writeFile(data, DATA);
    const [ask, c] = await Promise.all([
      provml('--file', file, '--endpoint', server.queryUrl),
      provml('CONSTRUCT { ?r provml:status ?s } WHERE { ?r provml:status ?s }', '--data', data),
    ]);
    expect(ask).toMatchObject({ code: 0, stdout: 'true\n' });
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
    const [r, none, unreachable] = await Promise.all([
      provml('SELECT ?x WHERE {\n  ?x ?y\n}', '--endpoint', 'http://127.0.0.1:9/unreachable'),
      provml('--endpoint', server.queryUrl),
      provml('ASK { ?s ?p ?o }', '--endpoint', 'http://127.0.0.1:9/unreachable'),
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach SPARQL endpoint');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provml: SPARQL syntax error at line 3, column 1: unexpected "\}"/);
    expect(none.code).toBe(2); // no query at all
    expect(none.stderr).toContain('give the query as an argument or with --file');
  });
});
