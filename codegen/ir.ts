/**
 * The intermediate model (IR) of the ontology: what every emitter reads.
 *
 * `codegen/model.ts` builds it from `ontology/prov-ml.ttl`, its imports and (optionally) the SHACL
 * shapes; `src/generated/model.json` is this object serialized. It is plain JSON (no Maps, no
 * `undefined`), sorted deterministically (by IRI, or by name where noted), so the same ontology
 * always yields byte-identical output.
 *
 * Scope: the terms in the namespaces of the ontology and its imports (`provml:`, `prov:`, `mls:`).
 * Terms of other vocabularies that the files happen to declare (`dcterms:title`, `rdfs:label`,
 * `owl:Thing`) are used by the generator but not listed.
 */

/** The whole model. */
export interface IR {
  /** Provenance banner (JSON has no comments). */
  readonly $comment: string;
  readonly ontology: IROntology;
  /** Prefix → namespace, sorted by prefix: the fixed W3C/ML ones plus those of the main file. */
  readonly namespaces: readonly IRNamespace[];
  /** Every class of the ontology and its imports, sorted by IRI. */
  readonly classes: readonly IRClass[];
  /** Every object, datatype and annotation property, sorted by IRI. */
  readonly properties: readonly IRProperty[];
  /** Named individuals (e.g. `provml:Training`), sorted by IRI. */
  readonly individuals: readonly IRIndividual[];
}

/** Header metadata of the main ontology (`owl:Ontology` node). */
export interface IROntology {
  readonly iri: string;
  readonly versionIri: string | null;
  readonly versionInfo: string | null;
  /** `dcterms:title`, else `rdfs:label`. */
  readonly title: string | null;
  /** `dcterms:description`, else `rdfs:comment`. */
  readonly description: string | null;
  /** `dcterms:license` (an IRI or a literal). */
  readonly license: string | null;
  /** `owl:imports` targets, sorted. */
  readonly imports: readonly string[];
  /** Namespace of the ontology's own terms (e.g. `https://w3id.org/prov-ml#`). */
  readonly namespace: string;
  /** Source file, relative to the project root. */
  readonly file: string;
}

export interface IRNamespace {
  readonly prefix: string;
  readonly iri: string;
}

/** What every named term has in common. */
export interface IRTerm {
  readonly iri: string;
  /** Part after the last `#` or `/`. */
  readonly localName: string;
  /** Prefix of its namespace (`provml`, `prov`, `mls`), or `null`. */
  readonly prefix: string | null;
  /** `rdfs:label` (English or untagged preferred); the local name when there is none. */
  readonly label: string;
  /** `rdfs:comment`, else `prov:definition`, else `dcterms:description`; `null` when absent. */
  readonly comment: string | null;
  /** File that declares the term, relative to the project root. */
  readonly definedIn: string;
}

/** A cardinality constraint a class puts on a property (OWL restriction or SHACL property shape). */
export interface IRConstraint {
  readonly property: string;
  /** Largest lower bound stated (`owl:minCardinality`, `owl:cardinality`, `sh:minCount`…), or `null`. */
  readonly minCount: number | null;
  /** Smallest upper bound stated (`owl:maxCardinality`, `owl:cardinality`, `sh:maxCount`…), or `null`. */
  readonly maxCount: number | null;
  /** Where the bounds come from. */
  readonly sources: readonly ('owl' | 'shacl')[];
}

/**
 * One TypeScript field of a generated class. Only the fields a class declares itself are listed;
 * inherited ones sit on the ancestor named by {@link IRClass.primarySuper}.
 */
export interface IRField {
  /** Field name: camelCase local name, or `<prefix><LocalName>` when that name is taken. */
  readonly name: string;
  /** The RDF property the field maps to. */
  readonly property: string;
  /** `iri` for object properties (the field holds the IRI of the referenced node), else `literal`. */
  readonly valueKind: 'iri' | 'literal';
  /** XSD datatype of literal values; `null` for IRIs and for untyped (`rdfs:Literal`) values. */
  readonly datatype: string | null;
  /** TypeScript type of one value: `string`, `number`, `boolean`, `Date` or `string | number | boolean`. */
  readonly tsType: string;
  /** Range classes/datatypes of the property (unions expanded), for docs. */
  readonly range: readonly string[];
  /** At most one value: `field?: T` instead of `field: T[]`. */
  readonly single: boolean;
  /** At least one value is required (docs and validation only; TS fields stay optional). */
  readonly required: boolean;
  /**
   * Why the class has the field: `domain` (its `rdfs:domain` names this class or the property has
   * no domain and this is a root class), `flattened` (from a non-primary parent, named in `via`),
   * `mapping` (a documented generator mapping, e.g. `mls:hasValue` on `provml:AttributeValue`),
   * `constraint` (a restriction or shape on the class mentions it).
   */
  readonly origin: 'domain' | 'flattened' | 'mapping' | 'constraint';
  /** For `flattened` fields: the parent class they come from; otherwise `null`. */
  readonly via: string | null;
}

export interface IRClass extends IRTerm {
  /** `provml:provenanceKind` of the class, `null` for imported classes. */
  readonly provenanceKind: 'prospective' | 'retrospective' | null;
  /** Named superclasses: `direct` as stated, `all` the transitive closure (via equivalents too). */
  readonly superClasses: { readonly direct: readonly string[]; readonly all: readonly string[] };
  /** Named subclasses: `direct` as stated, `all` the transitive closure. */
  readonly subClasses: { readonly direct: readonly string[]; readonly all: readonly string[] };
  /** `owl:equivalentClass` in either direction (named classes only). */
  readonly equivalentClasses: readonly string[];
  /** Whether a TypeScript class is generated for it (every provml class and the PROV classes they extend). */
  readonly generated: boolean;
  /** Name of the generated TypeScript class, or `null`. */
  readonly tsName: string | null;
  /**
   * IRI of the class the generated TypeScript class extends (single inheritance): a provml parent
   * first, else a PROV parent; `null` when it extends the runtime `Resource` or is not generated.
   */
  readonly primarySuper: string | null;
  /** Its IRI, equivalents and all superclasses: the `rdf:type`s its instances have under RDFS. */
  readonly types: readonly string[];
  /** Its IRI, equivalents and all subclasses: the `rdf:type`s `fromQuads` accepts. */
  readonly acceptedTypes: readonly string[];
  /** Fields the generated class declares itself, sorted by name (empty when not generated). */
  readonly fields: readonly IRField[];
  /** Cardinality constraints stated on this class, sorted by property. */
  readonly constraints: readonly IRConstraint[];
}

export interface IRProperty extends IRTerm {
  readonly kind: 'object' | 'datatype' | 'annotation';
  /** `rdfs:domain` classes (unions expanded; several statements are all listed), sorted. */
  readonly domain: readonly string[];
  /** `rdfs:range` classes or datatypes (unions expanded), sorted. */
  readonly range: readonly string[];
  readonly functional: boolean;
  readonly transitive: boolean;
  /** `owl:inverseOf` in either direction, or `null`. */
  readonly inverseOf: string | null;
  readonly subPropertyOf: readonly string[];
}

export interface IRIndividual extends IRTerm {
  /** Its classes, sorted. */
  readonly types: readonly string[];
}
