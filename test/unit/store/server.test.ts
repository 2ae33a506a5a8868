import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../../src/cli/serve-command.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { negotiateRdf, queryForm } from '../../../src/store/server-format.js';
import { openStoreDir } from '../../../src/store/server-persist.js';
import { startSparqlServer, type SparqlServer, type SparqlServerRequestInfo } from '../../../src/store/server.js';

const NT = 'application/n-triples';

async function http(url: string, init: RequestInit & { body?: string } = {}): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('server-format', () => {
  it('reads the query form after comments, PREFIX and BASE (IRIs may hold #)', () => {
    expect(queryForm('PREFIX ex: <http://ex.org/#>\n# a comment\n  BASE <http://b/>\nselect * { ?s ?p ?o }')).toBe('SELECT');
    expect(queryForm('construct where { ?s ?p ?o }')).toBe('CONSTRUCT');
    expect(queryForm('ASK{}')).toBe('ASK');
    expect(queryForm('INSERT DATA { <urn:a> <urn:b> <urn:c> }')).toBeUndefined();
    expect(queryForm('')).toBeUndefined();
  });

  it('negotiates RDF syntaxes by Accept with q-values', () => {
    expect(negotiateRdf(undefined).n3Format).toBe('N-Triples');
    expect(negotiateRdf('text/turtle;q=0.9, application/n-triples;q=0.5').n3Format).toBe('Turtle');
    expect(negotiateRdf('application/n-quads').n3Format).toBe('N-Triples'); // not offered for triples
    expect(negotiateRdf('application/n-quads', true).n3Format).toBe('N-Quads');
    expect(negotiateRdf('text/*').n3Format).toBe('Turtle');
  });
});

describe('startSparqlServer', () => {
  const store = EmbeddedStore.create();
  const log: SparqlServerRequestInfo[] = [];
  let server: SparqlServer;
  let client: HttpSparqlEndpoint;

  beforeAll(async () => {
    server = await startSparqlServer({ store, onRequest: (r) => log.push(r), maxBodyBytes: 4096 });
    client = new HttpSparqlEndpoint({ url: server.queryUrl });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('binds loopback and names its endpoints', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.queryUrl).toBe(`${server.url}sparql`);
    expect(server.updateUrl).toBe(`${server.url}sparql`);
    expect(server.gspUrl).toBe(`${server.url}data`);
  });

  it('adds N-Triples, Turtle and N-Quads through the Graph Store protocol (201 new graph, 204 existing)', async () => {
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'POST', headers: { 'content-type': NT }, body: '<urn:a> <urn:p> "x" .\n' })).status).toBe(201);
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'POST', headers: { 'content-type': 'text/turtle' }, body: '<urn:b> <urn:p> 2 .' })).status).toBe(204);
    const nq = '<urn:c> <urn:p> "q" <urn:g2> .\n<urn:d> <urn:p> "t" .\n';
    expect((await http(`${server.gspUrl}?graph=urn:g3`, { method: 'POST', headers: { 'content-type': 'application/n-quads' }, body: nq })).status).toBe(201);
    const got = await http(`${server.gspUrl}?graph=urn:g1`);
    expect(got.type).toContain(NT);
    expect(got.text.trim().split('\n').sort()).toEqual(['<urn:a> <urn:p> "x" .', '<urn:b> <urn:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .']);
    expect(await client.ask('ASK { GRAPH <urn:g2> { <urn:c> ?p "q" } GRAPH <urn:g3> { <urn:d> ?p "t" } }')).toBe(true);
  });

  it('answers queries by GET, form POST and application/sparql-query POST', async () => {
    const q = 'SELECT ?o WHERE { GRAPH <urn:g1> { <urn:a> ?p ?o } }';
    const get = await http(`${server.queryUrl}?query=${encodeURIComponent(q)}`);
    expect(get.type).toContain('application/sparql-results+json');
    expect(JSON.parse(get.text)).toEqual({ head: { vars: ['o'] }, results: { bindings: [{ o: { type: 'literal', value: 'x' } }] } });
    const form = await http(server.queryUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: q }).toString() });
    expect(form.text).toBe(get.text);
    const direct = await http(server.queryUrl, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: 'ASK { ?s ?p "x" }' });
    expect(JSON.parse(direct.text)).toEqual({ head: {}, boolean: true });
    const ttl = await http(`${server.queryUrl}?query=${encodeURIComponent('CONSTRUCT WHERE { ?s <urn:p> "x" }')}`, { headers: { accept: 'text/turtle' } });
    expect(ttl.type).toContain('text/turtle');
    expect(ttl.text).toContain('<urn:a>');
  });

  it('honours default-graph-uri / named-graph-uri', async () => {
    const rows = await new HttpSparqlEndpoint({ url: server.queryUrl, defaultGraphUri: 'urn:g2' }).select('SELECT ?s WHERE { ?s ?p ?o }');
    expect(rows.map((r) => r.s!.value)).toEqual(['urn:c']);
  });

  it('applies updates sent as application/sparql-update and as form update=', async () => {
    await client.update('INSERT DATA { GRAPH <urn:u> { <urn:u1> <urn:p> 1 } }');
    const form = await http(server.updateUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'update=' + encodeURIComponent('DELETE DATA { GRAPH <urn:u> { <urn:u1> <urn:p> 1 } }') });
    expect(form.status).toBe(204);
    expect(await client.ask('ASK { GRAPH <urn:u> { ?s ?p ?o } }')).toBe(false);
    await client.insertQuads('<urn:i> <urn:p> "via insertQuads" <urn:u> .\n');
    expect(await client.ask('ASK { GRAPH <urn:u> { <urn:i> ?p ?o } }')).toBe(true);
  });

  it('replaces with PUT and deletes with DELETE (404 for unknown graphs)', async () => {
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'PUT', headers: { 'content-type': NT }, body: '<urn:z> <urn:p> "new" .\n' })).status).toBe(204);
    expect((await http(`${server.gspUrl}?graph=urn:g1`)).text).toBe('<urn:z> <urn:p> "new" .\n');
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'PUT', headers: { 'content-type': NT }, body: '<urn:broken' })).status).toBe(400);
    expect((await http(`${server.gspUrl}?graph=urn:g1`)).text).toBe('<urn:z> <urn:p> "new" .\n'); // a bad PUT changes nothing
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'DELETE' })).status).toBe(204);
    expect((await http(`${server.gspUrl}?graph=urn:g1`)).status).toBe(404);
    expect((await http(`${server.gspUrl}?graph=urn:g1`, { method: 'DELETE' })).status).toBe(404);
  });

  it('answers bad input with 4xx plain-text messages and keeps serving', async () => {
    const cases: [string, RequestInit & { body?: string }, number][] = [
      [`${server.queryUrl}?query=${encodeURIComponent('SELEC nonsense')}`, {}, 400],
      [`${server.queryUrl}?query=${encodeURIComponent('INSERT DATA { <urn:a> <urn:b> <urn:c> }')}`, {}, 400],
      [`${server.queryUrl}?update=x`, {}, 405],
      [server.updateUrl, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'DROP nonsense' }, 400],
      [server.updateUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 415],
      [server.updateUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=a&update=b' }, 400],
      [`${server.gspUrl}?graph=urn:x`, { method: 'POST', headers: { 'content-type': NT }, body: '<urn:a> <urn:b> .' }, 400],
      [`${server.gspUrl}?graph=urn:x`, { method: 'POST', headers: { 'content-type': 'text/turtle' }, body: '@prefix : <' }, 400],
      [`${server.gspUrl}?graph=urn:x`, { method: 'POST', headers: { 'content-type': 'application/rdf+xml' }, body: '<rdf/>' }, 415],
      [`${server.gspUrl}?graph=${encodeURIComponent('urn:x> } ; DROP ALL #')}`, {}, 400],
      [`${server.gspUrl}?graph=urn:a&default`, {}, 400],
      [`${server.gspUrl}?graph=urn:x`, { method: 'PATCH', body: '' }, 405],
      [`${server.gspUrl}?graph=urn:x`, { method: 'POST', headers: { 'content-type': NT }, body: `<urn:a> <urn:b> "${'x'.repeat(5000)}" .` }, 413],
      [`${server.url}nowhere`, {}, 404],
    ];
    for (const [url, init, status] of cases) {
      const res = await http(url, init);
      expect([url, res.status]).toEqual([url, status]);
      expect(res.type).toContain('text/plain');
      expect(res.text.length).toBeGreaterThan(3);
    }
    expect(await client.ask('ASK { ?s ?p ?o }')).toBe(true);
    expect(log.some((r) => r.status === 413 && r.operation === 'graph-store')).toBe(true);
  });

  it('refuses DNS-rebinding Host headers and cross-origin browser requests', async () => {
    const { port } = new URL(server.url);
    const raw = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/sparql?query=ASK%7B%7D', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await raw({ host: 'evil.example' })).toBe(403);
    expect(await raw({ host: `localhost:${port}`, origin: 'https://evil.example' })).toBe(403);
    expect(await raw({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
  });

  it('serves and writes the default graph with ?default', async () => {
    expect((await http(`${server.gspUrl}?default`, { method: 'POST', headers: { 'content-type': NT }, body: '<urn:dflt> <urn:p> "d" .\n' })).status).toBe(204);
    expect((await http(`${server.gspUrl}?default`)).text).toContain('<urn:dflt> <urn:p> "d" .');
  });
});

describe('provml serve store directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-serve-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('journals every change, replays it after a crash, and compacts on stop', async () => {
    const crashDir = join(dir, 'crashed');
    const a = await openStoreDir({ dir: crashDir, fsync: false });
    const server = await startSparqlServer({ store: a.store, onWrite: a.onWrite });
    const client = new HttpSparqlEndpoint({ url: server.queryUrl, gsp: { url: server.gspUrl, style: 'standard' } });
    await client.insertQuads('<urn:a> <urn:p> "1" <urn:g> .\n<urn:b> <urn:p> "2" <urn:g> .\n');
    await client.update('DELETE DATA { GRAPH <urn:g> { <urn:b> <urn:p> "2" } }');
    await client.close();
    await server.close();
    // A crash: the directory as the process left it (journal only, plus a torn last block) is
    // copied to `dir`; the journal alone must carry the changes.
    const crashed = `${await readFile(join(crashDir, 'journal.nq'), 'utf8')}# provml-serve insert graph=<urn:g> bytes=999\n<urn:torn>`;
    expect(await readdir(crashDir)).not.toContain('store.nq');
    await writeFile(join(dir, 'journal.nq'), crashed);
    await a.close();
    const warnings: string[] = [];
    const b = await openStoreDir({ dir, onWarning: (m) => warnings.push(m) });
    expect(b.replayed).toBe(2);
    expect(warnings.join()).toMatch(/torn/);
    expect((await b.store.select('SELECT ?s WHERE { GRAPH <urn:g> { ?s ?p ?o } }')).map((r) => r.s!.value)).toEqual(['urn:a']);
    expect((await readdir(dir)).sort()).toEqual(['crashed', 'serve.lock', 'store.nq']); // replay compacted at once
    await expect(openStoreDir({ dir })).rejects.toThrow(/already served by process/);
    await b.close();
    expect((await readdir(dir)).sort()).toEqual(['crashed', 'store.nq']);
    expect(await readFile(join(dir, 'store.nq'), 'utf8')).toMatch(/^# provml-serve dump includes=\S+\n<urn:a> <urn:p> "1" <urn:g> \.\n$/);
  });

  it('never replays a journal the dump already contains', async () => {
    const c = await openStoreDir({ dir });
    c.onWrite({ kind: 'update', update: 'INSERT DATA { GRAPH <urn:g> { <urn:n> <urn:p> 1 } }' });
    await c.store.update('INSERT DATA { GRAPH <urn:g> { <urn:n> <urn:p> 1 } }');
    const journal = await readFile(join(dir, 'journal.nq'), 'utf8');
    await c.close(); // dump includes the journal's id …
    await writeFile(join(dir, 'journal.nq'), journal); // … as if the process died before removing it
    const d = await openStoreDir({ dir });
    expect(d.replayed).toBe(0);
    expect(d.store.size).toBe(2);
    await d.close();
  });

  it('`provml serve` runs until SIGTERM, then saves store.nq', async () => {
    const data = join(dir, 'cli');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--data', data, '--port', '0', '--update'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    while (!/graph store/.test(out)) {
      if (child.exitCode !== null) throw new Error(`provml serve exited: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const queryUrl = /(http:\S+\/sparql)/.exec(out)![1]!;
    const client = new HttpSparqlEndpoint({ url: queryUrl });
    await client.update('INSERT DATA { GRAPH <urn:cli> { <urn:s> <urn:p> "o" } }');
    await client.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM, saving/);
    expect(await readFile(join(data, 'store.nq'), 'utf8')).toContain('<urn:s> <urn:p> "o" <urn:cli> .');
    expect((await readdir(data)).sort()).toEqual(['store.nq']);
  }, 30_000);

  it('serve() shares one store between clients and persists it', async () => {
    const data = join(dir, 'api');
    const s = await serve({ data, port: 0, update: true, log: () => {} });
    const one = new HttpSparqlEndpoint({ url: s.queryUrl, gsp: { url: s.gspUrl, style: 'standard' } });
    const two = new HttpSparqlEndpoint({ url: s.queryUrl });
    await one.insertQuads('<urn:x> <urn:p> "from one" <urn:shared> .\n');
    expect((await two.select('SELECT ?o WHERE { ?s ?p ?o }')).map((r) => r.o!.value)).toEqual(['from one']);
    await Promise.all([one.close(), two.close()]);
    await s.stop();
    const reopened = await EmbeddedStore.open({ path: join(data, 'store.nq'), persistOnClose: false });
    expect(reopened.size).toBe(1);
  });

  it('serve() is read-only unless asked: updates and Graph Store writes get 403, queries still answer', async () => {
    const data = join(dir, 'readonly');
    const seed = await serve({ data, port: 0, update: true, log: () => {} });
    const writer = new HttpSparqlEndpoint({ url: seed.queryUrl });
    await writer.update('INSERT DATA { GRAPH <urn:kept> { <urn:s> <urn:p> "kept" } }');
    await writer.close();
    await seed.stop();

    const lines: string[] = [];
    const s = await serve({ data, port: 0, log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toMatch(/read-only/);
      expect(lines.join('\n')).toContain('--update');
      const refusals = [
        await http(s.updateUrl, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'DROP ALL' }),
        await http(s.updateUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'update=DROP%20ALL' }),
        await http(`${s.gspUrl}?graph=urn:kept`, { method: 'POST', headers: { 'content-type': NT }, body: '<urn:x> <urn:p> "new" .\n' }),
        await http(`${s.gspUrl}?graph=urn:kept`, { method: 'PUT', headers: { 'content-type': NT }, body: '<urn:x> <urn:p> "new" .\n' }),
        await http(`${s.gspUrl}?graph=urn:kept`, { method: 'DELETE' }),
        await http(`${s.gspUrl}?default`, { method: 'DELETE' }),
      ];
      for (const r of refusals) {
        expect(r.status).toBe(403);
        expect(r.text).toMatch(/^read-only endpoint: (SPARQL Update|Graph Store (POST|PUT|DELETE)) refused \(start provml serve with --update to accept writes\)/);
      }
      const client = new HttpSparqlEndpoint({ url: s.queryUrl, gsp: { url: s.gspUrl, style: 'standard' } });
      await expect(client.update('DROP ALL')).rejects.toThrow(/HTTP 403/);
      await expect(client.insertQuads('<urn:y> <urn:p> "z" <urn:g> .\n')).rejects.toThrow(/HTTP 403/);
      expect((await client.select('SELECT ?o WHERE { ?s ?p ?o }')).map((r) => r.o!.value)).toEqual(['kept']);
      expect(await client.ask('ASK { <urn:s> ?p ?o }')).toBe(true);
      await client.close();
      expect((await http(`${s.gspUrl}?graph=urn:kept`)).text).toContain('"kept"');
      expect((await http(s.url)).text).toContain('read-only');
    } finally {
      await s.stop();
    }
    const reopened = await EmbeddedStore.open({ path: join(data, 'store.nq'), persistOnClose: false });
    expect(reopened.size).toBe(1);
  });
});
