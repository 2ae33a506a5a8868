/**
 * Reading Turtle for the ontology docs: one parsed file per input, and a merged read-only view
 * with the few OWL/RDFS idioms the docs need (RDF lists, `owl:unionOf`, language-aware text).
 *
 * Deliberately independent of `codegen/`: users document their own extension ontologies with
 * `provml docs`, which must not require them to pass the code generator's stricter checks.
 */
import { readFileSync } from 'node:fs';
import type { Quad, Quad_Object, Term } from '@rdfjs/types';
import { Parser, Store } from 'n3';

/**
 * Namespaces the docs generator reads terms from, by conventional prefix.
 *
 * @example
 * ```ts
 * const label = `${NS.rdfs}label`; // 'http://www.w3.org/2000/01/rdf-schema#label'
 * ```
 */
export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  sh: 'http://www.w3.org/ns/shacl#',
  dcterms: 'http://purl.org/dc/terms/',
  dc: 'http://purl.org/dc/elements/1.1/',
  vann: 'http://purl.org/vocab/vann/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  prov: 'http://www.w3.org/ns/prov#',
  provml: 'https://w3id.org/prov-ml#',
} as const;

/**
 * One parsed Turtle file.
 *
 * @example
 * ```ts
 * const file: TurtleFile = parseTurtleFile('ontology/prov-ml.ttl');
 * console.log(file.quads.length, file.prefixes['provml']);
 * ```
 */
export interface TurtleFile {
  /** The path it was read from (as given). */
  readonly path: string;
  /** Its text, unchanged. */
  readonly text: string;
  /** `@prefix` declarations, prefix → namespace IRI, in file order. */
  readonly prefixes: Readonly<Record<string, string>>;
  readonly quads: readonly Quad[];
}

/**
 * Parses a Turtle file (or the given `text`); a syntax error names the file and the line.
 *
 * @example
 * ```ts
 * const file = parseTurtleFile('my-extension.ttl');
 * ```
 */
export function parseTurtleFile(path: string, text?: string): TurtleFile {
  const source = text ?? readFileSync(path, 'utf8');
  const prefixes: Record<string, string> = {};
  try {
    const quads = new Parser({ format: 'text/turtle' }).parse(source, null, (prefix, iri) => {
      prefixes[prefix] = iri.value;
    });
    return { path, text: source, prefixes, quads };
  } catch (error) {
    const err = error as Error & { context?: { line?: number } };
    const line = err.context?.line;
    throw new Error(`${path}${line === undefined ? '' : `:${line}`}: Turtle syntax error: ${err.message}`);
  }
}

/**
 * Code-unit comparison: locale-independent, so the output is the same on every machine.
 *
 * @example
 * ```ts
 * ['b', 'B', 'a'].sort(compare); // ['B', 'a', 'b']
 * ```
 */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorted, de-duplicated copy.
 *
 * @example
 * ```ts
 * uniqueSorted(['b', 'a', 'b']); // ['a', 'b']
 * ```
 */
export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compare);
}

/**
 * The part of an IRI after its last `#` or `/` (the whole IRI when there is none).
 *
 * @example
 * ```ts
 * localName('https://w3id.org/prov-ml#Study'); // 'Study'
 * ```
 */
export function localName(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return cut >= 0 && cut < iri.length - 1 ? iri.slice(cut + 1) : iri;
}

/**
 * Several Turtle files merged into one n3 store (n3 gives each parse its own blank-node labels).
 *
 * @example
 * ```ts
 * const g = new DocGraph([parseTurtleFile('ontology/prov-ml.ttl')]);
 * g.pickText('https://w3id.org/prov-ml#Study', `${NS.rdfs}label`); // 'Study'
 * ```
 */
export class DocGraph {
  /** Every quad of every file. */
  readonly store = new Store();

  constructor(files: readonly TurtleFile[]) {
    for (const f of files) this.store.addQuads([...f.quads]);
  }

  /** Objects of `s p ?o`. */
  objects(s: Term | string, p: string): Quad_Object[] {
    return this.store.getObjects(s, p, null);
  }

  /** IRIs among the objects of `s p ?o`, sorted and de-duplicated. */
  namedObjects(s: Term | string, p: string): string[] {
    return uniqueSorted(this.objects(s, p).filter((o) => o.termType === 'NamedNode').map((o) => o.value));
  }

  /** IRIs among the subjects of `?s p o`, sorted and de-duplicated. */
  namedSubjects(p: string, o: Term | string | null): string[] {
    return uniqueSorted(this.store.getSubjects(p, o, null).filter((s) => s.termType === 'NamedNode').map((s) => s.value));
  }

  /** Whether `s rdf:type type` is stated. */
  hasType(s: string, type: string): boolean {
    return this.store.countQuads(s, `${NS.rdf}type`, type, null) > 0;
  }

  /** Members of the RDF list starting at `head` (stops on a cycle). */
  list(head: Term): Term[] {
    const out: Term[] = [];
    const seen = new Set<string>();
    let node: Term | undefined = head;
    while (node !== undefined && !(node.termType === 'NamedNode' && node.value === `${NS.rdf}nil`)) {
      const key = `${node.termType}:${node.value}`;
      if (seen.has(key)) break;
      seen.add(key);
      out.push(...this.store.getObjects(node, `${NS.rdf}first`, null));
      node = this.store.getObjects(node, `${NS.rdf}rest`, null)[0];
    }
    return out;
  }

  /** The named classes a class expression stands for: an IRI is itself, `owl:unionOf` its members; else `[]`. */
  unionMembers(term: Term): string[] {
    if (term.termType === 'NamedNode') return [term.value];
    if (term.termType !== 'BlankNode') return [];
    const union = this.store.getObjects(term, `${NS.owl}unionOf`, null)[0];
    return union === undefined ? [] : uniqueSorted(this.list(union).flatMap((m) => this.unionMembers(m)));
  }

  /** `s p` expanded through unions, sorted. */
  classesOf(s: string, p: string): string[] {
    return uniqueSorted(this.objects(s, p).flatMap((o) => this.unionMembers(o)));
  }

  /** Best literal for humans among the predicates, in order: English, then untagged, then any. */
  pickText(s: string, ...predicates: string[]): string | null {
    for (const p of predicates) {
      const values = this.objects(s, p)
        .filter((o) => o.termType === 'Literal' && o.value.trim() !== '')
        .map((o) => ({ value: o.value.trim(), language: (o as { language: string }).language }))
        .sort((a, b) => compare(a.language, b.language) || compare(a.value, b.value));
      const english = values.filter((l) => l.language === 'en' || l.language.startsWith('en-'));
      const plain = values.filter((l) => l.language === '');
      const pool = english.length > 0 ? english : plain.length > 0 ? plain : values;
      if (pool.length > 0) return pool.map((l) => l.value).join('\n\n');
    }
    return null;
  }

  /** Every value (IRI or literal text) of `s p`, for each predicate in turn, de-duplicated. */
  values(s: string, ...predicates: string[]): string[] {
    return uniqueSorted(predicates.flatMap((p) => this.objects(s, p).map((o) => o.value.trim()))).filter((v) => v !== '');
  }
}
