import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';
import { Journal, sentSidecarPath } from '../../src/transport/journal.js';
import { createQuadBatch } from '../../src/transport/sink.js';
import { startFaultProxy } from '../support/fault-proxy.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;


async function provml(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['PROVML_ENDPOINT', 'PROVML_AUTH', 'NO_COLOR', 'FORCE_COLOR']) if (!(name in env)) delete e[name];
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: e });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** `batches` batches of 10 quads each (batch i in graph urn:run:i, quads `urn:s:i:k`). */
async function writeJournal(path: string, batches: number, first = 1, graph = true): Promise<void> {
  const journal = Journal.openSync({ path, durability: 'batch' });
  for (let i = first; i < first + batches; i++) {
    let nquads = '';
    for (let k = 0; k < 10; k++) nquads += `<urn:s:${i}:${k}> <urn:p> "v${k}" ${graph ? `<urn:run:${i}> ` : ''}.\n`;
    await journal.append(createQuadBatch({ seq: i, events: 2, nquads, size: 10 }));
  }
  await journal.close();
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let store: EmbeddedStore;
let server: SparqlServer;
let dir: string;
const quadCount = async () => Number((await store.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }'))[0]!.n!.value);
const args = (...journals: string[]) => ['push', ...journals, '--endpoint', server.queryUrl, '--gsp', server.gspUrl, '--format', 'json'];

beforeAll(async () => {
  store = EmbeddedStore.create();
  server = await startSparqlServer({ store });
});
afterAll(async () => {
  await server.close();
  await store.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-push-'));
  await store.update('DROP ALL');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('provml push', () => {
  it('replays every batch, records them in .sent, and a second run sends nothing', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 5);
    const first = await provml(args(j));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 5, alreadySent: 0, torn: 0, failed: 0, triples: 50, events: 10 });
    expect(await quadCount()).toBe(50);
    expect((await readFile(sentSidecarPath(j), 'utf8')).trim().split('\n')).toEqual(['1', '2', '3', '4', '5']);

    const second = await provml(args(j));
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ sent: 0, alreadySent: 5, failed: 0, triples: 0 });
    expect(await quadCount()).toBe(50);
  });

  it('prints a human summary line; pushes several journals; skips a torn block', async () => {
    const a = join(dir, 'a.nq');
    const b = join(dir, 'b.nq');
    await writeJournal(a, 2);
    await writeJournal(b, 3, 10);
    await appendFile(b, '# provml batch seq=13 quads=10 events=2 bytes=999\n<urn:s:13:0> <urn:p> "v0" <urn:run:13> .\n');
    const r = await provml(['push', a, b, '--endpoint', server.queryUrl]); // INSERT DATA path (no --gsp)
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ 5 batches sent \(50 triples, 10 events\), 0 already sent, 1 torn block skipped in \d+\.\d\d s → http:\/\/127\.0\.0\.1:\d+\/sparql\n$/);
    expect(r.stderr).toMatch(/skipping torn batch seq=13/);
    expect(await quadCount()).toBe(50);
  });

  it('puts graphless quads into --graph', async () => {
    const j = join(dir, 'plain.nq');
    await writeJournal(j, 2, 1, false);
    const r = await provml([...args(j), '--graph', 'urn:target']);
    expect(r.code).toBe(0);
    const rows = await store.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:target> { ?s ?p ?o } }');
    expect(Number(rows[0]!.n!.value)).toBe(20);
  });

  it('exits 1 when batches fail, and sends them on the next run', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 3);
    const proxy = await startFaultProxy({ target: server.url, mode: 'error500', appliesTo: (method) => method === 'POST' });
    try {
      const via = (u: string) => proxy.url(new URL(u).pathname);
      const r = await provml(['push', j, '--endpoint', via(server.queryUrl), '--gsp', via(server.gspUrl), '--retries', '2', '--format', 'json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 0, failed: 3 });
      expect(r.stderr).toMatch(/batch seq=1 not sent: .*500/);
      expect(proxy.byMode.error500).toBe(6); // 3 batches × 2 attempts
      await proxy.setMode('pass');
      const again = await provml(['push', j, '--endpoint', via(server.queryUrl), '--gsp', via(server.gspUrl), '--format', 'json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ sent: 3, alreadySent: 0, failed: 0 });
      expect(await quadCount()).toBe(30);
    } finally {
      await proxy.close();
    }
  });

  it('exits 2 for an unreachable endpoint, sends nothing, and never prints credentials', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 2);
    const port = await freePort();
    const r = await provml(['push', j, '--endpoint', `http://alice:s3cr3t-url@127.0.0.1:${port}/sparql`], { PROVML_AUTH: 'basic:bob:s3cr3t-env' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach SPARQL endpoint http:\/\/127\.0\.0\.1:\d+\/sparql/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/s3cr3t|alice|bob/);
    await expect(readFile(sentSidecarPath(j), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 for bad input: missing journal, missing endpoint, malformed PROVML_AUTH, bad IRI', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 1);
    const missing = await provml(['push', join(dir, 'nope.nq'), '--endpoint', server.queryUrl]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.nq: cannot read journal \(ENOENT\)/);
    const noEndpoint = await provml(['push', j]);
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.stderr).toMatch(/--endpoint/);
    const badAuth = await provml(['push', j, '--endpoint', server.queryUrl], { PROVML_AUTH: 'token-s3cr3t' });
    expect(badAuth.code).toBe(2);
    expect(badAuth.stderr).not.toMatch(/s3cr3t/);
    const badGraph = await provml(['push', j, '--endpoint', server.queryUrl, '--graph', 'not an iri>']);
    expect(badGraph.code).toBe(2);
    expect(await quadCount()).toBe(0);
  });
});
