import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a `provml` command reads and writes: stdout, stderr, stdin, the environment and the exit
 * code. The real executable uses the process's; `run(argv, io)` (tests, embedding) runs a command
 * in its own context, so several commands can run concurrently in one process and none of them
 * touches `process.exitCode`.
 */

/** A stream a command writes text to; `isTTY`/`columns` as on a terminal's `WriteStream`. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * What {@link run} may replace; anything left out is the process's own.
 *
 * @example
 * ```ts
 * let out = '';
 * const io: CliIo = { stdout: { write: (s: string) => (out += s) }, env: { PROVML_ENDPOINT: 'http://127.0.0.1:7878/sparql' } };
 * ```
 */
export interface CliIo {
  stdout?: CliStream;
  stderr?: CliStream;
  /** Read by `provml sparql --file -`. */
  stdin?: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  /** Environment variables the command sees (`PROVML_ENDPOINT`, `PROVML_AUTH`, `NO_COLOR`…). */
  env?: Record<string, string | undefined>;
}

/** The context of one command run. */
export interface CliContext {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly stdin: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  readonly env: Record<string, string | undefined>;
  /** Set by the command (see {@link setExitCode}); `undefined` means 0. */
  exitCode: number | undefined;
}

const storage = new AsyncLocalStorage<CliContext>();

/**
 * The current command's context (the process's streams and environment outside {@link withCli}).
 *
 * @example
 * ```ts
 * cli().stdout.write('done\n');
 * ```
 */
export function cli(): CliContext {
  return (
    storage.getStore() ?? {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      env: process.env,
      get exitCode() {
        return typeof process.exitCode === 'number' ? process.exitCode : undefined;
      },
      set exitCode(code: number | undefined) {
        process.exitCode = code;
      },
    }
  );
}

/**
 * Set the exit code of the current command (the highest code set wins: a later success never
 * hides an earlier failure).
 *
 * @example
 * ```ts
 * setExitCode(report.conforms ? 0 : 1);
 * ```
 */
export function setExitCode(code: number): void {
  const ctx = cli();
  if (ctx.exitCode === undefined || code > ctx.exitCode) ctx.exitCode = code;
}

/**
 * Run `fn` with `io` as the command context; resolves to what `fn` resolved to and the exit code
 * the command set.
 *
 * @example
 * ```ts
 * const { exitCode } = await withCli({ stdout: sink }, () => program().parseAsync(argv));
 * ```
 */
export async function withCli<T>(io: CliIo, fn: () => Promise<T>): Promise<{ value: T; context: CliContext }> {
  const context: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
    exitCode: undefined,
  };
  const value = await storage.run(context, fn);
  return { value, context };
}

/**
 * `message` without a leading `provml: ` (library errors carry it; the CLI adds its own once).
 *
 * @example
 * ```ts
 * bare('provml: not a valid IRI: "x"'); // 'not a valid IRI: "x"'
 * ```
 */
export function bare(message: string): string {
  return message.replace(/^(?:provml: )+/, '');
}

/**
 * How an error is shown: `file:line: message` when it is about a file (like a compiler), else
 * `provml: message` — with `provml: ` exactly once, whatever the library put in the message.
 *
 * @example
 * ```ts
 * describeError(Object.assign(new Error('Unexpected "."'), { file: 'run.ttl', line: 3 })); // 'run.ttl:3: Unexpected "."'
 * describeError(new TypeError('provml: not a valid IRI: "x"'));                          // 'provml: not a valid IRI: "x"'
 * ```
 */
export function describeError(err: unknown): string {
  const e = err as { message?: unknown; file?: unknown; line?: unknown } | undefined;
  const message = bare(typeof e?.message === 'string' ? e.message : String(err));
  if (typeof e?.file === 'string' && e.file !== '') {
    if (message.startsWith(e.file)) return message;
    if (typeof e.line === 'number') return `${e.file}:${e.line}: ${message}`;
  }
  return `provml: ${message}`;
}
