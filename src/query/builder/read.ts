/**
 * Reading results back: SELECT rows as typed JavaScript values, CONSTRUCT quads as instances of
 * the generated classes (`provml/model`).
 *
 * Values follow the schema's `ts` tag: `number` via `termNumber`, `boolean` (also Virtuoso's 1/0),
 * `Date` from the `xsd:dateTime` lexical form, `string` as is, `scalar` (untyped values such as
 * `mls:hasValue`) by the literal's own datatype via `termValue`. Links and nodes read as IRIs.
 */
import type { Quad, Term } from '@rdfjs/types';
import { CLASS_BY_IRI } from '../../generated/classes/index.js';
import { RDF_TYPE, type ResourceClass } from '../../rdf/resource.js';
import { termNumber, termValue } from '../sparql.js';
import type { ClassSpec, FieldSpec } from './schema.js';

/** One result term as the JavaScript value of a field (`undefined` when unbound). */
export function readTerm(spec: FieldSpec, term: Term | undefined): string | number | boolean | Date | undefined {
  if (term === undefined) return undefined;
  if (spec.kind === 'iri' || term.termType !== 'Literal') return term.value;
  switch (spec.ts) {
    case 'number':
      return termNumber(term) ?? term.value;
    case 'boolean': {
      const v = termValue(term);
      return typeof v === 'boolean' ? v : v === 'true' || v === '1' || v === 1;
    }
    case 'Date': {
      const d = new Date(term.value);
      return Number.isNaN(d.getTime()) ? term.value : d;
    }
    case 'string':
      return term.value;
    default:
      return termValue(term);
  }
}

/**
 * The quads of a CONSTRUCT, one instance per subject, in IRI order. Each subject is read by the
 * most specific generated class among its `rdf:type`s that `cls` accepts (an `EpochExecution`
 * asked for as an `IterationExecution` comes back as an `EpochExecution`), else by `cls` itself.
 */
export function readInstances(cls: ClassSpec, quads: readonly Quad[]): unknown[] {
  const bySubject = new Map<string, Quad[]>();
  for (const q of quads) {
    if (q.subject.termType !== 'NamedNode') continue;
    let list = bySubject.get(q.subject.value);
    if (list === undefined) bySubject.set(q.subject.value, (list = []));
    list.push(q);
  }
  const base = CLASS_BY_IRI[cls.iri];
  if (base === undefined) throw new Error(`provml query: no generated class for <${cls.iri}>`);
  const accepted = new Set(cls.acceptedTypes);
  const out: unknown[] = [];
  for (const iri of [...bySubject.keys()].sort(codepointOrder)) {
    const own = bySubject.get(iri)!;
    let best: ResourceClass = base;
    for (const q of own) {
      if (q.predicate.value !== RDF_TYPE || !accepted.has(q.object.value)) continue;
      const candidate = CLASS_BY_IRI[q.object.value];
      // A subclass accepts fewer types than its superclasses: fewest accepted = most specific.
      if (candidate !== undefined && candidate.acceptedTypes.length < best.acceptedTypes.length) best = candidate;
    }
    out.push(best.fromQuads(own, iri));
  }
  return out;
}

/** Order of SPARQL's `ORDER BY` on IRIs: by code point (JavaScript's `<` compares UTF-16 units). */
function codepointOrder(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
