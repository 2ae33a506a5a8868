/**
 * Sanity checks on the input ontology, run before anything is generated.
 *
 * Each failure is a {@link CodegenError} naming the file, the IRI and (when the lexer saw it) the
 * line. They catch the mistakes that would otherwise surface as silently wrong TypeScript: a typo
 * in a provml IRI, a redefined PROV/ML Schema term, an ambiguous label, a range nobody declared.
 */
import type { Quad, Term } from '@rdfjs/types';
import { CodegenError } from './errors.js';
import { type Catalog, isKnownClass, isKnownDatatype, isMain } from './catalog.js';
import type { LoadedFile } from './load.js';
import { NS, T, prefixOf } from './terms.js';

/** Runs every check; throws the first problem found (in file order, then line order). */
export function checkCatalog(cat: Catalog): void {
  checkDeclared(cat, cat.main, null);
  if (cat.shapes !== null) checkDeclared(cat, cat.shapes, [T.targetClass, T.path, `${NS.sh}class`, `${NS.sh}hasValue`]);
  checkNotRedefined(cat);
  checkLabels(cat);
  checkDomainsAndRanges(cat);
}

/** A short name for messages: `rdfs:domain` rather than the full IRI. */
export function curie(cat: Catalog, iri: string): string {
  const prefix = prefixOf(iri, cat.namespaces);
  return prefix === null ? `<${iri}>` : `${prefix}:${iri.slice(cat.namespaces[prefix]!.length)}`;
}

function isDeclared(cat: Catalog, iri: string): boolean {
  return cat.classes.has(iri) || cat.properties.has(iri) || cat.individuals.has(iri);
}

/**
 * Every provml IRI used in `file` must be declared somewhere. With `onlyObjectsOf`, only objects of
 * those predicates are looked at (shapes have their own IRIs for shape nodes).
 */
function checkDeclared(cat: Catalog, file: LoadedFile, onlyObjectsOf: string[] | null): void {
  const problems: { iri: string; reason: string; line: number }[] = [];
  const seen = new Set<string>();
  const report = (term: Term, reason: string): void => {
    if (term.termType !== 'NamedNode' || !isMain(cat, term.value) || isDeclared(cat, term.value)) return;
    if (seen.has(term.value)) return;
    seen.add(term.value);
    problems.push({ iri: term.value, reason, line: file.lines.get(term.value) ?? Number.MAX_SAFE_INTEGER });
  };
  for (const q of file.store.getQuads(null, null, null, null) as Quad[]) {
    if (onlyObjectsOf !== null) {
      if (onlyObjectsOf.includes(q.predicate.value)) report(q.object, `used as ${curie(cat, q.predicate.value)} but never declared in the ontology`);
      continue;
    }
    if (q.subject.value === cat.ontologyIri) continue;
    report(q.object, `used as ${curie(cat, q.predicate.value)} but never declared`);
    report(q.predicate, 'used as a predicate but never declared');
    report(q.subject, 'described but never declared (give it an rdf:type such as owl:Class or owl:ObjectProperty)');
  }
  problems.sort((a, b) => a.line - b.line || (a.iri < b.iri ? -1 : 1));
  const first = problems[0];
  if (first !== undefined) {
    throw new CodegenError(file.file, first.iri, first.reason, first.line === Number.MAX_SAFE_INTEGER ? undefined : first.line);
  }
}

/** The main file may use PROV-O and ML Schema terms but never re-declare or re-axiomatize them. */
function checkNotRedefined(cat: Catalog): void {
  const axioms: string[] = [T.type, T.domain, T.range, T.subClassOf, T.subPropertyOf, T.equivalentClass, T.inverseOf];
  for (const q of cat.main.store.getQuads(null, null, null, null) as Quad[]) {
    const prefix = prefixOf(q.subject.value, cat.namespaces);
    if (q.subject.termType !== 'NamedNode' || (prefix !== 'prov' && prefix !== 'mls')) continue;
    if (!axioms.includes(q.predicate.value)) continue;
    // `mls:Run owl:equivalentClass provml:X` only restates provml's own axiom.
    if ((q.predicate.value === T.equivalentClass || q.predicate.value === T.inverseOf) && isMain(cat, q.object.value)) continue;
    throw new CodegenError(
      cat.main.file,
      q.subject.value,
      `imported term re-axiomatized with ${curie(cat, q.predicate.value)} (use imported terms, never redefine them)`,
      cat.main.lines.get(q.subject.value),
    );
  }
}

/** One `rdfs:label` per language per provml term, or the docs and TSDoc would be ambiguous. */
function checkLabels(cat: Catalog): void {
  const subjects = new Set(cat.main.store.getSubjects(T.label, null, null).map((s) => s.value));
  for (const s of [...subjects].sort()) {
    const byLanguage = new Map<string, number>();
    for (const o of cat.main.store.getObjects(s, T.label, null)) {
      const language = o.termType === 'Literal' ? o.language : '';
      byLanguage.set(language, (byLanguage.get(language) ?? 0) + 1);
    }
    for (const [language, count] of [...byLanguage].sort()) {
      if (count > 1) {
        const tag = language === '' ? ' (untagged)' : `@${language}`;
        throw new CodegenError(cat.main.file, s, `has ${count} rdfs:label${tag}; keep exactly one per language`, cat.main.lines.get(s));
      }
    }
  }
}

/** Domains must be classes; ranges classes (object properties) or datatypes (datatype properties). */
function checkDomainsAndRanges(cat: Catalog): void {
  for (const [iri, { kind }] of [...cat.properties].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (kind === 'annotation') continue;
    for (const q of cat.graph.store.getQuads(iri, T.domain, null, null) as Quad[]) {
      for (const member of cat.graph.unionMembers(q.object) ?? []) {
        if (!isKnownClass(cat, member)) fail(cat, iri, q, `rdfs:domain ${curie(cat, member)} is not a declared class`);
      }
    }
    for (const q of cat.graph.store.getQuads(iri, T.range, null, null) as Quad[]) {
      for (const member of cat.graph.unionMembers(q.object) ?? []) {
        const isClass = isKnownClass(cat, member);
        const isDatatype = isKnownDatatype(cat, member);
        if (!isClass && !isDatatype) fail(cat, iri, q, `rdfs:range ${curie(cat, member)} is unknown (neither a declared class nor a datatype)`);
        if (kind === 'object' && !isClass) fail(cat, iri, q, `object property with datatype range ${curie(cat, member)}`);
        if (kind === 'datatype' && !isDatatype) fail(cat, iri, q, `datatype property with class range ${curie(cat, member)}`);
      }
    }
  }
}

/** Throws for a problem found in a quad, naming the file that states it. */
function fail(cat: Catalog, iri: string, q: Quad, reason: string): never {
  const file = [cat.main, ...cat.imports].find((f) => f.store.has(q)) ?? cat.main;
  throw new CodegenError(file.file, iri, reason, file.lines.get(iri));
}
