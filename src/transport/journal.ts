import {
  closeSync,
  createReadStream,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createQuadBatch, type QuadBatch, type Sink } from './sink.js';

/**
 * How hard the journal works to survive a crash of the machine (not just of the process):
 * `'sync'` fsyncs after every batch, `'batch'` fsyncs on `flush()` (and close), `'none'` leaves it
 * to the OS.
 *
 * @example
 * ```ts
 * const d: JournalDurability = 'batch';
 * ```
 */
export type JournalDurability = 'sync' | 'batch' | 'none';

/**
 * Journal settings: the paper's "diskful" mode. `path` is an N-Quads file, created with mode 0600
 * (parent directories 0700) and only ever appended to.
 *
 * @example
 * ```ts
 * const journal: JournalOptions = { path: './provenance/run.nq', durability: 'batch' };
 * ```
 */
export interface JournalOptions {
  path: string;
  /** Default `'batch'`: one fsync per flush keeps throughput while `flush()` means durable. */
  durability?: JournalDurability;
}

/**
 * A batch read back from a journal; `sent` tells whether the `.sent` sidecar confirms it.
 *
 * @example
 * ```ts
 * for await (const b of readJournal(path)) if (!b.sent) console.log(b.seq, b.quads.length);
 * ```
 */
export interface JournalBatch extends QuadBatch {
  readonly sent: boolean;
}

const HEADER = /^# provml batch seq=(\d+) quads=(\d+) events=(\d+) bytes=(\d+)\s*$/;

/**
 * The comment line that precedes each batch in a journal. N-Quads allows comments, so a journal
 * is itself a valid N-Quads document; the counts let a reader detect a torn (half-written) block.
 *
 * @example
 * ```ts
 * formatBatchHeader(batch); // '# provml batch seq=12 quads=240 events=40 bytes=31337\n'
 * ```
 */
export function formatBatchHeader(batch: QuadBatch): string {
  const bytes = Buffer.byteLength(batch.nquads, 'utf8');
  return `# provml batch seq=${batch.seq} quads=${batch.size} events=${batch.events} bytes=${bytes}\n`;
}

/**
 * The 1-based line of the header of batch `seq` in journal `text` (undefined if absent): where a
 * torn or refused batch starts, for messages that name file and line.
 *
 * @example
 * ```ts
 * batchHeaderLine(await readFile('run.nq', 'utf8'), 3); // 41
 * ```
 */
export function batchHeaderLine(text: string, seq: number): number | undefined {
  const header = `# provml batch seq=${seq} `;
  let line = 1;
  for (let at = 0; at < text.length; ) {
    if (text.startsWith(header, at)) return line;
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
    line++;
  }
  return undefined;
}

/**
 * The path of a journal's `.sent` sidecar: an append-only file of confirmed sequence numbers.
 *
 * @example
 * ```ts
 * sentSidecarPath('/tmp/run.nq'); // '/tmp/run.nq.sent'
 * ```
 */
export function sentSidecarPath(journalPath: string): string {
  return `${journalPath}.sent`;
}

/**
 * Read the set of sequence numbers a journal's `.sent` sidecar confirms (empty if none).
 *
 * @example
 * ```ts
 * const sent = await readSentSeqs('/tmp/run.nq');
 * sent.has(12);
 * ```
 */
export async function readSentSeqs(journalPath: string): Promise<Set<number>> {
  return readSentSeqsSync(journalPath);
}

function readSentSeqsSync(journalPath: string): Set<number> {
  const out = new Set<number>();
  let text: string;
  try {
    text = readFileSync(sentSidecarPath(journalPath), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const n = Number(line.trim());
    if (line.trim() !== '' && Number.isSafeInteger(n)) out.add(n);
  }
  return out;
}

function openAppendSync(path: string): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return openSync(path, 'a+', 0o600); // O_APPEND: every write goes to the end
}

function writeAllSync(fd: number, data: Buffer): number {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  return data.length;
}

/** Find the highest batch seq in an existing journal by scanning backwards from its end. */
function lastSeqOf(fd: number, size: number): number {
  const step = 1 << 16;
  let end = size;
  let carry = '';
  while (end > 0) {
    const start = Math.max(0, end - step);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = (buf.toString('latin1') + carry).split('\n');
    carry = start > 0 ? (lines.shift() ?? '') : '';
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = HEADER.exec(lines[i] ?? '');
      if (m) return Number(m[1]);
    }
    end = start;
  }
  return 0;
}

function blockText(batches: readonly QuadBatch[], offsets?: number[]): Buffer {
  let text = '';
  let bytes = 0;
  for (const batch of batches) {
    let block = formatBatchHeader(batch) + batch.nquads;
    if (batch.nquads.length > 0 && !batch.nquads.endsWith('\n')) block += '\n';
    if (offsets) {
      offsets.push(bytes);
      bytes += Buffer.byteLength(block, 'utf8');
    }
    text += block;
  }
  return Buffer.from(text, 'utf8');
}

/**
 * An append-only N-Quads journal: one write per batch, each preceded by a
 * {@link formatBatchHeader} comment; a `.sent` sidecar records which batches a sink confirmed.
 *
 * Writes are synchronous `write(2)` calls on an `O_APPEND` descriptor (like pino's sync mode:
 * appending to the page cache takes microseconds, and each block lands whole and in one piece,
 * whichever path wrote it); only fsync runs on the thread pool. That lets the transport spill
 * synchronously under overload ({@link Journal.appendManySync}), which is what keeps memory bounded.
 *
 * @example
 * ```ts
 * const journal = Journal.openSync({ path: './run.nq', durability: 'sync' });
 * await journal.append(batch);
 * await journal.markSent(batch.seq);
 * await journal.close();
 * ```
 */
export class Journal {
  readonly path: string;
  readonly durability: JournalDurability;
  /** Highest batch seq already in the file (or its sidecar) when it was opened; 0 for a new file. */
  readonly lastSeq: number;
  #fd: number | undefined;
  #bytes: number;
  #sentFd: number | undefined;
  #dirty = false;
  #closed = false;
  #syncing: Promise<void> | undefined;

  private constructor(path: string, durability: JournalDurability, fd: number, lastSeq: number, bytes: number) {
    this.#bytes = bytes;
    this.path = path;
    this.durability = durability;
    this.#fd = fd;
    this.lastSeq = lastSeq;
  }

  /** Open (creating if needed: file 0600, parent dirs 0700) a journal for appending. */
  static openSync(options: JournalOptions): Journal {
    const fd = openAppendSync(options.path);
    try {
      const { size } = fstatSync(fd);
      let lastSeq = 0;
      let bytes = size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        // A crash mid-write left a partial line: terminate it so the next header starts a line.
        if (last[0] !== 0x0a) bytes += writeAllSync(fd, Buffer.from('\n'));
        lastSeq = lastSeqOf(fd, size);
      }
      for (const s of readSentSeqsSync(options.path)) if (s > lastSeq) lastSeq = s;
      return new Journal(options.path, options.durability ?? 'batch', fd, lastSeq, bytes);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** {@link Journal.openSync}, as a promise. */
  static async open(options: JournalOptions): Promise<Journal> {
    return Journal.openSync(options);
  }

  /**
   * Bytes in the file as far as this journal knows (its size at open plus everything it appended
   * since): the offset at which the next batch will start, for {@link ReadJournalOptions.start}.
   */
  get bytes(): number {
    return this.#bytes;
  }

  #fdOrThrow(): number {
    if (this.#fd === undefined || this.#closed) throw new Error(`journal ${this.path} is closed`);
    return this.#fd;
  }

  /** Append one batch (header + N-Quads) in a single write; fsync if durability is `'sync'`. */
  append(batch: QuadBatch): Promise<void> {
    return this.appendMany([batch]);
  }

  /** Append several batches, each with its header, in a single write (and at most one fsync). */
  async appendMany(batches: readonly QuadBatch[]): Promise<void> {
    this.#bytes += writeAllSync(this.#fdOrThrow(), blockText(batches));
    this.#dirty = true;
    if (this.durability === 'sync') await this.#datasync();
  }

  /**
   * Synchronous {@link Journal.appendMany} (fsync included for durability `'sync'`), for the
   * transport's write-ahead and overload paths, which must not yield before the data is on disk.
   * Returns the byte offset at which each batch's block starts (for the journal drain).
   */
  appendManySync(batches: readonly QuadBatch[]): number[] {
    const fd = this.#fdOrThrow();
    const offsets: number[] = [];
    const start = this.#bytes;
    this.#bytes += writeAllSync(fd, blockText(batches, offsets));
    if (this.durability === 'sync') fdatasyncSync(fd);
    else this.#dirty = true;
    for (let i = 0; i < offsets.length; i++) offsets[i] = offsets[i]! + start;
    return offsets;
  }

  /** Record in the `.sent` sidecar that batch `seq` was confirmed by the primary sink. */
  async markSent(seq: number): Promise<void> {
    if (this.#closed) return;
    this.#sentFd ??= openAppendSync(sentSidecarPath(this.path));
    writeAllSync(this.#sentFd, Buffer.from(`${seq}\n`));
  }

  #datasync(): Promise<void> {
    const fd = this.#fdOrThrow();
    this.#dirty = false;
    const p = (this.#syncing ?? Promise.resolve()).then(
      () => new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
    );
    this.#syncing = p.catch(() => {});
    return p;
  }

  /** Unless durability is `'none'`, fsync what was appended since the last fsync. */
  async flush(): Promise<void> {
    if (this.#closed) return;
    if (this.#dirty && this.durability !== 'none') await this.#datasync();
    else await this.#syncing;
  }

  /** {@link Journal.flush}, synchronously (the exit path). Never throws. */
  flushSync(): void {
    if (this.#closed || this.#fd === undefined || !this.#dirty || this.durability === 'none') return;
    try {
      fdatasyncSync(this.#fd);
      this.#dirty = false;
    } catch {
      /* the data is in the page cache; only a machine crash could lose it now */
    }
  }

  /** Flush and close the files. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => {});
    this.#closed = true;
    const fd = this.#fd;
    const sentFd = this.#sentFd;
    this.#fd = this.#sentFd = undefined;
    if (fd !== undefined) closeSync(fd);
    if (sentFd !== undefined) closeSync(sentFd);
  }
}

/**
 * Options for {@link readJournal}.
 *
 * @example
 * ```ts
 * const opts: ReadJournalOptions = { unsentOnly: true, onWarning: (m) => log.warn(m) };
 * ```
 */
export interface ReadJournalOptions {
  /** Yield only batches the `.sent` sidecar does not confirm (default `false`). */
  unsentOnly?: boolean;
  /** Receives warnings about skipped (torn or stray) content; default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Byte offset to start reading at; must be the start of a batch header (see {@link Journal.bytes}). */
  start?: number;
  /** Byte offset to stop reading before (exclusive), e.g. the journal's size when reading began. */
  end?: number;
}

/**
 * Read a journal back, batch by batch, streaming. A block whose line or byte count does not match
 * its header (a torn write from a crash) is skipped with a warning.
 *
 * @example
 * ```ts
 * for await (const batch of readJournal('./run.nq', { unsentOnly: true })) {
 *   await sink.write(batch);
 * }
 * ```
 */
export async function* readJournal(
  path: string,
  options: ReadJournalOptions = {},
): AsyncGenerator<JournalBatch, void, undefined> {
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const sent = await readSentSeqs(path);
  await stat(path); // a missing journal is an error, not an empty one
  let cur: { seq: number; quads: number; events: number; bytes: number; lines: string[]; got: number } | null =
    null;
  let stray = 0;
  const finish = (): JournalBatch | undefined => {
    const c = cur;
    cur = null;
    if (!c) return undefined;
    if (c.lines.length !== c.quads || c.got !== c.bytes) {
      warn(`provml: journal ${path}: skipping torn batch seq=${c.seq} (${c.lines.length}/${c.quads} quads)`);
      return undefined;
    }
    const isSent = sent.has(c.seq);
    if (options.unsentOnly && isSent) return undefined;
    const batch = createQuadBatch({ seq: c.seq, events: c.events, nquads: c.lines.join('') });
    return Object.defineProperty(batch, 'sent', { value: isSent, enumerable: true }) as JournalBatch;
  };
  const complete = () => cur !== null && cur.lines.length === cur.quads && cur.got === cur.bytes;
  let rest = '';
  if (options.end !== undefined && options.end <= (options.start ?? 0)) return;
  const stream = createReadStream(path, {
    encoding: 'utf8',
    highWaterMark: 1 << 20,
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end - 1 } : {}),
  });
  for await (const chunk of stream as AsyncIterable<string>) {
    const s = rest + chunk;
    let start = 0;
    let i: number;
    while ((i = s.indexOf('\n', start)) !== -1) {
      const line = s.slice(start, i);
      start = i + 1;
      const m = HEADER.exec(line);
      if (m) {
        const done = finish();
        if (done) yield done;
        cur = { seq: Number(m[1]), quads: Number(m[2]), events: Number(m[3]), bytes: Number(m[4]), lines: [], got: 0 };
      } else if (cur && !complete()) {
        cur.lines.push(line + '\n');
        cur.got += Buffer.byteLength(line, 'utf8') + 1;
      } else if (line.trim() !== '' && !line.startsWith('#')) {
        stray++; // comment lines outside batches (e.g. dead-letter notes) are fine
      }
      if (complete()) {
        const done = finish();
        if (done) yield done;
      }
    }
    rest = s.slice(start);
  }
  if (rest.length > 0 && cur) cur.lines.push(rest); // unterminated last line: makes the block torn
  const done = finish();
  if (done) yield done;
  if (stray > 0) warn(`provml: journal ${path}: ignored ${stray} line(s) outside any batch`);
}

/**
 * Result of {@link replayJournal}.
 *
 * @example
 * ```ts
 * const { sent, alreadySent }: ReplayResult = await replayJournal(path, sink);
 * ```
 */
export interface ReplayResult {
  /** Batches written to the sink and marked sent. */
  sent: number;
  /** Quads in those batches. */
  quads: number;
  /** Batches skipped because the sidecar already confirmed them. */
  alreadySent: number;
}

/**
 * Send every unconfirmed batch of a journal to a sink, appending each confirmed seq to the
 * `.sent` sidecar, so a second replay (or one after a crash) sends only what is left. Re-sending
 * is harmless anyway: provml produces no blank nodes. Stops at the first sink error (rejects).
 *
 * @example
 * ```ts
 * const { sent } = await replayJournal('./run.nq', new EmbeddedStoreSink(store));
 * ```
 */
export async function replayJournal(
  path: string,
  sink: Sink,
  options: Pick<ReadJournalOptions, 'onWarning'> = {},
): Promise<ReplayResult> {
  const result: ReplayResult = { sent: 0, quads: 0, alreadySent: 0 };
  let sidecar: number | undefined;
  try {
    for await (const batch of readJournal(path, options)) {
      if (batch.sent) {
        result.alreadySent++;
        continue;
      }
      await sink.write(batch);
      sidecar ??= openAppendSync(sentSidecarPath(path));
      writeAllSync(sidecar, Buffer.from(`${batch.seq}\n`));
      result.sent++;
      result.quads += batch.size;
    }
    await sink.flush?.();
  } finally {
    if (sidecar !== undefined) closeSync(sidecar);
  }
  return result;
}
