/**
 * Cardinality constraints per class, from OWL restrictions (`C rdfs:subClassOf [ owl:onProperty p ;
 * owl:maxCardinality 1 ]` and the qualified/exact variants) and SHACL property shapes
 * (`sh:targetClass C ; sh:property [ sh:path p ; sh:maxCount 1 ]`, or a shape that is itself the class).
 */
import type { Term } from '@rdfjs/types';
import type { Catalog } from './catalog.js';
import type { IRConstraint } from './ir.js';
import { T, compare } from './terms.js';

/** class IRI → its constraints, sorted by property. */
export type ConstraintIndex = ReadonlyMap<string, readonly IRConstraint[]>;

type Bounds = { min: number | null; max: number | null; sources: Set<'owl' | 'shacl'> };

export function buildConstraints(cat: Catalog): ConstraintIndex {
  const g = cat.graph;
  const table = new Map<string, Map<string, Bounds>>();
  const add = (cls: string, property: string, min: number | null, max: number | null, source: 'owl' | 'shacl'): void => {
    if (!table.has(cls)) table.set(cls, new Map());
    const row = table.get(cls)!;
    const b = row.get(property) ?? { min: null, max: null, sources: new Set() };
    if (min !== null) b.min = b.min === null ? min : Math.max(b.min, min);
    if (max !== null) b.max = b.max === null ? max : Math.min(b.max, max);
    b.sources.add(source);
    row.set(property, b);
  };
  const count = (node: Term, predicates: string[]): number | null => {
    const values = predicates.flatMap((p) => g.objects(node, p)).map((o) => Number.parseInt(o.value, 10));
    return values.length === 0 || values.some(Number.isNaN) ? null : Math.min(...values);
  };

  // OWL restrictions, in the ontology and its imports.
  for (const q of g.store.getQuads(null, T.subClassOf, null, null)) {
    if (q.subject.termType !== 'NamedNode' || q.object.termType === 'Literal') continue;
    const property = g.objects(q.object, T.onProperty)[0];
    if (property?.termType !== 'NamedNode') continue;
    const exact = count(q.object, [T.cardinality, T.qualifiedCardinality]);
    const min = count(q.object, [T.minCardinality, T.minQualifiedCardinality]) ?? exact;
    const max = count(q.object, [T.maxCardinality, T.maxQualifiedCardinality]) ?? exact;
    if (min !== null || max !== null) add(q.subject.value, property.value, min, max, 'owl');
  }

  // SHACL property shapes (shapes file optional).
  if (cat.shapes !== null) {
    const shapes = cat.shapes.store;
    for (const shape of shapes.getSubjects(T.property, null, null)) {
      const targets = shapes.getObjects(shape, T.targetClass, null).filter((t) => t.termType === 'NamedNode').map((t) => t.value);
      if (shape.termType === 'NamedNode' && cat.classes.has(shape.value)) targets.push(shape.value); // implicit target
      for (const ps of shapes.getObjects(shape, T.property, null)) {
        const path = shapes.getObjects(ps, T.path, null)[0];
        if (path?.termType !== 'NamedNode') continue; // only simple predicate paths carry cardinality for fields
        const min = count(ps, [T.minCount]);
        const max = count(ps, [T.maxCount]);
        if (min === null && max === null) continue;
        for (const t of targets) add(t, path.value, min, max, 'shacl');
      }
    }
  }

  const index = new Map<string, IRConstraint[]>();
  for (const [cls, row] of table) {
    index.set(
      cls,
      [...row]
        .sort(([a], [b]) => compare(a, b))
        .map(([property, b]) => ({
          property,
          minCount: b.min,
          maxCount: b.max,
          sources: [...b.sources].sort(compare),
        })),
    );
  }
  return index;
}
