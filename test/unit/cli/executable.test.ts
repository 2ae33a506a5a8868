/**
 * The real `provml` executable (src/cli.ts, the package's `bin` once built), spawned once: the
 * in-process tests call the same `run()`, so this only checks what they cannot — that the exit
 * code and the output reach the process. One child, so the test does not depend on machine speed
 * beyond one tsx start-up (the timeout is generous for a loaded machine).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliEnv } from './run-cli.js';

const exec = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

describe('the provml executable', () => {
  it('prints to its own stderr and exits with the code run() set (2 for an unknown run)', async () => {
    const fixture = join(root, 'test/fixtures/training-run.ttl');
    const error = await exec(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'inspect', fixture, '--run', 'urn:provml:run:nope'], {
      cwd: root,
      env: cliEnv() as NodeJS.ProcessEnv,
    }).then(
      () => undefined,
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    expect(error).toBeDefined();
    expect(error!.code).toBe(2);
    expect(error!.stdout).toBe('');
    expect(error!.stderr).toBe(`provml: run not found in ${fixture}: urn:provml:run:nope; they hold 1 run — list them with: provml inspect ${fixture}\n`);
  }, 120_000);
});
