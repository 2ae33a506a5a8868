import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import {
  HttpSparqlEndpoint,
  SparqlHttpError,
  groupTriplesByGraph,
  insertDataRequests,
  parseAuth,
  parseDigestChallenge,
  parseRetryAfter,
} from '../../../src/store/index.js';
import { track } from '../../../src/capture/api.js';
import { ProvML } from '../../../src/tracker.js';
import { EndpointSink } from '../../../src/transport/sinks/endpoint.js';
import { createQuadBatch } from '../../../src/transport/sink.js';
import { startSparqlServer, type LoopbackServer } from './sparql-server.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** N-Quads with tricky literals, spread over `graphs` named graphs (plus default-graph lines when asked). */
function nquads(n: number, graphs = 3, withDefault = false): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const o =
      i % 4 === 0
        ? `"${i}"^^<${XSD}integer>`
        : i % 4 === 1
          ? `"line\\nbreak \\"quoted\\" \\\\ é ${i}"`
          : i % 4 === 2
            ? `"Lauf ${i}"@de`
            : `<urn:x:o${i}>`;
    const g = withDefault && i % 5 === 0 ? '' : ` <urn:g:${i % graphs}>`;
    out += `<urn:x:s${i}> <urn:p:v> ${o}${g} .\n`;
  }
  return out;
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(options: Parameters<typeof startSparqlServer>[1] = {}) {
  const store = EmbeddedStore.create();
  const server = await startSparqlServer({ store, ...options });
  cleanup.push(() => server.close());
  return { store, server };
}

function endpoint(o: ConstructorParameters<typeof HttpSparqlEndpoint>[0]): HttpSparqlEndpoint {
  const ep = new HttpSparqlEndpoint({ timeoutMs: 5000, ...o });
  cleanup.push(() => ep.close());
  return ep;
}

describe('HttpSparqlEndpoint writes', () => {
  it('Update, standard GSP and Virtuoso GSP land exactly the same quads', async () => {
    const data = nquads(2500, 4, true);
    const reference = EmbeddedStore.create();
    reference.loadNQuads(data, 'urn:g:fallback');
    const dumps: string[] = [];
    for (const mode of ['update', 'standard', 'virtuoso'] as const) {
      const { store, server } = await setup();
      const gsp = mode === 'update' ? false : { url: mode === 'standard' ? server.gspUrl : server.virtuosoGspUrl, style: mode };
      const ep = endpoint({ url: server.url, gsp });
      await ep.insertQuads(data, 'urn:g:fallback');
      expect(store.size).toBe(reference.size);
      dumps.push(store.dump().split('\n').sort().join('\n'));
      if (mode === 'update') {
        expect(server.count('gsp')).toBe(0);
        expect(server.count('update')).toBe(3); // 2500 triples, ≤ 1000 each
      } else {
        expect(server.count('gsp')).toBe(5); // one per graph
        expect(server.count('update')).toBe(0);
        for (const r of server.requests) expect(r.headers['content-type']).toBe('application/n-triples');
        const param = mode === 'standard' ? 'graph=' : 'graph-uri=';
        expect(server.requests.every((r) => r.url.includes(param))).toBe(true);
      }
    }
    expect(dumps[1]).toBe(dumps[0]);
    expect(dumps[2]).toBe(dumps[0]);
    expect(dumps[0]).toBe(reference.dump().split('\n').sort().join('\n'));
  });

  it('RDF/JS quads and N-Quads text insert the same triples', async () => {
    const data = nquads(300, 2);
    const { store: a, server: sa } = await setup();
    const { store: b, server: sb } = await setup();
    await endpoint({ url: sa.url }).insertQuads(data);
    await endpoint({ url: sb.url, gsp: { url: sb.gspUrl, style: 'standard' } }).insertQuads(createQuadBatch({ seq: 1, events: 1, nquads: data }).quads);
    expect(b.dump().split('\n').sort()).toEqual(a.dump().split('\n').sort());
    expect(a.size).toBe(300);
  });

  it('splits a 3,500-triple insert without GSP into ≥ 4 updates of ≤ maxTriplesPerUpdate', async () => {
    const { store, server } = await setup();
    await endpoint({ url: server.url }).insertQuads(nquads(3500, 1));
    expect(server.count('update')).toBeGreaterThanOrEqual(4);
    for (const r of server.requests) expect(r.headers['content-type']).toBe('application/sparql-update');
    expect(store.size).toBe(3500);
    const { server: s2 } = await setup();
    await endpoint({ url: s2.url, maxTriplesPerUpdate: 100 }).insertQuads(nquads(1000, 3));
    expect(s2.count('update')).toBe(10);
  });

  it('chunks GSP posts at 10,000 triples', async () => {
    const { store, server } = await setup();
    await endpoint({ url: server.url, gsp: { url: server.virtuosoGspUrl, style: 'virtuoso' } }).insertQuads(nquads(25_000, 1));
    expect(server.count('gsp')).toBe(3);
    expect(store.size).toBe(25_000);
  });

  it('update() posts application/sparql-update to updateUrl', async () => {
    const { store, server } = await setup();
    const ep = endpoint({ url: `${server.origin}/query-only`, updateUrl: `${server.origin}/update` });
    await ep.update('INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> "x" } }');
    expect(store.size).toBe(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/update', kind: 'update' });
  });

  it('groups N-Quads text without parsing, and falls back to the parser for odd input', () => {
    const g = groupTriplesByGraph('<urn:s> <urn:p> "a > b" <urn:g> .\n<urn:s> <urn:p> "1"^^<urn:dt> .\n', 'urn:dflt');
    expect([...g.entries()]).toEqual([
      ['urn:g', ['<urn:s> <urn:p> "a > b" .\n']],
      ['urn:dflt', ['<urn:s> <urn:p> "1"^^<urn:dt> .\n']],
    ]);
    const odd = groupTriplesByGraph('<urn:s>   <urn:p>\t<urn:o>  <urn:g>.');
    expect(odd.get('urn:g')).toHaveLength(1);
    expect(insertDataRequests(new Map([['urn:g', ['<urn:s> <urn:p> <urn:o> .\n']]]), 10)).toEqual([
      'INSERT DATA {\nGRAPH <urn:g> {\n<urn:s> <urn:p> <urn:o> .\n}\n}',
    ]);
  });

  it('writes raw control characters in literals as \\u escapes (Virtuoso drops literals holding some raw)', async () => {
    const { DataFactory } = await import('n3');
    const value = 'x\u0001\u001a\u001f\ty';
    const q = DataFactory.quad(DataFactory.namedNode('urn:s'), DataFactory.namedNode('urn:p'), DataFactory.literal(value));
    const [line] = groupTriplesByGraph([q], 'urn:g').get('urn:g')!;
    expect(line).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const fromText = groupTriplesByGraph(`<urn:s> <urn:p> "x\u0001\u001f" .\n`, 'urn:g').get('urn:g')!;
    expect(fromText).toEqual(['<urn:s> <urn:p> "x\\u0001\\u001F" .\n']);
    const store = EmbeddedStore.create();
    await store.insertQuads(line!, 'urn:g');
    const [row] = await store.select('SELECT ?o WHERE { GRAPH ?g { <urn:s> <urn:p> ?o } }');
    expect(row?.o?.value).toBe(value);
  });
});

describe('errors', () => {
  it('classifies 5xx/429 as retryable (with Retry-After), 400 as not, with the server message', async () => {
    const { server } = await setup();
    const ep = endpoint({ url: server.url });
    server.failNext(1, 503);
    server.failNext(1, 429, { headers: { 'retry-after': '2' } });
    server.failNext(1, 400, { body: 'Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error' });
    const errs: SparqlHttpError[] = [];
    for (let i = 0; i < 3; i++) errs.push(await ep.update('INSERT DATA {}').then(() => undefined as never, (e: SparqlHttpError) => e));
    expect(errs.map((e) => [e.status, e.retryable, e.retryAfterMs])).toEqual([
      [503, true, undefined],
      [429, true, 2000],
      [400, false, undefined],
    ]);
    expect(errs[2]!.serverMessage).toMatch(/SP030/);
    expect(parseRetryAfter(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });

  it('connection errors and timeouts are retryable', async () => {
    const { server } = await setup();
    server.down = true;
    const e1 = (await endpoint({ url: server.url }).update('INSERT DATA {}').catch((e: unknown) => e)) as SparqlHttpError;
    expect([e1.code, e1.retryable]).toEqual(['connection', true]);
    server.down = false;
    server.hangNext(1);
    const e2 = (await endpoint({ url: server.url, timeoutMs: 200 }).update('INSERT DATA {}').catch((e: unknown) => e)) as SparqlHttpError;
    expect([e2.code, e2.retryable]).toEqual(['timeout', true]);
  });
});

describe('auth', () => {
  it('digest: answers the challenge, caches the nonce, and writes', async () => {
    const { store, server } = await setup({ auth: { type: 'digest', user: 'dba', password: 'pa:ss"wörd' } });
    const ep = endpoint({ url: `${server.origin}/sparql-auth`, auth: { type: 'digest', user: 'dba', password: 'pa:ss"wörd' }, gsp: { url: `${server.origin}/sparql-graph-crud-auth`, style: 'virtuoso' } });
    await ep.insertQuads(nquads(50, 2));
    await ep.update('INSERT DATA { GRAPH <urn:g:x> { <urn:s> <urn:p> "x" } }');
    const [row] = await ep.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
    expect(row!.n!.value).toBe('51');
    expect(store.size).toBe(51);
    expect(server.count('unauthorized')).toBe(1); // only the very first request was challenged
    expect(server.requests.filter((r) => r.kind !== 'unauthorized').every((r) => /^Digest /.test(String(r.headers.authorization)))).toBe(true);
    expect(JSON.stringify(server.requests.map((r) => r.headers))).not.toContain('pa:ss');
  });

  it('digest with a wrong password: a non-retryable 401 without credentials in the message', async () => {
    const { server } = await setup({ auth: { type: 'digest', user: 'dba', password: 'right' } });
    const ep = endpoint({ url: server.url, auth: { type: 'digest', user: 'dba', password: 'wrong-secret' } });
    const err = (await ep.insertQuads(nquads(3)).catch((e: unknown) => e)) as SparqlHttpError;
    expect(err).toBeInstanceOf(SparqlHttpError);
    expect([err.status, err.retryable]).toEqual([401, false]);
    expect(`${err.message} ${err.stack} ${JSON.stringify(err)}`).not.toMatch(/wrong-secret/);
  });

  it('basic and bearer apply to updates and GSP posts', async () => {
    for (const auth of [{ type: 'basic', user: 'u', password: 'p4ss' }, { type: 'bearer', token: 't0ken' }] as const) {
      const { store, server } = await setup({ auth });
      await endpoint({ url: server.url, auth }).insertQuads(nquads(10));
      await endpoint({ url: server.url, auth, gsp: { url: server.gspUrl, style: 'standard' } }).insertQuads(nquads(20));
      expect(store.size).toBe(20);
      const err = (await endpoint({ url: server.url }).insertQuads(nquads(1)).catch((e: unknown) => e)) as SparqlHttpError;
      expect([err.status, err.retryable]).toEqual([401, false]);
    }
  });

  it('parses digest challenges and PROVML_AUTH', () => {
    expect(parseDigestChallenge(['Basic realm="x"', 'Digest realm="SPARQL", nonce="ab\\"c", qop="auth,auth-int", algorithm=MD5'])).toMatchObject({
      realm: 'SPARQL',
      nonce: 'ab"c',
      qop: 'auth,auth-int',
      algorithm: 'MD5',
    });
    expect(parseAuth('digest:dba:a:b')).toEqual({ type: 'digest', user: 'dba', password: 'a:b' });
    expect(() => parseAuth('digest:only')).toThrow(/PROVML_AUTH/);
  });

  it('fromEnv reads update, GSP, auth and timeout settings', async () => {
    const ep = HttpSparqlEndpoint.fromEnv({
      PROVML_ENDPOINT: 'http://127.0.0.1:1/sparql',
      PROVML_UPDATE_ENDPOINT: 'http://127.0.0.1:1/update',
      PROVML_GSP_ENDPOINT: 'http://127.0.0.1:1/sparql-graph-crud-auth',
      PROVML_AUTH: 'digest:dba:dba',
      PROVML_TIMEOUT_MS: '1234',
    })!;
    cleanup.push(() => ep.close());
    expect([ep.url, ep.updateUrl, ep.gsp]).toEqual([
      'http://127.0.0.1:1/sparql',
      'http://127.0.0.1:1/update',
      { url: 'http://127.0.0.1:1/sparql-graph-crud-auth', style: 'virtuoso' },
    ]);
    expect(HttpSparqlEndpoint.fromEnv({ PROVML_ENDPOINT: 'http://h/s', PROVML_GSP_ENDPOINT: 'http://h/g', PROVML_GSP_STYLE: 'standard' })!.gsp?.style).toBe('standard');
  });
});

describe('EndpointSink and ProvML.init({ endpoint })', () => {
  it('EndpointSink writes batches with their own graphs; its name has no credentials', async () => {
    const { store, server } = await setup({ auth: { type: 'basic', user: 'u', password: 'sekret' } });
    const ep = new HttpSparqlEndpoint({ url: server.url.replace('//', '//u:sekret@') });
    const sink = new EndpointSink(ep);
    expect(sink.name).toBe(`endpoint:${server.origin}`);
    await sink.write(createQuadBatch({ seq: 1, events: 1, nquads: nquads(40, 2) }));
    await sink.close();
    expect(store.size).toBe(40);
  });

  it('ProvML.init({ endpoint }) records a run into the remote store', async () => {
    for (const how of ['url', 'options', 'env'] as const) {
      const { store, server } = await setup();
      const before = process.env.PROVML_ENDPOINT;
      if (how === 'env') process.env.PROVML_ENDPOINT = server.url;
      try {
        const prov = ProvML.init({
          ...(how === 'url' ? { endpoint: server.url } : how === 'options' ? { endpoint: { url: server.url, gsp: { url: server.gspUrl, style: 'standard' as const } } } : {}),
          installExitHooks: false,
          environment: false,
          files: false,
        });
        expect(prov.store).toBeUndefined();
        expect(prov.endpoint).toBeInstanceOf(HttpSparqlEndpoint);
        await track.workflow(`remote-${how}`, async () => track.stage('training', async () => 1));
        await prov.shutdown();
        expect(prov.stats()).toMatchObject({ dropped: 0, journaled: 0 });
        expect(prov.stats().sent).toBe(prov.stats().captured);
        expect(store.size).toBeGreaterThan(0);
        expect(server.count(how === 'options' ? 'gsp' : 'update')).toBeGreaterThan(0);
      } finally {
        if (before === undefined) delete process.env.PROVML_ENDPOINT;
        else process.env.PROVML_ENDPOINT = before;
      }
    }
  });
});

describe('NaN over SPARQL Update (Virtuoso answers 500 "out of seg data" to NaN in INSERT DATA)', () => {
  const D = (v: string, t = 'double') => `"${v}"^^<${XSD}${t}>`;
  const special = [
    `<urn:x:a> <urn:p:loss> ${D('NaN')} <urn:g:1> .`,
    `<urn:x:b> <urn:p:loss> ${D('INF')} <urn:g:1> .`,
    `<urn:x:c> <urn:p:loss> ${D('-INF')} <urn:g:2> .`,
    `<urn:x:d> <urn:p:loss> ${D('NaN', 'float')} <urn:g:2> .`,
    `<urn:x:e> <urn:p:loss> ${D('NaN')} .`, // default graph
    `<urn:x:f> <urn:p:note> "NaN" <urn:g:1> .`, // a string, not a number
    `<urn:x:g> <urn:p:note> "a \\"NaN"^^<${XSD}double> <urn:g:1> .`, // ill-typed, not NaN: left alone
    `<urn:x:h> <urn:p:loss> ${D('0.5')} <urn:g:1> .`,
  ].join('\n');

  it('writes NaN objects with STRDT in an INSERT … WHERE of the same request; other triples stay INSERT DATA', () => {
    const requests = insertDataRequests(groupTriplesByGraph(`${special}\n`), 1000);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req).not.toContain(` ${D('NaN')}`);
    expect(req).not.toContain(` ${D('NaN', 'float')}`);
    expect(req).toContain(`GRAPH <urn:g:1> {\n<urn:x:a> <urn:p:loss> ?provmlNaNd .\n}`);
    expect(req).toContain(`<urn:x:e> <urn:p:loss> ?provmlNaNd .`);
    expect(req).toContain(`<urn:x:d> <urn:p:loss> ?provmlNaNf .`);
    expect(req).toContain(`BIND(STRDT("NaN", <${XSD}double>) AS ?provmlNaNd) BIND(STRDT("NaN", <${XSD}float>) AS ?provmlNaNf)`);
    expect(req).toContain(`<urn:x:b> <urn:p:loss> ${D('INF')} .`); // INF and -INF are fine in INSERT DATA
    expect(req).toContain(`<urn:x:g> <urn:p:note> "a \\"NaN"^^<${XSD}double> .`);
    // Only NaN: a single INSERT … WHERE; no NaN: the plain INSERT DATA as before.
    expect(insertDataRequests(new Map([['urn:g', [`<urn:s> <urn:p> ${D('NaN')} .\n`]]]), 10)).toEqual([
      `INSERT {\nGRAPH <urn:g> {\n<urn:s> <urn:p> ?provmlNaNd .\n}\n} WHERE { BIND(STRDT("NaN", <${XSD}double>) AS ?provmlNaNd) }`,
    ]);
  });

  it('lands exactly the quads the Graph Store path lands, chunking unchanged (NaN triples count in their chunk)', async () => {
    let data = `${special}\n`;
    for (let i = 0; i < 300; i++) data += `<urn:x:s${i}> <urn:p:loss> ${D(i % 7 === 0 ? 'NaN' : String(i / 8))} <urn:g:${i % 3}> .\n`;
    const reference = EmbeddedStore.create();
    reference.loadNQuads(data);
    const { store, server } = await setup();
    await endpoint({ url: server.url, maxTriplesPerUpdate: 50 }).insertQuads(data);
    expect(server.count('update')).toBe(Math.ceil(308 / 50));
    expect(store.dump().split('\n').sort()).toEqual(reference.dump().split('\n').sort());
    const rows = await endpoint({ url: server.url }).select('SELECT ?o WHERE { GRAPH <urn:g:1> { <urn:x:a> <urn:p:loss> ?o } }');
    expect([rows[0]!.o!.value, (rows[0]!.o as { datatype?: { value: string } }).datatype?.value]).toEqual(['NaN', `${XSD}double`]);
  });
});

describe('a 500 that repeats on the same request becomes permanent', () => {
  const body = 'Virtuoso XXXXX Error COL..: Insert stopped because out of seg data here or elsewhere host 0 key RDF_QUAD_SP slice 0';

  it('the 3rd identical HTTP 500 to the same request, while the server answers others, is not retryable; the message says why', async () => {
    const { server } = await setup();
    const ep = endpoint({ url: server.url });
    const errs: SparqlHttpError[] = [];
    for (let i = 0; i < 3; i++) {
      server.failNext(1, 500, { body });
      errs.push((await ep.insertQuads(nquads(5)).catch((e: unknown) => e)) as SparqlHttpError);
      await ep.insertQuads(nquads(10 + i)); // the server is otherwise healthy
    }
    expect(errs.map((e) => [e.status, e.retryable])).toEqual([
      [500, true],
      [500, true],
      [500, false],
    ]);
    expect(errs[2]!.message).toMatch(/answered HTTP 500 3 times in a row to the same request, so it is treated as permanent: Virtuoso XXXXX/);
    expect(errs[2]!.serverMessage).toBe(body);
  });

  it('during an outage (every request fails) a repeated 500 stays retryable', async () => {
    const { server } = await setup();
    const ep = endpoint({ url: server.url });
    server.failNext(6, 500, { body });
    for (let i = 0; i < 6; i++) expect(((await ep.insertQuads(nquads(5)).catch((e: unknown) => e)) as SparqlHttpError).retryable).toBe(true);
  });

  it('counts per request and per message; a success, another message or another request starts again', async () => {
    const { server } = await setup();
    const ep = endpoint({ url: server.url, maxIdenticalServerErrors: 2 });
    const fail = async (data: string, message = body) => {
      server.failNext(1, 500, { body: message });
      return ((await ep.insertQuads(data).catch((e: unknown) => e)) as SparqlHttpError).retryable;
    };
    expect(await fail(nquads(5))).toBe(true);
    expect(await fail(nquads(6))).toBe(true); // another request
    expect(await fail(nquads(5), 'Virtuoso 40001 Error SR172: Transaction deadlocked')).toBe(true); // another message
    expect(await fail(nquads(5), 'Virtuoso 40001 Error SR172: Transaction deadlocked')).toBe(true); // nothing else succeeded meanwhile: an outage, not this request
    await ep.insertQuads(nquads(8)); // another request succeeds
    expect(await fail(nquads(5), 'Virtuoso 40001 Error SR172: Transaction deadlocked')).toBe(false);
    await ep.insertQuads(nquads(6)); // succeeds: forgotten
    expect(await fail(nquads(6))).toBe(true);
    server.failNext(2, 503);
    for (let i = 0; i < 2; i++) expect(((await ep.insertQuads(nquads(7)).catch((e: unknown) => e)) as SparqlHttpError).retryable).toBe(true); // only 500
    expect(() => endpoint({ url: server.url, maxIdenticalServerErrors: 0 })).toThrow(/maxIdenticalServerErrors/);
  });
});
