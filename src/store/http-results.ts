import type { Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';

/**
 * Reading SPARQL 1.1 Query Results JSON (and RDF answers) into RDF/JS terms.
 */

const { namedNode, blankNode, literal, quad } = DataFactory;

/**
 * One RDF term in the SPARQL 1.1 Query Results JSON format (plus Virtuoso's `typed-literal` and
 * SPARQL-star `triple`).
 *
 * @example
 * ```ts
 * const t: SparqlJsonTerm = { type: 'literal', value: 'Lauf', 'xml:lang': 'de' };
 * ```
 */
export interface SparqlJsonTerm {
  type: 'uri' | 'literal' | 'typed-literal' | 'bnode' | 'triple';
  value: string | { subject: SparqlJsonTerm; predicate: SparqlJsonTerm; object: SparqlJsonTerm };
  datatype?: string;
  'xml:lang'?: string;
}

/**
 * Convert one term of the SPARQL 1.1 Query Results JSON format to an RDF/JS term (n3
 * DataFactory). Understands Virtuoso's `typed-literal` and SPARQL-star `triple` terms.
 *
 * @example
 * ```ts
 * jsonTermToRdfjs({ type: 'literal', value: '3', datatype: 'http://www.w3.org/2001/XMLSchema#integer' });
 * ```
 */
export function jsonTermToRdfjs(t: SparqlJsonTerm): Term {
  switch (t.type) {
    case 'uri':
      return namedNode(String(t.value));
    case 'bnode':
      return blankNode(String(t.value));
    case 'literal':
    case 'typed-literal': {
      const lang = t['xml:lang'];
      if (lang) return literal(String(t.value), lang);
      return t.datatype ? literal(String(t.value), namedNode(t.datatype)) : literal(String(t.value));
    }
    case 'triple': {
      const v = t.value as { subject: SparqlJsonTerm; predicate: SparqlJsonTerm; object: SparqlJsonTerm };
      return quad(
        jsonTermToRdfjs(v.subject) as Quad['subject'],
        jsonTermToRdfjs(v.predicate) as Quad['predicate'],
        jsonTermToRdfjs(v.object) as Quad['object'],
      );
    }
    default:
      throw new TypeError(`unknown SPARQL JSON term type ${JSON.stringify((t as { type: unknown }).type)}`);
  }
}

/**
 * The n3 parser format for an RDF answer's content type; undefined when not an RDF syntax provml reads.
 *
 * @example
 * ```ts
 * rdfFormat('application/n-triples; charset=utf-8'); // 'N-Triples'
 * ```
 */
export function rdfFormat(contentType: string): string | undefined {
  if (contentType.includes('n-quads')) return 'N-Quads';
  if (contentType.includes('trig')) return 'TriG';
  if (contentType.includes('n-triples') || contentType.includes('text/plain')) return 'N-Triples';
  if (contentType.includes('turtle')) return 'Turtle';
  return undefined;
}
