import { copyFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256File } from '../record/files.js';
import type { DataView } from './executions.js';
import { planDataCopies, type RoCrate } from './ro-crate.js';

/**
 * Writing a crate: `<dir>/ro-crate-metadata.json`, and with `--copy-data` the local files it
 * references under `<dir>/data/`. A file is copied only when it still holds what was recorded
 * (same sha256 when a checksum was recorded); otherwise the crate keeps pointing at its storage
 * URL and the reason is reported.
 */

/**
 * A local file to copy into the crate.
 *
 * @example
 * ```ts
 * const c: DataCopy = { storageUrl: 'file:///data/train.csv', source: '/data/train.csv', target: 'data/train.csv' };
 * ```
 */
export interface DataCopy {
  storageUrl: string;
  /** The file on disk. */
  source: string;
  /** Its path inside the crate (`data/…`). */
  target: string;
}

/**
 * The copies that can be made, and the files left out with the reason.
 *
 * @example
 * ```ts
 * const { copies } = await exportProvenance(store, { format: 'ro-crate', copyData: true });
 * for (const s of (copies as CopyPlan).skipped ?? []) console.warn(s);
 * ```
 */
export interface CopyPlan {
  copies: DataCopy[];
  skipped: { storageUrl: string; reason: string }[];
}

/** Check which local files can be copied in (they exist and match their recorded checksum). */
export async function planCopies(data: readonly DataView[]): Promise<CopyPlan> {
  const targets = planDataCopies(data);
  const plan: CopyPlan = { copies: [], skipped: [] };
  for (const d of data) {
    const target = d.storageUrl ? targets.get(d.storageUrl) : undefined;
    if (!d.storageUrl || target === undefined || plan.copies.some((c) => c.storageUrl === d.storageUrl)) continue;
    const source = fileURLToPath(d.storageUrl);
    const st = await stat(source).catch(() => undefined);
    if (!st?.isFile()) {
      plan.skipped.push({ storageUrl: d.storageUrl, reason: st ? 'not a regular file' : 'missing' });
      continue;
    }
    if (d.checksum && (d.checksumAlgorithm ?? 'sha256') === 'sha256' && (await sha256File(source)) !== d.checksum) {
      plan.skipped.push({ storageUrl: d.storageUrl, reason: 'changed since it was recorded (sha256 differs)' });
      continue;
    }
    plan.copies.push({ storageUrl: d.storageUrl, source, target });
  }
  return plan;
}

/** Write `ro-crate-metadata.json` (and the copies) into `dir`, created when missing. Returns the files written. */
export async function writeRoCrate(crate: RoCrate, dir: string, copies: readonly DataCopy[] = []): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const c of copies) {
    const to = join(dir, c.target);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(c.source, to);
    written.push(to);
  }
  const meta = join(dir, 'ro-crate-metadata.json');
  await writeFile(meta, `${JSON.stringify(crate.metadata, null, 2)}\n`);
  written.unshift(meta);
  return written;
}
