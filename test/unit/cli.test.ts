import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/training-run.ttl');

/** Run the real CLI entry (as `provml …` would) and return its exit code and output. */
async function provml(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
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

  it('validate exits 0 on conforming data, 1 with the violations, 2 with file and line on a syntax error', async () => {
    expect((await provml('validate', fixture)).code).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'provml-cli-'));
    const broken = join(dir, 'broken.ttl');
    await writeFile(broken, `@prefix provml: <https://w3id.org/prov-ml#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<urn:x:batch> a provml:BatchExecution ; provml:executes <urn:x:plan> ; provml:partOf <urn:x:epoch> ;
  prov:startedAtTime "2025-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
`);
    const v = await provml('validate', broken, '--format', 'json');
    expect(v.code).toBe(1);
    const [report] = JSON.parse(v.stdout) as { results: { focusNode: string; path: string; message: string }[] }[];
    expect(report!.results).toEqual([expect.objectContaining({ focusNode: 'urn:x:batch', path: 'provml:iterationIndex' })]);
    const syntax = join(dir, 'syntax.ttl');
    await writeFile(syntax, '<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open .\n');
    const s = await provml('validate', syntax);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`${syntax}:2:`);
  });

  it('rejects an invalid run IRI with exit code 2 naming it', async () => {
    const r = await provml('inspect', fixture, '--run', 'bad iri> }');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a valid IRI: "bad iri> }"');
  });
});
