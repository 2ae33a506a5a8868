/**
 * The `provml` CLI called in-process, as the executable calls it (`run(argv)` from
 * src/cli/main.ts), with its own stdout, stderr and environment: no child process and no tsx
 * start-up per call, so CLI tests do not depend on how fast the machine is. Calls may run
 * concurrently (each has its own context).
 */
import { run } from '../../../src/cli/main.js';

/** What a call printed and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a call sees: this process's, minus the variables that change the CLI's behaviour. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'PROVML_ENDPOINT', 'PROVML_AUTH']) delete env[name];
  return { ...env, ...extra };
}

/**
 * Run `provml <args…>` in this process.
 *
 * @example
 * ```ts
 * const r = await provml(['inspect', 'run.nq', '--format', 'json']);
 * expect(r.code).toBe(0);
 * ```
 */
export async function provml(args: readonly string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'provml', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: cliEnv(options.env),
    ...(options.stdin !== undefined ? { stdin: [Buffer.from(options.stdin)] } : {}),
  });
  return { code, stdout, stderr };
}
