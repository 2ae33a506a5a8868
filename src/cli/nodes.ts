/**
 * Nodes named on the command line: a data node IRI, or what a user actually knows — the file path
 * or URL the data was written to (`--model models/best.json`). Resolved against the store being
 * read; a note on stderr says which version was taken when several are recorded.
 */
import { resolveData } from '../query/resolve.js';
import { iriTerm } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { cli } from './io.js';
import { InputError } from './load.js';

/**
 * The IRI `value` names in `endpoint`; an {@link InputError} (exit 2) naming `what` when nothing matches.
 *
 * @example
 * ```ts
 * const model = await resolveNode(store, 'models/best.json', '--model');
 * ```
 */
export async function resolveNode(endpoint: SparqlEndpoint, value: string, what: string): Promise<string> {
  const iri = /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(value) && !value.startsWith('file:');
  if (iri) iriTerm(value); // "not a valid IRI: …" (exit 2) before any query
  try {
    const r = await resolveData(endpoint, value);
    if (r.note) cli().stderr.write(`provml: note: ${what} ${r.note}\n`);
    return r.iri;
  } catch (err) {
    if (iri) return value; // an IRI the data does not hold: the command says so in its own terms
    throw new InputError(`${what} ${JSON.stringify(value)} is neither an IRI nor a path of recorded data: ${(err as Error).message}`);
  }
}
