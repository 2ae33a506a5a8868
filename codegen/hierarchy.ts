/**
 * The class hierarchy: direct and transitive super/subclasses, equivalences, and which classes get
 * a TypeScript class (with which single TypeScript parent).
 */
import { type Catalog, isKnownClass, isMain } from './catalog.js';
import { CodegenError } from './errors.js';
import { uniqueSorted } from './graph.js';
import { NS, T, compare, prefixOf, prefixRank } from './terms.js';
import { curie } from './checks.js';

export interface Hierarchy {
  directSupers(c: string): string[];
  directSubs(c: string): string[];
  equivalents(c: string): string[];
  /** All superclasses (through equivalents too), excluding the class and its equivalents. */
  allSupers(c: string): string[];
  allSubs(c: string): string[];
  /** Class + equivalents + all superclasses, provml first then prov, mls (the class itself first). */
  types(c: string): string[];
  /** Class + equivalents + all subclasses. */
  acceptedTypes(c: string): string[];
  /** Classes with a generated TypeScript class, sorted. */
  readonly generated: readonly string[];
  /** TypeScript parent of a generated class, or `null` (extends `Resource`). */
  primarySuper(c: string): string | null;
}

const ENTITY = `${NS.prov}Entity`;
const ACTIVITY = `${NS.prov}Activity`;

export function buildHierarchy(cat: Catalog): Hierarchy {
  const g = cat.graph;
  const supers = new Map<string, string[]>();
  const subs = new Map<string, string[]>();
  const equivalents = new Map<string, Set<string>>();
  const classes = [...cat.classes.keys()].sort(compare);
  for (const c of classes) {
    const direct = g.namedObjects(c, T.subClassOf).filter((s) => s !== c);
    for (const s of direct) {
      if (!isKnownClass(cat, s)) {
        const file = cat.classes.get(c)!;
        throw new CodegenError(file, c, `rdfs:subClassOf ${curie(cat, s)}, which is not a declared class`, g.lineOf(c, file));
      }
      subs.set(s, [...(subs.get(s) ?? []), c]);
    }
    supers.set(c, direct);
    for (const e of [...g.namedObjects(c, T.equivalentClass), ...g.namedSubjects(T.equivalentClass, c)]) {
      if (e === c) continue;
      if (!equivalents.has(c)) equivalents.set(c, new Set());
      if (!equivalents.has(e)) equivalents.set(e, new Set());
      equivalents.get(c)!.add(e);
      equivalents.get(e)!.add(c);
    }
  }
  const eq = (c: string): string[] => uniqueSorted(equivalents.get(c) ?? []);
  const closure = (c: string, step: (x: string) => string[]): string[] => {
    const seen = new Set<string>([c]);
    const queue = [c];
    while (queue.length > 0) {
      const x = queue.shift()!;
      for (const y of [...step(x), ...eq(x)]) if (!seen.has(y)) (seen.add(y), queue.push(y));
    }
    for (const e of [c, ...eq(c)]) seen.delete(e);
    return uniqueSorted(seen);
  };
  const memo = <T>(f: (c: string) => T): ((c: string) => T) => {
    const cache = new Map<string, T>();
    return (c) => (cache.has(c) ? cache.get(c)! : (cache.set(c, f(c)), cache.get(c)!));
  };
  const allSupers = memo((c) => closure(c, (x) => supers.get(x) ?? []));
  const allSubs = memo((c) => closure(c, (x) => subs.get(x) ?? []));
  // provml first, then prov, then mls; within a namespace the more specific (more ancestors) first.
  const byRank = (list: string[]): string[] =>
    [...list].sort(
      (a, b) =>
        prefixRank(prefixOf(a, cat.namespaces)) - prefixRank(prefixOf(b, cat.namespaces)) ||
        allSupers(b).length - allSupers(a).length ||
        compare(a, b),
    );

  // Every provml class gets a TypeScript class, and so does every PROV class one of them extends.
  const mainClasses = classes.filter((c) => isMain(cat, c));
  const generatedSet = new Set(mainClasses);
  for (const c of mainClasses) {
    const ancestors = allSupers(c);
    if (ancestors.includes(ENTITY) && ancestors.includes(ACTIVITY)) {
      const file = cat.classes.get(c)!;
      throw new CodegenError(file, c, 'is both a prov:Entity and a prov:Activity (PROV keeps them disjoint)', g.lineOf(c, file));
    }
    for (const a of ancestors) if (prefixOf(a, cat.namespaces) === 'prov' && cat.classes.has(a)) generatedSet.add(a);
  }
  const generated = uniqueSorted(generatedSet);

  // Single inheritance: a provml parent first, else a PROV parent; among several, the deepest
  // (most ancestors) wins, then the IRI decides, so the choice is stable.
  const primarySuper = memo((c: string): string | null => {
    if (!generatedSet.has(c)) return null;
    const candidates = (supers.get(c) ?? []).filter((s) => generatedSet.has(s));
    if (candidates.length === 0) return null;
    const rank = (s: string): number => prefixRank(prefixOf(s, cat.namespaces));
    candidates.sort((a, b) => rank(a) - rank(b) || allSupers(b).length - allSupers(a).length || compare(a, b));
    return candidates[0]!;
  });

  return {
    directSupers: (c) => supers.get(c) ?? [],
    directSubs: (c) => uniqueSorted(subs.get(c) ?? []),
    equivalents: eq,
    allSupers,
    allSubs,
    types: (c) => [c, ...byRank([...eq(c), ...allSupers(c)])],
    acceptedTypes: (c) => [c, ...byRank([...eq(c), ...allSubs(c)])],
    generated,
    primarySuper,
  };
}
