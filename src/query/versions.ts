/**
 * Versions of data (ProvDB's version chains over provml's content-derived data nodes).
 *
 * A data node is one content at one storage URL — its IRI hashes both — so a rewritten file is a
 * new node, and the nodes sharing a storage URL are that URL's versions. What links them:
 *
 * - **Recorded links.** A recorder that sees a URL change content in its own process writes
 *   `new prov:wasRevisionOf previous` as it records (src/record/values.ts). Certain, but local: a
 *   process never sees another's journal, so the second run of a preparation in a new process
 *   cannot know the version the first run wrote.
 * - **The store**, which holds every process's journal, is the version history. {@link versions}
 *   orders the contents of a URL by when each was *first seen* — the earliest of its recorded
 *   modification times and the times executions generated (ended) or used (started) it — with
 *   recorded links taking precedence over times, and numbers them from 1. This is computed at
 *   query time, so loading one more journal can never leave a chain stale.
 * - **Materialized links.** {@link linkVersions} (`provml versions --link`) writes what the
 *   derivation found — `prov:wasRevisionOf` from each version to the one before (where no recorder
 *   wrote it) and `provml:versionNumber` — into one named graph of their own, `<base>graph:versions`
 *   (default `urn:provml:graph:versions`), and replaces there whatever an earlier run derived. So
 *   plain SPARQL, exports and other PROV tools see the chain; run it again after loading journals
 *   recorded later (a version recorded late, on another machine, may change the numbering).
 *
 * Only data references (files, datasets, models) with a checksum are versions: a reference
 * recorded with `files: false`, or to a file
 * missing or larger than `maxHashBytes`, stands for its URL whatever the URL held. Content that
 * comes back (A, then B, then A again) is the node it was, listed where it was first seen.
 */
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256File } from '../record/files.js';
import type { Bindings, SparqlEndpoint } from '../store/endpoint.js';
import { describeExecutions, earliest, selectFor } from './executions.js';
import { resolveData } from './resolve.js';
import { iriTerm, literalTerm } from './sparql.js';
import { SparqlTemplate, type TemplateParams } from './template.js';

const { quad, namedNode, literal } = DataFactory;

const PROV_NS = 'http://www.w3.org/ns/prov#';
const PROVML_NS = 'https://w3id.org/prov-ml#';
/** @internal */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';
/** @internal */
export const WAS_REVISION_OF = `${PROV_NS}wasRevisionOf`;
/** @internal */
export const VERSION_NUMBER = `${PROVML_NS}versionNumber`;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

/**
 * Where {@link linkVersions} writes by default (`IriMinter.versionsGraph()` of the default base).
 *
 * @example
 * ```ts
 * await store.select(`SELECT ?v ?n WHERE { GRAPH <${VERSIONS_GRAPH}> { ?v provml:versionNumber ?n } }`);
 * ```
 */
export const VERSIONS_GRAPH = 'urn:provml:graph:versions';

/** At most this many IRIs in one VALUES block (long queries are slow to parse on some engines). */
const CHUNK = 200;

/**
 * An execution that generated or used a version, with the workflow run it belongs to.
 *
 * @example
 * ```ts
 * const [writer]: ExecutionRef[] = (await versions(store, 'data/train.csv'))[0]!.generatedBy;
 * console.log(writer?.workflow, writer?.name, writer?.endedAt);
 * ```
 */
export interface ExecutionRef {
  execution: string;
  /** Its PROV-ML class, local name (`DataTransformationExecution`, `LearningStageExecution`…). */
  kind?: string;
  /** The name of the plan it executes (transformation, stage, workflow). */
  name?: string;
  /** The workflow execution it is part of (itself for a workflow execution). */
  run: string;
  /** The name of that run's workflow. */
  workflow?: string;
  startedAt?: string;
  endedAt?: string;
  status?: string;
}

/**
 * One version of the data at a storage URL.
 *
 * @example
 * ```ts
 * for (const v of await versions(store, 'data/train.csv')) console.log(v.version, v.checksum, v.revisionOf);
 * ```
 */
export interface DataVersion {
  /** Its place in the chain, from 1 (the first content seen at the URL). */
  version: number;
  /** The data node IRI. */
  data: string;
  storageUrl: string;
  checksum: string;
  checksumAlgorithm?: string;
  byteSize?: number;
  mediaType?: string;
  /** The earliest modification time recorded for this content. */
  lastModified?: string;
  /** User version labels (`ref(path, { version })`). */
  labels: string[];
  /** When this content was first seen (what orders the chain); absent when nothing dated it. */
  firstSeen?: string;
  /** The version before it (absent for version 1). */
  revisionOf?: string;
  /** Whether `data prov:wasRevisionOf revisionOf` is in the store (recorded, or written by --link). */
  linked?: boolean;
  /** Whether it is the content of the local file now (only with `checkLocal`, for `file:` URLs). */
  onDisk?: boolean;
  generatedBy: ExecutionRef[];
  usedBy: ExecutionRef[];
}

/**
 * Options of {@link versions}.
 *
 * @example
 * ```ts
 * const chain = await versions(store, 'data/train.csv', { checkLocal: true });
 * console.log(chain.find((v) => v.onDisk)?.version);
 * ```
 */
export interface VersionsOptions {
  /** Hash the local file (for a `file:` URL that exists) and mark the version it holds now. */
  checkLocal?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Queries. Every parameter is a VALUES block or a constant of a reviewed template.

const NODE_URL = new SparqlTemplate('SELECT DISTINCT ?d ?url WHERE { ?d provml:storageUrl ?url }');

/**
 * Data references only (files, datasets, models): source code nodes also carry a storage URL and
 * a checksum, but are identified with their commit too. The class test is a FILTER EXISTS over
 * VALUES, the form Virtuoso 7 keeps every row with (see runs.ts).
 */
const CONTENTS = new SparqlTemplate(`
SELECT ?d ?url ?checksum ?algorithm ?size ?media ?modified ?label WHERE {
  ?d provml:storageUrl ?url ; provml:checksum ?checksum .
  FILTER EXISTS { VALUES ?cls { provml:DataReferenceValue provml:LearningDatasetReferenceValue provml:ModelReferenceValue } ?d a ?cls }
  OPTIONAL { ?d provml:checksumAlgorithm ?algorithm }
  OPTIONAL { ?d provml:byteSize ?size }
  OPTIONAL { ?d provml:mediaType ?media }
  OPTIONAL { ?d provml:lastModified ?modified }
  OPTIONAL { ?d provml:version ?label }
}`);

const UNVERSIONED = new SparqlTemplate(`
SELECT DISTINCT ?d ?url WHERE {
  ?d provml:storageUrl ?url .
  FILTER EXISTS { VALUES ?cls { provml:DataReferenceValue provml:LearningDatasetReferenceValue provml:ModelReferenceValue } ?d a ?cls }
  FILTER NOT EXISTS { ?d provml:checksum ?checksum }
}`);

const GENERATED = new SparqlTemplate('SELECT DISTINCT ?d ?e WHERE { ?d prov:wasGeneratedBy ?e }');
const USED = new SparqlTemplate('SELECT DISTINCT ?d ?e WHERE { ?e prov:used ?d }');
const LINKS = new SparqlTemplate('SELECT DISTINCT ?d ?previous WHERE { ?d prov:wasRevisionOf ?previous }');
const DERIVED = new SparqlTemplate(`
SELECT DISTINCT ?d ?previous ?number WHERE {
  GRAPH ?g { { ?d prov:wasRevisionOf ?previous } UNION { ?d provml:versionNumber ?number } }
}`);
/** @internal */
export const REMOVE = new SparqlTemplate('DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }');

/** The terms a storage URL may be stored as: `xsd:anyURI` (what provml writes), plain, an IRI. */
function urlTerms(url: string): Term[] {
  return [literalTerm(url, `${XSD_NS}anyURI`), literalTerm(url), ...(SCHEME.test(url) ? [iriTerm(url, 'storage URL')] : [])];
}

function urlParams(urls: readonly string[] | undefined): TemplateParams {
  return urls === undefined ? {} : { values: { url: urls.flatMap(urlTerms) } };
}

// ---------------------------------------------------------------------------------------------
// Chains.

interface Content {
  data: string;
  storageUrl: string;
  checksum: string;
  checksumAlgorithm?: string;
  byteSize?: number;
  mediaType?: string;
  lastModified?: string;
  labels: Set<string>;
  /** Milliseconds of every time that dates this content. */
  times: number[];
  generatedBy: Set<string>;
  usedBy: Set<string>;
}

/** What the store says about the versions of some URLs (or of all of them). */
interface ChainFacts {
  chains: Map<string, DataVersion[]>;
  /** Pairs `next previous` of every `prov:wasRevisionOf` in the store between nodes in scope. */
  stored: Set<string>;
  /** What an earlier {@link linkVersions} wrote about them. */
  derived: { links: Set<string>; numbers: Map<string, string[]> };
}

/**
 * The version chains of `urls` (all storage URLs with a checksummed node when undefined),
 * storage URL → versions in order.
 */
/** @internal */
export async function chainFacts(endpoint: SparqlEndpoint, urls: readonly string[] | undefined, graph = VERSIONS_GRAPH): Promise<ChainFacts> {
  const contents = new Map<string, Content>();
  const scoped = urls === undefined ? [[] as string[]] : chunks(urls, Math.floor(CHUNK / 3));
  for (const part of scoped) {
    const rows = await endpoint.select(CONTENTS.render(urls === undefined ? {} : urlParams(part)));
    for (const r of rows) {
      const d = r.d!.value;
      let c = contents.get(d);
      if (!c) {
        c = { data: d, storageUrl: r.url!.value, checksum: r.checksum!.value, labels: new Set(), times: [], generatedBy: new Set(), usedBy: new Set() };
        contents.set(d, c);
      }
      if (r.algorithm) c.checksumAlgorithm = r.algorithm.value;
      if (r.size) c.byteSize = Number(r.size.value);
      if (r.media) c.mediaType = r.media.value;
      if (r.modified) {
        c.lastModified = earliest(c.lastModified, r.modified.value);
        addTime(c, r.modified.value);
      }
      if (r.label) c.labels.add(r.label.value);
    }
  }
  const nodes = [...contents.keys()];
  const [generated, used, links] = await Promise.all([selectFor(endpoint, GENERATED, 'd', nodes), selectFor(endpoint, USED, 'd', nodes), selectFor(endpoint, LINKS, 'd', nodes)]);
  for (const r of generated) contents.get(r.d!.value)?.generatedBy.add(r.e!.value);
  for (const r of used) contents.get(r.d!.value)?.usedBy.add(r.e!.value);
  const executions = await describeExecutions(endpoint, [...generated, ...used].map((r) => r.e!.value));
  for (const c of contents.values()) {
    for (const e of c.generatedBy) addTime(c, executions.get(e)?.endedAt ?? executions.get(e)?.startedAt);
    for (const e of c.usedBy) addTime(c, executions.get(e)?.startedAt);
  }
  const stored = new Set<string>();
  for (const r of links) if (contents.has(r.previous!.value)) stored.add(`${r.d!.value} ${r.previous!.value}`);
  // Links some recorder observed (not derived by an earlier --link) order the chain before times do.
  const derived = await derivedFacts(endpoint, nodes, graph);
  const recorded = [...stored].filter((pair) => !derived.links.has(pair));

  const byUrl = new Map<string, Content[]>();
  for (const c of contents.values()) {
    const list = byUrl.get(c.storageUrl) ?? [];
    list.push(c);
    byUrl.set(c.storageUrl, list);
  }
  const chains = new Map<string, DataVersion[]>();
  const ref = (e: string): ExecutionRef => {
    const { parent: _parent, ...info } = executions.get(e) ?? { execution: e, run: e };
    return info;
  };
  const byTime = (a: ExecutionRef, b: ExecutionRef) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.execution.localeCompare(b.execution);
  for (const [url, list] of [...byUrl].sort((a, b) => a[0].localeCompare(b[0]))) {
    const ordered = order(list, recorded);
    chains.set(
      url,
      ordered.map((c, i) => {
        const previous = i > 0 ? ordered[i - 1]!.data : undefined;
        const first = c.times.length > 0 ? Math.min(...c.times) : undefined;
        return {
          version: i + 1,
          data: c.data,
          storageUrl: c.storageUrl,
          checksum: c.checksum,
          ...(c.checksumAlgorithm !== undefined ? { checksumAlgorithm: c.checksumAlgorithm } : {}),
          ...(c.byteSize !== undefined ? { byteSize: c.byteSize } : {}),
          ...(c.mediaType !== undefined ? { mediaType: c.mediaType } : {}),
          ...(c.lastModified !== undefined ? { lastModified: c.lastModified } : {}),
          labels: [...c.labels].sort(),
          ...(first !== undefined ? { firstSeen: new Date(first).toISOString() } : {}),
          ...(previous !== undefined ? { revisionOf: previous, linked: stored.has(`${c.data} ${previous}`) } : {}),
          generatedBy: [...c.generatedBy].map(ref).sort(byTime),
          usedBy: [...c.usedBy].map(ref).sort(byTime),
        };
      }),
    );
  }
  return { chains, stored, derived };
}

function addTime(c: Content, value: string | undefined): void {
  if (value === undefined) return;
  const t = Date.parse(value);
  if (!Number.isNaN(t)) c.times.push(t);
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The contents of one URL in version order: a content comes after the ones recorded links say it
 * revises, then by when it was first seen, then by checksum (so every engine gives one order).
 * Contradicting links (A→B in one process, B→A in another) are settled by time.
 */
function order(list: readonly Content[], recorded: readonly string[]): Content[] {
  const first = (c: Content) => (c.times.length > 0 ? Math.min(...c.times) : Number.POSITIVE_INFINITY);
  const before = (a: Content, b: Content) => first(a) - first(b) || a.checksum.localeCompare(b.checksum) || a.data.localeCompare(b.data);
  const inList = new Map(list.map((c) => [c.data, c]));
  const preds = new Map<string, Set<string>>(list.map((c) => [c.data, new Set<string>()]));
  for (const pair of recorded) {
    const [next, previous] = pair.split(' ') as [string, string];
    if (inList.has(next) && inList.has(previous) && next !== previous) preds.get(next)!.add(previous);
  }
  const placed = new Set<string>();
  const out: Content[] = [];
  const remaining = [...list].sort(before);
  while (remaining.length > 0) {
    let i = remaining.findIndex((c) => [...preds.get(c.data)!].every((p) => placed.has(p)));
    if (i < 0) i = 0; // a cycle of recorded links: the earliest first
    const [c] = remaining.splice(i, 1);
    placed.add(c!.data);
    out.push(c!);
  }
  return out;
}

/** What an earlier --link wrote into `graph` about `nodes`. */
async function derivedFacts(endpoint: SparqlEndpoint, nodes: readonly string[], graph: string): Promise<{ links: Set<string>; numbers: Map<string, string[]> }> {
  const rows = await selectFor(endpoint, DERIVED, 'd', nodes, { constants: { g: iriTerm(graph, 'graph IRI') } });
  const links = new Set<string>();
  const numbers = new Map<string, string[]>();
  for (const r of rows) {
    if (r.previous) links.add(`${r.d!.value} ${r.previous.value}`);
    if (r.number) numbers.set(r.d!.value, [...(numbers.get(r.d!.value) ?? []), r.number.value]);
  }
  return { links, numbers };
}

// ---------------------------------------------------------------------------------------------
// Public API.

/**
 * The storage URL a path, URL or data node IRI names in `endpoint` (resolved as every command
 * resolves data: {@link resolveData}).
 *
 * @example
 * ```ts
 * await storageUrlFor(store, 'data/train.csv'); // 'file:///home/me/data/train.csv'
 * ```
 */
export async function storageUrlFor(endpoint: SparqlEndpoint, target: string): Promise<string> {
  const resolved = await resolveData(endpoint, target);
  if (resolved.storageUrl !== undefined) return resolved.storageUrl;
  const rows = await endpoint.select(NODE_URL.render({ values: { d: [iriTerm(resolved.iri)] } }));
  const urls = [...new Set(rows.map((r) => r.url!.value))].sort();
  if (urls.length === 0) throw new Error(`${resolved.iri} has no storage URL (provml:storageUrl): it is not a recorded file or data reference`);
  return urls[0]!;
}

/**
 * Every version of the data a path, storage URL or data node IRI names — the contents recorded at
 * that storage URL, oldest first, numbered from 1 (see the module comment for how they are
 * ordered) — with the executions that generated and used each, and their runs. Throws when the
 * target names no recorded data (as {@link resolveData}). An empty array: the URL is recorded,
 * but never with a checksum (see {@link unversioned}).
 *
 * @example
 * ```ts
 * const chain = await versions(store, 'data/train.csv');
 * const latest = chain.at(-1);
 * console.log(latest?.version, latest?.checksum, latest?.revisionOf, latest?.generatedBy[0]?.workflow);
 * ```
 */
export async function versions(endpoint: SparqlEndpoint, target: string, options: VersionsOptions = {}): Promise<DataVersion[]> {
  const url = await storageUrlFor(endpoint, target);
  const chain = (await chainFacts(endpoint, [url])).chains.get(url) ?? [];
  if (options.checkLocal) await markOnDisk(chain, url);
  return chain;
}

/**
 * Version chains of several storage URLs at once (every URL with a checksummed node when
 * `storageUrls` is undefined): storage URL → its versions, oldest first.
 *
 * @example
 * ```ts
 * for (const [url, chain] of await versionChains(store)) console.log(url, chain.length);
 * ```
 */
export async function versionChains(endpoint: SparqlEndpoint, storageUrls?: readonly string[]): Promise<Map<string, DataVersion[]>> {
  return (await chainFacts(endpoint, storageUrls)).chains;
}

/**
 * Data nodes recorded at `storageUrl` without a checksum (not versions: each stands for the URL).
 *
 * @example
 * ```ts
 * if ((await versions(store, url)).length === 0) console.log(await unversioned(store, url));
 * ```
 */
export async function unversioned(endpoint: SparqlEndpoint, storageUrl: string): Promise<string[]> {
  const rows = await endpoint.select(UNVERSIONED.render(urlParams([storageUrl])));
  return [...new Set(rows.map((r) => r.d!.value))].sort();
}

async function markOnDisk(chain: DataVersion[], url: string): Promise<void> {
  if (!url.startsWith('file:') || chain.length === 0) return;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return;
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    for (const v of chain) v.onDisk = false;
    return;
  }
  const sum = await sha256File(path);
  for (const v of chain) v.onDisk = (v.checksumAlgorithm ?? 'sha256') === 'sha256' && v.checksum === sum;
}
