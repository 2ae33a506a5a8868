/**
 * Issue 13, items 1 and 2, end to end: two workflows in two separate processes, each with its own
 * journal — A (test/fixtures/versions/writer.ts) writes a CSV table, B (trainer.ts) reads it and
 * writes a model. Loaded together, the journals link B's execution to A's output; every checksum
 * is what the real `sha256sum` prints; running A again on the same file makes a second version,
 * linked to the first by `prov:wasRevisionOf` (derived from the store: neither process saw the
 * other) and numbered by `provml versions --link`; `provml reproduce --verify` flags the change. A
 * secret set in the processes' environment never reaches the provenance.
 *
 * Then the rules of the version chain on hand-made provenance: order by first seen, recorded links
 * first, re-linking after a version recorded late, and `--link` against a SPARQL endpoint.
 */
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFiles } from '../../src/cli/load.js';
import { EmbeddedStore, startSparqlServer } from '../../src/index.js';
import { reproductionManifest, type ReproductionManifest } from '../../src/query/reproduce.js';
import { HttpSparqlEndpoint } from '../../src/store/http.js';
import { linkVersions } from '../../src/query/version-links.js';
import { versions, VERSIONS_GRAPH, type DataVersion } from '../../src/query/versions.js';
import { validateDataset } from '../../src/validate/index.js';
import { startVirtuoso, virtuosoRequirement, type VirtuosoInstance } from '../support/virtuoso.js';
import { provml, type CliResult } from '../unit/cli/run-cli.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(ROOT, 'test/fixtures/versions');
const TIMEOUT = 120_000;
const SECRET = `provml-test-secret-${randomUUID()}`;
const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/prov-ml#';
const exec = promisify(execFile);
const virtuoso = virtuosoRequirement();

/** `provml <args…>` in-process (test/unit/cli/run-cli.ts). */
function cli(args: readonly string[]): Promise<CliResult> {
  return provml(args);
}

function ok(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** Run a fixture workflow as its own process (`node --import tsx`), the secret in its environment. */
function runWorkflow(script: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, PROVML_TEST_SECRET: SECRET, PROVML_ENDPOINT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${script} exited with ${code}\n${output}`))));
  });
}

/** What the real `sha256sum` binary prints for a file. */
async function sha256sum(path: string): Promise<string> {
  const { stdout } = await exec('sha256sum', [path]);
  return stdout.split(' ')[0]!;
}

let dir: string;
let table: string;
let model: string;
const journal = (name: string) => join(dir, `${name}.nq`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-versions-'));
  table = join(dir, 'table.csv');
  model = join(dir, 'model.json');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('two workflows in two processes, linked by the file they share', () => {
  let tableV1: string;
  let modelSum: string;

  beforeAll(async () => {
    await runWorkflow('writer.ts', [table, journal('a1'), '5']);
    await runWorkflow('trainer.ts', [table, model, journal('b')]);
    tableV1 = await sha256sum(table);
    modelSum = await sha256sum(model);
  }, TIMEOUT);

  it("the store links B's execution to A's output, and checksums are sha256sum's", async () => {
    const [v1, ...more] = JSON.parse(ok(await cli(['versions', table, '--format', 'json', '--data', journal('a1'), journal('b')])).stdout) as DataVersion[];
    expect(more).toEqual([]);
    expect(v1!.version).toBe(1);
    expect(v1!.storageUrl).toBe(pathToFileURL(table).href);
    expect(v1!.checksum).toBe(tableV1);
    expect(v1!.byteSize).toBe(readFileSync(table).length);
    expect(v1!.onDisk).toBe(true);
    expect(v1!.generatedBy.map((e) => [e.workflow, e.name, e.kind])).toEqual([['make-table', 'generate-table', 'DataTransformationExecution']]);
    expect(v1!.usedBy.map((e) => [e.workflow, e.name, e.kind])).toEqual([['fit-mean', 'train', 'LearningStageExecution']]);

    // The same in plain SPARQL over both journals: one node, generated in A's run, used in B's.
    const store = await loadFiles([journal('a1'), journal('b')]);
    try {
      const rows = await store.select(`PREFIX prov: <${PROV}> PREFIX provml: <${PROVML}>
        SELECT ?data ?sum ?writer ?reader WHERE {
          ?data prov:wasGeneratedBy ?a ; provml:checksum ?sum .
          ?a provml:partOf ?runA . ?runA provml:executes/provml:name ?writer .
          ?b prov:used ?data ; provml:partOf ?runB . ?runB provml:executes/provml:name ?reader .
        }`);
      expect(rows.map((r) => [r.data!.value, r.sum!.value, r.writer!.value, r.reader!.value])).toEqual([[v1!.data, tableV1, 'make-table', 'fit-mean']]);
    } finally {
      await store.close();
    }
  });

  it('reproduce: the manifest holds the files, parameters, hyperparameters, code and environment', async () => {
    const out = join(dir, 'manifest.json');
    const r = ok(await cli(['reproduce', model, '--out', out, '--data', journal('a1'), journal('b')]));
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/wrote the manifest .* 2 files \(0 inputs\), 4 executions in 2 runs/);
    const m = JSON.parse(await readFile(out, 'utf8')) as ReproductionManifest;
    expect(m.format).toBe('provml-reproduction-manifest');
    expect(m.model.checksum).toBe(modelSum);
    expect(m.files.map((f) => [f.role, f.storageUrl, f.checksum, f.version, f.versions])).toEqual([
      ['model', pathToFileURL(model).href, modelSum, 1, 1],
      ['intermediate', pathToFileURL(table).href, tableV1, 1, 1],
    ]);
    const byName = Object.fromEntries(m.executions.map((e) => [e.name, e]));
    expect(byName['generate-table']!.parameters).toEqual({ rows: 5, seed: 7 });
    expect(byName['generate-table']!.outputs).toEqual([m.files[1]!.data]);
    expect(byName.train!.hyperparameters).toEqual({ epochs: 3, learningRate: 0.1 });
    expect(byName.train!.inputs).toEqual([m.files[1]!.data]);
    expect(byName.train!.outputs).toEqual([m.model.data]);

    expect(m.runs.map((run) => run.workflow)).toEqual(['make-table', 'fit-mean']);
    const n3 = JSON.parse(readFileSync(join(ROOT, 'node_modules/n3/package.json'), 'utf8')) as { version: string };
    for (const [run, script] of [[m.runs[0]!, 'writer.ts'], [m.runs[1]!, 'trainer.ts']] as const) {
      expect(run.code?.facts.storageUrl).toBe(pathToFileURL(join(FIXTURES, script)).href);
      expect(run.code?.facts.checksum).toBe(await sha256sum(join(FIXTURES, script)));
      expect(run.code?.facts.codeCommit).toMatch(/^[0-9a-f]{40}$/);
      expect((await exec('git', ['cat-file', '-t', String(run.code?.facts.codeCommit)], { cwd: ROOT })).stdout.trim()).toBe('commit');
      expect(run.environment?.facts.runtime).toBe(`node ${process.version}`);
      expect(run.environment?.facts.cpuCount).toBeGreaterThan(0);
      expect(run.environment?.packages).toContain(`n3@${n3.version}`);
    }
  });

  it('reproduce --verify: nothing changed yet (exit 0)', async () => {
    const r = await cli(['reproduce', model, '--verify', '--format', 'json', '--data', journal('a1'), journal('b')]);
    expect(r.code, r.stderr).toBe(0);
    const checks = JSON.parse(r.stdout) as Array<{ status: string; role: string; found?: string }>;
    expect(checks.map((c) => [c.role, c.status, c.found])).toEqual([
      ['model', 'ok', modelSum],
      ['intermediate', 'ok', tableV1],
    ]);
    expect(r.stderr).toMatch(/nothing changed/);
  });

  describe('A runs again and rewrites the file', () => {
    let tableV2: string;
    const all = () => [journal('a1'), journal('a2'), journal('b')];

    beforeAll(async () => {
      await runWorkflow('writer.ts', [table, journal('a2'), '7']);
      tableV2 = await sha256sum(table);
    }, TIMEOUT);

    it('a new version, derived from the store as the revision of the first', async () => {
      expect(tableV2).not.toBe(tableV1);
      const chain = JSON.parse(ok(await cli(['versions', table, '-f', 'json', '--data', ...all()])).stdout) as DataVersion[];
      expect(chain.map((v) => [v.version, v.checksum, v.onDisk])).toEqual([
        [1, tableV1, false],
        [2, tableV2, true],
      ]);
      const [v1, v2] = chain as [DataVersion, DataVersion];
      expect(v2.revisionOf).toBe(v1.data);
      expect(v2.linked).toBe(false); // neither process saw the other's version: the store derives it
      expect(Date.parse(v2.firstSeen!)).toBeGreaterThan(Date.parse(v1.firstSeen!));
      expect(v2.generatedBy).toHaveLength(1);
      expect(v2.generatedBy[0]!.run).not.toBe(v1.generatedBy[0]!.run);
      expect(v2.usedBy).toEqual([]);

      // The same chain from a storage URL or a version's IRI.
      expect(JSON.parse(ok(await cli(['versions', v1.data, '-f', 'json', '--data', ...all()])).stdout)).toEqual(chain);
      expect(JSON.parse(ok(await cli(['versions', pathToFileURL(table).href, '-f', 'json', '--data', ...all()])).stdout)).toEqual(chain);

      const text = ok(await cli(['versions', table, '--data', ...all()])).stdout;
      expect(text).toContain(tableV1);
      expect(text).toContain(tableV2);
      expect(text).toMatch(/v1 \(derived\)/);
    });

    it('--link materializes prov:wasRevisionOf and provml:versionNumber; the result conforms to the shapes', async () => {
      const links = join(dir, 'links.nq');
      expect((await cli(['versions', table, '--link', '--data', ...all()])).code).toBe(2); // --data is read-only: --out needed
      const r = ok(await cli(['versions', table, '--link', '--out', links, '--data', ...all()]));
      expect(r.stderr).toMatch(/wrote 3 quads \(2 versions of 1 storage URLs/);
      const store = await loadFiles([...all(), links]);
      try {
        const [v1, v2] = await versions(store, table);
        const ask = (q: string) => store.ask(`PREFIX prov: <${PROV}> PREFIX provml: <${PROVML}> ${q}`);
        expect(await ask(`ASK { GRAPH <${VERSIONS_GRAPH}> { <${v2!.data}> prov:wasRevisionOf <${v1!.data}> ; provml:versionNumber 2 . <${v1!.data}> provml:versionNumber 1 } }`)).toBe(true);
        expect(v2!.linked).toBe(true);
        const report = await validateDataset(await store.construct('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }'));
        expect(report.results).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('reproduce --verify flags the changed file and its newer version (exit 1)', async () => {
      const r = await cli(['reproduce', model, '--verify', '-f', 'json', '--data', ...all()]);
      expect(r.code, r.stderr).toBe(1);
      const checks = JSON.parse(r.stdout) as Array<{ status: string; role: string; recorded?: string; found?: string; changed: boolean; detail: string }>;
      expect(checks.map((c) => [c.role, c.status, c.changed])).toEqual([
        ['model', 'ok', false],
        ['intermediate', 'changed', true],
        ['intermediate', 'newer-version', true],
      ]);
      expect(checks[1]).toMatchObject({ recorded: tableV1, found: tableV2 });
      expect(checks[2]!.detail).toMatch(/version 1 of 2 .* version 2/);
      expect(r.stderr).toMatch(/2 changes/);
      // The table format says the same.
      const text = await cli(['reproduce', model, '--verify', '--data', ...all()]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/newer-version/);
    });

    it('reproduce --verify reports a missing file', async () => {
      const kept = await readFile(model);
      await rm(model);
      try {
        const r = await cli(['reproduce', join(dir, 'model.json'), '--verify', '-f', 'json', '--data', ...all()]);
        expect(r.code, r.stderr).toBe(1);
        const checks = JSON.parse(r.stdout) as Array<{ status: string; role: string }>;
        expect(checks[0]).toMatchObject({ role: 'model', status: 'missing' });
      } finally {
        await writeFile(model, kept);
      }
    });

    it('the secret set in both processes\' environment is nowhere in the provenance', async () => {
      for (const file of [...all(), join(dir, 'links.nq'), join(dir, 'manifest.json')]) expect(await readFile(file, 'utf8'), file).not.toContain(SECRET);
    });

    // Every query must give the same rows on Virtuoso (ARCHITECTURE.md, Store): the same journals
    // loaded into a private Virtuoso give the same chain, manifest and links.
    describe.skipIf(!virtuoso.available && !virtuoso.required)('on Virtuoso', () => {
      let instance: VirtuosoInstance;
      let remote: HttpSparqlEndpoint;
      let embedded: EmbeddedStore;

      beforeAll(async () => {
        instance = await startVirtuoso();
        remote = new HttpSparqlEndpoint({ url: instance.sparqlUrl, gsp: { url: instance.gspUrl, style: 'virtuoso' } });
        embedded = await loadFiles(all());
        await remote.insertQuads(embedded.dump());
      }, TIMEOUT);
      afterAll(async () => {
        await remote?.close();
        await embedded?.close();
        await instance?.stop();
      });

      /**
       * A double as Virtuoso writes it: 6 significant digits, an exact tie to even (C's `%.6g`;
       * `toPrecision` rounds it up: 9.265625 → 9.26563 here, 9.26562 there).
       */
      const g6 = (v: number): number => {
        const seven = v.toPrecision(7);
        const exact = v.toPrecision(30); // a double's digits: a tie only if nothing follows the 5
        const tie = !/e/.test(seven) && seven.endsWith('5') && exact.startsWith(seven) && /^0*$/.test(exact.slice(seven.length));
        if (tie && Number(seven.at(-2)) % 2 === 0) return Number(seven.slice(0, -1));
        return Number(v.toPrecision(6));
      };
      /** Times as instants, doubles to Virtuoso's 6 significant digits. */
      const same = (x: unknown) =>
        JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? new Date(v).toISOString() : typeof v === 'number' ? g6(v) : v))) as unknown;

      it('the same versions, manifest and links as the embedded store', async () => {
        expect(same(await versions(remote, table))).toEqual(same(await versions(embedded, table)));
        expect(same(await reproductionManifest(remote, model))).toEqual(same(await reproductionManifest(embedded, model)));
        const [here, there] = [await linkVersions(embedded), await linkVersions(remote)];
        expect([there.urls, there.versions, there.inserted]).toEqual([here.urls, here.versions, here.inserted]);
        expect(await linkVersions(remote)).toMatchObject({ inserted: 0, removed: 0 });
        expect((await versions(remote, table)).map((v) => [v.version, v.linked])).toEqual([
          [1, undefined],
          [2, true],
        ]);
      });
    });

    it('bad input is exit 2', async () => {
      expect((await cli(['versions', join(dir, 'nothing.csv'), '--data', ...all()])).code).toBe(2);
      expect((await cli(['reproduce', 'urn:provml:data:unknown', '--data', ...all()])).code).toBe(2);
      expect((await cli(['reproduce', join(FIXTURES, 'trainer.ts'), '--data', ...all()])).code).toBe(2); // code, not generated data
      expect((await cli(['versions', table, '--out', join(dir, 'x.nq'), '--data', ...all()])).code).toBe(2); // --out without --link
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Chain rules on hand-made provenance.

const URL_ = 'file:///data/table.csv';
const SHARED = 'urn:provml:graph:shared';

/** N-Quads of one version: a data reference at URL_ with a checksum and a modification time. */
function version(node: string, checksum: string, modified: string): string {
  return [
    `<${node}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${PROVML}DataReferenceValue> <${SHARED}> .`,
    `<${node}> <${PROVML}storageUrl> "${URL_}"^^<http://www.w3.org/2001/XMLSchema#anyURI> <${SHARED}> .`,
    `<${node}> <${PROVML}checksum> "${checksum}" <${SHARED}> .`,
    `<${node}> <${PROVML}lastModified> "${modified}"^^<http://www.w3.org/2001/XMLSchema#dateTime> <${SHARED}> .`,
    '',
  ].join('\n');
}

describe('version chains', () => {
  it('orders by first seen; a link a recorder wrote goes first; content seen twice is one version', async () => {
    const store = EmbeddedStore.create();
    try {
      await store.insertQuads(version('urn:x:a', 'aa', '2026-01-01T00:00:00Z') + version('urn:x:b', 'bb', '2026-01-03T00:00:00Z') + version('urn:x:c', 'cc', '2026-01-02T00:00:00Z'));
      expect((await versions(store, URL_)).map((v) => v.data)).toEqual(['urn:x:a', 'urn:x:c', 'urn:x:b']);
      // A recorder saw b replaced by c (a copy that kept an old mtime, say): c comes after b.
      await store.insertQuads(`<urn:x:c> <${PROV}wasRevisionOf> <urn:x:b> <${SHARED}> .\n`);
      const chain = await versions(store, URL_);
      expect(chain.map((v) => [v.version, v.data, v.revisionOf, v.linked])).toEqual([
        [1, 'urn:x:a', undefined, undefined],
        [2, 'urn:x:b', 'urn:x:a', false],
        [3, 'urn:x:c', 'urn:x:b', true],
      ]);
      // The same content recorded again later (another mtime) stays where it was first seen.
      await store.insertQuads(`<urn:x:a> <${PROVML}lastModified> "2026-02-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> <${SHARED}> .\n`);
      expect((await versions(store, URL_)).map((v) => v.data)).toEqual(['urn:x:a', 'urn:x:b', 'urn:x:c']);
    } finally {
      await store.close();
    }
  });

  it('linkVersions is idempotent, leaves recorded links alone, and renumbers when an earlier version is recorded late', async () => {
    const store = EmbeddedStore.create();
    const derived = async () =>
      (await store.select(`SELECT ?s ?p ?o WHERE { GRAPH <${VERSIONS_GRAPH}> { ?s ?p ?o } }`)).map((r) => `${r.s!.value} ${r.p!.value.replace(/.*[#/]/, '')} ${r.o!.value}`).sort();
    try {
      await store.insertQuads(version('urn:x:1', '11', '2026-01-01T00:00:00Z') + version('urn:x:3', '33', '2026-01-03T00:00:00Z'));
      expect(await linkVersions(store)).toMatchObject({ urls: 1, versions: 2, inserted: 3, removed: 0 });
      expect(await derived()).toEqual(['urn:x:1 versionNumber 1', 'urn:x:3 versionNumber 2', 'urn:x:3 wasRevisionOf urn:x:1']);
      expect(await linkVersions(store)).toMatchObject({ inserted: 0, removed: 0 });

      // Version 2 arrives from a journal loaded later, with the link its recorder wrote (2 → 1).
      await store.insertQuads(version('urn:x:2', '22', '2026-01-02T00:00:00Z') + `<urn:x:2> <${PROV}wasRevisionOf> <urn:x:1> <${SHARED}> .\n`);
      expect(await linkVersions(store, { targets: [URL_] })).toMatchObject({ versions: 3, inserted: 3, removed: 2 });
      expect(await derived()).toEqual(['urn:x:1 versionNumber 1', 'urn:x:2 versionNumber 2', 'urn:x:3 versionNumber 3', 'urn:x:3 wasRevisionOf urn:x:2']);
      expect((await versions(store, URL_)).map((v) => [v.version, v.linked])).toEqual([
        [1, undefined],
        [2, true],
        [3, true],
      ]);
    } finally {
      await store.close();
    }
  });

  it('provml versions --link writes into a SPARQL endpoint; without a target, every storage URL', async () => {
    const store = EmbeddedStore.create();
    const server = await startSparqlServer({ store });
    try {
      await store.insertQuads(version('urn:x:p', 'pp', '2026-01-01T00:00:00Z') + version('urn:x:q', 'qq', '2026-01-02T00:00:00Z'));
      const r = ok(await cli(['versions', '--link', '--format', 'json', '--endpoint', server.queryUrl]));
      expect(r.stderr).toMatch(/linked 2 versions of 1 storage URLs .*: 3 quads written, 0 stale ones removed/);
      expect((JSON.parse(r.stdout) as Array<{ storageUrl: string; versions: DataVersion[] }>).map((c) => [c.storageUrl, c.versions.map((v) => [v.version, v.linked ?? null])])).toEqual([[URL_, [[1, null], [2, true]]]]);
      expect(await store.ask(`ASK { GRAPH <${VERSIONS_GRAPH}> { <urn:x:q> <${PROV}wasRevisionOf> <urn:x:p> ; <${PROVML}versionNumber> 2 } }`)).toBe(true);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
