/**
 * `npm run demo` end to end (examples/seismic): three phase processes, the journals loaded into
 * one store, Q1–Q6 printed and self-checked, the report written. Runs in CI: the whole demo takes
 * well under 10 s on an idle 2-core machine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run demo (examples/seismic)', () => {
  let dir: string;
  let result: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-demo-'));
    result = await new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'examples/seismic/main.ts')], {
        cwd: ROOT,
        env: { ...process.env, PROVML_DEMO_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with every Q1–Q6 answer checked against what the phases generated', () => {
    if (result.code !== 0) throw new Error(`exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    expect(result.stdout).toMatch(/self-check: all \d+ checks passed/);
    expect(result.stderr).not.toMatch(/self-check FAILED/);
    for (const q of ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6']) expect(result.stdout).toMatch(new RegExp(`^${q} — `, 'm'));
  });

  it('ran the three phases as separate processes, each with its own journal', () => {
    for (const phase of ['curation', 'preparation', 'learning']) {
      expect(result.stdout).toMatch(new RegExp(`^  \\[${phase}\\] `, 'm'));
      expect(existsSync(join(dir, 'journals', `${phase}.nq`))).toBe(true);
    }
    expect(result.stdout).toMatch(/Loaded 3 journals into one embedded store: \d+ quads, 6 workflow runs/);
  });

  it('wrote the report, the data and the models where it says', async () => {
    const page = join(dir, 'provml-report', 'index.html');
    expect(result.stdout).toContain(page);
    const html = await readFile(page, 'utf8');
    expect(html).toContain('North Sea Basin');
    expect(html).toContain('Santos Basin');
    for (const f of ['surveys/netherlands.svol', 'surveys/santos.svol', 'datasets/A-train.stil', 'datasets/B-validation.stil', 'models/T1-epoch-0.json', 'models/T1.history.json']) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
  });
});
