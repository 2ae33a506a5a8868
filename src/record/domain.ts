/**
 * Domain facts (`prov.describe`): what geoscientists know about a file — basin, field, wells —
 * kept in a domain graph apart from provenance, about the file's storage URL (the node Q1 and Q6
 * join on), so they hold for every version of the file and can live in another store.
 *
 * @module
 */

import type { DescribeEvent, ValueSummary } from '../capture/index.js';
import { storageUrlOf, type FileFacts } from './files.js';
import { isAbsoluteIri, type IriMinter } from './iri.js';
import { dateLiteral, iri, valueLiteral, type NQuadsOut, type NTerm } from './terms.js';


/** The predicate of a fact name: itself when it is an absolute IRI, else `vocab` + encoded name. */
export function domainPredicate(name: string, vocab: string): string {
  return isAbsoluteIri(name) && !name.startsWith('_:') ? name : `${vocab}${encodeURIComponent(name)}`;
}

/** Write the facts of one `describe` event. */
export function writeDomainFacts(e: DescribeEvent, files: Map<string, FileFacts>, mint: IriMinter, out: NQuadsOut): void {
  const urlOf = (uri: string) => files.get(uri)?.storageUrl ?? storageUrlOf(uri);
  const g = iri(e.graph ?? `${mint.base}graph:domain`);
  const subject = iri(urlOf(e.target.uri));
  const vocab = e.vocab ?? `${mint.base}domain:`;
  for (const f of e.facts) {
    const p = iri(domainPredicate(f.name, vocab));
    for (const o of objects(f.value, urlOf)) out.add(subject, p, o, g);
  }
}

/** A value's RDF objects: a list gives one object per item; a data reference, its storage URL. */
function objects(v: ValueSummary, urlOf: (uri: string) => string): NTerm[] {
  if (v === null || typeof v !== 'object') return [valueLiteral(v)];
  if (v.$ === 'ref') return [iri(urlOf(v.uri))];
  if (v.$ === 'date') return [dateLiteral(new Date(v.iso))];
  if (v.$ === 'array' && v.items && v.items.length === v.length) return v.items.flatMap((x) => objects(x, urlOf));
  return [valueLiteral(v)];
}
