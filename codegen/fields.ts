/**
 * Which fields each generated class declares, with their TypeScript types and multiplicity.
 *
 * A property becomes a field of the generated class where its `rdfs:domain` lands (unions expanded;
 * no domain, or `owl:Thing`, means every root class: prov:Entity, prov:Activity, prov:Agent);
 * subclasses inherit it through TypeScript `extends`. Because TypeScript has single inheritance,
 * the properties of every *other* parent (an `mls:` superclass, an `owl:equivalentClass`, a second
 * provml/PROV parent) are flattened into the class. A restriction or SHACL shape on the class that
 * names a property the class would not otherwise have adds it as well.
 *
 * Mapping (documented exception): ML Schema declares `mls:hasValue` without a domain, and the
 * contract says "values use mls:hasValue"; so `provml:AttributeValue` (and every value class below
 * it, ModelEvaluation included) gets a single-valued `hasValue?: string | number | boolean` field
 * mapped to it.
 *
 * Multiplicity: single-valued (`field?: T`) when the property is `owl:FunctionalProperty`, or a
 * constraint with max 1 (OWL restriction or SHACL `sh:maxCount 1`) applies to the declaring class or
 * one of its ancestors, or to *every* provml class that inherits the field. The last rule exists
 * because the shapes target concrete provml classes (captured data carries only its most specific
 * type): `prov:startedAtTime` is declared on the generated `Activity`, and all eight provml execution
 * classes say `sh:maxCount 1`, so `startedAtTime?: Date`. A constraint on only *some* subclasses
 * leaves the field multi-valued (`field: T[] = []`), since the others may hold several values.
 * Required-ness (min ≥ 1) follows the same rules; it is recorded for docs only.
 */
import { tsTypeOf } from '../src/rdf/literal.js';
import { type Catalog, isMain } from './catalog.js';
import type { ConstraintIndex } from './constraints.js';
import type { Hierarchy } from './hierarchy.js';
import type { IRConstraint, IRField, IRProperty } from './ir.js';
import { NS, T, compare, prefixOf, prefixRank } from './terms.js';
import { RESERVED_FIELDS, camelCase, pickName } from './naming.js';

/** Properties mapped onto classes that their own ontology leaves domain-less (see file comment). */
export function fieldMappings(cat: Catalog): { property: string; cls: string }[] {
  return [{ property: `${NS.mls}hasValue`, cls: `${cat.mainNs}AttributeValue` }].filter(
    (m) => cat.properties.has(m.property) && cat.classes.has(m.cls),
  );
}

type Candidate = { property: string; origin: IRField['origin']; via: string | null };

/** class IRI → fields it declares (sorted by name); only generated classes have entries. */
export function resolveFields(
  cat: Catalog,
  h: Hierarchy,
  properties: readonly IRProperty[],
  constraints: ConstraintIndex,
): Map<string, IRField[]> {
  const byIri = new Map(properties.map((p) => [p.iri, p]));
  const fieldable = properties.filter((p) => p.kind !== 'annotation');
  const mappings = fieldMappings(cat);
  const isOpen = (p: IRProperty): boolean => p.domain.length === 0 || p.domain.includes(T.Thing);

  /** Properties applicable to instances of a (possibly non-generated) class, through its ancestry. */
  const applicable = (c: string): string[] => {
    const scope = new Set([c, ...h.equivalents(c), ...h.allSupers(c)]);
    const direct = fieldable.filter((p) => p.domain.some((d) => scope.has(d))).map((p) => p.iri);
    return [...direct, ...mappings.filter((m) => scope.has(m.cls)).map((m) => m.property)];
  };

  const result = new Map<string, IRField[]>();
  const inherited = new Map<string, { props: Set<string>; names: Set<string> }>();
  const visit = (c: string): { props: Set<string>; names: Set<string> } => {
    const done = inherited.get(c);
    if (done !== undefined) return done;
    const parent = h.primarySuper(c);
    const base = parent === null ? { props: new Set<string>(), names: new Set(RESERVED_FIELDS) } : visit(parent);
    const candidates = new Map<string, Candidate>();
    const offer = (property: string, origin: Candidate['origin'], via: string | null): void => {
      if (!base.props.has(property) && !candidates.has(property)) candidates.set(property, { property, origin, via });
    };
    // Precedence of reasons: own domain, mapping, flattened parents, constraints.
    for (const p of fieldable) if (p.domain.includes(c) || (parent === null && isOpen(p) && isMain(cat, p.iri))) offer(p.iri, 'domain', null);
    for (const m of mappings) if (m.cls === c) offer(m.property, 'mapping', null);
    const others = [...h.directSupers(c).filter((s) => s !== parent), ...h.equivalents(c)];
    for (const o of others) for (const p of applicable(o)) offer(p, 'flattened', o);
    for (const k of constraints.get(c) ?? []) if (k.maxCount !== 0 && byIri.get(k.property)?.kind !== 'annotation' && byIri.has(k.property)) offer(k.property, 'constraint', null);

    // Names: higher-ranked namespaces pick first, so `provml:executes` keeps `executes`.
    const rank = (iri: string): number => prefixRank(prefixOf(iri, cat.namespaces));
    const ordered = [...candidates.values()].sort((a, b) => rank(a.property) - rank(b.property) || compare(a.property, b.property));
    const names = new Set(base.names);
    // Does a bound hold on `c` (through its ancestry), or on every provml class inheriting from it?
    const holdsOn = (cls: string, iri: string, test: (k: IRConstraint) => boolean): boolean =>
      [cls, ...h.equivalents(cls), ...h.allSupers(cls)].some((s) => (constraints.get(s) ?? []).some((k) => k.property === iri && test(k)));
    const heirs = h.allSubs(c).filter((s) => isMain(cat, s) && h.generated.includes(s));
    const holds = (iri: string, test: (k: IRConstraint) => boolean): boolean =>
      holdsOn(c, iri, test) || (heirs.length > 0 && heirs.every((s) => holdsOn(s, iri, test)));
    const atMostOne = (k: IRConstraint): boolean => k.maxCount !== null && k.maxCount <= 1;
    const atLeastOne = (k: IRConstraint): boolean => k.minCount !== null && k.minCount >= 1;
    const fields: IRField[] = ordered.map(({ property, origin, via }) => {
      const p = byIri.get(property)!;
      const name = pickName(camelCase(p.localName), prefixOf(property, cat.namespaces), names);
      const isIri = p.kind === 'object';
      const datatype = isIri ? null : literalDatatype(p.range);
      return {
        name,
        property,
        valueKind: isIri ? 'iri' : 'literal',
        datatype,
        tsType: isIri ? 'string' : tsTypeOf(datatype),
        range: p.range,
        single: p.functional || origin === 'mapping' || holds(property, atMostOne),
        required: holds(property, atLeastOne),
        origin,
        via,
      };
    });
    fields.sort((a, b) => compare(a.name, b.name));
    result.set(c, fields);
    const own = { props: new Set([...base.props, ...fields.map((f) => f.property)]), names };
    inherited.set(c, own);
    return own;
  };
  for (const c of h.generated) visit(c);
  return result;
}

/** The one datatype of a literal field, or `null` for `rdfs:Literal`, no range, or a union. */
function literalDatatype(range: readonly string[]): string | null {
  return range.length === 1 && range[0] !== T.Literal ? range[0]! : null;
}
