/**
 * The `provml` CLI (inspect, docs, validate, exit codes and messages), called in-process through
 * `run()` (test/unit/cli/run-cli.ts): the same code path as the executable, without a child
 * process per call. `test/unit/cli/executable.test.ts` runs the real executable once.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, Parser, Writer } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { Journal } from '../../src/transport/journal.js';
import { createQuadBatch } from '../../src/transport/sink.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { provml as runCli } from './cli/run-cli.js';
import { startSparqlServer, type LoopbackServer } from './store/sparql-server.js';

const root = new URL('../../', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/training-run.ttl');
const cliFixture = (name: string) => join(root, 'test/fixtures/cli', name);

/** `provml …` in this process; returns its exit code and output. */
function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args);
}

function provmlWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, { env });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'provml-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** The training fixture as a provml journal of two batches (in graph urn:provml:graph:fixture). */
async function fixtureJournal(name: string): Promise<string> {
  const quads = new Parser().parse(await readFile(fixture, 'utf8'));
  const graph = DataFactory.namedNode('urn:provml:graph:fixture');
  const nquads = new Writer({ format: 'N-Quads' }).quadsToString(quads.map((q) => DataFactory.quad(q.subject, q.predicate, q.object, graph)));
  const lines = nquads.split('\n').filter((l) => l !== '');
  const half = Math.floor(lines.length / 2);
  const path = join(tmp, name);
  const journal = Journal.openSync({ path, durability: 'none' });
  await journal.append(createQuadBatch({ seq: 1, events: 3, nquads: `${lines.slice(0, half).join('\n')}\n`, size: half }));
  await journal.append(createQuadBatch({ seq: 2, events: 3, nquads: `${lines.slice(half).join('\n')}\n`, size: lines.length - half }));
  await journal.close();
  return path;
}

interface JsonReport {
  conforms: boolean;
  triples: number;
  durationMs: number;
  countsByShape: Record<string, number>;
  results: { severity: string; focusNode: string; path?: string; message: string; sourceShape: string }[];
}

describe('provml CLI', () => {
  it('inspect lists runs as JSON, and details one run', async () => {
    const list = await provml('inspect', fixture, '--format', 'json');
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.stdout) as { run: string; learning: boolean; status: string }[];
    const learning = runs.find((r) => r.learning)!;
    expect(learning.status).toBe('completed');
    const detail = await provml('inspect', fixture, '--run', learning.run, '--format', 'json');
    const [d] = JSON.parse(detail.stdout) as { epochs: { epoch: number }[]; hyperparameters: { name: string }[] }[];
    expect(d!.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    expect(d!.hyperparameters.length).toBeGreaterThan(0);
  });

  it('rejects an invalid run IRI with exit code 2 naming it, with "provml: " once', async () => {
    const r = await provml('inspect', fixture, '--run', 'bad iri> }');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('provml: not a valid IRI: "bad iri> }"\n');
  });

  it('says a run is not found (exit 2) and how to list runs, instead of three empty tables', async () => {
    const r = await provml('inspect', fixture, '--run', 'urn:provml:run:nope');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`provml: run not found in ${fixture}: urn:provml:run:nope; they hold 1 run — list them with: provml inspect ${fixture}\n`);
    const json = await provml('inspect', fixture, '--run', 'urn:provml:run:nope', '-f', 'json');
    expect(json.code).toBe(2);
  });

  it('reads a journal; refuses a truncated one (file:line) and an empty file, like validate', async () => {
    const journal = await fixtureJournal('inspect.nq');
    const ok = await provml('inspect', journal, '-f', 'json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveLength(1);
    const text = await readFile(journal, 'utf8');
    const cut = join(tmp, 'inspect-cut.nq');
    await writeFile(cut, text.slice(0, text.length - 20)); // mid-line, in batch 2
    const r = await provml('inspect', cut);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${cut.replaceAll('.', '\\.')}:\\d+: `));
    const lines = text.split('\n');
    const torn = join(tmp, 'inspect-torn.nq');
    await writeFile(torn, `${lines.slice(0, lines.length - 3).join('\n')}\n`); // whole lines, batch 2 short of 2
    const t = await provml('inspect', torn);
    expect(t.code).toBe(2);
    const header = lines.findIndex((l) => l.startsWith('# provml batch seq=2 ')) + 1;
    expect(t.stderr).toContain(`${torn}:${header}: journal batch seq=2 is torn`);
    const empty = join(tmp, 'empty.nq');
    await writeFile(empty, '');
    const e = await provml('inspect', empty);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(`${empty}: no RDF statements (the file is empty)\n`);
  });
});

describe('exit codes: 0 ok, 1 violations (validate only), 2 usage and input errors', () => {
  it("commander's own usage errors exit 2 (unknown option, bad choice, missing argument, unknown command); help and version exit 0", async () => {
    const cases: [string[], RegExp][] = [
      [['validate', fixture, '--format', 'xml'], /argument 'xml' is invalid/],
      [['inspect', fixture, '--bogus'], /unknown option '--bogus'/],
      [['inspect'], /missing required argument 'files'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['sparql', 'ASK {}', '--format', 'yaml'], /argument 'yaml' is invalid/],
      [['serve', '--port', 'x'], /a port is an integer/],
    ];
    for (const [args, message] of cases) {
      const r = await provml(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).toMatch(/^provml: /);
    }
    const help = await provml('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: provml');
    expect((await provml('push', '--help')).stdout).toContain('--force');
    const version = await provml('--version');
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const bare = await provml();
    expect(bare.code).toBe(2); // no command: the help, on stderr
    expect(bare.stderr).toContain('Usage: provml');
  });

  it('an endpoint answering HTTP 500 is exit 2 from validate and sparql alike', async () => {
    const store = EmbeddedStore.create();
    const server = await startSparqlServer(store);
    const proxy = await startFaultProxy({ target: server.origin, mode: 'error500' });
    try {
      const url = proxy.url('/sparql');
      const v = await provml('validate', '--endpoint', url, '--timeout', '5000');
      const q = await provml('sparql', 'ASK { ?s ?p ?o }', '--endpoint', url);
      for (const r of [v, q]) {
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^provml: .*HTTP 500/);
        expect(r.stderr).not.toMatch(/provml: provml:/);
      }
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});

describe('provml docs', () => {
  it('writes the ontology reference (HTML with one section per class, diagram, Turtle, JSON-LD)', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const out = await mkdtemp(join(tmpdir(), 'provml-docs-'));
    const r = await provml('docs', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('50 classes');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    for (const id of ['LearningStageExecution', 'ModelEvaluation', 'EpochExecution']) expect(html).toContain(`id="${id}"`);
    JSON.parse(await readFile(join(out, 'prov-ml.jsonld'), 'utf8'));
    expect(await readFile(join(out, 'diagram.svg'), 'utf8')).toContain('<svg');
  });

  it('--out naming an existing file is exit 2 with a plain message, not a raw EEXIST', async () => {
    const file = join(tmp, 'not-a-dir.html');
    await writeFile(file, 'x');
    const r = await provml('docs', '--out', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`provml: --out ${file}: exists and is not a directory; give a directory (it is created when missing)\n`);
    expect(await readFile(file, 'utf8')).toBe('x');
  });
});

describe('provml validate', () => {
  const ESC = '\u001b[';

  it('exits 0 on conforming data with a one-line summary, and 1 with results grouped by shape', async () => {
    const ok = await provml('validate', fixture);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✓ conforms: 152 triples checked, 0 violations, \d+\.\d\d s\n$/);

    const bad = await provml('validate', cliFixture('broken.ttl'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('Iteration index (1)  <https://w3id.org/prov-ml/shapes#IterationIndexShape>');
    expect(bad.stdout).toMatch(/ {2}Violation +urn:x:batch\n {4}path +provml:iterationIndex\n {4}message +An iteration/);
    expect(bad.stdout).toMatch(/✗ 4 triples checked, 1 violation, \d+\.\d\d s\n$/);
    expect(bad.stdout).not.toContain(ESC); // piped: no colour codes
  });

  it('--format json prints the report object with focus node, path and message', async () => {
    const v = await provml('validate', cliFixture('broken.ttl'), '--format', 'json');
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout) as JsonReport;
    expect(report.conforms).toBe(false);
    expect(report.triples).toBe(4);
    expect(Number.isInteger(report.durationMs) && report.durationMs >= 0).toBe(true); // whole ms: a 4-triple check can round to 0
    expect(report.results).toEqual([
      expect.objectContaining({
        severity: 'Violation',
        focusNode: 'urn:x:batch',
        path: 'provml:iterationIndex',
        message: expect.stringContaining('exactly one iteration index') as string,
      }),
    ]);
    expect(report.countsByShape).toEqual({ 'https://w3id.org/prov-ml/shapes#IterationIndexShape': 1 });
  });

  it('validates several files together', async () => {
    const v = await provml('validate', fixture, cliFixture('broken.ttl'), '-f', 'json');
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout) as JsonReport;
    expect(report.triples).toBe(156);
    expect(report.results.map((r) => r.focusNode)).toEqual(['urn:x:batch']);
  });

  it('exits 2 with file:line on a syntax error, and on unreadable or unknown files', async () => {
    const syntax = cliFixture('syntax.ttl');
    const s = await provml('validate', syntax);
    expect(s.code).toBe(2);
    expect(s.stdout).toBe('');
    expect(s.stderr).toMatch(new RegExp(`^${syntax.replaceAll('.', '\\.')}:3: Unexpected`));
    const missing = await provml('validate', join(root, 'test/fixtures/cli/missing.nq'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.nq: cannot read');
    const unknown = await provml('validate', join(root, 'vitest.config.ts'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/vitest\.config\.ts: unknown RDF/);
    const none = await provml('validate');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nothing to validate');
  });

  it('validates a journal; exit 2 for a truncated journal (file:line) and for an empty file, never "conforms: 0 triples"', async () => {
    const journal = await fixtureJournal('validate.nq');
    const ok = await provml('validate', journal);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✓ conforms: 152 triples checked/);

    const text = await readFile(journal, 'utf8');
    const lines = text.split('\n');
    const header2 = lines.findIndex((l) => l.startsWith('# provml batch seq=2 ')) + 1;
    // Cut mid-line inside the first batch: nothing complete is left.
    const cut = join(tmp, 'validate-cut.nq');
    await writeFile(cut, text.slice(0, Math.floor(text.indexOf('# provml batch seq=2') / 2)));
    const c = await provml('validate', cut);
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
    expect(c.stderr).toMatch(new RegExp(`^${cut.replaceAll('.', '\\.')}:1: journal batch seq=1 is torn \\(\\d+/\\d+ quads\\)`));
    // Whole lines, the second batch short of its last three.
    const torn = join(tmp, 'validate-torn.nq');
    await writeFile(torn, `${lines.slice(0, lines.length - 4).join('\n')}\n`);
    const t = await provml('validate', torn);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(`${torn}:${header2}: journal batch seq=2 is torn`);
    // Several files are read by the same rules.
    expect((await provml('validate', fixture, torn)).code).toBe(2);

    for (const [name, content] of [['empty.ttl', ''], ['empty.nq', ''], ['comments.ttl', '@prefix ex: <urn:ex:> .\n# nothing\n']] as const) {
      const file = join(tmp, name);
      await writeFile(file, content);
      const e = await provml('validate', file);
      expect(e.code, name).toBe(2);
      expect(e.stderr, name).toBe(`${file}: no RDF statements to validate (the file is empty or holds only comments/prefixes)\n`);
      expect(e.stdout, name).toBe('');
    }
  });

  it('a bad --timeout is exit 2', async () => {
    const r = await provml('validate', '--endpoint', 'http://127.0.0.1:9/sparql', '--timeout', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('provml: --timeout must be a positive number of milliseconds, got "soon"\n');
  });

  it('--shapes adds the user\'s SHACL shapes to provml\'s', async () => {
    const epoch = cliFixture('epoch-without-duration.ttl');
    const shapes = cliFixture('user-shapes.ttl');
    expect((await provml('validate', epoch)).code).toBe(0);
    const v = await provml('validate', epoch, '--shapes', shapes, '--format', 'json');
    expect(v.code).toBe(1);
    const report = JSON.parse(v.stdout) as JsonReport;
    expect(report.results).toEqual([
      expect.objectContaining({ focusNode: 'urn:x:epoch-0', path: 'provml:durationMs', message: 'Every epoch must record its duration (provml:durationMs)' }),
    ]);
    // provml's own shapes still apply alongside the user's
    const both = JSON.parse((await provml('validate', cliFixture('broken.ttl'), '--shapes', shapes, '-f', 'json')).stdout) as JsonReport;
    expect(both.results.map((r) => r.path)).toEqual(['provml:iterationIndex']);
    expect((await provml('validate', fixture, '--shapes', shapes)).code).toBe(0);
    const human = await provml('validate', epoch, '--shapes', shapes);
    expect(human.stdout).toContain('Epoch duration (team rule) (property) (1)');
    const badShapes = await provml('validate', epoch, '--shapes', cliFixture('syntax.ttl'));
    expect(badShapes.code).toBe(2);
    expect(badShapes.stderr).toContain('syntax.ttl:3:');
  });

  it('--no-provml-shapes validates with the user\'s shapes only', async () => {
    const shapes = cliFixture('user-shapes.ttl');
    const epoch = cliFixture('epoch-without-duration.ttl');
    // broken.ttl violates a provml shape, which no longer applies
    const only = await provml('validate', cliFixture('broken.ttl'), '--shapes', shapes, '--no-provml-shapes', '-f', 'json');
    expect((JSON.parse(only.stdout) as JsonReport).results.map((r) => r.path)).not.toContain('provml:iterationIndex');
    const user = JSON.parse((await provml('validate', epoch, '--shapes', shapes, '--no-provml-shapes', '-f', 'json')).stdout) as JsonReport;
    expect(user.results.map((r) => r.focusNode)).toEqual(['urn:x:epoch-0']);
    const none = await provml('validate', epoch, '--no-provml-shapes');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--no-provml-shapes needs --shapes');
  });

  it('colours only when asked: never when piped or with NO_COLOR, yes with FORCE_COLOR', async () => {
    const broken = cliFixture('broken.ttl');
    expect((await provml('validate', broken)).stdout).not.toContain(ESC);
    const forced = await provmlWith({ FORCE_COLOR: '1' }, 'validate', broken);
    expect(forced.stdout).toContain(`${ESC}31mViolation`);
    expect((await provmlWith({ FORCE_COLOR: '1', NO_COLOR: '1' }, 'validate', broken)).stdout).not.toContain(ESC);
    expect((await provmlWith({ FORCE_COLOR: '1' }, 'validate', broken, '-f', 'json')).stdout).not.toContain(ESC);
  });

  describe('--endpoint (a loopback SPARQL 1.1 server in this process)', () => {
    let server: LoopbackServer;
    const trainingGraph = 'urn:provml:test:training';

    beforeAll(async () => {
      const store = EmbeddedStore.create();
      const parse = async (file: string) => new Parser({ format: 'text/turtle' }).parse(await readFile(file, 'utf8'));
      await store.insertQuads(await parse(fixture), trainingGraph);
      await store.insertQuads(await parse(cliFixture('broken.ttl')), 'urn:provml:test:broken');
      server = await startSparqlServer(store);
    });
    afterAll(async () => server.close());

    it('validates everything the endpoint holds, or one named graph', async () => {
      const all = await provml('validate', '--endpoint', server.url, '-f', 'json');
      expect(all.code).toBe(1);
      const report = JSON.parse(all.stdout) as JsonReport;
      expect(report.triples).toBe(156);
      expect(report.results.map((r) => [r.focusNode, r.path])).toEqual([['urn:x:batch', 'provml:iterationIndex']]);
      expect(server.requests.every((r) => r.method === 'GET' || r.headers['content-type'] === 'application/x-www-form-urlencoded')).toBe(true);

      const one = await provml('validate', '--endpoint', server.url, '--graph', trainingGraph);
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(/^✓ conforms: 152 triples checked/);

      const fromEnv = await provmlWith({ PROVML_ENDPOINT: server.url }, 'validate', '--graph', trainingGraph);
      expect(fromEnv.code).toBe(0);
    });

    it('sends PROVML_AUTH credentials; a 401 exits 2 without showing them', async () => {
      const store = EmbeddedStore.create();
      const guarded = await startSparqlServer(store, { authorization: `Basic ${Buffer.from('alice:hunter2').toString('base64')}` });
      try {
        const ok = await provmlWith({ PROVML_AUTH: 'basic:alice:hunter2' }, 'validate', '--endpoint', guarded.url);
        expect(ok.code).toBe(0);
        expect(ok.stdout).toMatch(/^✓ conforms: 0 triples checked/);
        const denied = await provmlWith({ PROVML_AUTH: 'bearer:s3cret-token' }, 'validate', '--endpoint', guarded.url);
        expect(denied.code).toBe(2);
        expect(denied.stderr).toContain(`provml: SPARQL endpoint ${guarded.url} answered HTTP 401: Unauthorized`);
        expect(denied.stderr).not.toContain('s3cret');
        expect(guarded.requests.at(-1)!.headers.authorization).toBe('Bearer s3cret-token');
      } finally {
        await guarded.close();
      }
    });

    it('exits 2 on an invalid graph IRI, an unreachable endpoint or a server error, never showing credentials', async () => {
      const iri = await provml('validate', '--endpoint', server.url, '--graph', 'bad iri> }');
      expect(iri.code).toBe(2);
      expect(iri.stderr).toContain('not a valid IRI: "bad iri> }"');

      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const { port } = probe.address() as { port: number };
      await new Promise<void>((r) => probe.close(() => r()));
      const refused = await provml('validate', '--endpoint', `http://alice:hunter2@127.0.0.1:${port}/sparql`);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`cannot reach SPARQL endpoint http://127.0.0.1:${port}/sparql`);
      expect(refused.stderr).not.toMatch(/hunter2|alice/);

      const hang = await provml('validate', '--endpoint', `${server.origin}/hang`, '--timeout', '300');
      expect(hang.code).toBe(2);
      expect(hang.stderr).toContain('did not answer within 300 ms');

      const notSparql = await provml('validate', '--endpoint', `${server.url}`, fixture);
      expect(notSparql.code).toBe(2);
      expect(notSparql.stderr).toContain('not both');
    });
  });
});
