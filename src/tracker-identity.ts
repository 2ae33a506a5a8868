/**
 * Naming what was recorded, from the user's side: the IRI of a data reference (content-derived,
 * as the recorder mints it) and domain-fact events (`prov.describe`).
 *
 * @module
 */

import { now } from './capture/clock.js';
import { isRef, ref, summarize, type DataRefSummary, type DescribeEvent, type Fact } from './capture/index.js';
import { domainPredicate } from './record/domain.js';
import { FileInspector, storageUrlOf, type FileInspectorOptions } from './record/files.js';
import { IriMinter, isAbsoluteIri } from './record/iri.js';

/**
 * What `prov.describe` accepts as a fact value: a scalar, a date, a URL or data reference (a link
 * to that node), or a list of them (one triple per item).
 *
 * @example
 * ```ts
 * const wells: DomainValue = ['F02-1', 'F03-4'];
 * prov.describe(ref('survey.sgy'), { wells, surveyed: new Date('2019-05-01'), report: new URL('https://example.org/r.pdf') });
 * ```
 */
export type DomainValue = string | number | boolean | bigint | Date | URL | DataRefSummary | readonly DomainValue[];

/**
 * Options of `prov.describe`.
 *
 * @example
 * ```ts
 * const o: DescribeOptions = { graph: 'urn:example:geology', vocab: 'https://example.org/geo#' };
 * prov.describe(ref('survey.sgy'), { basin: 'Santos' }, o);
 * ```
 */
export interface DescribeOptions {
  /** Named graph the facts go to (default `<base>graph:domain`). */
  graph?: string;
  /** Namespace of fact names that are not absolute IRIs (default `<base>domain:`, so `basin` → `urn:provml:domain:basin`). */
  vocab?: string;
}


function checkIri(what: string, v: unknown): void {
  if (typeof v !== 'string' || !isAbsoluteIri(v)) throw new TypeError(`provml describe: ${what} must be an absolute IRI, got ${JSON.stringify(v)}`);
}

function asRef(target: DataRefSummary | string | URL): DataRefSummary {
  if (typeof target === 'string' || target instanceof URL) return ref(target);
  if (isRef(target)) return target;
  throw new TypeError(`provml: expected a path, a URL or ref(…), got ${typeof target === 'object' ? JSON.stringify(target) : String(target)}`);
}

/** The IRI the recorder mints for `target` as it is now (content-derived: sha256 of the file when hashed). */
export async function dataIriOf(target: DataRefSummary | string | URL, base: string | undefined, files: FileInspectorOptions | false | undefined): Promise<string> {
  const r = asRef(target);
  const mint = new IriMinter(base);
  if (files === false) return mint.data(storageUrlOf(r.uri));
  const facts = await new FileInspector(files ?? {}).inspect(r.uri, r.mediaType);
  return mint.data(facts.storageUrl, facts.checksum);
}

/** The event of one `describe` call; throws a TypeError naming a bad IRI or value. */
export function describeEvent(target: DataRefSummary | string | URL, facts: Readonly<Record<string, DomainValue>>, options: DescribeOptions, base: string): DescribeEvent {
  if (options.graph !== undefined) checkIri('graph', options.graph);
  if (options.vocab !== undefined) checkIri('vocab', options.vocab);
  if (typeof facts !== 'object' || facts === null) throw new TypeError(`provml describe: facts must be an object of name → value, got ${String(facts)}`);
  const vocab = options.vocab ?? `${base}domain:`;
  const out: Fact[] = [];
  for (const [name, value] of Object.entries(facts)) {
    if (value === undefined) continue;
    if (name === '' || !isAbsoluteIri(domainPredicate(name, vocab))) throw new TypeError(`provml describe: fact name ${JSON.stringify(name)} is not a valid IRI or name`);
    if (value === null || (typeof value === 'number' && Number.isNaN(value)) || typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(`provml describe: fact ${JSON.stringify(name)} has no recordable value (${String(value)})`);
    }
    out.push({ role: 'attribute', name, value: summarize(linkify(value), { maxString: 1 << 20, maxItems: 1 << 16, maxKeys: 32, maxDepth: 2, maxSample: 4096 }) });
  }
  return { t: 'describe', at: now(), target: asRef(target), ...(options.graph ? { graph: options.graph } : {}), ...(options.vocab ? { vocab: options.vocab } : {}), facts: out };
}

function linkify(v: DomainValue): unknown {
  if (v instanceof URL) return ref(v);
  if (Array.isArray(v)) return v.map((x: DomainValue) => linkify(x));
  return v;
}
