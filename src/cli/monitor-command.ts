import { Option, type Command } from 'commander';
import { createMonitor, type MonitorSnapshot } from '../query/monitor.js';
import { iriTerm } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { SparqlHttpError } from '../store/http-error.js';
import { bare, cli, setExitCode } from './io.js';
import { InputError } from './load.js';
import { monitorLine, renderMonitor } from './monitor-view.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';
import { useColor } from './style.js';

/**
 * `provml monitor --run IRI`: watch a run live from any SPARQL endpoint (typically `provml serve`,
 * which the training writes into). Exit codes: 0 the run has ended (or `--once` printed its
 * view), 2 bad input (invalid IRI or option, unreadable files, run not found or endpoint
 * unreadable within `--wait`; at once with `--once`, or when the endpoint refuses the request)
 * and `--timeout-after` elapsing before the run ends, 130 interrupted (Ctrl-C).
 */

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const CLEAR_DOWN = '\u001b[J';

/**
 * Settings of {@link watchRun}.
 *
 * @example
 * ```ts
 * const o: WatchOptions = { run, intervalMs: 1000, measure: 'loss', once: false, waitMs: 10_000 };
 * ```
 */
export interface WatchOptions {
  run: string;
  /** Time between refreshes (ms). */
  intervalMs: number;
  /** The measure drawn per epoch. */
  measure: string;
  /** Print one view and stop. */
  once: boolean;
  /** How long an unknown run (or an unreachable endpoint) is waited for before exit code 2 (ms). */
  waitMs: number;
  /** Give up (exit code 2) when the run has not ended after this long (ms). */
  timeoutAfterMs?: number;
  /** Batches the batch-time statistics cover (default 100). */
  recentBatches?: number;
  /** The source, for messages. */
  describe?: string;
}

/**
 * Where {@link watchRun} writes, and what stops it.
 *
 * @example
 * ```ts
 * const io: WatchIo = { out: process.stdout, err: process.stderr, color: false };
 * ```
 */
export interface WatchIo {
  /** The view; redrawn in place when `isTTY`, else one line per refresh. */
  out: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Notes and errors. */
  err: { write(text: string): unknown };
  /** Aborting it (SIGINT) stops the watch with code 130. */
  signal?: AbortSignal;
  color?: boolean;
}

class Interrupted extends Error {}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return abortable(new Promise<void>((r) => (timer = setTimeout(r, ms))), signal).finally(() => clearTimeout(timer));
}

/**
 * Errors waiting cannot cure: the endpoint answered, and refused the request (HTTP 4xx other than
 * 408/429: bad credentials, not a SPARQL endpoint, a query it rejects).
 */
function refused(err: unknown): boolean {
  return err instanceof SparqlHttpError && err.code === 'status' && !err.retryable;
}

/**
 * Refresh a view of `options.run` on `endpoint` until the run ends; resolves with the exit code
 * (0 ended or `once`, 2 `timeoutAfterMs` elapsed, 130 interrupted). Throws an `InputError` when
 * the run is not found (or the endpoint cannot be read) within `waitMs` — at once when the
 * endpoint refuses the request —, a `TypeError` for an invalid IRI. Each distinct error is
 * written once: while waiting (on `err`, or under the view), or in the error thrown at the end.
 *
 * @example
 * ```ts
 * const code = await watchRun(endpoint, { run, intervalMs: 1000, measure: 'loss', once: false, waitMs: 10_000 },
 *   { out: process.stdout, err: process.stderr });
 * ```
 */
export async function watchRun(endpoint: SparqlEndpoint, options: WatchOptions, io: WatchIo): Promise<number> {
  const monitor = createMonitor(endpoint, options.run, { measure: options.measure, ...(options.recentBatches ? { recentBatches: options.recentBatches } : {}) });
  const { out, err, signal } = io;
  const tty = out.isTTY === true;
  const began = Date.now();
  const where = options.describe ?? 'the endpoint';
  let drawn = 0; // lines of the view on screen (TTY)
  let seen = false;
  let waitingNoted = false;
  let lastError: string | undefined;

  const draw = (snapshot: MonitorSnapshot | undefined, note?: string) => {
    if (!tty) {
      if (snapshot) out.write(`${monitorLine(snapshot)}\n`);
      return;
    }
    const lines = snapshot ? renderMonitor(snapshot, { color: io.color ?? false, columns: out.columns || 100 }) : [];
    if (note) lines.push(note);
    out.write(`${drawn > 0 ? `\u001b[${drawn}A\r${CLEAR_DOWN}` : ''}${lines.map((l) => `${l}\n`).join('')}`);
    drawn = lines.length;
  };

  if (tty) out.write(HIDE_CURSOR);
  try {
    let last: MonitorSnapshot | undefined;
    for (;;) {
      let snapshot: MonitorSnapshot | undefined;
      let error: string | undefined;
      let fatal = false;
      try {
        snapshot = await abortable(monitor.snapshot(), signal);
      } catch (e) {
        if (e instanceof Interrupted) return 130;
        error = `cannot read ${where}: ${bare((e as Error).message)}`;
        fatal = refused(e);
      }
      if (snapshot) {
        seen = true;
        last = snapshot;
        lastError = undefined;
        draw(snapshot);
        if (snapshot.finished || options.once) return 0;
      } else {
        if (fatal || (!seen && Date.now() - began >= options.waitMs)) {
          if (error === undefined) {
            throw new InputError(
              `run not found in ${where}: ${options.run}${options.waitMs > 0 ? ` (waited ${options.waitMs} ms)` : ''}; list the runs with: provml sparql 'SELECT ?run ?start WHERE { ?run a provml:WorkflowExecution ; prov:startedAtTime ?start }' and the same --endpoint or --data`,
            );
          }
          // Already shown while waiting: say only that we gave up.
          throw new InputError(error === lastError ? `gave up after ${Date.now() - began} ms: ${error}` : error);
        }
        if (error !== undefined && error !== lastError) {
          if (tty) draw(last, error);
          else err.write(`provml: ${error} (retrying${seen ? '' : ` for up to ${options.waitMs} ms`})\n`);
        } else if (error === undefined && !seen && !waitingNoted) err.write(`provml: waiting for run ${options.run} in ${where}…\n`);
        waitingNoted ||= error === undefined;
        lastError = error;
      }
      if (options.timeoutAfterMs !== undefined && Date.now() - began >= options.timeoutAfterMs) {
        err.write(`provml: --timeout-after ${options.timeoutAfterMs} ms elapsed before the run ended\n`);
        return 2;
      }
      try {
        await sleep(options.intervalMs, signal);
      } catch (e) {
        if (e instanceof Interrupted) return 130;
        throw e;
      }
    }
  } finally {
    if (tty) out.write(SHOW_CURSOR);
  }
}

function milliseconds(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new InputError(`${name} must be a number of milliseconds ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

interface MonitorOpts extends SourceOpts {
  run: string;
  interval: string;
  measure: string;
  once?: boolean;
  wait?: string;
  timeoutAfter?: string;
  recent: string;
}

/**
 * Register `provml monitor` on the program.
 *
 * @example
 * ```ts
 * addMonitorCommand(program);
 * // provml monitor --run urn:provml:execution:0190… --endpoint http://127.0.0.1:7878/sparql
 * ```
 */
export function addMonitorCommand(program: Command): void {
  const cmd = program
    .command('monitor')
    .description('watch a run live: epoch/batch progress, loss sparkline, batch times, last evaluation, events lag; exits 0 when the run ends')
    .requiredOption('-r, --run <iri>', 'the workflow execution to watch')
    .addOption(new Option('-i, --interval <ms>', 'refresh interval in milliseconds').default('1000'))
    .addOption(new Option('-m, --measure <name>', 'measure drawn per epoch').default('loss'))
    .option('--once', 'print one view and exit (implied by --data: files do not change)')
    .addOption(new Option('--wait <ms>', 'how long to wait for the run (or the endpoint) to appear before exit code 2 (default 10000; 0 with --once or --data)'))
    .addOption(new Option('--timeout-after <ms>', 'stop with exit code 2 when the run has not ended after this long'))
    .addOption(new Option('--recent <n>', 'batches the batch-time statistics cover').default('100'));
  addSourceOptions(cmd).action(async (opts: MonitorOpts) => {
    try {
      iriTerm(opts.run, 'run IRI'); // before anything is opened
    } catch (e) {
      throw new InputError((e as Error).message.replace(/^provml: /, ''));
    }
    const fromFiles = (opts.data ?? []).length > 0;
    const once = opts.once === true || fromFiles;
    const recent = Number(opts.recent);
    if (!Number.isSafeInteger(recent) || recent < 1) throw new InputError(`--recent must be a positive integer, got ${JSON.stringify(opts.recent)}`);
    const timeoutAfter = milliseconds(opts.timeoutAfter, '--timeout-after', 0);
    const watch: WatchOptions = {
      run: opts.run,
      intervalMs: milliseconds(opts.interval, '--interval', 10)!,
      measure: opts.measure,
      once,
      // One view: fail fast (a refused connection is reported once, at once) unless --wait says otherwise.
      waitMs: milliseconds(opts.wait, '--wait', 0) ?? (once ? 0 : 10_000),
      ...(timeoutAfter !== undefined ? { timeoutAfterMs: timeoutAfter } : {}),
      recentBatches: recent,
    };
    const source = await openSource(opts);
    const aborter = new AbortController();
    const onSigint = () => aborter.abort();
    process.once('SIGINT', onSigint);
    let code = 2;
    try {
      const { stdout, stderr } = cli();
      code = await watchRun(source.endpoint, { ...watch, describe: source.describe }, { out: stdout, err: stderr, signal: aborter.signal, color: useColor(stdout) });
    } finally {
      process.off('SIGINT', onSigint);
      // A request in flight keeps close() waiting; after Ctrl-C, do not make the user wait for it.
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([source.close().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 1000)))]);
      clearTimeout(timer);
      if (!closed && aborter.signal.aborted) process.exit(130);
    }
    if (code !== 0) setExitCode(code);
  });
}
