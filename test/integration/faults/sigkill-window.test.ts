import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../../src/transport/journal.js';
import type { SigkillChildConfig } from '../../fixtures/faults/sigkill-child.js';
import { endpointOption, startProxied, tempDir } from './harness.js';
import { startTaggedChild, within, type TaggedLine } from './tagged-child.js';

/**
 * The SIGKILL window of `durability: 'sync'` (issue 10: "a SIGKILL loses at most a stated, small
 * window — ≤ 50 ms of events"). A child (test/fixtures/faults/sigkill-child.ts) records a batch
 * every ~1 ms, forever, with a `sync` journal and an endpoint that refuses connections, so the
 * journal is the only place events can be. The test SIGKILLs it at a random moment (three
 * children), reads the journal back (`readJournal`: torn blocks are skipped) and computes
 *
 *   window = kill time − the latest `prov:endedAtTime` of a `provml:BatchExecution` in the journal
 *
 * (both wall clock, on the same machine). The stated window is 50 ms; since the suite must pass on
 * a loaded machine, the child reports its own scheduling lag (the largest delay of a 5 ms
 * `setInterval` over the last second, every 100 ms) and the assertion is
 * window ≤ 50 ms + that lag (max over the reports of the last 1.5 s before the kill) + 100 ms.
 * The windows are printed (`[sigkill-window] …`) so they can be quoted.
 */

const STATED_WINDOW_MS = 50;
const SLACK_MS = 100;
const BATCH_EXECUTION = 'https://w3id.org/prov-ml#BatchExecution';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const ENDED_AT = 'http://www.w3.org/ns/prov#endedAtTime';

/** One N-Quads line → subject, predicate, object (IRI without brackets, literal lexical form). */
const QUAD = /^(<[^>]*>|_:\S+)\s+<([^>]*)>\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[\w-]+)?)/;

/** Latest batch end time in a journal (ms), the number of journaled batch executions, warnings. */
async function latestBatchEnd(path: string): Promise<{ latest: number | undefined; latestAny: number | undefined; batchExecutions: number; journalBatches: number; warnings: string[] }> {
  const warnings: string[] = [];
  const typed = new Set<string>();
  const ended = new Map<string, number>();
  let journalBatches = 0;
  for await (const batch of readJournal(path, { onWarning: (m) => warnings.push(m) })) {
    journalBatches++;
    for (const line of batch.nquads.split('\n')) {
      const m = QUAD.exec(line);
      if (!m) continue;
      const [, s, p, o] = m as unknown as [string, string, string, string];
      if (p === RDF_TYPE && o === `<${BATCH_EXECUTION}>`) typed.add(s);
      else if (p === ENDED_AT) {
        const lex = /^"([^"]*)"/.exec(o)?.[1];
        const t = lex ? Date.parse(lex) : Number.NaN;
        if (Number.isFinite(t)) ended.set(s, t);
      }
    }
  }
  let latest: number | undefined;
  let latestAny: number | undefined;
  for (const [s, t] of ended) {
    if (latestAny === undefined || t > latestAny) latestAny = t;
    if (typed.has(s) && (latest === undefined || t > latest)) latest = t;
  }
  return { latest, latestAny, batchExecutions: [...typed].filter((s) => ended.has(s)).length, journalBatches, warnings };
}

const windows: { run: number; killAfterMs: number; windowMs: number | undefined; lagMs: number; bound: number; batchesRecorded: number; batchExecutions: number }[] = [];

afterAll(() => {
  console.log(`[sigkill-window] stated ${STATED_WINDOW_MS} ms; measured: ${JSON.stringify(windows)}`);
});

describe("SIGKILL with durability 'sync': at most the stated window of events is lost", () => {
  it.each([1, 2, 3])('kill %i at a random moment', { timeout: 120_000 }, async (run) => {
    const { backend, proxy, close } = await startProxied('down');
    const t = await tempDir();
    const journal = join(t.dir, 'journal.nq');
    const config: SigkillChildConfig = { endpoint: endpointOption(backend.server, proxy.origin, 1000), journal };
    const child = startTaggedChild('sigkill-child.ts', { PROVML_SIGKILL_CHILD: JSON.stringify(config), TMPDIR: t.dir });
    try {
      await child.line('PROVML_READY', 60_000);
      const killAfterMs = 1000 + Math.round(Math.random() * 3000);
      await new Promise((r) => setTimeout(r, killAfterMs));
      const killAt = Date.now();
      child.proc.kill('SIGKILL');
      const exit = await within(child.exited, 30_000);
      expect(exit?.signal, 'the child died of SIGKILL').toBe('SIGKILL');

      const recent = child.lines.filter((l: TaggedLine) => l.tag === 'PROVML_LAG' && l.at >= killAt - 1500 && l.at <= killAt);
      const lagMs = Math.max(0, ...recent.map((l) => Number(l.data.maxLagMs)));
      const lastLag = [...child.lines].reverse().find((l) => l.tag === 'PROVML_LAG');
      const batchesRecorded = Number(lastLag?.data.batches ?? 0);
      const j = await latestBatchEnd(journal);
      const windowMs = j.latest === undefined ? undefined : killAt - j.latest;
      const bound = STATED_WINDOW_MS + lagMs + SLACK_MS;
      windows.push({ run, killAfterMs, windowMs, lagMs, bound, batchesRecorded, batchExecutions: j.batchExecutions });
      console.log(
        `[sigkill-window] run ${run}: killed ${killAfterMs} ms after ready; window=${windowMs} ms (kill − latest journaled batch end;` +
          ` any activity: ${j.latestAny === undefined ? 'none' : killAt - j.latestAny} ms) lag=${lagMs} ms bound=${bound} ms;` +
          ` ~${batchesRecorded} batches recorded, ${j.batchExecutions} batch executions in ${j.journalBatches} journal batches` +
          `${j.warnings.length ? `; warnings: ${j.warnings.join(' | ')}` : ''}`,
      );
      expect(j.batchExecutions, 'batch executions with an end time in the journal').toBeGreaterThan(0);
      expect(windowMs, 'kill time − latest journaled batch end (ms)').toBeLessThanOrEqual(bound);
    } finally {
      child.kill();
      await close();
      await t.cleanup();
    }
  });
});

/**
 * The same for a TF.js fit with `provmlCallback` (test/fixtures/faults/tfjs-sigkill-child.ts):
 * the callback holds ended batches in a group for up to 10 ms under `'sync'` before they reach the
 * hand-off, so this is where the window is widest. The child writes each batch's end time to
 * stdout synchronously, from inside the fit; the window provml answers for is
 *
 *   window = the child's last batch end − the latest journaled batch end
 *
 * (kill time − last batch end is the training's own stall before the kill, printed beside it).
 * Asserted: window ≤ 50 ms + 100 ms slack (a loaded machine delays the worker's journal writes).
 */
describe("SIGKILL during a TF.js fit with durability 'sync': at most the stated window of batches is lost", () => {
  const fits: { run: number; killAfterMs: number; windowMs: number | undefined; stallMs: number; batchesEnded: number; batchExecutions: number }[] = [];
  afterAll(() => {
    console.log(`[sigkill-window] tfjs: stated ${STATED_WINDOW_MS} ms; measured: ${JSON.stringify(fits)}`);
  });

  it.each([1, 2])('kill %i at a random moment', { timeout: 120_000 }, async (run) => {
    const { backend, proxy, close } = await startProxied('down');
    const t = await tempDir();
    const journal = join(t.dir, 'journal.nq');
    const config = { endpoint: endpointOption(backend.server, proxy.origin, 1000), journal };
    const child = startTaggedChild('tfjs-sigkill-child.ts', { PROVML_TFJS_SIGKILL_CHILD: JSON.stringify(config), TMPDIR: t.dir });
    try {
      await child.line('PROVML_READY', 60_000);
      const killAfterMs = 1000 + Math.round(Math.random() * 2000);
      await new Promise((r) => setTimeout(r, killAfterMs));
      const killAt = Date.now();
      child.proc.kill('SIGKILL');
      const exit = await within(child.exited, 30_000);
      expect(exit?.signal, 'the child died of SIGKILL').toBe('SIGKILL');

      const last = [...child.lines].reverse().find((l: TaggedLine) => l.tag === 'PROVML_BATCH');
      const lastEnd = Number(last?.data.at);
      const batchesEnded = Number(last?.data.batches ?? 0);
      const j = await latestBatchEnd(journal);
      const windowMs = j.latest === undefined ? undefined : lastEnd - j.latest;
      fits.push({ run, killAfterMs, windowMs, stallMs: killAt - lastEnd, batchesEnded, batchExecutions: j.batchExecutions });
      console.log(
        `[sigkill-window] tfjs run ${run}: killed ${killAfterMs} ms after ready; window=${windowMs} ms (last batch end − latest journaled batch end);` +
          ` the fit's own stall before the kill ${killAt - lastEnd} ms; ${batchesEnded} batches ended, ${j.batchExecutions} batch executions in ${j.journalBatches} journal batches` +
          `${j.warnings.length ? `; warnings: ${j.warnings.join(' | ')}` : ''}`,
      );
      expect(batchesEnded, 'batches the fit ended').toBeGreaterThan(100);
      expect(j.batchExecutions, 'batch executions with an end time in the journal').toBeGreaterThan(0);
      expect(windowMs, 'last batch end − latest journaled batch end (ms)').toBeLessThanOrEqual(STATED_WINDOW_MS + SLACK_MS);
    } finally {
      child.kill();
      await close();
      await t.cleanup();
    }
  });
});
