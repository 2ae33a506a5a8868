/**
 * `provml push`, called in-process through `run()` (test/unit/cli/run-cli.ts) against a loopback
 * `provml serve` server (startSparqlServer) in this process.
 */
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizeEndpoint, pushRecordPath } from '../../src/cli/push-record.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { startSparqlServer, type SparqlServer } from '../../src/store/server.js';
import { Journal, sentSidecarPath } from '../../src/transport/journal.js';
import { createQuadBatch } from '../../src/transport/sink.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { provml as runCli } from './cli/run-cli.js';

/** Paths whose appends fail as on a full disk (ENOSPC), as seen by every module of this file. */
const full = vi.hoisted(() => new Set<string>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const appendFile: typeof fs.appendFile = async (path, data, options) => {
    if (full.has(String(path))) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    return fs.appendFile(path, data, options);
  };
  return { ...fs, appendFile, default: { ...fs, appendFile } };
});

function provml(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, { env });
}

/** The seqs a push record lists (its first line names the endpoint). */
async function recorded(journal: string, endpoint: string): Promise<string[]> {
  const lines = (await readFile(pushRecordPath(journal, endpoint), 'utf8')).trim().split('\n');
  expect(lines[0]).toBe(`# provml push endpoint=${normalizeEndpoint(endpoint)}`);
  return lines.slice(1);
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
  it('replays every batch, records them for this endpoint, and a second run sends nothing', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 5);
    const first = await provml(args(j));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 5, alreadySent: 0, unrecorded: 0, plain: 0, torn: 0, failed: 0, triples: 50, events: 10 });
    expect(await quadCount()).toBe(50);
    expect(await recorded(j, server.queryUrl)).toEqual(['1', '2', '3', '4', '5']);
    await expect(readFile(sentSidecarPath(j), 'utf8')).rejects.toThrow(/ENOENT/); // the tracker's sidecar is not push's

    const second = await provml(args(j));
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ sent: 0, alreadySent: 5, failed: 0, triples: 0 });
    expect(await quadCount()).toBe(50);

    const forced = await provml([...args(j), '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ sent: 5, alreadySent: 0, triples: 50 });
    expect(await quadCount()).toBe(50); // no blank nodes: re-sending changes nothing
  });

  it('keeps one record per endpoint: a journal another endpoint has is sent in full to a fresh one', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 2);
    // What the demo leaves: the tracker delivered both batches to ITS store and wrote run.nq.sent.
    await writeFile(sentSidecarPath(j), '1\n2\n');
    const fresh = EmbeddedStore.create();
    const other = await startSparqlServer({ store: fresh });
    try {
      const r = await provml(['push', j, '--endpoint', other.queryUrl, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, alreadySent: 0, triples: 20 });
      expect(fresh.size).toBe(20);
      // The same journal into the first endpoint: its own record, so all of it again.
      const first = await provml(args(j));
      expect(JSON.parse(first.stdout)).toMatchObject({ sent: 2, alreadySent: 0 });
      expect(await recorded(j, other.queryUrl)).toEqual(['1', '2']);
      expect(await recorded(j, server.queryUrl)).toEqual(['1', '2']);
      expect(pushRecordPath(j, other.queryUrl)).not.toBe(pushRecordPath(j, server.queryUrl));
      expect(await readFile(sentSidecarPath(j), 'utf8')).toBe('1\n2\n'); // never written by push
      // Again into each: nothing.
      expect(JSON.parse((await provml(['push', j, '--endpoint', other.queryUrl, '--format', 'json'])).stdout)).toMatchObject({ sent: 0, alreadySent: 2 });
    } finally {
      await other.close();
      await fresh.close();
    }
  });

  it('--trust-sent also skips what the journal\'s own .sent confirms (the tracker\'s endpoint)', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 3);
    await writeFile(sentSidecarPath(j), '1\n2\n');
    const r = await provml([...args(j), '--trust-sent']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 1, alreadySent: 2, triples: 10 });
    const both = await provml([...args(j), '--trust-sent', '--force']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give one of them');
  });

  it('keys the record by the normalised URL and never writes credentials to disk', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 2);
    const withUser = server.queryUrl.replace('http://127.0.0.1', 'HTTP://alice:s3cr3t@127.0.0.1');
    const r = await provml(['push', j, '--endpoint', `${withUser}#frag`, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, endpoint: server.queryUrl });
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cr3t');
    expect(pushRecordPath(j, withUser)).toBe(pushRecordPath(j, server.queryUrl));
    for (const f of await readdir(dir)) expect(await readFile(join(dir, f), 'utf8')).not.toMatch(/s3cr3t|alice/);
    expect(JSON.parse((await provml(args(j))).stdout)).toMatchObject({ sent: 0, alreadySent: 2 });
  });

  it('refuses what is not a journal (Turtle, garbage, empty, serve\'s own journal) with exit 2 naming the file, sending nothing', async () => {
    const good = join(dir, 'good.nq');
    await writeJournal(good, 1);
    const cases: [string, string, RegExp][] = [
      ['run.ttl', '@prefix ex: <urn:ex:> .\nex:a ex:p "x" .\n', /run\.ttl:1: not a provml journal, and not N-Quads \/ N-Triples: .*\.ttl is not a format push sends/],
      ['garbage.nq', '<urn:a> <urn:p> "ok" .\nthis is not RDF\n', /garbage\.nq:2: not a provml journal, and not N-Quads \/ N-Triples/],
      ['empty.nq', '', /empty\.nq: nothing to push: no provml journal batches and no N-Quads statements/],
      ['comments.nq', '# only\n\n# comments\n', /comments\.nq: nothing to push/],
      ['journal.nq', '# provml-serve journal id=abc\n# provml-serve update {"update":"DROP ALL"}\n', /journal\.nq: this is provml serve's own journal/],
    ];
    for (const [name, content, message] of cases) {
      const f = join(dir, name);
      await writeFile(f, content);
      const r = await provml(['push', good, f, '--endpoint', server.queryUrl]);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).toContain(f);
    }
    expect(await quadCount()).toBe(0); // the good journal before them was not sent either
  });

  it('sends plain N-Quads / N-Triples files (a serve dump) whole, in batches', async () => {
    const dump = join(dir, 'store.nq');
    let text = '# provml-serve dump includes=xyz\n';
    for (let i = 0; i < 12_001; i++) text += `<urn:s:${i}> <urn:p> "${i}" <urn:g:${i % 3}> .\n`;
    await writeFile(dump, text);
    const triples = join(dir, 'plain.nt');
    await writeFile(triples, '<urn:t:1> <urn:p> "a" .\n\n<urn:t:2> <urn:p> "b" .\n');
    const r = await provml([...args(dump, triples), '--graph', 'urn:target']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ journals: 2, plain: 2, sent: 4, failed: 0, triples: 12_003 });
    expect(await quadCount()).toBe(12_003);
    expect(Number((await store.select('SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:target> { ?s ?p ?o } }'))[0]!.n!.value)).toBe(2);
    const human = await provml(['push', triples, '--endpoint', server.queryUrl]);
    expect(human.stdout).toMatch(/^✓ 1 batch sent \(2 triples, 0 events\), 0 already sent, 0 torn blocks skipped \(1 plain N-Quads file sent whole\) in/);
  });

  it('goes on when the record cannot be written (disk full): names the file, says what was sent, exit 0', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 3);
    const record = pushRecordPath(j, server.queryUrl);
    full.add(record); // every append: ENOSPC
    const r = await provml(args(j));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 3, unrecorded: 3, failed: 0, triples: 30 });
    expect(await quadCount()).toBe(30);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^provml: cannot write ${record.replaceAll('.', '\\.')} \\(ENOSPC: .*\\): batch seq=1 reached .* but is not recorded there; pushing on`)),
    ]);
    full.delete(record);
    const human = await provml(['push', j, '--endpoint', server.queryUrl]); // after the disk was freed: all again, recorded
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^✓ 3 batches sent/);
    expect(await recorded(j, server.queryUrl)).toEqual(['1', '2', '3']);
    await rm(record);
    full.add(record);
    try {
      expect((await provml(['push', j, '--endpoint', server.queryUrl])).stdout).toMatch(/^✓ 3 batches sent .*, 3 sent but not recorded \(see above\) in/);
    } finally {
      full.delete(record);
    }
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

  it('exits 2 when batches fail (HTTP 500), and sends them on the next run', async () => {
    const j = join(dir, 'run.nq');
    await writeJournal(j, 3);
    const proxy = await startFaultProxy({ target: server.url, mode: 'error500', appliesTo: (method) => method === 'POST' });
    try {
      const via = (u: string) => proxy.url(new URL(u).pathname);
      const r = await provml(['push', j, '--endpoint', via(server.queryUrl), '--gsp', via(server.gspUrl), '--retries', '2', '--format', 'json']);
      expect(r.code).toBe(2);
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
    expect(r.stderr).not.toMatch(/provml: provml:/);
    expect((await readdir(dir)).sort()).toEqual(['run.nq']); // no record, no sidecar
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
    const badRetries = await provml(['push', j, '--endpoint', server.queryUrl, '--retries', 'many']);
    expect(badRetries.code).toBe(2);
    expect(badRetries.stderr).toBe('provml: --retries must be a positive number, got "many"\n');
    const badFormat = await provml(['push', j, '--endpoint', server.queryUrl, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    const notUrl = await provml(['push', j, '--endpoint', 'ftp://host/sparql']);
    expect(notUrl.code).toBe(2);
    expect(await quadCount()).toBe(0);
  });
});
