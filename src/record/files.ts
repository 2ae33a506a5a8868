import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * File facts for data references (Pegasus-style tracking): checksum, size, media type, last
 * modification and storage URL. Computed in the background by the recorder, never on the capture
 * hot path, and cached by (path, size, mtime) so a dataset referenced by every epoch is hashed once
 * (a file modified in the last two seconds is hashed again: see `RACY_MS`).
 */
export interface FileFacts {
  /** Storage URL: {@link storageUrlOf} the reference (`file:` URL for local paths, the URI itself otherwise). */
  storageUrl: string;
  checksum?: string;
  checksumAlgorithm?: string;
  byteSize?: number;
  lastModified?: Date;
  mediaType?: string;
}

/**
 * Options of file inspection for data references: hashing on/off and the largest file hashed.
 *
 * @example
 * ```ts
 * ProvML.init({ files: { maxHashBytes: 256 * 1024 * 1024 } });
 * ```
 */
export interface FileInspectorOptions {
  /** Hash files up to this many bytes (larger ones get size and mtime only). Default 1 GiB. */
  maxHashBytes?: number;
  /** Turn hashing off entirely. Default true. */
  hash?: boolean;
}

const MEDIA_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.txt': 'text/plain',
  '.parquet': 'application/vnd.apache.parquet',
  '.npy': 'application/x-npy',
  '.npz': 'application/zip',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.h5': 'application/x-hdf5',
  '.hdf5': 'application/x-hdf5',
  '.sgy': 'application/x-segy',
  '.segy': 'application/x-segy',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bin': 'application/octet-stream',
  '.onnx': 'application/onnx',
  '.pt': 'application/octet-stream',
  '.ttl': 'text/turtle',
  '.nq': 'application/n-quads',
};

/**
 * A file modified this recently before it was inspected may be rewritten with the same size within
 * the file system's timestamp granularity (a coarse clock tick, 2 s on FAT) and keep its mtime:
 * such cached facts are not trusted (git's "racily clean" entries), so a quick rewrite is still
 * seen as a new version.
 */
const RACY_MS = 2_000;

/** Inspects local files once per (path, size, mtime). */
export class FileInspector {
  private readonly cache = new Map<string, { key: string; facts: Promise<FileFacts>; racy: boolean; pending: boolean }>();
  private readonly maxHashBytes: number;
  private readonly hash: boolean;

  private readonly warn: ((message: string) => void) | undefined;
  /** Paths already warned about (missing, a directory): said once, not per event. */
  private readonly warned = new Set<string>();

  constructor(options: FileInspectorOptions = {}, warn?: (message: string) => void) {
    this.maxHashBytes = options.maxHashBytes ?? 1024 ** 3;
    this.hash = options.hash ?? true;
    this.warn = warn;
  }

  private warnOnce(path: string, what: string): void {
    if (this.warn === undefined || this.warned.has(path)) return;
    if (this.warned.size >= 10_000) this.warned.clear();
    this.warned.add(path);
    this.warn(`provml: ref(${JSON.stringify(path)}) ${what}`);
  }

  /** Facts for a path or URI. Never rejects: an unreadable file yields only its storage URL. */
  async inspect(uri: string, mediaTypeHint?: string): Promise<FileFacts> {
    const path = toLocalPath(uri);
    if (path === undefined) return { storageUrl: uri, ...(mediaTypeHint ? { mediaType: mediaTypeHint } : {}) };
    const storageUrl = fileUrl(path);
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.warnOnce(path, `${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`} when recorded: only its URL is recorded (no checksum, size or date; its node is not tied to any content)`);
      return { storageUrl, ...mediaTypeOf(path, mediaTypeHint) };
    }
    if (!info.isFile()) {
      this.warnOnce(path, `is ${info.isDirectory() ? 'a directory' : 'not a regular file'}: recorded with its URL and modification time, no checksum (reference its files, or an archive of it, to tie the node to content)`);
      return { storageUrl, lastModified: info.mtime, ...mediaTypeOf(path, mediaTypeHint) };
    }
    const key = `${info.size}:${info.mtimeMs}`;
    const hit = this.cache.get(path);
    // A racy entry is still shared while its hash runs (a large file is never hashed twice at once).
    if (hit && hit.key === key && (!hit.racy || hit.pending)) return hit.facts;
    const facts = this.compute(path, storageUrl, info.size, info.mtime, mediaTypeHint);
    const entry = { key, facts, racy: Date.now() - info.mtimeMs < RACY_MS, pending: true };
    this.cache.set(path, entry);
    void facts.finally(() => (entry.pending = false));
    return facts;
  }

  private async compute(path: string, storageUrl: string, size: number, mtime: Date, hint?: string): Promise<FileFacts> {
    const facts: FileFacts = { storageUrl, byteSize: size, lastModified: mtime, ...mediaTypeOf(path, hint) };
    if (this.hash && size <= this.maxHashBytes) {
      try {
        facts.checksum = await sha256File(path);
        facts.checksumAlgorithm = 'sha256';
      } catch {
        // The file vanished or is unreadable between stat and read: keep size/mtime only.
      }
    }
    return facts;
  }
}

function mediaTypeOf(path: string, hint?: string): { mediaType?: string } {
  const mediaType = hint ?? MEDIA_TYPES[extname(path).toLowerCase()];
  return mediaType ? { mediaType } : {};
}

/**
 * The storage URL recorded for a data reference (and a script path): a local path — relative
 * ones resolved against the working directory — or a `file:` URL becomes its absolute,
 * percent-encoded `file://` URL (`pathToFileURL`); any other URI (`https:`, `s3:`…) is kept as
 * given. Recording with and without file inspection (`files: false`) gives the same URL.
 *
 * @example
 * ```ts
 * storageUrlOf('/data/my set.csv');          // 'file:///data/my%20set.csv'
 * storageUrlOf('data/x.csv');                // 'file:///<cwd>/data/x.csv'
 * storageUrlOf('s3://bucket/x.csv');         // 's3://bucket/x.csv'
 * ```
 */
export function storageUrlOf(uri: string): string {
  const path = toLocalPath(uri);
  return path === undefined ? uri : fileUrl(path);
}

/**
 * `pathToFileURL(path).href`, memoised for absolute paths (data references repeat on every batch
 * and epoch; a relative path depends on the working directory, which may change).
 */
const fileUrls = new Map<string, string>();
function fileUrl(path: string): string {
  let url = fileUrls.get(path);
  if (url === undefined) {
    url = pathToFileURL(path).href;
    if (isAbsolute(path)) {
      if (fileUrls.size >= 10_000) fileUrls.clear();
      fileUrls.set(path, url);
    }
  }
  return url;
}

/**
 * A local path for `file:` URLs and plain paths; undefined for other URI schemes, and for a
 * `file:` URL that names no local path (`file://otherhost/x`), which is then kept as given.
 */
function toLocalPath(uri: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return undefined;
    }
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(uri)) return undefined; // s3:, https:, mongodb:… (not a drive letter)
  return uri;
}

/**
 * Bytes per read while hashing. Each chunk is hashed synchronously on the thread that reads it (the
 * tracker's worker by default, the user's thread with `thread: 'main'`): 64 KiB take well under a
 * millisecond, so hashing a 1 GB file never holds the event loop for long (test/unit/record/
 * file-hash.test.ts checks < 50 ms at a time on a sparse 1 GB file).
 */
const HASH_CHUNK_BYTES = 64 * 1024;

/**
 * The SHA-256 of a file's content in lowercase hex — what `sha256sum` prints — read as a stream
 * of `HASH_CHUNK_BYTES` (64 KiB) chunks so the event loop keeps running meanwhile.
 *
 * @example
 * ```ts
 * await sha256File('data/train.csv'); // 'e3b0c442…'
 * ```
 */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
