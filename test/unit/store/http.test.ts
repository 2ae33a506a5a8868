import { createServer as createNetServer } from 'node:net';
import type { Literal } from '@rdfjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint, SparqlHttpError, parseAuth, redactUrl } from '../../../src/store/index.js';
import { startSparqlServer, type LoopbackServer } from './sparql-server.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DATA = `
<urn:x:run> <urn:p:epochs> "12"^^<${XSD}integer> <urn:g:1> .
<urn:x:run> <urn:p:loss> "0.25"^^<${XSD}double> <urn:g:1> .
<urn:x:run> <urn:p:label> "Lauf"@de <urn:g:1> .
<urn:x:run> <urn:p:name> "plain" <urn:g:1> .
<urn:x:run> <urn:p:used> <urn:x:data> <urn:g:2> .
`;

let store: EmbeddedStore;
let server: LoopbackServer;
let virtuosoLike: LoopbackServer;

beforeAll(async () => {
  store = EmbeddedStore.create();
  store.loadNQuads(DATA);
  server = await startSparqlServer(store);
  virtuosoLike = await startSparqlServer(store, { typedLiteral: true });
});

afterAll(async () => {
  await server.close();
  await virtuosoLike.close();
});

/** A port nobody listens on: bind, read the port, close. */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('HttpSparqlEndpoint', () => {
  it('SELECT round-trips IRIs, typed literals, language tags and plain strings (GET)', async () => {
    for (const srv of [server, virtuosoLike]) {
      const ep = new HttpSparqlEndpoint({ url: srv.url });
      const rows = await ep.select('SELECT ?p ?o WHERE { <urn:x:run> ?p ?o } ORDER BY ?p');
      const byP = Object.fromEntries(rows.map((r) => [r.p!.value, r.o!]));
      expect(byP['urn:p:used']).toMatchObject({ termType: 'NamedNode', value: 'urn:x:data' });
      const epochs = byP['urn:p:epochs'] as Literal;
      expect([epochs.termType, epochs.value, epochs.datatype.value]).toEqual(['Literal', '12', `${XSD}integer`]);
      expect((byP['urn:p:loss'] as Literal).datatype.value).toBe(`${XSD}double`);
      expect((byP['urn:p:label'] as Literal).language).toBe('de');
      expect((byP['urn:p:name'] as Literal).datatype.value).toBe(`${XSD}string`);
      expect(srv.requests.at(-1)!.method).toBe('GET');
      expect(srv.requests.at(-1)!.headers.accept).toBe('application/sparql-results+json');
      await ep.close();
    }
  });

  it('sends long queries as form-encoded POST, never application/sparql-query', async () => {
    const ep = new HttpSparqlEndpoint({ url: server.url, maxGetUrlLength: 100 });
    const padding = `# ${'x'.repeat(300)}\n`;
    const rows = await ep.select(`${padding}SELECT ?o WHERE { <urn:x:run> <urn:p:name> ?o }`);
    expect(rows.map((r) => r.o!.value)).toEqual(['plain']);
    const req = server.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    await ep.close();
  });

  it('CONSTRUCT parses N-Triples into RDF/JS quads; ASK answers booleans', async () => {
    const ep = new HttpSparqlEndpoint({ url: server.url });
    const quads = await ep.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <urn:g:1> { ?s ?p ?o } }');
    expect(quads).toHaveLength(4);
    expect(quads.find((q) => q.predicate.value === 'urn:p:label')!.object).toMatchObject({ value: 'Lauf', language: 'de' });
    expect(server.requests.at(-1)!.headers.accept).toContain('application/n-triples');
    expect(await ep.ask('ASK { <urn:x:run> <urn:p:used> <urn:x:data> }')).toBe(true);
    expect(await ep.ask('ASK { <urn:x:run> <urn:p:used> <urn:x:nothing> }')).toBe(false);
    await expect(ep.select('ASK { ?s ?p ?o }')).rejects.toThrow(TypeError);
    await ep.close();
  });

  it('a 400 carries the status and the server message', async () => {
    const ep = new HttpSparqlEndpoint({ url: server.url });
    const err = (await ep.select('SELECT WHERE nonsense').catch((e: unknown) => e)) as SparqlHttpError;
    expect(err).toBeInstanceOf(SparqlHttpError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('status');
    expect(err.serverMessage).toMatch(/^Query parse error/);
    expect(err.message).toContain(`${server.url} answered HTTP 400: Query parse error`);
    await ep.close();
  });

  it('a refused connection is a clear error naming the endpoint', async () => {
    const port = await freePort();
    const ep = new HttpSparqlEndpoint({ url: `http://127.0.0.1:${port}/sparql`, timeoutMs: 5000 });
    const err = (await ep.ask('ASK {}').catch((e: unknown) => e)) as SparqlHttpError;
    expect(err.code).toBe('connection');
    expect(err.message).toContain(`cannot reach SPARQL endpoint http://127.0.0.1:${port}/sparql`);
    expect(err.message).toContain('ECONNREFUSED');
    await ep.close();
  });

  it('a server that never answers fails within the configured timeout', async () => {
    const ep = new HttpSparqlEndpoint({ url: `${server.origin}/hang`, timeoutMs: 300 });
    const started = performance.now();
    const err = (await ep.select('SELECT * WHERE { ?s ?p ?o }').catch((e: unknown) => e)) as SparqlHttpError;
    const elapsed = performance.now() - started;
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`SPARQL endpoint ${server.origin}/hang did not answer within 300 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    await ep.close();
  });

  it('sends basic (options or URL userinfo) and bearer credentials, never showing them in errors', async () => {
    const basic = `Basic ${Buffer.from('dba:s3cr:et').toString('base64')}`;
    const guarded = await startSparqlServer(store, { authorization: basic });
    try {
      const fromUrl = new HttpSparqlEndpoint({ url: guarded.url.replace('//', '//dba:s3cr%3Aet@') });
      expect(fromUrl.url).toBe(guarded.url);
      expect(await fromUrl.ask('ASK { ?s ?p ?o }')).toBe(true);
      expect(guarded.requests.at(-1)!.headers.authorization).toBe(basic);
      const fromOptions = new HttpSparqlEndpoint({ url: guarded.url, auth: { type: 'basic', user: 'dba', password: 's3cr:et' } });
      expect(await fromOptions.ask('ASK { ?s ?p ?o }')).toBe(true);

      const bearer = new HttpSparqlEndpoint({ url: guarded.url, auth: { type: 'bearer', token: 'tok-123' } });
      const err = (await bearer.ask('ASK { ?s ?p ?o }').catch((e: unknown) => e)) as SparqlHttpError;
      expect(guarded.requests.at(-1)!.headers.authorization).toBe('Bearer tok-123');
      expect(err.status).toBe(401);
      expect(err.message).not.toContain('tok-123');

      const port = await freePort();
      const refused = new HttpSparqlEndpoint({ url: `http://dba:s3cret@127.0.0.1:${port}/sparql` });
      const hang = new HttpSparqlEndpoint({ url: `http://dba:s3cret@${guarded.origin.slice(7)}/hang`, timeoutMs: 200 });
      for (const e of [await refused.ask('ASK {}').catch((x: unknown) => x), await hang.ask('ASK {}').catch((x: unknown) => x)]) {
        expect(String((e as Error).message)).not.toMatch(/s3cret|dba/);
        expect(JSON.stringify(e)).not.toMatch(/s3cret/);
      }
      await Promise.all([fromUrl, fromOptions, bearer, refused, hang].map((e) => e.close()));
    } finally {
      await guarded.close();
    }
  });

  it('fromEnv reads PROVML_ENDPOINT and PROVML_AUTH; writes go out with the credentials', async () => {
    expect(HttpSparqlEndpoint.fromEnv({})).toBeUndefined();
    const ep = HttpSparqlEndpoint.fromEnv({ PROVML_ENDPOINT: server.url, PROVML_AUTH: 'bearer:abc' })!;
    await ep.ask('ASK {}');
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer abc');
    await ep.update('INSERT DATA {}');
    expect(server.requests.at(-1)!).toMatchObject({ kind: 'update', headers: { authorization: 'Bearer abc' } });
    await ep.insertQuads([]); // nothing to send
    await ep.close();
    await ep.close();
    await expect(ep.ask('ASK {}')).rejects.toThrow(/closed/);
    expect(parseAuth('basic:u:p:q')).toEqual({ type: 'basic', user: 'u', password: 'p:q' });
    expect(() => parseAuth('basic:onlyuser')).toThrow(/PROVML_AUTH must be/);
    expect(() => parseAuth('weird:secret')).not.toThrow(/secret/);
    expect(redactUrl('https://u:p@h.example/q?x=1')).toBe('https://h.example/q?x=1');
    expect(() => new HttpSparqlEndpoint({ url: 'ftp://h/sparql' })).toThrow(/must be http/);
  });
});
