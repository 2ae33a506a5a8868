import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { startSparqlServer, type LoopbackServer } from './store/sparql-server.js';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/training-run.ttl');
const cliFixture = (name: string) => join(root, 'test/fixtures/cli', name);

/** The environment without colour switches (children's stdout is a pipe). */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'PROVML_ENDPOINT', 'PROVML_AUTH']) if (!(name in extra)) delete env[name];
  return env;
}

/** Run the real CLI entry (as `provml …` would) and return its exit code and output. */
async function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return provmlWith({}, ...args);
}

async function provmlWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root, env: plainEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
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

  it('rejects an invalid run IRI with exit code 2 naming it', async () => {
    const r = await provml('inspect', fixture, '--run', 'bad iri> }');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a valid IRI: "bad iri> }"');
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
    expect(report.durationMs).toBeGreaterThan(0);
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
