import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { StreamParser } from 'n3';
import { sparqlIri } from '../query/runs.js';
import { HttpSparqlEndpoint, parseAuth, SparqlHttpError } from '../store/http.js';
import { backoffDelay, DEFAULT_RETRY } from '../transport/retry.js';
import { formatBatchHeader, readJournal } from '../transport/journal.js';
import { createQuadBatch, type QuadBatch, type Sink } from '../transport/sink.js';
import { bare, cli, setExitCode } from './io.js';
import { InputError } from './load.js';
import { normalizeEndpoint, PushRecord, readPushRecord } from './push-record.js';

/**
 * `provml push`: replay write-ahead journals (or spill files, dead-letter files) to a SPARQL
 * endpoint. What each endpoint confirmed is remembered per journal *and per endpoint* (see
 * push-record.ts), so a journal replays into a fresh endpoint in full, and running push twice
 * against the same endpoint sends nothing the second time; `--force` resends everything
 * (re-sending is harmless anyway: provml never mints blank nodes). Plain N-Quads / N-Triples
 * files (a `provml serve` dump, an export) are sent whole, in batches, each time. Anything else —
 * Turtle, garbage, an empty file, `provml serve`'s own journal — is refused before anything is
 * sent. Exit codes: 0 every batch is at the endpoint (also when its record could not be written:
 * stderr names the file, and the next push re-sends those batches); 2 bad input, an unreachable
 * endpoint, or batches the endpoint did not take (they stay unrecorded: run push again).
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
  force?: boolean;
  trustSent?: boolean;
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
  /** The endpoint written to (normalised, credentials stripped): the key of the records. */
  endpoint: string;
  /** Files pushed (journals and plain N-Quads files). */
  journals: number;
  /** Batches the endpoint confirmed in this run (journal batches and plain-file chunks). */
  sent: number;
  /** Batches skipped because this endpoint's record (or, with `--trust-sent`, the journal's `.sent`) confirms them. */
  alreadySent: number;
  /** Batches sent and confirmed by the endpoint, but not recorded (the record could not be written): the next push sends them again. */
  unrecorded: number;
  /** Plain N-Quads / N-Triples files among the inputs, sent whole (they have no batches to record). */
  plain: number;
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
  return bare(err instanceof Error ? err.message : String(err));
}

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
}

function endpointOptions(url: string, opts: PushOpts, timeoutMs: number): ConstructorParameters<typeof HttpSparqlEndpoint>[0] {
  const { env } = cli();
  const auth = env.PROVML_AUTH ? parseAuth(env.PROVML_AUTH) : undefined;
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
  if (!enabled || cli().stderr !== process.stderr || !process.stderr.isTTY || totalBytes < PROGRESS_MIN_BYTES) return { tick() {}, stop() {} };
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
  if (s.unrecorded > 0) parts.push(`${n(s.unrecorded)} sent but not recorded (see above)`);
  const plain = s.plain > 0 ? ` (${n(s.plain)} plain N-Quads file${s.plain === 1 ? '' : 's'} sent whole)` : '';
  return `${s.failed > 0 ? '✗' : '✓'} ${parts.join(', ')}${plain} in ${s.seconds.toFixed(2)} s → ${s.endpoint}\n`;
}

/** What a file given to push is. */
export type PushInputKind = 'journal' | 'plain';

/** Quads per batch when a plain N-Quads file is sent. */
const PLAIN_BATCH_QUADS = 5000;

/** The first meaningful line decides: a journal (or dead-letter file) starts with its batch comments. */
async function firstLines(path: string): Promise<'journal' | 'serve-journal' | 'other'> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      if (line.startsWith('# provml batch seq=') || line.startsWith('# provml dead-letter ')) return 'journal';
      if (line.startsWith('# provml-serve journal ')) return 'serve-journal';
      if (line.startsWith('#')) continue; // other comments (a serve dump's first line…)
      return 'other';
    }
    return 'other';
  } finally {
    lines.close();
  }
}

/** Count the statements of a plain N-Quads / N-Triples file; an {@link InputError} with the line on a syntax error. */
async function countPlainQuads(path: string): Promise<number> {
  const ext = extname(path).toLowerCase();
  const hint =
    ext === '.ttl' || ext === '.turtle' || ext === '.trig' || ext === '.jsonld' || ext === '.json'
      ? ` (${ext} is not a format push sends: convert it to N-Quads, or load it with provml sparql --update 'LOAD <file:…>' where the endpoint can read it)`
      : '';
  return new Promise<number>((resolve, reject) => {
    let n = 0;
    const parser = new StreamParser({ format: 'N-Quads' });
    const input = createReadStream(path, { encoding: 'utf8' });
    input.on('error', (err) => reject(new InputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? err.message})`, { file: path })));
    parser.on('data', () => n++);
    parser.on('error', (err: Error & { context?: { line?: number } }) => {
      input.destroy();
      const line = err.context?.line ?? Number(/line (\d+)/.exec(err.message)?.[1]);
      const where = Number.isFinite(line) && line > 0 ? `:${line}` : '';
      reject(
        new InputError(`${path}${where}: not a provml journal, and not N-Quads / N-Triples: ${err.message.replace(/ on line \d+\.?$/, '')}${hint}`, {
          file: path,
          ...(where ? { line } : {}),
        }),
      );
    });
    parser.on('end', () => resolve(n));
    input.pipe(parser);
  });
}

/**
 * What `path` is for `provml push`: a provml journal (or spill or dead-letter file), or a plain
 * N-Quads / N-Triples file (checked to parse, and to hold statements). Throws an
 * {@link InputError} naming the file for anything else: unreadable, empty, Turtle or other
 * syntax, `provml serve`'s own journal.
 *
 * @example
 * ```ts
 * await pushInputKind('run.nq'); // 'journal'
 * ```
 */
export async function pushInputKind(path: string): Promise<PushInputKind> {
  try {
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
  } catch (err) {
    throw new InputError(`${path}: cannot read journal (${(err as NodeJS.ErrnoException).code ?? message(err)})`, { file: path });
  }
  const kind = await firstLines(path);
  if (kind === 'journal') return 'journal';
  if (kind === 'serve-journal') {
    throw new InputError(
      `${path}: this is provml serve's own journal (inserts and updates), not a capture journal: start provml serve --data on its directory, or push that directory's store.nq`,
      { file: path },
    );
  }
  const quads = await countPlainQuads(path);
  if (quads === 0) throw new InputError(`${path}: nothing to push: no provml journal batches and no N-Quads statements (the file is empty or holds only comments)`, { file: path });
  return 'plain';
}

/** A plain N-Quads / N-Triples file as batches of ≤ {@link PLAIN_BATCH_QUADS} statements, with their byte counts. */
async function* plainBatches(path: string): AsyncGenerator<{ batch: QuadBatch; bytes: number }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let text = '';
  let count = 0;
  let bytes = 0;
  let seq = 0;
  for await (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    text += `${line}\n`;
    if (++count === PLAIN_BATCH_QUADS) {
      yield { batch: createQuadBatch({ seq: ++seq, events: 0, nquads: text, size: count }), bytes };
      text = '';
      count = bytes = 0;
    }
  }
  if (count > 0) yield { batch: createQuadBatch({ seq: ++seq, events: 0, nquads: text, size: count }), bytes };
}

/**
 * Options of {@link pushJournals}.
 *
 * @example
 * ```ts
 * const o: PushOptions = { endpoint: 'http://127.0.0.1:7878/sparql', retries: 3, force: false };
 * ```
 */
export interface PushOptions {
  /** The endpoint's URL: the key of the per-endpoint records (normalised; never written with credentials). */
  endpoint: string;
  /** Attempts per batch (default 3). */
  retries?: number;
  /** Resend every batch, whatever the records say (they are still appended to). */
  force?: boolean;
  /** Also skip batches the journal's own `.sent` sidecar confirms (what the tracker delivered to ITS endpoint). */
  trustSent?: boolean;
  /** Kinds already found by {@link pushInputKind} (saves reading plain files again). */
  kinds?: ReadonlyMap<string, PushInputKind>;
  onProgress?: (bytes: number) => void;
  onWarning?: (m: string) => void;
}

/**
 * Push journals (and plain N-Quads files) to an endpoint through `sink`, in file order and batch
 * order. Never throws for a batch: failures are counted (and reported through `onWarning`);
 * after an unreachable-endpoint error the remaining batches are counted as failed without being
 * tried. A record that cannot be written is reported (naming the file) and counted in
 * `unrecorded`; sending goes on. Inputs are expected to have passed {@link pushInputKind}.
 *
 * @example
 * ```ts
 * const summary = await pushJournals(['run.nq'], sink, { endpoint: 'http://localhost:7878/sparql' });
 * ```
 */
export async function pushJournals(journals: readonly string[], sink: Sink, options: PushOptions): Promise<PushSummary> {
  const started = performance.now();
  const endpoint = normalizeEndpoint(options.endpoint);
  const s: PushSummary = { endpoint, journals: journals.length, sent: 0, alreadySent: 0, unrecorded: 0, plain: 0, torn: 0, failed: 0, triples: 0, events: 0, seconds: 0 };
  const warn = options.onWarning ?? ((m: string) => void cli().stderr.write(`${m}\n`));
  let gaveUp: unknown;

  /** Send one batch (unless the endpoint is already known to be down); true when confirmed. */
  const send = async (path: string, batch: QuadBatch, what: string): Promise<boolean> => {
    if (gaveUp !== undefined) {
      s.failed++;
      return false;
    }
    const err = await writeWithRetry(sink, batch, options.retries ?? 3);
    if (err !== undefined) {
      s.failed++;
      warn(`provml: ${path}: ${what} not sent: ${message(err)}`);
      if (unreachable(err)) gaveUp = err;
      return false;
    }
    s.sent++;
    s.triples += batch.size;
    s.events += batch.events;
    return true;
  };

  for (const path of journals) {
    if ((options.kinds?.get(path) ?? (await pushInputKind(path))) === 'plain') {
      s.plain++;
      for await (const { batch, bytes } of plainBatches(path)) {
        options.onProgress?.(bytes);
        await send(path, batch, `statements ${(batch.seq - 1) * PLAIN_BATCH_QUADS + 1}–${(batch.seq - 1) * PLAIN_BATCH_QUADS + batch.size}`);
      }
      continue;
    }
    const record = new PushRecord(path, endpoint);
    const recorded = options.force ? new Set<number>() : readPushRecord(path, endpoint);
    let recordFailed = false;
    const onWarning = (m: string) => {
      if (/skipping torn batch/.test(m)) s.torn++;
      warn(`provml: ${bare(m)}`);
    };
    for await (const batch of readJournal(path, { onWarning })) {
      options.onProgress?.(Buffer.byteLength(formatBatchHeader(batch)) + Buffer.byteLength(batch.nquads));
      if (!options.force && (recorded.has(batch.seq) || (options.trustSent === true && batch.sent))) {
        s.alreadySent++;
        continue;
      }
      if (!(await send(path, batch, `batch seq=${batch.seq}`))) continue;
      try {
        await record.append(batch.seq);
      } catch (err) {
        s.unrecorded++;
        if (!recordFailed) {
          const e = err as NodeJS.ErrnoException;
          warn(
            `provml: cannot write ${record.path} (${e.code ?? message(err)}${e.code ? `: ${message(err)}` : ''}): batch seq=${batch.seq} reached ${endpoint} but is not recorded there; pushing on (the next push sends unrecorded batches again, which is harmless)`,
          );
        }
        recordFailed = true;
      }
    }
  }
  if (s.sent > 0) await sink.flush?.();
  s.seconds = (performance.now() - started) / 1000;
  return s;
}

async function action(journals: string[], opts: PushOpts): Promise<void> {
  const { env, stdout, stderr } = cli();
  const url = opts.endpoint ?? (env.PROVML_ENDPOINT || undefined);
  if (url === undefined) throw new InputError('--endpoint URL (or PROVML_ENDPOINT) is required');
  const normalized = normalizeEndpoint(url);
  if (opts.graph !== undefined) sparqlIri(opts.graph); // throws on an invalid IRI
  const timeoutMs = positiveNumber('--timeout', opts.timeout);
  const retries = Math.floor(positiveNumber('--retries', opts.retries));
  if (opts.force && opts.trustSent) throw new InputError('--force resends everything; --trust-sent skips what the tracker sent: give one of them');
  // Every input is checked before anything is sent: a bad file never leaves a half-done push.
  let totalBytes = 0;
  const kinds = new Map<string, PushInputKind>();
  for (const path of journals) {
    kinds.set(path, await pushInputKind(path));
    totalBytes += statSync(path).size;
  }

  const endpoint = new HttpSparqlEndpoint(endpointOptions(url, opts, timeoutMs));
  try {
    await endpoint.ask('ASK {}'); // reachable, and credentials accepted (a failure is exit 2)
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
        endpoint: normalized,
        retries,
        force: opts.force === true,
        trustSent: opts.trustSent === true,
        kinds,
        onProgress: bar.tick,
        onWarning: (m) => void stderr.write(`${m}\n`),
      });
    } finally {
      bar.stop();
    }
    if (opts.format === 'json') stdout.write(`${JSON.stringify(summary)}\n`);
    else stdout.write(summaryLine(summary));
    setExitCode(summary.failed > 0 ? 2 : 0);
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
    .description('replay provml journals (or spill / dead-letter files, or plain N-Quads) to a SPARQL endpoint; remembers per endpoint what it sent (exit 0 all sent, 2 bad input, unreachable endpoint or batches not sent)')
    .argument('<journals...>', 'journal files written by ProvML.init({ journal }), spilled during an outage or dead-lettered; plain N-Quads / N-Triples files are sent whole')
    .option('-e, --endpoint <url>', 'SPARQL query endpoint (default: $PROVML_ENDPOINT; auth: $PROVML_AUTH = basic:USER:PASS or bearer:TOKEN)')
    .option('-u, --update-endpoint <url>', 'SPARQL Update endpoint, when not the query URL')
    .option('--gsp <url>', 'Graph Store Protocol endpoint for bulk inserts')
    .addOption(new Option('--gsp-style <style>', 'Graph Store flavour').choices(['standard', 'virtuoso']).default('standard'))
    .option('-g, --graph <iri>', 'named graph for quads that have none (journals name their graphs)')
    .option('--timeout <ms>', 'request timeout in milliseconds', '60000')
    .option('--retries <n>', 'attempts per batch before it counts as failed', '3')
    .addOption(new Option('-f, --format <format>', 'summary format').choices(['text', 'json']).default('text'))
    .option('--force', "resend every batch, even those this endpoint's record says it has")
    .option('--trust-sent', "also skip batches the journal's own .sent file confirms (what the tracker delivered): only when pushing to the endpoint the tracker wrote to")
    .option('--no-progress', 'never show a progress bar')
    .addHelpText(
      'after',
      `
What was sent is recorded next to each journal, per endpoint (JOURNAL.sent.<hash of the endpoint URL>),
so a second push to the same endpoint sends only what is new, and a push to another endpoint sends all.

Examples:
  provml push .provml/journal.nq --endpoint http://localhost:7878/sparql
  PROVML_AUTH=basic:dba:dba provml push run.nq --endpoint http://localhost:8890/sparql \\
    --gsp http://localhost:8890/sparql-graph-crud --gsp-style virtuoso\n`,
    )
    .action(action); // errors reach run(): printed once, exit code 2
}
