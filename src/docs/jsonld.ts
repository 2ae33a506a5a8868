/**
 * Turtle → JSON-LD 1.1 for the docs: the ontology's triples as compacted JSON-LD, with the
 * Turtle file's prefixes as the `@context`. Conversion by `jsonld` (the W3C reference
 * implementation: `fromRDF`, then `compact`); remote documents are never loaded.
 */
import type { Quad } from '@rdfjs/types';
import { Writer } from 'n3';
import type { TurtleFile } from './graph.js';

/**
 * Serializes a parsed Turtle file as compacted JSON-LD text (2-space indented, ending in a newline).
 *
 * @example
 * ```ts
 * const text = await turtleToJsonLd(parseTurtleFile('ontology/prov-ml.ttl'));
 * writeFileSync('prov-ml.jsonld', text);
 * ```
 */
export async function turtleToJsonLd(file: TurtleFile): Promise<string> {
  const { default: jsonld } = await import('jsonld');
  const noRemote = (url: string): Promise<never> => Promise.reject(new Error(`provml docs: refusing to load remote JSON-LD document ${url}`));
  const expanded = await jsonld.fromRDF(await toNQuads(file.quads), { format: 'application/n-quads', documentLoader: noRemote });
  const context: Record<string, string> = {};
  // `_` is reserved for blank nodes; an empty prefix cannot be a JSON-LD term.
  for (const [prefix, iri] of Object.entries(file.prefixes)) if (prefix !== '' && prefix !== '_' && /[#/:]$/.test(iri)) context[prefix] = iri;
  const compacted = await jsonld.compact(expanded, context, { documentLoader: noRemote });
  return `${JSON.stringify(compacted, null, 2)}\n`;
}

function toNQuads(quads: readonly Quad[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const writer = new Writer({ format: 'N-Quads' });
    writer.addQuads([...quads]);
    writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result)));
  });
}
