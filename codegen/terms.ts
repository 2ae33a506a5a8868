/**
 * Well-known namespaces and small IRI helpers shared by the code generator.
 *
 * The generator is driven by the ontology, but a handful of W3C vocabularies (RDF, RDFS, OWL,
 * XSD, SHACL) are the language the ontology is written in; their terms live here once.
 */

/** Namespace IRIs by their conventional prefix. */
export const NS = {
  provml: 'https://w3id.org/prov-ml#',
  prov: 'http://www.w3.org/ns/prov#',
  mls: 'http://www.w3.org/ns/mls#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  sh: 'http://www.w3.org/ns/shacl#',
  dcterms: 'http://purl.org/dc/terms/',
} as const;

const { rdf, rdfs, owl, sh, dcterms } = NS;

/** The RDF/RDFS/OWL/SHACL/DC terms the generator reads. */
export const T = {
  type: `${rdf}type`,
  first: `${rdf}first`,
  rest: `${rdf}rest`,
  nil: `${rdf}nil`,
  langString: `${rdf}langString`,
  PlainLiteral: `${rdf}PlainLiteral`,
  label: `${rdfs}label`,
  comment: `${rdfs}comment`,
  domain: `${rdfs}domain`,
  range: `${rdfs}range`,
  subClassOf: `${rdfs}subClassOf`,
  subPropertyOf: `${rdfs}subPropertyOf`,
  Literal: `${rdfs}Literal`,
  RdfsClass: `${rdfs}Class`,
  RdfsDatatype: `${rdfs}Datatype`,
  OwlClass: `${owl}Class`,
  Thing: `${owl}Thing`,
  Ontology: `${owl}Ontology`,
  NamedIndividual: `${owl}NamedIndividual`,
  ObjectProperty: `${owl}ObjectProperty`,
  DatatypeProperty: `${owl}DatatypeProperty`,
  AnnotationProperty: `${owl}AnnotationProperty`,
  FunctionalProperty: `${owl}FunctionalProperty`,
  TransitiveProperty: `${owl}TransitiveProperty`,
  Restriction: `${owl}Restriction`,
  onProperty: `${owl}onProperty`,
  cardinality: `${owl}cardinality`,
  minCardinality: `${owl}minCardinality`,
  maxCardinality: `${owl}maxCardinality`,
  qualifiedCardinality: `${owl}qualifiedCardinality`,
  minQualifiedCardinality: `${owl}minQualifiedCardinality`,
  maxQualifiedCardinality: `${owl}maxQualifiedCardinality`,
  equivalentClass: `${owl}equivalentClass`,
  unionOf: `${owl}unionOf`,
  inverseOf: `${owl}inverseOf`,
  imports: `${owl}imports`,
  versionIRI: `${owl}versionIRI`,
  versionInfo: `${owl}versionInfo`,
  NodeShape: `${sh}NodeShape`,
  targetClass: `${sh}targetClass`,
  property: `${sh}property`,
  path: `${sh}path`,
  minCount: `${sh}minCount`,
  maxCount: `${sh}maxCount`,
  title: `${dcterms}title`,
  description: `${dcterms}description`,
  license: `${dcterms}license`,
} as const;

/** Preference order of namespaces: decides primary superclasses and who keeps a bare field name. */
export const PREFIX_RANK: readonly string[] = ['provml', 'prov', 'mls'];

/** Datatypes the generator understands, besides any `rdfs:Datatype` an ontology declares. */
export const KNOWN_DATATYPE_NAMESPACES: readonly string[] = [NS.xsd];
export const KNOWN_DATATYPES: ReadonlySet<string> = new Set([T.Literal, T.langString, T.PlainLiteral]);

/** The part of an IRI after its last `#` or `/` (the whole IRI when there is none). */
export function localName(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return cut >= 0 && cut < iri.length - 1 ? iri.slice(cut + 1) : iri;
}

/** The namespace part of an IRI (up to and including its last `#` or `/`). */
export function namespaceOf(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return cut >= 0 ? iri.slice(0, cut + 1) : '';
}

/** Prefix of an IRI among the known namespaces, or `null`. */
export function prefixOf(iri: string, namespaces: Readonly<Record<string, string>> = NS): string | null {
  let best: string | null = null;
  let bestLength = 0;
  for (const [prefix, ns] of Object.entries(namespaces)) {
    if (iri.startsWith(ns) && ns.length > bestLength) {
      best = prefix;
      bestLength = ns.length;
    }
  }
  return best;
}

/** Rank of a prefix in {@link PREFIX_RANK}; unknown prefixes sort last. */
export function prefixRank(prefix: string | null): number {
  const i = prefix === null ? -1 : PREFIX_RANK.indexOf(prefix);
  return i < 0 ? PREFIX_RANK.length : i;
}

/** Code-unit string comparison: locale-independent, so output is identical on every machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
