import { statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { sparqlIri } from '../query/runs.js';
import { HttpSparqlEndpoint, parseAuth, SparqlHttpError } from '../store/http.js';
import { backoffDelay, DEFAULT_RETRY } from '../transport/retry.js';
import { formatBatchHeader, readJournal, sentSidecarPath } from '../transport/journal.js';
import type { QuadBatch, Sink } from '../transport/sink.js';
import { InputError } from './load.js';

/**
 * `provml push`: replay write-ahead journals (or spill files) to a SPARQL endpoint. Batches the
 * `.sent` sidecar already confirms are skipped, each batch the endpoint confirms is appended to
 * the sidecar, so running it twice sends nothing the second time (and re-sending would be
 * harmless anyway: provml never mints blank nodes). Exit codes: 0 every batch is at the endpoint,
 * 1 some batches failed (they stay unconfirmed: run push again), 2 bad input or the endpoint
 * cannot be reached (nothing was sent).
 */

interface PushOpts {
  endpoint?: string;
  updateEndpoint?: string;
  gsp?: string;
  gspStyle: 'standard' | 'virtuoso';
  graph?: string;
  timeout: string;
  retries: string;
  format: 'text' | 'json';
  progress: boolean;
}

/**
 * The outcome of a push, as printed by `provml push --format json`.
 *
 * @example
 * ```ts
 * const s: PushSummary = JSON.parse(stdout);
 * if (s.failed > 0) console.error(`${s.failed} batches left for next time`);
 * ```
 */
export interface PushSummary {
  /** The endpoint written to (credentials stripped). */
  endpoint: string;
  journals: number;
  /** Batches written and confirmed in the `.sent` sidecars. */
  sent: number;
  /** Batches skipped because a sidecar already confirmed them. */
  alreadySent: number;
  /** Torn (half-written) blocks skipped, e.g. the last one of a killed process. */
  torn: number;
  /** Batches the endpoint refused, or not attempted after it became unreachable. */
  failed: number;
  /** Triples (quads) in the batches sent. */
  triples: number;
  /** Capture events those batches came from. */
  events: number;
  seconds: number;
}

/** Journals of at least this many bytes get a progress bar (on a TTY stderr only). */
const PROGRESS_MIN_BYTES = 1 << 20;

/** Errors after which the remaining batches are not even tried. */
function unreachable(err: unknown): boolean {
  return err instanceof SparqlHttpError && (err.code === 'connection' || err.code === 'timeout');
}

/** Errors retrying cannot fix (the endpoint says so, e.g. HTTP 400 on a batch). */
function permanent(err: unknown): boolean {
  return (err as { retryable?: unknown } | undefined)?.retryable === false;
}

const RETRY = { initialDelayMs: 200, maxDelayMs: 2000, multiplier: 2 };

/** Write one batch with bounded, jittered backoff; resolves to the last error or `undefined`. */
async function writeWithRetry(sink: Sink, batch: QuadBatch, attempts: number): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sink.write(batch);
      return undefined;
    } catch (err) {
      if (attempt >= attempts || permanent(err)) return err ?? new Error('write failed');
      // A ref'ed timer: the CLI has nothing else keeping it alive between attempts.
      await sleep(backoffDelay(attempt, { ...DEFAULT_RETRY, ...RETRY, maxAttempts: attempts }));
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name} must be a positive number`);
  return n;
}

function endpointOptions(url: string, opts: PushOpts, timeoutMs: number): ConstructorParameters<typeof HttpSparqlEndpoint>[0] {
  const auth = process.env.PROVML_AUTH ? parseAuth(process.env.PROVML_AUTH) : undefined;
  // Not an object literal: keeps compiling whichever write options the endpoint class knows.
  const options = {
    url,
    timeoutMs,
    ...(auth ? { auth } : {}),
    ...(opts.updateEndpoint !== undefined ? { updateUrl: opts.updateEndpoint } : {}),
    ...(opts.gsp !== undefined ? { gsp: { url: opts.gsp, style: opts.gspStyle } } : {}),
  };
  return options;
}

/** A progress bar over journal bytes, on a TTY stderr for large inputs only. */
function progressBar(enabled: boolean, totalBytes: number): { tick: (bytes: number) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY || totalBytes < PROGRESS_MIN_BYTES) return { tick() {}, stop() {} };
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: 'pushing [{bar}] {percentage}% | {mb}/{totalMb} MB | {duration}s',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  const mb = (n: number) => (n / (1 << 20)).toFixed(1);
  let done = 0;
  bar.start(totalBytes, 0, { mb: mb(0), totalMb: mb(totalBytes) });
  return {
    tick(bytes) {
      done = Math.min(totalBytes, done + bytes);
      bar.update(done, { mb: mb(done) });
    },
    stop: () => bar.stop(),
  };
}

/** The summary line: counts, triples, seconds. */
function summaryLine(s: PushSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const parts = [
    `${n(s.sent)} batch${s.sent === 1 ? '' : 'es'} sent (${n(s.triples)} triples, ${n(s.events)} events)`,
    `${n(s.alreadySent)} already sent`,
    `${n(s.torn)} torn block${s.torn === 1 ? '' : 's'} skipped`,
  ];
  if (s.failed > 0) parts.push(`${n(s.failed)} failed`);
  return `${s.failed > 0 ? '✗' : '✓'} ${parts.join(', ')} in ${s.seconds.toFixed(2)} s → ${s.endpoint}\n`;
}

/**
 * Push journals to an endpoint through `sink`, in file order and batch order. Never throws for a
 * batch: failures are counted (and reported on stderr); after an unreachable-endpoint error the
 * remaining unconfirmed batches are counted as failed without being tried.
 *
 * @example
 * ```ts
 * const summary = await pushJournals(['run.nq'], sink, { endpoint: 'http://localhost:7878/sparql' });
 * ```
 */
export async function pushJournals(
  journals: readonly string[],
  sink: Sink,
  options: { endpoint: string; retries?: number; onProgress?: (bytes: number) => void; onWarning?: (m: string) => void },
): Promise<PushSummary> {
  const started = performance.now();
  const s: PushSummary = { endpoint: options.endpoint, journals: journals.length, sent: 0, alreadySent: 0, torn: 0, failed: 0, triples: 0, events: 0, seconds: 0 };
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  let gaveUp: unknown;
  for (const path of journals) {
    const onWarning = (m: string) => {
      if (/skipping torn batch/.test(m)) s.torn++;
      warn(m);
    };
    for await (const batch of readJournal(path, { onWarning })) {
      options.onProgress?.(Buffer.byteLength(formatBatchHeader(batch)) + Buffer.byteLength(batch.nquads));
      if (batch.sent) {
        s.alreadySent++;
        continue;
      }
      if (gaveUp !== undefined) {
        s.failed++;
        continue;
      }
      const err = await writeWithRetry(sink, batch, options.retries ?? 3);
      if (err !== undefined) {
        s.failed++;
        warn(`provml: ${path}: batch seq=${batch.seq} not sent: ${message(err)}`);
        if (unreachable(err)) gaveUp = err;
        continue;
      }
      await appendFile(sentSidecarPath(path), `${batch.seq}\n`, { mode: 0o600 });
      s.sent++;
      s.triples += batch.size;
      s.events += batch.events;
    }
  }
  if (s.sent > 0) await sink.flush?.();
  s.seconds = (performance.now() - started) / 1000;
  return s;
}

async function action(journals: string[], opts: PushOpts): Promise<void> {
  const url = opts.endpoint ?? process.env.PROVML_ENDPOINT;
  if (url === undefined || url === '') throw new InputError('--endpoint URL (or PROVML_ENDPOINT) is required');
  if (opts.graph !== undefined) sparqlIri(opts.graph); // throws on an invalid IRI
  const timeoutMs = positiveNumber('--timeout', opts.timeout);
  const retries = Math.floor(positiveNumber('--retries', opts.retries));
  let totalBytes = 0;
  for (const path of journals) {
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a file');
      totalBytes += st.size;
    } catch (err) {
      throw new InputError(`${path}: cannot read journal (${(err as NodeJS.ErrnoException).code ?? message(err)})`);
    }
  }

  const endpoint = new HttpSparqlEndpoint(endpointOptions(url, opts, timeoutMs));
  try {
    try {
      await endpoint.ask('ASK {}'); // reachable, and credentials accepted
    } catch (err) {
      throw new InputError(message(err));
    }
    const graph = opts.graph;
    const sink: Sink = {
      name: endpoint.url,
      write: async (b) => {
        if (b.size > 0) await endpoint.insertQuads(b.nquads, graph);
      },
    };
    const bar = progressBar(opts.progress && opts.format === 'text', totalBytes);
    let summary: PushSummary;
    try {
      summary = await pushJournals(journals, sink, {
        endpoint: endpoint.url,
        retries,
        onProgress: bar.tick,
        onWarning: (m) => process.stderr.write(`${m}\n`),
      });
    } finally {
      bar.stop();
    }
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
    else process.stdout.write(summaryLine(summary));
    process.exitCode = summary.failed > 0 ? 1 : 0;
  } finally {
    await endpoint.close();
  }
}

/**
 * Add the `push` subcommand to the `provml` program.
 *
 * @example
 * ```ts
 * const program = new Command('provml');
 * addPushCommand(program);
 * await program.parseAsync(['node', 'provml', 'push', 'run.nq', '--endpoint', 'http://localhost:7878/sparql']);
 * ```
 */
export function addPushCommand(program: Command): Command {
  return program
    .command('push')
    .description('replay provml journals (or spill files) to a SPARQL endpoint; idempotent (exit 0 all sent, 1 some failed, 2 bad input or unreachable)')
    .argument('<journals...>', 'journal files written by ProvML.init({ journal }) or spilled during an outage')
    .option('-e, --endpoint <url>', 'SPARQL query endpoint (default: $PROVML_ENDPOINT; auth: $PROVML_AUTH = basic:USER:PASS or bearer:TOKEN)')
    .option('-u, --update-endpoint <url>', 'SPARQL Update endpoint, when not the query URL')
    .option('--gsp <url>', 'Graph Store Protocol endpoint for bulk inserts')
    .addOption(new Option('--gsp-style <style>', 'Graph Store flavour').choices(['standard', 'virtuoso']).default('standard'))
    .option('-g, --graph <iri>', 'named graph for quads that have none (journals name their graphs)')
    .option('--timeout <ms>', 'request timeout in milliseconds', '60000')
    .option('--retries <n>', 'attempts per batch before it counts as failed', '3')
    .addOption(new Option('-f, --format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .option('--no-progress', 'never show a progress bar')
    .addHelpText(
      'after',
      `
Examples:
  provml push .provml/journal.nq --endpoint http://localhost:7878/sparql
  PROVML_AUTH=basic:dba:dba provml push run.nq --endpoint http://localhost:8890/sparql \\
    --gsp http://localhost:8890/sparql-graph-crud --gsp-style virtuoso\n`,
    )
    .action(async (journals: string[], opts: PushOpts) => {
      try {
        await action(journals, opts);
      } catch (err) {
        process.stderr.write(`provml: ${message(err)}\n`);
        process.exitCode = 2;
      }
    });
}
