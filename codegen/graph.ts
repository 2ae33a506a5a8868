/**
 * A read-only view over several parsed Turtle files, with the few OWL/RDFS idioms the generator
 * needs: RDF lists, `owl:unionOf` class expressions, language-aware label/comment picking, and
 * "where is this IRI" for error messages.
 */
import type { Quad_Object, Term } from '@rdfjs/types';
import { Store } from 'n3';
import type { LoadedFile } from './load.js';
import { NS, T, compare } from './terms.js';

export class OntologyGraph {
  /** All files merged (n3 gives every parse its own blank-node prefix, so nothing collides). */
  readonly store = new Store();

  constructor(readonly files: readonly LoadedFile[]) {
    for (const f of files) this.store.addQuads(f.store.getQuads(null, null, null, null));
  }

  /** Objects of `s p ?o` in any file. */
  objects(s: Term | string, p: string): Quad_Object[] {
    return this.store.getObjects(s, p, null);
  }

  /** IRIs among the objects of `s p ?o`, sorted and de-duplicated. */
  namedObjects(s: Term | string, p: string): string[] {
    return uniqueSorted(this.objects(s, p).filter((o) => o.termType === 'NamedNode').map((o) => o.value));
  }

  /** IRIs of subjects of `?s p o`, sorted and de-duplicated. */
  namedSubjects(p: string, o: Term | string): string[] {
    return uniqueSorted(
      this.store
        .getSubjects(p, o, null)
        .filter((s) => s.termType === 'NamedNode')
        .map((s) => s.value),
    );
  }

  /** Whether `s rdf:type type` is stated in any file. */
  hasType(s: string, type: string): boolean {
    return this.store.countQuads(s, T.type, type, null) > 0;
  }

  /** The members of an RDF list starting at `head`. */
  list(head: Term): Term[] {
    const out: Term[] = [];
    const seen = new Set<string>();
    let node: Term | undefined = head;
    while (node !== undefined && !(node.termType === 'NamedNode' && node.value === T.nil)) {
      const key = `${node.termType}:${node.value}`;
      if (seen.has(key)) break; // a malformed cyclic list: stop rather than loop
      seen.add(key);
      out.push(...this.store.getObjects(node, T.first, null));
      node = this.store.getObjects(node, T.rest, null)[0];
    }
    return out;
  }

  /**
   * The named classes a class expression stands for: an IRI is itself; an `owl:unionOf` is its
   * members (recursively). Anything else (intersections, restrictions) yields `null`.
   */
  unionMembers(term: Term): string[] | null {
    if (term.termType === 'NamedNode') return [term.value];
    if (term.termType !== 'BlankNode') return null;
    const union = this.store.getObjects(term, T.unionOf, null)[0];
    if (union === undefined) return null;
    const members: string[] = [];
    for (const member of this.list(union)) {
      const named = this.unionMembers(member);
      if (named === null) return null;
      members.push(...named);
    }
    return uniqueSorted(members);
  }

  /** Literal values of `s p ?o`, as `[lexical, language]` pairs sorted for determinism. */
  literals(s: string, p: string): { value: string; language: string }[] {
    return this.objects(s, p)
      .filter((o) => o.termType === 'Literal')
      .map((o) => ({ value: o.value, language: (o as { language: string }).language }))
      .sort((a, b) => compare(a.language, b.language) || compare(a.value, b.value));
  }

  /** Best literal for humans: English, then untagged, then anything; blank strings ignored. */
  pickText(s: string, ...predicates: string[]): string | null {
    for (const p of predicates) {
      const values = this.literals(s, p).filter((l) => l.value.trim() !== '');
      const english = values.filter((l) => l.language === 'en' || l.language.startsWith('en-'));
      const plain = values.filter((l) => l.language === '');
      const pool = english.length > 0 ? english : plain.length > 0 ? plain : values;
      if (pool.length > 0) return pool.map((l) => l.value.trim()).join('\n\n');
    }
    return null;
  }

  /** First line on which `iri` occurs in `file` (or in any file when `file` is omitted). */
  lineOf(iri: string, file?: string): number | undefined {
    for (const f of this.files) if (file === undefined || f.file === file) {
      const line = f.lines.get(iri);
      if (line !== undefined) return line;
    }
    return undefined;
  }
}

/** Sorted, de-duplicated copy. */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compare);
}

/** The built-in datatypes of XML Schema 1.1 (so a typo such as `xsd:strnig` is caught). */
const XSD_BUILTINS = new Set(
  (
    'anyURI base64Binary boolean byte date dateTime dateTimeStamp dayTimeDuration decimal double duration ENTITY ' +
    'float gDay gMonth gMonthDay gYear gYearMonth hexBinary ID IDREF int integer language long Name NCName ' +
    'negativeInteger NMTOKEN nonNegativeInteger nonPositiveInteger normalizedString NOTATION positiveInteger QName ' +
    'short string time token unsignedByte unsignedInt unsignedLong unsignedShort yearMonthDuration anyAtomicType'
  ).split(' '),
);

/** Whether an IRI is an XSD built-in datatype or one of RDF's literal types. */
export function isBuiltinDatatype(iri: string): boolean {
  if (iri.startsWith(NS.xsd)) return XSD_BUILTINS.has(iri.slice(NS.xsd.length));
  return iri === T.Literal || iri === T.langString || iri === T.PlainLiteral || iri === `${NS.rdf}XMLLiteral` || iri === `${NS.rdf}HTML`;
}
