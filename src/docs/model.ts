/**
 * The documentation model: what the ontology page shows, computed from the documented Turtle files
 * (the ontology), context files (its imports: labels and hierarchy of external terms) and SHACL
 * shapes. Plain data, sorted deterministically, so the same input always renders the same page.
 */
import { type DocNodeShape, pathPredicates, readShapes } from './shapes.js';
import { DocGraph, NS, type TurtleFile, compare, localName, uniqueSorted } from './graph.js';

/**
 * Header metadata of the main `owl:Ontology` node.
 *
 * @example
 * ```ts
 * const heading = (o: DocOntology): string => o.title ?? o.iri;
 * ```
 */
export interface DocOntology {
  readonly iri: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly versionIri: string | null;
  readonly versionInfo: string | null;
  readonly priorVersion: string | null;
  /** `dcterms:license` / `dcterms:rights` (IRIs or text). */
  readonly license: readonly string[];
  readonly creators: readonly string[];
  readonly contributors: readonly string[];
  readonly publishers: readonly string[];
  readonly imports: readonly string[];
  readonly citation: string | null;
  readonly sources: readonly string[];
  /** `dcterms:created` / `issued` / `modified`, as written. */
  readonly dates: readonly { readonly name: string; readonly value: string }[];
  readonly preferredPrefix: string | null;
  readonly preferredNamespace: string | null;
}

/**
 * What every documented term has: its IRI, page anchor, label and definition.
 *
 * @example
 * ```ts
 * const link = (t: DocTerm): string => `<a href="#${t.id}">${t.label}</a>`;
 * ```
 */
export interface DocTerm {
  readonly iri: string;
  /** Anchor on the page: the local name (made unique and safe when needed). */
  readonly id: string;
  readonly label: string;
  /** `rdfs:comment`, else `skos:definition`, `prov:definition`, `dcterms:description`. */
  readonly comment: string | null;
}

/**
 * A documented class.
 *
 * @example
 * ```ts
 * const isRetrospective = (c: DocClass): boolean => c.provenanceKind === 'retrospective';
 * ```
 */
export interface DocClass extends DocTerm {
  /** `provml:provenanceKind`, or `null` when the class has none. */
  readonly provenanceKind: 'prospective' | 'retrospective' | null;
  readonly superClasses: readonly string[];
  /** All superclasses, transitively (through equivalent classes too). */
  readonly allSuperClasses: readonly string[];
  readonly subClasses: readonly string[];
  /** All subclasses, transitively. */
  readonly allSubClasses: readonly string[];
  readonly equivalentClasses: readonly string[];
  readonly disjointWith: readonly string[];
  /** Properties whose `rdfs:domain` names this class (unions expanded). */
  readonly inDomainOf: readonly string[];
  /** Properties whose `rdfs:range` names this class. */
  readonly inRangeOf: readonly string[];
  /** Documented individuals typed with this class. */
  readonly individuals: readonly string[];
  /** Node shapes that target this class. */
  readonly shapes: readonly DocNodeShape[];
}

/**
 * A documented property.
 *
 * @example
 * ```ts
 * const isFunctional = (p: DocProperty): boolean => p.characteristics.includes('functional');
 * ```
 */
export interface DocProperty extends DocTerm {
  readonly kind: 'object' | 'datatype' | 'annotation';
  readonly domain: readonly string[];
  readonly range: readonly string[];
  /** `functional`, `inverse functional`, `transitive`, `symmetric`, `asymmetric`, `reflexive`, `irreflexive`. */
  readonly characteristics: readonly string[];
  readonly superProperties: readonly string[];
  readonly subProperties: readonly string[];
  readonly inverseOf: readonly string[];
  /** Shapes with a property shape whose path goes through this property. */
  readonly shapes: readonly DocNodeShape[];
}

/**
 * A documented named individual.
 *
 * @example
 * ```ts
 * const typesOf = (i: DocIndividual): readonly string[] => i.types;
 * ```
 */
export interface DocIndividual extends DocTerm {
  readonly types: readonly string[];
}

/**
 * Everything the page shows.
 *
 * @example
 * ```ts
 * const model: DocModel = buildDocModel({ ontology: [parseTurtleFile('ontology/prov-ml.ttl')], imports: [], shapes: [] });
 * console.log(model.classes.length);
 * ```
 */
export interface DocModel {
  readonly ontology: DocOntology;
  /** Prefix → namespace of the documented files, in file order. */
  readonly namespaces: readonly { readonly prefix: string; readonly iri: string }[];
  readonly classes: readonly DocClass[];
  readonly properties: readonly DocProperty[];
  readonly individuals: readonly DocIndividual[];
  readonly shapes: readonly DocNodeShape[];
  /** Anchor of every documented term and named shape, by IRI. */
  readonly anchors: ReadonlyMap<string, string>;
  /** Labels of every term known in any input (documented or imported), by IRI. */
  readonly labels: ReadonlyMap<string, string>;
  /** Direct named superclasses of every class stated in the ontology or its imports, by IRI. */
  readonly superClassIndex: ReadonlyMap<string, readonly string[]>;
  /** Prefixes usable to abbreviate IRIs: documented files first, then context and shapes files. */
  readonly prefixes: readonly { readonly prefix: string; readonly iri: string }[];
}

/**
 * Input of {@link buildDocModel}: parsed files.
 *
 * @example
 * ```ts
 * const input: DocInput = { ontology: [parseTurtleFile('ext.ttl')], imports: [], shapes: [] };
 * ```
 */
export interface DocInput {
  /** The files documented; the first `owl:Ontology` found gives the header. */
  readonly ontology: readonly TurtleFile[];
  /** Context only: labels and hierarchy of the external terms the ontology uses. */
  readonly imports: readonly TurtleFile[];
  readonly shapes: readonly TurtleFile[];
}

const { rdf, rdfs, owl, dcterms, dc, skos, prov, vann } = NS;
const KIND_ANNOTATION = `${NS.provml}provenanceKind`;
/** Namespaces whose declarations are machinery or borrowed, never documented as own terms. */
const EXTERNAL = [rdf, rdfs, owl, NS.xsd, NS.sh, dcterms, dc, vann, skos, prov, 'http://www.w3.org/ns/mls#', 'http://xmlns.com/foaf/0.1/'];
const PROPERTY_KINDS: [string, DocProperty['kind']][] = [
  [`${owl}ObjectProperty`, 'object'],
  [`${owl}DatatypeProperty`, 'datatype'],
  [`${owl}AnnotationProperty`, 'annotation'],
  [`${rdf}Property`, 'annotation'],
];
const CHARACTERISTICS: [string, string][] = [
  ['FunctionalProperty', 'functional'], ['InverseFunctionalProperty', 'inverse functional'], ['TransitiveProperty', 'transitive'],
  ['SymmetricProperty', 'symmetric'], ['AsymmetricProperty', 'asymmetric'], ['ReflexiveProperty', 'reflexive'], ['IrreflexiveProperty', 'irreflexive'],
];
/** Ids of the page's own sections; terms never take them. */
const RESERVED_IDS: readonly string[] = ['top', 'metadata', 'namespaces', 'toc', 'diagram', 'classes', 'prospective', 'retrospective', 'other-classes', 'object-properties', 'datatype-properties', 'annotation-properties', 'individuals', 'shapes'];

/**
 * Builds the documentation model.
 *
 * @example
 * ```ts
 * const model = buildDocModel({
 *   ontology: [parseTurtleFile('ontology/prov-ml.ttl')],
 *   imports: [parseTurtleFile('ontology/imports/prov-o.ttl')],
 *   shapes: [parseTurtleFile('shapes/prov-ml.shapes.ttl')],
 * });
 * ```
 */
export function buildDocModel(input: DocInput): DocModel {
  const own = new DocGraph(input.ontology);
  const g = new DocGraph([...input.ontology, ...input.imports]);
  const ontologyIri = own.namedSubjects(`${rdf}type`, `${owl}Ontology`)[0];
  if (ontologyIri === undefined) throw new Error(`${input.ontology.map((f) => f.path).join(', ')}: no owl:Ontology node found`);

  // Own namespaces: declared preferred namespace(s), else the ontology IRI with # or /.
  const ontologies = own.namedSubjects(`${rdf}type`, `${owl}Ontology`);
  const ownNs = ontologies.flatMap((o) => {
    const preferred = own.values(o, `${vann}preferredNamespaceUri`);
    return preferred.length > 0 ? preferred : /[#/]$/.test(o) ? [o] : [`${o}#`, `${o}/`];
  });
  const declared = (types: string[]): string[] => uniqueSorted(types.flatMap((t) => own.namedSubjects(`${rdf}type`, t)));
  const anyOwn = [...declared([`${owl}Class`, `${rdfs}Class`]), ...declared(PROPERTY_KINDS.map(([t]) => t))].some((i) => isIn(i, ownNs));
  const documented = (iri: string): boolean => (anyOwn ? isIn(iri, ownNs) : !EXTERNAL.some((ns) => iri.startsWith(ns)));

  const classIris = declared([`${owl}Class`, `${rdfs}Class`]).filter(documented);
  const propertyKinds = new Map<string, DocProperty['kind']>();
  for (const [type, kind] of PROPERTY_KINDS) {
    for (const p of declared([type]).filter(documented)) if (!propertyKinds.has(p) || propertyKinds.get(p) === 'annotation') propertyKinds.set(p, kind);
  }
  const allClasses = new Set([...g.namedSubjects(`${rdf}type`, `${owl}Class`), ...g.namedSubjects(`${rdf}type`, `${rdfs}Class`)]);
  const individualIris = uniqueSorted(
    input.ontology.flatMap((f) => f.quads)
      .filter((q) => q.predicate.value === `${rdf}type` && q.subject.termType === 'NamedNode' && q.object.termType === 'NamedNode')
      .filter((q) => q.object.value === `${owl}NamedIndividual` || allClasses.has(q.object.value))
      .map((q) => q.subject.value),
  ).filter((i) => documented(i) && !classIris.includes(i) && !propertyKinds.has(i) && !ontologies.includes(i));

  // Anchors: classes first (they get the clean names), then properties, individuals, shapes.
  const taken = new Set(RESERVED_IDS);
  const anchors = new Map<string, string>();
  const anchor = (iri: string, prefix = ''): string => {
    const base = prefix + (localName(iri).replace(/[^A-Za-z0-9_.-]/g, '_') || 'term');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    anchors.set(iri, id);
    return id;
  };
  classIris.forEach((c) => anchor(c));
  [...propertyKinds.keys()].sort(compare).forEach((p) => anchor(p));
  individualIris.forEach((i) => anchor(i));

  const shapesGraph = new DocGraph(input.shapes);
  const shapes = readShapes(shapesGraph, new Set(classIris));
  for (const s of shapes) if (s.iri !== null && !anchors.has(s.iri)) anchor(s.iri, 'shape-');

  const term = (iri: string): DocTerm => ({
    iri,
    id: anchors.get(iri)!,
    label: g.pickText(iri, `${rdfs}label`, `${skos}prefLabel`) ?? localName(iri),
    comment: g.pickText(iri, `${rdfs}comment`, `${skos}definition`, `${prov}definition`, `${dcterms}description`),
  });

  // Hierarchy over every file (the ontology and its imports).
  const equivalents = (c: string): string[] => uniqueSorted([...g.namedObjects(c, `${owl}equivalentClass`), ...g.namedSubjects(`${owl}equivalentClass`, c)]).filter((e) => e !== c);
  const closure = (c: string, step: (x: string) => string[]): string[] => {
    const seen = new Set([c]);
    const queue = [c];
    while (queue.length > 0) {
      const x = queue.shift()!;
      for (const y of [...step(x), ...equivalents(x)]) if (!seen.has(y)) (seen.add(y), queue.push(y));
    }
    for (const e of [c, ...equivalents(c)]) seen.delete(e);
    return uniqueSorted(seen);
  };
  const supers = (c: string): string[] => g.namedObjects(c, `${rdfs}subClassOf`).filter((s) => s !== c);
  const subs = (c: string): string[] => g.namedSubjects(`${rdfs}subClassOf`, c).filter((s) => s !== c);
  const allProps = uniqueSorted(PROPERTY_KINDS.flatMap(([t]) => g.namedSubjects(`${rdf}type`, t)));
  const domainOf = new Map(allProps.map((p) => [p, g.classesOf(p, `${rdfs}domain`)]));
  const rangeOf = new Map(allProps.map((p) => [p, g.classesOf(p, `${rdfs}range`)]));
  const docFirst = (list: string[]): string[] => [...list].sort((a, b) => (anchors.has(a) ? 0 : 1) - (anchors.has(b) ? 0 : 1) || compare(a, b));

  const classes: DocClass[] = classIris.map((c) => {
    const kind = own.values(c, KIND_ANNOTATION)[0];
    return {
      ...term(c),
      provenanceKind: kind === 'prospective' || kind === 'retrospective' ? kind : null,
      superClasses: docFirst(supers(c)),
      allSuperClasses: docFirst(closure(c, supers)),
      subClasses: docFirst(subs(c)),
      allSubClasses: docFirst(closure(c, subs)),
      equivalentClasses: equivalents(c),
      disjointWith: uniqueSorted([...g.namedObjects(c, `${owl}disjointWith`), ...g.namedSubjects(`${owl}disjointWith`, c)]),
      inDomainOf: docFirst(allProps.filter((p) => domainOf.get(p)!.includes(c))),
      inRangeOf: docFirst(allProps.filter((p) => rangeOf.get(p)!.includes(c))),
      individuals: individualIris.filter((i) => own.hasType(i, c)),
      shapes: shapes.filter((s) => s.targets.includes(c)),
    };
  });

  const properties: DocProperty[] = [...propertyKinds].sort(([a], [b]) => compare(a, b)).map(([p, kind]) => ({
    ...term(p),
    kind,
    domain: g.classesOf(p, `${rdfs}domain`),
    range: g.classesOf(p, `${rdfs}range`),
    characteristics: CHARACTERISTICS.filter(([t]) => g.hasType(p, `${owl}${t}`)).map(([, name]) => name),
    superProperties: g.namedObjects(p, `${rdfs}subPropertyOf`).filter((s) => s !== p),
    subProperties: g.namedSubjects(`${rdfs}subPropertyOf`, p).filter((s) => s !== p),
    inverseOf: uniqueSorted([...g.namedObjects(p, `${owl}inverseOf`), ...g.namedSubjects(`${owl}inverseOf`, p)]).filter((i) => i !== p),
    shapes: shapes.filter((s) => s.properties.some((ps) => pathPredicates(ps.path).includes(p))),
  }));

  const individuals: DocIndividual[] = individualIris.map((i) => ({
    ...term(i),
    types: own.namedObjects(i, `${rdf}type`).filter((t) => t !== `${owl}NamedIndividual`),
  }));

  const labels = new Map<string, string>();
  for (const s of [...g.store.getSubjects(`${rdfs}label`, null, null), ...shapesGraph.store.getSubjects(`${rdfs}label`, null, null)]) {
    if (s.termType === 'NamedNode') labels.set(s.value, g.pickText(s.value, `${rdfs}label`) ?? shapesGraph.pickText(s.value, `${rdfs}label`) ?? localName(s.value));
  }

  return {
    ontology: header(own, ontologyIri),
    namespaces: prefixList(input.ontology),
    classes,
    properties,
    individuals,
    shapes,
    anchors,
    labels,
    superClassIndex: new Map(g.namedSubjects(`${rdfs}subClassOf`, null).map((c) => [c, supers(c)])),
    prefixes: prefixList([...input.ontology, ...input.imports, ...input.shapes], true),
  };
}

function isIn(iri: string, namespaces: readonly string[]): boolean {
  return namespaces.some((ns) => iri.startsWith(ns) && iri.length > ns.length);
}

function header(g: DocGraph, o: string): DocOntology {
  const one = (...predicates: string[]): string | null => g.pickText(o, ...predicates) ?? g.values(o, ...predicates)[0] ?? null;
  return {
    iri: o,
    title: g.pickText(o, `${dcterms}title`, `${dc}title`, `${rdfs}label`),
    description: g.pickText(o, `${dcterms}description`, `${dc}description`, `${rdfs}comment`, `${skos}definition`),
    versionIri: g.namedObjects(o, `${owl}versionIRI`)[0] ?? null,
    versionInfo: one(`${owl}versionInfo`),
    priorVersion: g.values(o, `${owl}priorVersion`)[0] ?? null,
    license: g.values(o, `${dcterms}license`, `${dcterms}rights`, `${dc}rights`),
    creators: g.values(o, `${dcterms}creator`, `${dc}creator`),
    contributors: g.values(o, `${dcterms}contributor`, `${dc}contributor`),
    publishers: g.values(o, `${dcterms}publisher`, `${dc}publisher`),
    imports: g.namedObjects(o, `${owl}imports`),
    citation: g.pickText(o, `${dcterms}bibliographicCitation`),
    sources: g.values(o, `${dcterms}source`, `${dc}source`),
    dates: ['created', 'issued', 'modified'].flatMap((name) => g.values(o, `${dcterms}${name}`).map((value) => ({ name, value }))),
    preferredPrefix: one(`${vann}preferredNamespacePrefix`),
    preferredNamespace: one(`${vann}preferredNamespaceUri`),
  };
}

/** Prefixes of files, first declaration of a prefix wins; with `withWellKnown`, {@link NS} fills gaps. */
function prefixList(files: readonly TurtleFile[], withWellKnown = false): { prefix: string; iri: string }[] {
  const seen = new Map<string, string>();
  for (const f of files) for (const [prefix, iri] of Object.entries(f.prefixes)) if (prefix !== '' && !seen.has(prefix)) seen.set(prefix, iri);
  if (withWellKnown) for (const [prefix, iri] of Object.entries(NS)) if (!seen.has(prefix) && ![...seen.values()].includes(iri)) seen.set(prefix, iri);
  return [...seen].map(([prefix, iri]) => ({ prefix, iri }));
}
