/**
 * From what a user has — a file path, a `file:`/`s3:`/`https:` URL, or an IRI — to the data node
 * IRI the queries take. Data IRIs are content-derived hashes nobody can type; storage URLs are what
 * people know. Several versions of one file (same URL, different content) are told apart by the
 * local file's checksum when it exists, else the most recently generated one is taken and said.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sha256File } from '../record/files.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { iriTerm, literalTerm } from './sparql.js';
import { SparqlTemplate } from './template.js';

const XSD_ANY_URI = 'http://www.w3.org/2001/XMLSchema#anyURI';
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

const BY_URL = new SparqlTemplate(`
SELECT DISTINCT ?d ?checksum ?generated WHERE {
  ?d provml:storageUrl ?url .
  OPTIONAL { ?d provml:checksum ?checksum }
  OPTIONAL { ?d prov:wasGeneratedBy ?e . ?e prov:endedAtTime ?generated }
}`);

const IS_NODE = new SparqlTemplate('ASK { { ?node ?p ?o } UNION { ?s ?p ?node } }');

/**
 * How a reference was resolved (for a note to the user).
 *
 * @example
 * ```ts
 * const r: ResolvedData = await resolveData(store, 'models/best.json');
 * if (r.note) console.warn(r.note);
 * ```
 */
export interface ResolvedData {
  /** The data node IRI. */
  iri: string;
  /** The storage URL matched (absent when the input already was a node IRI). */
  storageUrl?: string;
  /** Why this node when several versions share the URL. */
  note?: string;
}

/**
 * Resolve a path, URL or IRI to a data node IRI of `endpoint`. Throws an Error naming the input
 * (and the storage URL tried) when nothing matches.
 *
 * @example
 * ```ts
 * const { iri } = await resolveData(store, 'models/best.json');
 * const rows = await q1(store, { model: iri });
 * ```
 */
export async function resolveData(endpoint: SparqlEndpoint, input: string): Promise<ResolvedData> {
  const local = localPath(input);
  const url = local !== undefined ? pathToFileURL(local).href : input;
  const rows = await endpoint.select(BY_URL.render({ values: { url: [literalTerm(url, XSD_ANY_URI), literalTerm(url), ...(SCHEME.test(url) ? [iriTerm(url, 'storage URL')] : [])] } }));
  const versions = new Map<string, { checksum?: string; generated?: string }>();
  for (const r of rows) {
    const v = versions.get(r.d!.value) ?? {};
    if (r.checksum) v.checksum = r.checksum.value;
    if (r.generated && (!v.generated || r.generated.value > v.generated)) v.generated = r.generated.value;
    versions.set(r.d!.value, v);
  }
  if (versions.size === 1) return { iri: [...versions.keys()][0]!, storageUrl: url };
  if (versions.size > 1) {
    if (local !== undefined && existsSync(local) && statSync(local).isFile()) {
      const sum = await sha256File(local);
      for (const [iri, v] of versions) if (v.checksum === sum) return { iri, storageUrl: url, note: `${versions.size} versions of ${url} are recorded; this one has the local file's sha256` };
    }
    const [iri, v] = [...versions].sort((a, b) => (b[1].generated ?? '').localeCompare(a[1].generated ?? ''))[0]!;
    return { iri, storageUrl: url, note: `${versions.size} versions of ${url} are recorded; taking the one generated last${v.generated ? ` (${v.generated})` : ''}` };
  }
  // Not a storage URL: a node IRI given as is?
  if (local === undefined && SCHEME.test(input) && (await endpoint.ask(IS_NODE.render({ constants: { node: iriTerm(input) } })))) return { iri: input };
  throw new Error(`no recorded data with storage URL ${url}${local !== undefined ? ` (from the path ${input})` : ''} and no node with that IRI; list what was recorded with \`provml inspect --run <run>\``);
}

/** A local path for plain paths and `file:` URLs; undefined for IRIs of other schemes. */
function localPath(input: string): string | undefined {
  if (input.startsWith('file:')) return fileURLToPath(input);
  if (SCHEME.test(input) && !/^[a-zA-Z]:[\\/]/.test(input)) return undefined;
  return resolvePath(input);
}
