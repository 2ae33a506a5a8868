/**
 * `provml report` (src/cli/report-command.ts) on a journal: the command is mounted on its own
 * program here, as src/cli/main.ts mounts it, and run in a CLI context that captures its output.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withCli } from '../../../src/cli/io.js';
import { InputError } from '../../../src/cli/load.js';
import { addReportCommand } from '../../../src/cli/report-command.js';
import { captureLifecycle, TRAININGS, type Lifecycle } from './fixture.js';

let dir: string;
let life: Lifecycle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-report-cli-'));
  life = await captureLifecycle(join(dir, 'work'));
  await life.prov.shutdown(); // everything is in the journal now
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function provml(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const cmd = new Command('provml').exitOverride().configureOutput({ writeOut: (t) => void (out += t), writeErr: (t) => void (err += t) });
  addReportCommand(cmd);
  await withCli({ stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {} }, () => cmd.parseAsync(['node', 'provml', 'report', ...args]));
  return { out, err };
}

describe('provml report', () => {
  test('--data journal --run IRI --out DIR writes the page and says what it drew', async () => {
    const out = join(dir, 'site');
    const r = await provml('--data', life.journal, '--out', out, '--title', 'CLI <report>', '--no-validate', '--run', life.runs.T1, life.runs.T2);
    expect(r.err).toBe('');
    expect(r.out).toBe(`${join(out, 'index.html')}: 2 runs (2 with a learning stage), 5 charts, lineage of 9 nodes\n`);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('<title>CLI &lt;report&gt;</title>');
    expect(html).toContain(`Source: ${life.journal}`);
    expect(html.match(/<circle[^>]*data-epoch=/g)?.length).toBeGreaterThanOrEqual(2 * (TRAININGS.T1.epochs + TRAININGS.T2.epochs));
  });

  test('bad input is an InputError (exit code 2 in provml): invalid or unknown run, --out a file, no source', async () => {
    await expect(provml('--data', life.journal, '--run', 'not an iri')).rejects.toThrow(/not a valid run IRI/);
    await expect(provml('--data', life.journal, '--out', join(dir, 'x'), '--run', 'urn:provml:execution:missing')).rejects.toThrow(InputError);
    await expect(provml('--data', life.journal, '--out', join(dir, 'x'), '--run', 'urn:provml:execution:missing')).rejects.toThrow(/run not found: urn:provml:execution:missing; the store holds 4 runs .* in /);
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    await expect(provml('--data', life.journal, '--out', file)).rejects.toThrow(/exists and is not a directory/);
    await expect(provml('--out', join(dir, 'y'))).rejects.toThrow(/no provenance to read/);
  });
});
