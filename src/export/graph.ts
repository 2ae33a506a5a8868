import type { Quad, Term } from '@rdfjs/types';
import { CLASS_BY_IRI } from '../generated/classes/index.js';
import { PROV, RDF } from '../generated/vocab.js';
import { termKey } from './read.js';

/**
 * An in-memory index of the quads being exported: per node its types and outgoing statements, and
 * the reverse links, with graph names dropped (every structured export — PROV-JSON, RO-Crate,
 * OpenLineage — describes each node once). PROV kinds come from the class hierarchy generated
 * from the ontology, so a `provml:EpochExecution` is a `prov:Activity` without a reasoner.
 */

/** The PROV kind of a node: what PROV-JSON declares it as. */
export type ProvKind = 'activity' | 'agent' | 'entity' | 'other';

/** One node: its `rdf:type`s and its statements (predicate → objects, each once). */
export interface NodeView {
  iri: string;
  types: string[];
  out: Map<string, Term[]>;
}

/** The class IRIs a type has under RDFS (itself, equivalents, superclasses). */
export function supersOf(type: string): readonly string[] {
  return CLASS_BY_IRI[type]?.types ?? [type];
}

/** The PROV kind of a node with these types (activity before agent before entity). */
export function provKind(types: readonly string[]): ProvKind {
  const all = new Set(types.flatMap((t) => [t, ...supersOf(t)]));
  if (all.has(PROV.Activity)) return 'activity';
  if (all.has(PROV.Agent)) return 'agent';
  if (all.has(PROV.Entity) || all.has(PROV.Plan) || all.has(PROV.Collection)) return 'entity';
  return 'other';
}

/** True when one of `types` is `cls` or a subclass of it. */
export function isA(types: readonly string[], cls: string): boolean {
  return types.some((t) => t === cls || supersOf(t).includes(cls));
}

/** The index. Build it with {@link ProvIndex.from}. */
export class ProvIndex {
  readonly nodes = new Map<string, NodeView>();
  readonly #incoming = new Map<string, Map<string, string[]>>();

  /**
   * Index quads (graph names dropped, each statement once).
   *
   * @example
   * ```ts
   * const index = ProvIndex.from(quads);
   * index.kind('urn:provml:execution:0190…'); // 'activity'
   * ```
   */
  static from(quads: readonly Quad[]): ProvIndex {
    const index = new ProvIndex();
    const seen = new Set<string>();
    for (const q of quads) {
      if (q.subject.termType !== 'NamedNode') continue;
      const k = `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const node = index.#node(q.subject.value);
      const p = q.predicate.value;
      if (p === RDF.type && q.object.termType === 'NamedNode') node.types.push(q.object.value);
      const list = node.out.get(p);
      if (list) list.push(q.object);
      else node.out.set(p, [q.object]);
      if (q.object.termType === 'NamedNode') {
        let byPred = index.#incoming.get(q.object.value);
        if (!byPred) index.#incoming.set(q.object.value, (byPred = new Map()));
        const subjects = byPred.get(p);
        if (subjects) subjects.push(q.subject.value);
        else byPred.set(p, [q.subject.value]);
      }
    }
    return index;
  }

  #node(iri: string): NodeView {
    let n = this.nodes.get(iri);
    if (!n) this.nodes.set(iri, (n = { iri, types: [], out: new Map() }));
    return n;
  }

  /** The node's `rdf:type`s (none for an unknown node). */
  types(iri: string): string[] {
    return this.nodes.get(iri)?.types ?? [];
  }

  /** The node's PROV kind. */
  kind(iri: string): ProvKind {
    return provKind(this.types(iri));
  }

  /** The objects of the node's statements with `predicate`. */
  values(iri: string, predicate: string): Term[] {
    return this.nodes.get(iri)?.out.get(predicate) ?? [];
  }

  /** The first value's lexical form (values are sorted as read, so this is deterministic). */
  str(iri: string, predicate: string): string | undefined {
    return this.values(iri, predicate)[0]?.value;
  }

  /** The first value as a number (`INF`, `-INF`, `NaN` included); undefined when absent or not numeric. */
  num(iri: string, predicate: string): number | undefined {
    const v = this.str(iri, predicate);
    if (v === undefined) return undefined;
    const n = v === 'INF' ? Infinity : v === '-INF' ? -Infinity : Number(v);
    return Number.isNaN(n) && v !== 'NaN' ? undefined : n;
  }

  /** IRI values of a predicate. */
  iris(iri: string, predicate: string): string[] {
    return this.values(iri, predicate).flatMap((t) => (t.termType === 'NamedNode' ? [t.value] : []));
  }

  /** Subjects with `predicate` pointing at `object`. */
  subjects(predicate: string, object: string): string[] {
    return this.#incoming.get(object)?.get(predicate) ?? [];
  }

  /** Every node having one of its types equal to or below `cls`, in IRI order. */
  instances(cls: string): string[] {
    return [...this.nodes.values()].filter((n) => isA(n.types, cls)).map((n) => n.iri).sort();
  }
}
