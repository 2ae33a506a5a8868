import type { Quad } from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';
import { NAMESPACES } from '../generated/vocab.js';
import { sortQuads, termKey } from './read.js';

/**
 * The RDF exports: N-Quads and TriG keep the named graphs (one per run, plus the shared graph);
 * Turtle has no graphs, so it holds the union of their triples (a triple stated in two graphs is
 * written once); JSON-LD keeps the graphs as named `@graph`s, compacted with the PROV-ML, PROV, ML
 * Schema and XSD prefixes. Literals keep their lexical form and datatype in every format (NaN
 * stays `"NaN"^^xsd:double`), so each output parses back to the same quads.
 */

/** Prefixes written into TriG, Turtle and the JSON-LD context. */
export const EXPORT_PREFIXES: Readonly<Record<string, string>> = Object.freeze({ ...NAMESPACES });

function write(quads: readonly Quad[], format: 'N-Quads' | 'TriG' | 'Turtle', prefixes?: Record<string, string>): Promise<string> {
  const writer = new Writer({ format, ...(prefixes ? { prefixes } : {}) });
  for (const q of quads) writer.addQuad(q);
  return new Promise((resolve, reject) => writer.end((err, text) => (err ? reject(err) : resolve(text))));
}

/** N-Quads, one quad a line, sorted by graph, subject, predicate, object. */
export function toNQuads(quads: readonly Quad[]): Promise<string> {
  return write(quads, 'N-Quads');
}

/** TriG: one block per named graph, with prefixes. */
export function toTriG(quads: readonly Quad[]): Promise<string> {
  return write(quads, 'TriG', { ...EXPORT_PREFIXES });
}

/** The triples of every graph, once each (graph names dropped). */
export function unionTriples(quads: readonly Quad[]): Quad[] {
  const seen = new Set<string>();
  const out: Quad[] = [];
  for (const q of quads) {
    const k = `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(DataFactory.quad(q.subject as never, q.predicate as never, q.object as never));
  }
  return sortQuads(out);
}

/** Turtle of the union of all graphs. */
export function toTurtle(quads: readonly Quad[]): Promise<string> {
  return write(unionTriples(quads), 'Turtle', { ...EXPORT_PREFIXES });
}

const noRemote = (url: string): Promise<never> => Promise.reject(new Error(`provml: JSON-LD export does not load remote documents (${url})`));

/**
 * JSON-LD (compacted, named graphs as `@graph` nodes). Literal values stay strings with their
 * datatype (`useNativeTypes: false`): a JSON number would lose `xsd:integer` vs `xsd:double` and NaN.
 */
export async function toJsonLd(quads: readonly Quad[]): Promise<string> {
  const { default: jsonld } = await import('jsonld');
  const expanded = await jsonld.fromRDF(await toNQuads(quads), { format: 'application/n-quads', useNativeTypes: false, documentLoader: noRemote });
  const compacted = await jsonld.compact(expanded, { ...EXPORT_PREFIXES }, { documentLoader: noRemote });
  return `${JSON.stringify(compacted, null, 2)}\n`;
}
