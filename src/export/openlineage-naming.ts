import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * OpenLineage names, both ways: a storage URL ↔ a dataset `namespace` + `name` (the OpenLineage
 * naming conventions), and an execution IRI → a run UUID.
 *
 * - `file:///a/b.csv` → namespace `file`, name `/a/b.csv` (the decoded path); back through Node's
 *   `pathToFileURL`, which is how provml records local paths, so the URL round-trips.
 * - `s3://bucket/key`, `gs://…`, `abfss://…` → namespace `s3://bucket`, name `key`.
 * - other hierarchical URLs (`https://host/p`, `file://host/p`) → namespace `scheme://host`, name
 *   the path; non-hierarchical ones (`urn:x:y`) → namespace the scheme, name the rest.
 */

export interface DatasetName {
  namespace: string;
  name: string;
}

const BUCKETS = new Set(['s3', 's3a', 's3n', 'gs', 'gcs', 'abfs', 'abfss', 'wasb', 'wasbs']);

/** The OpenLineage dataset name of a storage URL. */
export function datasetName(storageUrl: string): DatasetName {
  let url: URL;
  try {
    url = new URL(storageUrl);
  } catch {
    return { namespace: 'provml', name: storageUrl };
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'file' && (url.host === '' || url.host === 'localhost')) {
    try {
      return { namespace: 'file', name: fileURLToPath(url) };
    } catch {
      return { namespace: 'file', name: decodeURIComponent(url.pathname) };
    }
  }
  const rest = storageUrl.slice(url.protocol.length);
  if (rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    const path = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const namespace = `${scheme}:${authority}`;
    if (BUCKETS.has(scheme)) return { namespace, name: path.replace(/^\//, '') };
    return { namespace, name: path === '' ? '/' : path };
  }
  return { namespace: scheme, name: rest };
}

/** The storage URL a dataset name stands for (inverse of {@link datasetName}). */
export function storageUrlOf(dataset: DatasetName): string {
  const { namespace, name } = dataset;
  if (namespace === 'file') return name.startsWith('/') ? pathToFileURL(name).href : `file://${name.startsWith('/') ? '' : '/'}${name}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(namespace)) {
    const scheme = namespace.slice(0, namespace.indexOf(':'));
    if (BUCKETS.has(scheme.toLowerCase())) return `${namespace}/${name.replace(/^\//, '')}`;
    return `${namespace}${name.startsWith('/') ? '' : '/'}${name}`;
  }
  if (/^[a-z][a-z0-9+.-]*$/i.test(namespace) && namespace !== 'provml') return `${namespace}:${name}`;
  return name;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its 8-4-4-4-12 hex form. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/**
 * The run id of an execution: the UUID provml minted (the end of `urn:provml:execution:<uuidv7>`),
 * else a name-based UUID (version 5 layout, SHA-1 of the IRI) so the same IRI always gets the same id.
 */
export function runIdOf(iri: string, uuid?: string): string {
  if (uuid && isUuid(uuid)) return uuid.toLowerCase();
  const h = createHash('sha1').update(iri).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
