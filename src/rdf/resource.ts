/**
 * The runtime base of every generated PROV-ML class (`src/generated/classes/*`).
 *
 * A generated class is thin: typed fields plus a static property table (`properties`) saying, for
 * each field, which RDF property it maps to, whether it holds IRIs or literals (and of which XSD
 * datatype), and whether it is single-valued. Everything else lives here, once: turning an instance
 * into quads and reading it back. The table is compiled on first use into a lookup keyed by
 * predicate and cached per class (like shacl-engine compiles shapes once), so reading many nodes
 * costs one Map lookup per quad.
 *
 * Rules the runtime enforces (they are PROV-ML's and provml's rules):
 * - every node is an IRI — blank nodes are refused, both as subjects and as values;
 * - `toQuads` writes one `rdf:type` (the class's own IRI; `static types` lists the rest for
 *   consumers who want them), then one quad per value, in table order;
 * - `fromQuads` reads every known property of one subject and accepts the class or any subclass as
 *   its type; a single-valued field with two different values in the data is an error, not a guess.
 */
import type { Literal, NamedNode, Quad, Quad_Graph, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { type LiteralValue, decodeLiteral, encodeLiteral } from './literal.js';

const { quad, namedNode, defaultGraph } = DataFactory;

/**
 * `rdf:type`.
 *
 * @example
 * ```ts
 * quads.filter((q) => q.predicate.value === RDF_TYPE);
 * ```
 */
export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/**
 * One row of a generated class's property table.
 *
 * @example
 * ```ts
 * import { EpochExecution } from 'provml/model';
 *
 * const row = EpochExecution.properties.find((p) => p.field === 'iterationIndex');
 * // { field: 'iterationIndex', iri: 'https://w3id.org/prov-ml#iterationIndex', kind: 'literal',
 * //   datatype: 'http://www.w3.org/2001/XMLSchema#integer', single: true }
 * ```
 */
export interface PropertySpec {
  /** Name of the TypeScript field. */
  readonly field: string;
  /** IRI of the RDF property. */
  readonly iri: string;
  /** `iri`: the field holds IRIs of other nodes; `literal`: it holds values. */
  readonly kind: 'iri' | 'literal';
  /** XSD datatype of literal values (`null`: untyped, chosen by value). Always `null` for IRIs. */
  readonly datatype: string | null;
  /** `true`: `field?: T`; `false`: `field: T[]`. */
  readonly single: boolean;
}

/**
 * What the runtime needs of a generated class's static side (the `this` of `fromQuads`).
 *
 * @example
 * ```ts
 * import { EpochExecution, type ResourceConstructor } from 'provml/model';
 *
 * const ctor: ResourceConstructor<EpochExecution> = EpochExecution;
 * const epoch = new ctor('urn:provml:run-1:epoch-1');
 * ```
 */
export interface ResourceConstructor<T extends Resource> {
  new (iri: string): T;
  readonly name: string;
  readonly classIri: string;
  readonly types: readonly string[];
  readonly acceptedTypes: readonly string[];
  readonly properties: readonly PropertySpec[];
}

/**
 * The static side of a generated class: metadata, property table and `fromQuads`.
 *
 * @example
 * ```ts
 * import { CLASS_BY_IRI, type ResourceClass } from 'provml/model';
 * import type { Quad } from '@rdfjs/types';
 *
 * function read(quads: Quad[], iri: string, type: string) {
 *   const cls: ResourceClass | undefined = CLASS_BY_IRI[type];
 *   return cls?.fromQuads(quads, iri);
 * }
 * ```
 */
export interface ResourceClass<T extends Resource = Resource> extends ResourceConstructor<T> {
  /** The class IRI written as `rdf:type`. */
  readonly classIri: string;
  /** The class IRI, its equivalents and all its superclasses. */
  readonly types: readonly string[];
  /** The `rdf:type`s `fromQuads` accepts: the class, its equivalents and all its subclasses. */
  readonly acceptedTypes: readonly string[];
  /** Property table, inherited rows first. */
  readonly properties: readonly PropertySpec[];
  /** Reads a node of this class back from quads (see {@link Resource.fromQuads}). */
  fromQuads(quads: Iterable<Quad>, iri: string): T;
}

/**
 * A parent's table followed by a class's own rows, frozen (used by generated classes).
 *
 * @example
 * ```ts
 * static override readonly properties = defineProperties(Activity, [
 *   { field: 'status', iri: PROVML.status, kind: 'literal', datatype: XSD.string, single: true },
 * ]);
 * ```
 */
export function defineProperties(parent: { readonly properties: readonly PropertySpec[] }, own: readonly PropertySpec[]): readonly PropertySpec[] {
  return Object.freeze([...parent.properties, ...own.map((spec) => Object.freeze({ ...spec }))]);
}

/**
 * Whether a string can name a node: an absolute IRI (has a scheme), not a blank node label.
 *
 * @example
 * ```ts
 * isNodeIri('urn:provml:x'); // true
 * isNodeIri('_:b0');         // false
 * ```
 */
export function isNodeIri(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(value) && !value.startsWith('_:');
}

interface Compiled {
  readonly type: NamedNode;
  readonly rows: readonly { readonly spec: PropertySpec; readonly predicate: NamedNode }[];
  readonly byPredicate: ReadonlyMap<string, PropertySpec>;
  readonly accepted: ReadonlySet<string>;
}

const cache = new WeakMap<object, Compiled>();

function compile(cls: ResourceConstructor<Resource>): Compiled {
  let compiled = cache.get(cls);
  if (compiled === undefined) {
    compiled = {
      type: namedNode(cls.classIri),
      rows: cls.properties.map((spec) => ({ spec, predicate: namedNode(spec.iri) })),
      byPredicate: new Map(cls.properties.map((spec) => [spec.iri, spec])),
      accepted: new Set([cls.classIri, ...cls.acceptedTypes]),
    };
    cache.set(cls, compiled);
  }
  return compiled;
}

/**
 * Base class of the generated PROV-ML classes: an RDF node with an IRI and typed fields.
 *
 * @example
 * ```ts
 * import { EpochExecution, type Resource } from 'provml/model';
 *
 * const epoch: Resource = new EpochExecution('urn:provml:run-1:epoch-3');
 * const quads = epoch.toQuads('urn:provml:graph:run-1');
 * ```
 */
export abstract class Resource {
  /** The class IRI written as `rdf:type` (`rdfs:Resource` here; each generated class overrides it). */
  static readonly classIri: string = 'http://www.w3.org/2000/01/rdf-schema#Resource';
  /** The class IRI, its equivalents and all its superclasses. */
  static readonly types: readonly string[] = [];
  /** The `rdf:type`s `fromQuads` accepts. */
  static readonly acceptedTypes: readonly string[] = [];
  /** Property table (see {@link PropertySpec}). */
  static readonly properties: readonly PropertySpec[] = [];

  /** The node's IRI (never a blank node). */
  readonly iri: string;

  /** @param iri - absolute IRI of the node, e.g. `urn:provml:…` or `https://…`. */
  constructor(iri: string) {
    if (!isNodeIri(iri)) throw new TypeError(`${new.target.name}: not an absolute IRI (blank nodes are not allowed): ${JSON.stringify(iri)}`);
    this.iri = iri;
  }

  /**
   * The node as quads: its `rdf:type` and one quad per set value, in `graph` (a named graph IRI or
   * term; the default graph when omitted). Throws a `TypeError` naming the node and field when a
   * value does not fit its field (e.g. 1.5 in an xsd:integer field, a blank node as a reference).
   */
  toQuads(graph?: Quad_Graph | string): Quad[] {
    const cls = this.constructor as unknown as ResourceClass;
    const { type, rows } = compile(cls);
    const g = graph === undefined ? defaultGraph() : typeof graph === 'string' ? namedNode(graph) : graph;
    const subject = namedNode(this.iri);
    const out: Quad[] = [quad(subject, namedNode(RDF_TYPE), type, g)];
    const values = this as unknown as Record<string, unknown>;
    for (const { spec, predicate } of rows) {
      const value = values[spec.field];
      if (value === undefined || value === null) continue;
      if (!spec.single && !Array.isArray(value)) throw this.fieldError(cls, spec, 'expected an array of values');
      for (const v of spec.single ? [value] : (value as unknown[])) {
        if (v === undefined || v === null) continue;
        out.push(quad(subject, predicate, this.encode(cls, spec, v), g));
      }
    }
    return out;
  }

  private encode(cls: ResourceClass, spec: PropertySpec, value: unknown): NamedNode | Literal {
    if (spec.kind === 'iri') {
      if (!isNodeIri(value)) throw this.fieldError(cls, spec, `expected the IRI of a node, got ${JSON.stringify(value)}`);
      return namedNode(value);
    }
    try {
      return encodeLiteral(value as LiteralValue, spec.datatype);
    } catch (error) {
      throw this.fieldError(cls, spec, (error as Error).message);
    }
  }

  private fieldError(cls: ResourceClass, spec: PropertySpec, message: string): TypeError {
    return new TypeError(`${this.iri}: ${cls.name}.${spec.field} (${spec.iri}): ${message}`);
  }

  /**
   * Reads the node `iri` back from quads (any graph). Throws when the node has no `rdf:type` of
   * this class or a subclass, when a value has the wrong kind (literal vs IRI, blank node), and when
   * a single-valued field has several different values. Unknown predicates are ignored.
   */
  static fromQuads<T extends Resource>(this: ResourceConstructor<T>, quads: Iterable<Quad>, iri: string): T {
    const { byPredicate, accepted } = compile(this);
    const own: Quad[] = [];
    for (const q of quads) if (q.subject.termType === 'NamedNode' && q.subject.value === iri) own.push(q);
    const types = own.filter((q) => q.predicate.value === RDF_TYPE && q.object.termType === 'NamedNode').map((q) => q.object.value);
    if (!types.some((t) => accepted.has(t))) {
      const found = types.length === 0 ? 'it has no rdf:type at all' : `its types are ${types.join(', ')}`;
      throw new Error(`${iri}: not a ${this.name} (<${this.classIri}> or a subclass): ${found}`);
    }
    const instance = new this(iri);
    const values = instance as unknown as Record<string, unknown>;
    const seen = new Set<string>(); // the same triple in several graphs counts once
    for (const q of own) {
      const spec = byPredicate.get(q.predicate.value);
      if (spec === undefined) continue;
      const key = `${q.predicate.value} ${termKey(q.object)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const value = decodeValue(this, iri, spec, q.object);
      if (!spec.single) {
        (values[spec.field] as unknown[]).push(value);
      } else if (values[spec.field] !== undefined) {
        throw new Error(`${iri}: ${this.name}.${spec.field} (${spec.iri}) is single-valued but the data has several values`);
      } else {
        values[spec.field] = value;
      }
    }
    return instance;
  }
}

function termKey(term: Term): string {
  if (term.termType !== 'Literal') return `${term.termType}:${term.value}`;
  const literal = term as Literal;
  return `"${literal.value}"@${literal.language}^^${literal.datatype.value}`;
}

function decodeValue(cls: ResourceConstructor<Resource>, iri: string, spec: PropertySpec, term: Term): string | LiteralValue {
  const where = `${iri}: ${cls.name}.${spec.field} (${spec.iri})`;
  if (spec.kind === 'iri') {
    if (term.termType !== 'NamedNode') throw new Error(`${where}: expected an IRI, got a ${term.termType} (${term.value})`);
    return term.value;
  }
  if (term.termType !== 'Literal') throw new Error(`${where}: expected a literal, got a ${term.termType} (${term.value})`);
  try {
    return decodeLiteral(term as Literal, spec.datatype);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}
