import { randomUUID } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EmbeddedStore } from './embedded.js';
import type { StoreWrite } from './server.js';

/**
 * `provml serve`'s durable store directory: `store.nq` (a compacted N-Quads dump) plus
 * `journal.nq`, to which every change is appended before the client hears success, so a crash
 * loses nothing. Both files are valid N-Quads (the journal's bookkeeping lines are comments).
 *
 * Journal blocks: `# provml-serve insert graph=<IRI>|default bytes=N` followed by N bytes of
 * N-Quads, or `# provml-serve update {"update":"…"}` on one line (updates may delete, so they
 * are replayed as updates). The dump's first line `# provml-serve dump includes=ID` names the
 * journal it already contains, so a crash between writing the dump and removing the journal
 * never replays a journal twice.
 */

const JOURNAL_HEADER = /^# provml-serve journal id=(\S+)$/;
const DUMP_HEADER = /^# provml-serve dump includes=(\S+)$/;
const INSERT = /^# provml-serve insert graph=(<([^>]*)>|default) bytes=(\d+)$/;
const UPDATE = '# provml-serve update ';

/**
 * Options of {@link openStoreDir}.
 *
 * @example
 * ```ts
 * const options: StoreDirOptions = { dir: '.provml/store', fsync: true };
 * ```
 */
export interface StoreDirOptions {
  /** The directory (created 0700 if missing). */
  dir: string;
  /** fsync the journal after every change, surviving a machine crash too (default `true`). */
  fsync?: boolean;
  /** Warnings while replaying (torn journal tail, failed update); default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * An open store directory: the store, the write hook that journals, and compaction.
 *
 * @example
 * ```ts
 * const dir = await openStoreDir({ dir: '.provml/store' });
 * const server = await startSparqlServer({ store: dir.store, onWrite: dir.onWrite });
 * // … on SIGTERM:
 * await server.close();
 * await dir.close(); // compacted dump to store.nq, journal removed
 * ```
 */
export interface StoreDir {
  readonly store: EmbeddedStore;
  /** Journal entries replayed at open (changes a previous process had not compacted). */
  readonly replayed: number;
  /** Append a change to the journal (synchronously, in order). Pass as `onWrite`. */
  readonly onWrite: (write: StoreWrite) => void;
  /** Write the compacted dump (atomically) and drop the journal it now contains. */
  compact(): Promise<void>;
  /** Compact and release the directory lock. Idempotent. */
  close(): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lockedHere = new Set<string>();

async function lock(dir: string): Promise<string> {
  const path = resolve(dir, 'serve.lock');
  if (lockedHere.has(path)) throw new Error(`${dir} is already served by process ${process.pid}; share it through that server's URL`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      lockedHere.add(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new Error(`${dir} is already served by process ${pid}; share it through that server's URL`);
      }
      await rm(path, { force: true }); // stale lock of a dead process
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

async function replayJournal(
  store: EmbeddedStore,
  path: string,
  includedId: string | undefined,
  warn: (m: string) => void,
): Promise<{ entries: number; id?: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: 0 };
    throw err;
  }
  let pos = 0;
  const line = (): string | undefined => {
    const eol = buf.indexOf(10, pos);
    if (eol < 0) return undefined; // torn (or empty) tail
    const text = buf.toString('utf8', pos, eol);
    pos = eol + 1;
    return text;
  };
  const id = JOURNAL_HEADER.exec(line() ?? '')?.[1];
  if (id === undefined) {
    if (buf.length > 0) warn(`${path}: not a provml serve journal; ignored`);
    return { entries: 0 };
  }
  if (id === includedId) return { entries: 0 }; // the dump already contains it
  let entries = 0;
  for (;;) {
    const start = pos;
    const header = line();
    if (header === undefined) break;
    const insert = INSERT.exec(header);
    try {
      if (insert) {
        const bytes = Number(insert[3]);
        if (pos + bytes > buf.length) {
          pos = start;
          break;
        }
        store.loadNQuads(buf.toString('utf8', pos, pos + bytes), insert[2]);
        pos += bytes;
      } else if (header.startsWith(UPDATE)) {
        await store.update((JSON.parse(header.slice(UPDATE.length)) as { update: string }).update);
      } else {
        warn(`${path}: unreadable journal line at byte ${start}; replay stopped there`);
        return { entries, id };
      }
      entries++;
    } catch (err) {
      warn(`${path}: journal entry at byte ${start} failed to replay: ${(err as Error).message}`);
      entries++;
    }
  }
  if (pos < buf.length) warn(`${path}: skipped a torn last entry (${buf.length - pos} bytes at byte ${pos})`);
  return { entries, id };
}

/**
 * Open (or create) a `provml serve` store directory: lock it against a second server, replay
 * `store.nq` and then `journal.nq`, compact if the journal held anything, and journal every
 * later change.
 *
 * @example
 * ```ts
 * const dir = await openStoreDir({ dir: '.provml/store' });
 * console.log(`${dir.store.size} quads, ${dir.replayed} journal entries replayed`);
 * ```
 */
export async function openStoreDir(options: StoreDirOptions): Promise<StoreDir> {
  const { dir } = options;
  const warn = options.onWarning ?? ((m: string) => console.warn(`provml serve: ${m}`));
  const fsync = options.fsync ?? true;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lockPath = await lock(dir);
  const dumpPath = join(dir, 'store.nq');
  const journalPath = join(dir, 'journal.nq');
  let store: EmbeddedStore;
  let replayed: { entries: number; id?: string };
  try {
    const first = (await readFile(dumpPath, 'utf8').catch(() => '')).slice(0, 200).split('\n', 1)[0]!;
    store = await EmbeddedStore.open({ path: dumpPath, persistOnClose: false, onWarning: warn });
    replayed = await replayJournal(store, journalPath, DUMP_HEADER.exec(first)?.[1], warn);
  } catch (err) {
    await rm(lockPath, { force: true });
    lockedHere.delete(lockPath);
    throw err;
  }

  let fd: number | undefined;
  // The journal the next dump will contain: ours, or at first the one just replayed.
  let journalId: string | undefined = replayed.id;
  const append = (text: string): void => {
    if (fd === undefined) {
      journalId = randomUUID(); // a replayed journal is compacted away before any write
      // eslint-disable-next-line no-bitwise
      fd = openSync(journalPath, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND, 0o600);
      writeSync(fd, `# provml-serve journal id=${journalId}\n`);
    }
    writeSync(fd, text);
    if (fsync) fsyncSync(fd);
  };

  const onWrite = (w: StoreWrite): void => {
    if (w.kind === 'update') {
      append(`${UPDATE}${JSON.stringify({ update: w.update })}\n`);
      return;
    }
    const body = w.nquads.length === 0 || w.nquads.endsWith('\n') ? w.nquads : `${w.nquads}\n`;
    append(`# provml-serve insert graph=${w.graph === undefined ? 'default' : `<${w.graph}>`} bytes=${Buffer.byteLength(body)}\n${body}`);
  };

  let compacting: Promise<void> = Promise.resolve();
  const compact = (): Promise<void> => {
    compacting = compacting.then(async () => {
      const included = journalId ?? 'none';
      const tmp = `${dumpPath}.${process.pid}.tmp`;
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(`# provml-serve dump includes=${included}\n${store.dump()}`, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, dumpPath);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      journalId = undefined;
      await rm(journalPath, { force: true });
    });
    return compacting;
  };

  if (replayed.entries > 0) await compact();
  else await rm(journalPath, { force: true }); // empty, torn-only, or already in the dump
  let closed: Promise<void> | undefined;
  return {
    store,
    replayed: replayed.entries,
    onWrite,
    compact,
    close() {
      closed ??= compact().finally(async () => {
        await store.close();
        await rm(lockPath, { force: true });
        lockedHere.delete(lockPath);
      });
      return closed;
    },
  };
}

/**
 * Record where a running server answers, in `DIR/serve.json`, so tools can find it.
 *
 * @example
 * ```ts
 * await writeServeInfo('.provml/store', { queryUrl: server.queryUrl, gspUrl: server.gspUrl });
 * ```
 */
export async function writeServeInfo(dir: string, info: Record<string, string>): Promise<void> {
  await writeFile(join(dir, 'serve.json'), `${JSON.stringify({ pid: process.pid, ...info }, null, 2)}\n`, { mode: 0o600 });
}
