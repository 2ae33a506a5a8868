import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ExitChildConfig, ExitEnding } from '../../fixtures/faults/exit-child.js';
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
 * `provml push` runs, 3 cases at a time — 80 s on this 2-core machine while every case fails fast,
 * more when they all push. `PROVML_EXIT_MATRIX=quick` runs a covering subset instead: every ending ×
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
type Stats = {
  captured: number;
  recorded: number;
  sent: number;
  journaled: number;
  deadLettered: number;
  dropped: number;
  retried: number;
  failedBatches: number;
  queueLength: number;
  maxBuffered: number;
  fallbackJournal?: string;
};
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

let reference: { triples: number; stats: Stats };
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
    if (!exit) throw new Error('reference child did not end within 90 s');
    const stats = exitStats(exit);
    const triples = await countTriples(backend.store);
    console.log(`[exit-matrix] reference: code=${exit.code} triples=${triples} stats=${JSON.stringify(stats)}`);
    if (exit.code !== 0 || !stats) throw new Error(`reference child failed (code ${exit.code}): ${exit.stderr.slice(-2000)}`);
    if (stats.sent !== stats.captured || stats.journaled !== 0 || stats.dropped !== 0 || triples <= 1000) {
      throw new Error(`reference run is not fault-free: triples=${triples} stats=${JSON.stringify(stats)}`);
    }
    reference = { triples, stats };
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
          expect(exit, `child still running ${EXIT_BOUND_MS + 20_000} ms after the end of its loop`).toBeDefined();
          if (!exit) return;
          const exitMs = exit.at - endFrom;
          const stats = exitStats(exit);
          const shutdown = exit.lines.find((l) => l.tag === 'PROVML_SHUTDOWN')?.data as { ms: number } | undefined;
          const via = exit.lines.find((l) => l.tag === 'PROVML_EXIT_VIA')?.data.via;
          const stderrTail = exit.stderr.trim().split('\n').slice(-6).join('\n');
          console.log(
            `[exit-matrix] ${name(c)}: code=${exit.code} signal=${exit.signal} exitMs=${exitMs}` +
              `${shutdown ? ` shutdownMs=${shutdown.ms}` : ''}${via ? ` via=${String(via)}` : ''} stats=${JSON.stringify(stats ?? null)}` +
              `${stderrTail ? `\n  stderr: ${stderrTail.replace(/\n/g, '\n          ')}` : ''}`,
          );

          // How it ended, and within the bound.
          if (c.ending === 'throw') expect.soft(exit.code, 'exit code after an uncaught exception').toBe(1);
          else if (c.ending === 'sigterm') expect.soft(exit.signal === 'SIGTERM' || exit.code === 143, `died of SIGTERM (code ${exit.code}, signal ${exit.signal})`).toBe(true);
          else expect.soft(exit.code, 'exit code').toBe(0);
          expect.soft(exitMs, 'ms from the end of the loop (or the signal) to the exit').toBeLessThanOrEqual(EXIT_BOUND_MS);
          if (c.ending === 'return') {
            expect.soft(shutdown, 'await prov.shutdown() resolved (PROVML_SHUTDOWN line)').toBeDefined();
            if (shutdown) expect.soft(shutdown.ms, 'shutdown() took (ms)').toBeLessThanOrEqual(EXIT_BOUND_MS);
          }

          // The invariant, from the exit line.
          expect(stats, `PROVML_EXIT line; stdout: ${exit.stdout.slice(-1000)}`).toBeDefined();
          if (!stats) return;
          expect.soft(stats.captured, 'captured').toBeGreaterThan(0);
          expect.soft(stats.captured, 'captured = the reference run’s').toBe(reference.stats.captured);
          expect.soft(stats.sent + stats.journaled + stats.deadLettered + stats.dropped, 'sent + journaled + deadLettered + dropped').toBe(stats.captured);
          expect.soft(stats.dropped, 'dropped').toBe(0);
          if (stats.dropped > 0) expect.soft(exit.stderr, 'drops are printed on stderr').toMatch(/dropped/);
          expect.soft(stats.sent, 'sent (the endpoint never worked)').toBe(0);
          expect.soft(await countTriples(backend.store), 'triples in the store before any push').toBe(0);

          // Where the undelivered events are, and `provml push` of that file.
          let toPush: string | undefined;
          if (c.journal !== 'none') {
            expect.soft(stats.journaled, 'journaled').toBeGreaterThan(0);
            toPush = journalPath;
          } else {
            const line = exit.stderr.split('\n').find((l) => l.includes('provml: ') && l.includes('provml push'));
            expect.soft(line, 'a stderr line "provml: … <fallback journal> … provml push …"').toBeDefined();
            expect.soft(stats.fallbackJournal, 'stats().fallbackJournal').toBeTypeOf('string');
            expect.soft(stats.journaled, 'journaled (into the fallback journal)').toBeGreaterThan(0);
            if (stats.fallbackJournal) {
              const naming = exit.stderr.split('\n').filter((l) => l.includes('provml push') && l.includes(stats.fallbackJournal!));
              expect.soft(naming.length, 'stderr lines naming stats().fallbackJournal and `provml push` (one, not one per batch)').toBe(1);
            }
            toPush = stats.fallbackJournal ?? (line ? /(\/[^\s'"`,;]+)/.exec(line.slice(line.indexOf('provml: ') + 8))?.[1] : undefined);
            if (toPush && !toPush.startsWith(t.dir)) strayFallbacks.push(toPush);
          }
          expect(toPush, 'a journal to push').toBeDefined();
          if (!toPush) return;
          const args = pushArgs(backend.server, new URL(backend.server.url).origin); // the backend itself, no proxy
          const first = await provmlPush([toPush, ...args]);
          const triples = await countTriples(backend.store);
          const second = await provmlPush([toPush, ...args]);
          const again = pushJson(second.stdout);
          console.log(`[exit-matrix] ${name(c)}: push ${first.stdout.trim()} → triples=${triples} (reference ${reference.triples}); again ${second.stdout.trim()}`);
          expect.soft(first.code, `first push exit code; stderr: ${first.stderr.slice(-1000)}`).toBe(0);
          expect.soft(triples, 'triples after provml push = the reference run’s').toBe(reference.triples);
          expect.soft(second.code, 'second push exit code').toBe(0);
          expect.soft(again?.sent, 'second push: batches sent').toBe(0);
          expect.soft(await countTriples(backend.store), 'triples after a second push').toBe(reference.triples);
        } finally {
          child.kill();
          await close();
          await t.cleanup();
        }
      }),
    );
  }
});
