import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { HttpSparqlEndpoint, SparqlHttpError } from '../../../src/store/index.js';
import { readJournal } from '../../../src/transport/journal.js';
import type { TransportErrorContext, TransportOptions, TransportStats } from '../../../src/transport/options.js';
import { Transport } from '../../../src/transport/pipeline.js';
import { EndpointSink } from '../../../src/transport/sinks/endpoint.js';
import { toNQuads } from '../../../src/transport/sink.js';
import { track } from '../../../src/capture/api.js';
import { ProvML } from '../../../src/tracker.js';
import { startSparqlServer, type LoopbackServer } from '../store/sparql-server.js';
import { fakeQuads, start, tempDir } from './helpers.js';

const PASSWORD = 'S3cr3t-pw!';
const BASIC = Buffer.from(`alice:${PASSWORD}`).toString('base64');

let dir: string;
let cleanup: () => Promise<void>;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await cleanup();
});

async function server(auth = true): Promise<{ store: EmbeddedStore; srv: LoopbackServer }> {
  const store = EmbeddedStore.create();
  const srv = await startSparqlServer({ store, ...(auth ? { auth: { type: 'basic' as const, user: 'alice', password: PASSWORD } } : {}) });
  closers.push(() => srv.close());
  return { store, srv };
}

interface Run {
  t: Transport;
  logs: string[];
  errors: [unknown, TransportErrorContext][];
}

function transport(srv: LoopbackServer, options: Partial<TransportOptions> = {}): Run {
  const logs: string[] = [];
  const errors: [unknown, TransportErrorContext][] = [];
  const endpoint = new HttpSparqlEndpoint({ url: srv.url, auth: { type: 'basic', user: 'alice', password: PASSWORD }, timeoutMs: 2000 });
  const t = new Transport({
    recorder: fakeQuads,
    sink: new EndpointSink(endpoint),
    logger: { warn: (m) => logs.push(m) },
    onError: (e, c) => errors.push([e, c]),
    installExitHooks: false,
    flushIntervalMs: 20,
    retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
    drainMaxDelayMs: 20,
    ...options,
  });
  closers.push(() => t.shutdown());
  return { t, logs, errors };
}

function invariant(s: TransportStats): void {
  expect(s.sent + s.journaled + s.deadLettered + s.dropped).toBe(s.captured);
}

function everything(run: Run, ...texts: string[]): string {
  return [...run.logs, ...run.errors.map(([e]) => `${String(e)} ${(e as Error).stack ?? ''} ${JSON.stringify(e)}`), ...texts].join('\n');
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(BASIC);
}

describe('dead letters', () => {
  it('a 400 is not retried: the batch goes to the dead-letter file with the server message, counted', async () => {
    const { store, srv } = await server();
    const path = join(dir, 'wal.nq');
    const run = transport(srv, { batchSize: 5, journal: { path } });
    srv.failNext(1, 400, { body: `Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error at 'x'\nmore detail` });
    for (let i = 0; i < 15; i++) run.t.emit(start(i));
    await run.t.flush();
    const s = run.t.stats();
    expect(s).toMatchObject({ captured: 15, sent: 10, deadLettered: 5, journaled: 0, dropped: 0, retried: 0, failedBatches: 1 });
    invariant(s);
    expect(srv.count('fault')).toBe(1); // not retried
    const dead = `${path}.dead.nq`;
    expect((await stat(dead)).mode & 0o777).toBe(0o600);
    const text = await readFile(dead, 'utf8');
    const header = text.split('\n')[0]!;
    expect(header).toMatch(/^# provml dead-letter seq=1 events=5 quads=5 status=400 at=\S+ reason=.*HTTP 400: Virtuoso 37000 Error SP030.*more detail$/);
    const back = [];
    for await (const b of readJournal(dead)) back.push(b);
    expect(back.map((b) => [b.seq, b.size])).toEqual([[1, 5]]);
    expect(store.size).toBe(10);
    // The journaled copy is marked done, so a replay does not resend it.
    expect((await readFile(`${path}.sent`, 'utf8')).trim().split('\n').sort()).toEqual(['1', '2', '3']);
    const ctx = run.errors.find(([, c]) => c.outcome === 'deadLettered');
    expect(ctx?.[1]).toMatchObject({ stage: 'sink', seq: 1, events: 5, sink: `endpoint:${srv.origin}` });
    expect(String(ctx?.[0])).toContain('SP030');
    expectNoSecrets(everything(run, text));
  });

  it('diskless: the dead-letter file defaults to <tmpdir>/provml/dead-<pid>.nq unless set', async () => {
    const { srv } = await server();
    const dead = join(dir, 'sub', 'dead.nq');
    const run = transport(srv, { batchSize: 4, deadLetter: dead });
    expect(run.t.options.deadLetter).toBe(dead);
    srv.failNext(1, 422, { body: 'nope' });
    for (let i = 0; i < 8; i++) run.t.emit(start(i));
    await run.t.flush();
    expect(run.t.stats()).toMatchObject({ sent: 4, deadLettered: 4, dropped: 0 });
    expect(await readFile(dead, 'utf8')).toMatch(/status=422 .*reason=.*nope/);
    const other = new Transport({ recorder: fakeQuads, sink: new EndpointSink(new HttpSparqlEndpoint({ url: srv.url })), installExitHooks: false });
    expect(other.options.deadLetter).toMatch(new RegExp(`provml[/\\\\]dead-${process.pid}\\.nq$`));
    await other.shutdown();
  });

  it('a wrong password (401) is dead-lettered without the password anywhere', async () => {
    const { srv } = await server();
    const logs: string[] = [];
    const errors: unknown[] = [];
    const path = join(dir, 'wal.nq');
    const t = new Transport({
      recorder: fakeQuads,
      sink: new EndpointSink(new HttpSparqlEndpoint({ url: srv.url.replace('//', `//alice:${encodeURIComponent('wrong-' + PASSWORD)}@`) })),
      journal: { path },
      logger: { warn: (m) => logs.push(m) },
      onError: (e) => errors.push(e),
      installExitHooks: false,
    });
    for (let i = 0; i < 3; i++) t.emit(start(i));
    await t.shutdown();
    expect(t.stats()).toMatchObject({ captured: 3, deadLettered: 3, retried: 0 });
    const files = (await readFile(path, 'utf8')) + (await readFile(`${path}.dead.nq`, 'utf8'));
    const all = [...logs, ...errors.map((e) => `${String(e)} ${JSON.stringify(e)}`), files].join('\n');
    expect(all).toContain('401');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('wrong-');
  });
});

describe('retries', () => {
  it('429 with Retry-After is retried after at least that delay', async () => {
    const { store, srv } = await server();
    const run = transport(srv, { batchSize: 10 });
    srv.failNext(1, 429, { headers: { 'retry-after': '1' } });
    const at: number[] = [];
    const origPush = srv.requests.push.bind(srv.requests);
    srv.requests.push = (...items) => {
      at.push(Date.now());
      return origPush(...items);
    };
    for (let i = 0; i < 10; i++) run.t.emit(start(i));
    await run.t.flush();
    expect(run.t.stats()).toMatchObject({ sent: 10, retried: 1 });
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(990);
    expect(store.size).toBe(10);
    const [err] = run.errors[0]!;
    expect(err).toBeInstanceOf(SparqlHttpError);
    expect((err as SparqlHttpError).retryAfterMs).toBe(1000);
  });

  it('500s are retried and then succeed', async () => {
    const { store, srv } = await server();
    const run = transport(srv, { batchSize: 10 });
    srv.failNext(2, 500);
    for (let i = 0; i < 10; i++) run.t.emit(start(i));
    await run.t.flush();
    expect(run.t.stats()).toMatchObject({ sent: 10, retried: 2, failedBatches: 0 });
    expect(store.size).toBe(10);
  });
});

describe('journal drain', () => {
  const N = 120;
  const reference = (() => {
    const s = EmbeddedStore.create();
    const events = Array.from({ length: N }, (_, i) => start(i));
    s.loadNQuads(toNQuads(fakeQuads(events)));
    return s.dump().split('\n').sort();
  })();

  it('endpoint down at start → batches journaled → endpoint up → drained in order; same triples as without faults', async () => {
    const { store, srv } = await server();
    const path = join(dir, 'wal.nq');
    const run = transport(srv, { batchSize: 10, journal: { path } });
    srv.down = true;
    for (let i = 0; i < 60; i++) run.t.emit(start(i));
    await run.t.flush();
    let s = run.t.stats();
    expect(s).toMatchObject({ captured: 60, sent: 0, journaled: 60, dropped: 0, failedBatches: 1 });
    invariant(s);
    expect(store.size).toBe(0);

    srv.down = false;
    for (let i = 60; i < N; i++) run.t.emit(start(i)); // new batches wait behind the journal
    await run.t.flush();
    s = run.t.stats();
    expect(s).toMatchObject({ captured: N, sent: N, journaled: 0, deadLettered: 0, dropped: 0 });
    invariant(s);
    expect(store.dump().split('\n').sort()).toEqual(reference);
    const order = (await readFile(`${path}.sent`, 'utf8')).trim().split('\n').map(Number);
    expect(order).toEqual(Array.from({ length: N / 10 }, (_, i) => i + 1));
    const unsent = [];
    for await (const b of readJournal(path, { unsentOnly: true })) unsent.push(b.seq);
    expect(unsent).toEqual([]);
    expectNoSecrets(everything(run, await readFile(path, 'utf8')));
  });

  it('drains by itself (timer) once the endpoint is back, without a flush', async () => {
    const { store, srv } = await server();
    const run = transport(srv, { batchSize: 10, journal: { path: join(dir, 'wal.nq') } });
    srv.down = true;
    for (let i = 0; i < 30; i++) run.t.emit(start(i));
    await run.t.flush();
    expect(run.t.stats().journaled).toBe(30);
    srv.down = false;
    for (let i = 0; i < 100 && run.t.stats().sent < 30; i++) await new Promise((r) => setTimeout(r, 20));
    expect(run.t.stats()).toMatchObject({ sent: 30, journaled: 0 });
    expect(store.size).toBe(30);
  });

  it('a long outage keeps memory bounded (batches wait on disk), shutdown leaves them journaled', async () => {
    const { srv } = await server();
    const path = join(dir, 'wal.nq');
    const run = transport(srv, { batchSize: 50, queueSize: 200, journal: { path, durability: 'none' }, shutdownDrainTimeoutMs: 200 });
    srv.down = true;
    for (let i = 0; i < 20_000; i++) {
      run.t.emit(start(i));
      if (i % 200 === 199) await new Promise((r) => setImmediate(r));
    }
    await run.t.flush();
    const started = Date.now();
    await run.t.shutdown();
    expect(Date.now() - started).toBeLessThan(3000);
    const s = run.t.stats();
    expect(s).toMatchObject({ captured: 20_000, sent: 0, journaled: 20_000, dropped: 0 });
    invariant(s);
    expect(s.maxBuffered).toBeLessThan(2000);
    let events = 0;
    for await (const b of readJournal(path, { unsentOnly: true })) events += b.events;
    expect(events).toBe(20_000);
  });

  it('a 400 met while draining goes to the dead-letter file; the rest is sent', async () => {
    const { store, srv } = await server();
    const path = join(dir, 'wal.nq');
    const run = transport(srv, { batchSize: 10, journal: { path } });
    srv.down = true;
    for (let i = 0; i < 30; i++) run.t.emit(start(i));
    await run.t.flush();
    srv.down = false;
    srv.failNext(1, 400, { body: 'bad triple' });
    await run.t.flush();
    const s = run.t.stats();
    expect(s).toMatchObject({ captured: 30, sent: 20, deadLettered: 10, journaled: 0 });
    invariant(s);
    expect(store.size).toBe(20);
    expect(await readFile(`${path}.dead.nq`, 'utf8')).toMatch(/seq=1 .*status=400.*bad triple/);
  });
});

describe('ProvML.init({ endpoint, journal })', () => {
  it('journals while the endpoint is down and drains when it is back', async () => {
    const { store, srv } = await server(false);
    srv.down = true;
    const path = join(dir, 'prov.nq');
    const prov = ProvML.init({
      endpoint: { url: srv.url, timeoutMs: 2000 },
      journal: path,
      durability: 'sync',
      retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      environment: false,
      files: false,
      installExitHooks: false,
      global: false,
      logger: { warn() {} },
    });
    closers.push(() => prov.shutdown());
    await track.workflow({ name: 'drain-wf', tracker: prov }, async () => 1);
    await prov.flush();
    const down = prov.stats();
    expect(down.sent).toBe(0);
    expect(down.journaled + down.dropped).toBe(down.captured);
    srv.down = false;
    await prov.flush();
    const up = prov.stats();
    expect(down.journaled).toBeGreaterThan(0);
    expect(up).toMatchObject({ sent: down.journaled, journaled: 0, dropped: 0 });
    expect(store.size).toBeGreaterThan(0);
  });
});
