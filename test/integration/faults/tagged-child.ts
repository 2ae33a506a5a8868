/**
 * Child processes that talk to the test with tagged stdout lines, `TAG {json}` (the exit and
 * SIGKILL fixtures: test/fixtures/faults/exit-child.ts, sigkill-child.ts). Unlike the harness's
 * JSON-line children, any other stdout text is kept, not parsed, and each tagged line carries the
 * wall-clock time the test received it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from './harness.js';

/**
 * One tagged stdout line, with the test's `Date.now()` when it arrived.
 *
 * @example
 * ```ts
 * const t: TaggedLine = { tag: 'PROVML_EXIT', data: { captured: 418 }, at: Date.now() };
 * ```
 */
export interface TaggedLine {
  tag: string;
  data: Record<string, unknown>;
  at: number;
}

/**
 * How a tagged child ended.
 *
 * @example
 * ```ts
 * const { code, signal, stderr, lines } = await child.exited;
 * ```
 */
export interface TaggedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: TaggedLine[];
  /** `Date.now()` in the test when the child's `exit` event arrived. */
  at: number;
}

/**
 * A running tagged child.
 *
 * @example
 * ```ts
 * const child = startTaggedChild('exit-child.ts', { PROVML_EXIT_CHILD: JSON.stringify(config) });
 * await child.line('PROVML_READY');
 * child.proc.kill('SIGTERM');
 * const exit = await child.exited;
 * ```
 */
export interface TaggedChild {
  proc: ChildProcess;
  /** Every tagged line so far. */
  readonly lines: readonly TaggedLine[];
  /** The first line with `tag` (and satisfying `pred`); rejects when the child exits first or after `timeoutMs`. */
  line(tag: string, timeoutMs?: number, pred?: (l: TaggedLine) => boolean): Promise<TaggedLine>;
  /** Calls `fn` for every tagged line from now on. */
  onLine(fn: (l: TaggedLine) => void): void;
  exited: Promise<TaggedExit>;
  /** SIGKILL the child if it is still running (idempotent). */
  kill(): void;
}

const TAGGED = /^([A-Z][A-Z0-9_]*) (\{.*\})\s*$/;

/**
 * Start `test/fixtures/faults/<fixture>` with `node --import tsx`, `env` added to the test's own.
 *
 * @example
 * ```ts
 * const child = startTaggedChild('sigkill-child.ts', { PROVML_SIGKILL_CHILD: '{}' , TMPDIR: dir });
 * ```
 */
export function startTaggedChild(fixture: string, env: Record<string, string>): TaggedChild {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['PROVML_ENDPOINT', 'PROVML_AUTH']) if (!(name in env)) delete e[name];
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/faults', fixture)], {
    cwd: root,
    env: e,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: TaggedLine[] = [];
  const listeners = new Set<() => void>();
  const watchers: ((l: TaggedLine) => void)[] = [];
  let stdout = '';
  let stderr = '';
  let rest = '';
  let ended = false;
  proc.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    stdout += text;
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    const at = Date.now();
    for (const p of parts) {
      const m = TAGGED.exec(p);
      if (!m) continue;
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(m[2]!) as Record<string, unknown>;
      } catch {
        continue;
      }
      const l = { tag: m[1]!, data, at };
      lines.push(l);
      for (const w of watchers) w(l);
    }
    for (const l of listeners) l();
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' (not 'exit'): every byte of stdout/stderr has been read by then.
  const exited = new Promise<TaggedExit>((res) =>
    proc.on('close', (code, signal) => {
      ended = true;
      for (const l of listeners) l();
      res({ code, signal, stdout, stderr, lines, at: Date.now() });
    }),
  );
  const line = (tag: string, timeoutMs = 60_000, pred: (l: TaggedLine) => boolean = () => true) =>
    new Promise<TaggedLine>((res, rej) => {
      const timer = setTimeout(() => done(new Error(`child: no ${tag} line within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
      const check = () => {
        const hit = lines.find((l) => l.tag === tag && pred(l));
        if (hit) done(undefined, hit);
        else if (ended) done(new Error(`child exited (${proc.exitCode ?? proc.signalCode}) before a ${tag} line; stderr: ${stderr.slice(-2000)}`));
      };
      function done(err?: Error, v?: TaggedLine) {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) rej(err);
        else res(v!);
      }
      listeners.add(check);
      check();
    });
  return {
    proc,
    lines,
    line,
    onLine: (fn) => void watchers.push(fn),
    exited,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * Resolve with `p`, or with `undefined` after `ms` (the timer is cleared either way).
 *
 * @example
 * ```ts
 * const exit = await within(child.exited, 20_000); // undefined: still running
 * ```
 */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A tiny concurrency limiter: at most `n` of the functions passed to it run at once.
 *
 * @example
 * ```ts
 * const limit = limiter(2);
 * await Promise.all(jobs.map((j) => limit(() => run(j))));
 * ```
 */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r)); // the slot is handed over
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
