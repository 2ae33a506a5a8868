import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ExitChildConfig, ExitEnding } from '../../fixtures/faults/exit-child.js';
import type { TransportStats } from '../../../src/transport/options.js';
import type { FaultMode } from '../../support/fault-proxy.js';
import { countTriples, endpointOption, provmlPush, pushArgs, startBackend, startProxied, tempDir } from './harness.js';
import { limiter, startTaggedChild, within, type TaggedExit } from './tagged-child.js';

/**
 * "Nothing lost at exit" (issue 10), with real child processes and real exits. A child
 * (test/fixtures/faults/exit-child.ts) records 5 epochs × 40 batches with the `track` API against
 * an endpoint that never works — the fault proxy refuses connections (`down`), answers 500
 * (`error500`) or accepts and never answers (`hang`) — with a journal (durability `sync` or
 * `batch`) or without one, and then ends by `return` (after `await prov.shutdown()`), by
 * `process.exit(0)`, by an uncaught exception, by SIGTERM, or by simply returning
 * without `shutdown()`. Each case asserts, from the `PROVML_EXIT` line the child prints in an exit
 * listener registered after `ProvML.init`:
 * - the child ended as the ending implies (code 0 / 0 / 1 / SIGTERM or 143), within
 *   `shutdownTimeoutMs` + 10 s of the end of its training loop (of the signal, for SIGTERM);
 *   for `return`, that `shutdown()` resolved, within the same bound;
 * - `captured = sent + journaled + deadLettered + dropped`, `captured` = the reference run's,
 *   `dropped = 0` (there is always a journal or a fallback journal), `sent = 0` (nothing got
 *   through the proxy, and the store is still empty);
 * - with a journal: `journaled > 0`; `provml push` of the journal into the (now reachable) store
 *   gives exactly the reference run's triple count, and a second push sends nothing;
 * - without one: stderr has one line `provml: … <fallback journal> … provml push …` naming
 *   `stats().fallbackJournal`; pushing that file gives the reference count, a second push nothing.
 * The reference is the same child, ending `return`, straight into a healthy backend, no journal.
 *
 * **Which cases run.** By default the full product: 3 modes × 3 journal settings (none, sync,
 * batch) × 5 endings (return, exit, throw, sigterm, noshutdown) = 45 children and up to 90
 * `provml push` runs, 3 cases at a time: ≈ 220 s of CPU (user + sys) when every case passes, so
 * about 2 minutes on an idle 2-core machine (measured: 275–345 s wall at load average 13–17).
 * `PROVML_EXIT_MATRIX=quick` runs a covering subset instead: every ending ×
 * every journal setting (12), the fault mode chosen as `modes[(ending + journal) % 3]` so that every
 * (mode, ending) and every (mode, journal) pair occurs too, plus `noshutdown` with (none, down),
 * (sync, error500), (batch, hang) — 15 cases. `PROVML_EXIT_CONCURRENCY` (default 3) bounds how many
 * cases run at once.
 */

const SHUTDOWN_TIMEOUT_MS = 3000;
/** The generous bound on a busy machine: shutdownTimeoutMs + 10 s. */
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 10_000;
/** The endpoint client's request timeout (a hung request gives up after this). */
const REQUEST_TIMEOUT_MS = 1000;

type JournalSetting = 'none' | 'sync' | 'batch';
type Stats = TransportStats;
interface Case {
  mode: Extract<FaultMode, 'down' | 'error500' | 'hang'>;
  journal: JournalSetting;
  ending: ExitEnding;
}

const MODES: Case['mode'][] = ['down', 'error500', 'hang'];
const JOURNALS: JournalSetting[] = ['none', 'sync', 'batch'];
const ENDINGS: ExitEnding[] = ['return', 'exit', 'throw', 'sigterm'];

function cases(): Case[] {
  const out: Case[] = [];
  if (process.env.PROVML_EXIT_MATRIX !== 'quick') {
    for (const mode of MODES) for (const journal of JOURNALS) for (const ending of [...ENDINGS, 'noshutdown' as const]) out.push({ mode, journal, ending });
    return out;
  }
  ENDINGS.forEach((ending, i) => JOURNALS.forEach((journal, j) => out.push({ mode: MODES[(i + j) % 3]!, journal, ending })));
  JOURNALS.forEach((journal, j) => out.push({ mode: MODES[j]!, journal, ending: 'noshutdown' }));
  return out;
}

const limit = limiter(Number(process.env.PROVML_EXIT_CONCURRENCY ?? 3));
const name = (c: Case) => `${c.ending} · endpoint ${c.mode === 'down' ? 'refuses' : c.mode} · ${c.journal === 'none' ? 'no journal' : `journal ${c.journal}`}`;

/** Parse the child's final stats; undefined if the PROVML_EXIT line is missing. */
const exitStats = (exit: TaggedExit) => exit.lines.find((l) => l.tag === 'PROVML_EXIT')?.data as Stats | undefined;
const pushJson = (stdout: string) => {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch {
    return undefined;
  }
};

/** The fault-free reference run; `referenceError` says why there is none (then every case fails on it, but still runs and reports). */
let reference: { triples: number; stats: Stats } | undefined;
let referenceError: string | undefined;
/** Fallback journals written outside the case's own temporary directory. */
const strayFallbacks: string[] = [];

beforeAll(async () => {
  const backend = await startBackend();
  const t = await tempDir();
  try {
    const config: ExitChildConfig = {
      endpoint: endpointOption(backend.server, new URL(backend.server.url).origin, 5000),
      ending: 'return',
      shutdownTimeoutMs: 20_000,
    };
    const child = startTaggedChild('exit-child.ts', { PROVML_EXIT_CHILD: JSON.stringify(config), TMPDIR: t.dir });
    const exit = await within(child.exited, 90_000);
    child.kill();
    if (!exit) {
      referenceError = 'reference child did not end within 90 s';
      return;
    }
    const stats = exitStats(exit);
    const triples = await countTriples(backend.store);
    console.log(`[exit-matrix] reference: code=${exit.code} triples=${triples} stats=${JSON.stringify(stats)}`);
    if (exit.code !== 0 || !stats) referenceError = `reference child failed (code ${exit.code}): ${exit.stderr.slice(-2000)}`;
    else if (stats.sent !== stats.captured || stats.journaled !== 0 || stats.dropped !== 0 || triples <= 1000) {
      referenceError = `reference run is not fault-free: triples=${triples} stats=${JSON.stringify(stats)}`;
    } else reference = { triples, stats };
  } finally {
    await backend.close();
    await t.cleanup();
  }
}, 120_000);

afterAll(async () => {
  // A fallback journal outside the case's TMPDIR (say, in the working directory): remove it and its sidecar.
  for (const f of strayFallbacks) for (const p of [f, `${f}.sent`]) await rm(p, { force: true });
});

describe.concurrent('the process ends while the endpoint never works: nothing is lost, nothing silently', () => {
  for (const c of cases()) {
    it(name(c), { timeout: 1_200_000 } /* includes waiting for a slot */, ({ expect }) =>
      limit(async () => {
        const { backend, proxy, close } = await startProxied(c.mode);
        const t = await tempDir();
        const journalPath = join(t.dir, 'journal.nq');
        const config: ExitChildConfig = {
          endpoint: endpointOption(backend.server, proxy.origin, REQUEST_TIMEOUT_MS),
          ...(c.journal === 'none' ? {} : { journal: { path: journalPath, durability: c.journal } }),
          ending: c.ending,
          shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
        };
        // TMPDIR: a fallback journal under os.tmpdir() lands in this case's directory.
        const child = startTaggedChild('exit-child.ts', { PROVML_EXIT_CHILD: JSON.stringify(config), TMPDIR: t.dir });
        // Every check is a soft assertion, and a failed one is also collected, so that each case
        // ends with one `[exit-matrix] RESULT …` line naming everything that failed in it.
        const failed: string[] = [];
        const check = (label: string, ok: boolean, actual: unknown) => {
          const got = (typeof actual === 'string' ? actual : JSON.stringify(actual) ?? 'undefined').replace(/\s*\n\s*/g, ' ⏎ ');
          const text = `${label} (got ${got.length > 240 ? `${got.slice(0, 240)}…` : got})`;
          if (!ok) failed.push(text);
          expect.soft(ok, text).toBe(true);
        };
        let statsLine = 'none';
        try {
          // The training loop itself: no bound asserted (a busy machine), only a guard.
          const loop = await child.line('PROVML_LOOP', 120_000);
          let endFrom = loop.at;
          if (c.ending === 'sigterm') {
            await child.line('PROVML_READY', 30_000);
            endFrom = Date.now();
            child.proc.kill('SIGTERM');
          }
          const exit = await within(child.exited, EXIT_BOUND_MS + 20_000);
          child.kill();
          check(`child ended within ${EXIT_BOUND_MS + 20_000} ms of the end of its loop`, exit !== undefined, 'still running');
          if (!exit) return;
          const exitMs = exit.at - endFrom;
          const stats = exitStats(exit);
          statsLine = JSON.stringify(stats ?? null);
          const shutdown = exit.lines.find((l) => l.tag === 'PROVML_SHUTDOWN')?.data as { ms: number } | undefined;
          const via = exit.lines.find((l) => l.tag === 'PROVML_EXIT_VIA')?.data.via;
          const stderrTail = exit.stderr.trim().split('\n').slice(-6).join('\n');
          console.log(
            `[exit-matrix] ${name(c)}: code=${exit.code} signal=${exit.signal} exitMs=${exitMs}` +
              `${shutdown ? ` shutdownMs=${shutdown.ms}` : ''}${via ? ` via=${String(via)}` : ''} stats=${statsLine}` +
              `${stderrTail ? `\n  stderr: ${stderrTail.replace(/\n/g, '\n          ')}` : ''}`,
          );

          // How it ended, and within the bound.
          if (c.ending === 'throw') check('exit code 1 after an uncaught exception', exit.code === 1, exit.code);
          else if (c.ending === 'sigterm') check('died of SIGTERM (signal SIGTERM or code 143)', exit.signal === 'SIGTERM' || exit.code === 143, `code ${exit.code}, signal ${exit.signal}`);
          else check('exit code 0', exit.code === 0, exit.code);
          check(`exit within ${EXIT_BOUND_MS} ms of the end of the loop (or of the signal)`, exitMs <= EXIT_BOUND_MS, exitMs);
          if (c.ending === 'return') {
            check('await prov.shutdown() resolved (PROVML_SHUTDOWN line)', shutdown !== undefined, 'no line');
            if (shutdown) check(`shutdown() resolved within ${EXIT_BOUND_MS} ms`, shutdown.ms <= EXIT_BOUND_MS, shutdown.ms);
          }

          // The invariant, from the exit line.
          check('a PROVML_EXIT line', stats !== undefined, exit.stdout.slice(-500));
          if (!stats) return;
          check('captured > 0', stats.captured > 0, stats.captured);
          check('a fault-free reference run', referenceError === undefined, referenceError);
          if (reference) check('captured = the reference run’s', stats.captured === reference.stats.captured, `${stats.captured} vs ${reference.stats.captured}`);
          const sum = stats.sent + stats.journaled + stats.deadLettered + stats.dropped;
          check('captured = sent + journaled + deadLettered + dropped', sum === stats.captured, `${stats.captured} vs ${sum}`);
          check('dropped = 0', stats.dropped === 0, stats.dropped);
          if (stats.dropped > 0) check('drops printed on stderr (a line with "dropped")', /dropped/.test(exit.stderr), stderrTail);
          check('sent = 0 (the endpoint never worked)', stats.sent === 0, stats.sent);
          const before = await countTriples(backend.store);
          check('no triples in the store before any push', before === 0, before);

          // Where the undelivered events are, and `provml push` of that file.
          let toPush: string | undefined;
          if (c.journal !== 'none') {
            check('journaled > 0', stats.journaled > 0, stats.journaled);
            toPush = journalPath;
          } else {
            const line = exit.stderr.split('\n').find((l) => l.includes('provml: ') && l.includes('provml push'));
            check('a stderr line "provml: … <fallback journal> … provml push …"', line !== undefined, stderrTail);
            check('stats().fallbackJournal is a path', typeof stats.fallbackJournal === 'string', stats.fallbackJournal);
            check('journaled > 0 (into the fallback journal)', stats.journaled > 0, stats.journaled);
            if (stats.fallbackJournal) {
              const naming = exit.stderr.split('\n').filter((l) => l.includes('provml push') && l.includes(stats.fallbackJournal!));
              check('exactly one stderr line names stats().fallbackJournal and `provml push`', naming.length === 1, naming.length);
            }
            toPush = stats.fallbackJournal ?? (line ? /(\/[^\s'"`,;]+)/.exec(line.slice(line.indexOf('provml: ') + 8))?.[1] : undefined);
            if (toPush && !toPush.startsWith(t.dir)) strayFallbacks.push(toPush);
          }
          check('a journal to push', toPush !== undefined, toPush);
          if (!toPush) return;
          const args = pushArgs(backend.server, new URL(backend.server.url).origin); // the backend itself, no proxy
          const first = await provmlPush([toPush, ...args]);
          const triples = await countTriples(backend.store);
          const second = await provmlPush([toPush, ...args]);
          const again = pushJson(second.stdout);
          const after = await countTriples(backend.store);
          console.log(
            `[exit-matrix] ${name(c)}: push (code ${first.code}) ${first.stdout.trim() || first.stderr.trim().slice(-300)} → triples=${triples} (reference ${reference?.triples}); again (code ${second.code}) ${second.stdout.trim()}`,
          );
          check('provml push exits 0', first.code === 0, `${first.code}: ${first.stderr.trim().slice(-300)}`);
          if (reference) check('triples after provml push = the reference run’s', triples === reference.triples, `${triples} vs ${reference.triples}`);
          check('a second push exits 0', second.code === 0, second.code);
          check('a second push sends 0 batches', again?.sent === 0, again?.sent);
          check('a second push adds no triples', after === triples, `${triples} → ${after}`);
        } catch (err) {
          failed.push(`error: ${String(err).slice(0, 300)}`);
          throw err;
        } finally {
          console.log(`[exit-matrix] RESULT ${name(c)}: ${failed.length === 0 ? 'PASS' : `FAIL — ${failed.join('; ')}`} — stats=${statsLine}`);
          child.kill();
          await close();
          await t.cleanup();
        }
      }),
    );
  }
});
