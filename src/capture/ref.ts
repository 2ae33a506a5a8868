/**
 * Data references: mark a value as "this file / URI" so capture records a data reference
 * (PROV-ML DataReference / LearningDatasetReference / model reference) instead of a literal.
 *
 * @module
 */

import { resolve } from 'node:path';
import type { DataRefSummary } from './events.js';

const REF = Symbol.for('provml.ref');
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const WINDOWS_DRIVE = /^[a-zA-Z]:[\\/]/;

/**
 * Optional hints stored with a data reference (never computed on the hot path).
 *
 * @example
 * ```ts
 * import { ref, type RefOptions } from 'provml';
 * const o: RefOptions = { mediaType: 'text/csv', version: '2024-05' };
 * ref('data/train.csv', o);
 * ```
 */
export interface RefOptions {
  /** IANA media type, e.g. `text/csv`, `application/octet-stream`. */
  mediaType?: string;
  /** A user-level version label (dataset release, model tag). */
  version?: string;
}

/**
 * A data reference to pass as an argument or return from a decorated method. URIs (`s3://…`,
 * `https://…`, `file:///…`) are kept verbatim; paths are resolved against `process.cwd()` (a pure
 * string operation: the file need not exist yet and is never touched here — file facts such as
 * checksum and size are computed in the background).
 *
 * @example
 * ```ts
 * import { Transformation, ref } from 'provml';
 * class Prep {
 *   @Transformation({ outputs: { dataset: '$' } })
 *   split() {
 *     // ... write the file ...
 *     return ref('out/train.csv', { mediaType: 'text/csv' });
 *   }
 * }
 * ```
 */
export function ref(pathOrUri: string | URL, opts?: RefOptions): DataRefSummary {
  if ((typeof pathOrUri !== 'string' || pathOrUri === '') && !(pathOrUri instanceof URL)) return badRef(pathOrUri);
  const s = String(pathOrUri);
  const uri = SCHEME.test(s) && !WINDOWS_DRIVE.test(s) ? s : resolve(s);
  const r: DataRefSummary = { $: 'ref', uri };
  if (opts?.mediaType !== undefined) r.mediaType = opts.mediaType;
  if (opts?.version !== undefined) r.version = opts.version;
  Object.defineProperty(r, REF, { value: true });
  return Object.freeze(r);
}

const warned = new Set<string>();

/**
 * `ref(undefined)`, `ref('')`, `ref(42)`: never a path under the working directory. Recorded as
 * `urn:provml:unknown-ref:<what was given>` so the execution still shows a reference was passed,
 * with one warning per kind of bad value.
 */
function badRef(v: unknown): DataRefSummary {
  const given = v === '' ? 'empty' : typeof v === 'object' && v !== null ? 'object' : String(v);
  if (!warned.has(given)) {
    warned.add(given);
    process.emitWarning(`provml: ref() needs a path or URL, got ${v === '' ? 'an empty string' : given}; recorded as urn:provml:unknown-ref:${encodeURIComponent(given)}`, 'ProvmlWarning');
  }
  const r: DataRefSummary = { $: 'ref', uri: `urn:provml:unknown-ref:${encodeURIComponent(given)}` };
  Object.defineProperty(r, REF, { value: true });
  return Object.freeze(r);
}

/**
 * Whether `v` is a data reference (made by {@link ref}, or any `{ $: 'ref', uri: string }`).
 *
 * @example
 * ```ts
 * import { isRef, ref } from 'provml';
 * isRef(ref('a.csv')); // true
 * isRef('a.csv'); // false
 * ```
 */
export function isRef(v: unknown): v is DataRefSummary {
  if (typeof v !== 'object' || v === null) return false;
  if ((v as Record<symbol, unknown>)[REF] === true) return true;
  const o = v as { $?: unknown; uri?: unknown };
  return o.$ === 'ref' && typeof o.uri === 'string';
}

/** @internal true for objects made by {@link ref} (already clean and frozen). */
export function isBrandedRef(v: object): boolean {
  return (v as Record<symbol, unknown>)[REF] === true;
}
