// `provml export` and `provml import` as commands: files and directories written, NDJSON on
// stdout, journals read with --data and written with --journal, events posted with --url, and
// exit code 2 with a message for bad input.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addExportCommand } from '../../../src/cli/export-command.js';
import { addImportCommand } from '../../../src/cli/import-command.js';
import { describeError, setExitCode, withCli } from '../../../src/cli/io.js';
import { exportProvenance } from '../../../src/export.js';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { startSparqlServer } from '../../../src/store/server.js';
import { lifecycle } from './helpers.js';

/** The two commands in a program set up like src/cli/main.ts's, run the way its `run()` does. */
async function provml(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const cmd = new Command('provml').exitOverride().configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
  addExportCommand(cmd);
  addImportCommand(cmd);
  const { context } = await withCli(
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, ...(stdin !== undefined ? { stdin: [stdin] } : {}) },
    async () => {
      try {
        await cmd.parseAsync(['node', 'provml', ...args]);
      } catch (err) {
        if (err instanceof CommanderError) setExitCode(err.exitCode === 0 ? 0 : 2);
        else {
          stderr += `${describeError(err)}\n`;
          setExitCode(2);
        }
      }
    },
  );
  return { code: context.exitCode ?? 0, stdout, stderr };
}

let lc: Awaited<ReturnType<typeof lifecycle>>;
let dump: string;

beforeAll(async () => {
  lc = await lifecycle('cli');
  dump = join(lc.dir, 'dump.nq');
  await writeFile(dump, (await exportProvenance(lc.prov.store!, { format: 'nquads' })).text);
});
afterAll(() => lc.done());

describe('provml export', () => {
  test('--format prov-json --data … --out FILE', async () => {
    const out = join(lc.dir, 'p.json');
    const r = await provml(['export', '--format', 'prov-json', '--data', dump, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote prov-json of 3 runs/);
    const doc = JSON.parse(await readFile(out, 'utf8')) as Record<string, object>;
    expect(Object.keys(doc.activity!).length).toBe(16);
  });

  test('--format openlineage to stdout: one JSON object per line; --run narrows to one run', async () => {
    const all = await provml(['export', '--format', 'openlineage', '--data', dump]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { eventType: string }).eventType).length).toBe(20);
    const one = await provml(['export', '--format', 'openlineage', '--data', dump, '--run', lc.runs.preparation, '--namespace', 'seismic']);
    const events = one.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { job: { namespace: string; name: string } });
    expect(new Set(events.map((e) => e.job.name))).toEqual(new Set(['preparation', 'preparation.select-slices', 'preparation.tile']));
    expect(new Set(events.map((e) => e.job.namespace))).toEqual(new Set(['seismic']));
  });

  test('--format ro-crate --out DIR --copy-data writes the crate directory', async () => {
    const out = join(lc.dir, 'crate');
    const r = await provml(['export', '--format', 'ro-crate', '--data', dump, '--out', out, '--copy-data']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/an RO-Crate of 3 runs, 5 data files copied/);
    expect(existsSync(join(out, 'ro-crate-metadata.json'))).toBe(true);
    expect(await readFile(join(out, 'data', 'survey.sgy'), 'utf8')).toBe('SEG-Y survey bytes');
  });

  test('--url posts the events to an OpenLineage server', async () => {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await provml(['export', '--format', 'openlineage', '--data', dump, '--url', url], undefined, { OPENLINEAGE_API_KEY: 'k3y' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/posted 20 of 20 OpenLineage events to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage/);
      expect(r.stderr).not.toContain('k3y');
      expect(r.stdout).toBe('');
      expect(new Set(bodies)).toEqual(new Set(['POST /api/v1/lineage Bearer k3y']));
    } finally {
      server.close();
    }
  });

  test('bad input is exit 2 with a message', async () => {
    const unknown = await provml(['export', '--format', 'nquads', '--data', dump, '--run', 'urn:provml:execution:nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/run not found in .*dump\.nq: urn:provml:execution:nope/);
    expect((await provml(['export', '--format', 'turtle', '--data', dump, '--copy-data'])).stderr).toMatch(/--copy-data is for --format ro-crate/);
    expect((await provml(['export', '--format', 'nquads', '--data', dump, '--url', 'http://127.0.0.1:1'])).stderr).toMatch(/--url posts OpenLineage events/);
    expect((await provml(['export', '--format', 'csv', '--data', dump])).code).toBe(2);
    expect((await provml(['export', '--data', dump])).stderr).toMatch(/required option '-f, --format <format>'/);
    const refused = await provml(['export', '--format', 'openlineage', '--data', dump, '--url', 'http://127.0.0.1:1', '--retries', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/posted 0 of 20/);
  });
});

describe('provml import', () => {
  test('--journal appends a journal batch that --data reads back; stdin (-) gives N-Quads', async () => {
    const events = join(lc.dir, 'events.ndjson');
    await writeFile(events, (await exportProvenance(lc.prov.store!, { format: 'openlineage', runs: [lc.runs.training] })).text);
    const journal = join(lc.dir, 'imported.nq');
    const r = await provml(['import', '--format', 'openlineage', events, '--journal', journal]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/appended 10 OpenLineage events \(5 runs\) as \d+ quads to/);
    expect(await readFile(journal, 'utf8')).toMatch(/^# provml batch seq=1 /);
    const back = await provml(['export', '--format', 'openlineage', '--data', journal]);
    expect(back.code, back.stderr).toBe(0);
    const names = back.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { job: { name: string } }).job.name);
    expect(new Set(names)).toEqual(new Set(['training', 'training.training', 'training.epoch', 'training.evaluate']));

    const piped = await provml(['import', '--format', 'openlineage', '-'], await readFile(events, 'utf8'));
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain(`<${lc.runs.training}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/prov-ml#WorkflowExecution>`);
  });

  test('--endpoint writes into a SPARQL server; export --endpoint reads it back', async () => {
    const events = join(lc.dir, 'prep.ndjson');
    await writeFile(events, (await exportProvenance(lc.prov.store!, { format: 'openlineage', runs: [lc.runs.preparation] })).text);
    const store = EmbeddedStore.create();
    const server = await startSparqlServer({ store });
    try {
      const r = await provml(['import', '--format', 'openlineage', events, '--endpoint', server.queryUrl]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/imported 6 OpenLineage events \(3 runs\) as \d+ quads into http:\/\/127\.0\.0\.1/);
      const back = await provml(['export', '--format', 'openlineage', '--endpoint', server.queryUrl]);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toBe(await readFile(events, 'utf8'));
    } finally {
      await server.close();
      await store.close();
    }
  });

  test('invalid events are exit 2 naming the file', async () => {
    const bad = join(lc.dir, 'bad.ndjson');
    await writeFile(bad, '{"eventType":"START"}\n');
    const r = await provml(['import', '--format', 'openlineage', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.ndjson: OpenLineage event 1 is not a RunEvent/);
    await writeFile(bad, '{"eventType":\n');
    expect((await provml(['import', '--format', 'openlineage', bad])).stderr).toMatch(/bad\.ndjson: not OpenLineage JSON/);
  });
});
