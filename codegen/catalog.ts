/**
 * The catalog: which IRIs each file declares as classes, properties, individuals and datatypes.
 *
 * "Declared" means typed in some file (`a owl:Class`, `a owl:ObjectProperty`, `a provml:X`…).
 * Everything downstream (checks, hierarchy, fields) looks terms up here.
 */
import type { LoadedFile } from './load.js';
import { OntologyGraph, isBuiltinDatatype } from './graph.js';
import { CodegenError } from './errors.js';
import { NS, T, compare, prefixOf } from './terms.js';

export type PropertyKind = 'object' | 'datatype' | 'annotation';

export interface Catalog {
  readonly graph: OntologyGraph;
  readonly main: LoadedFile;
  readonly imports: readonly LoadedFile[];
  readonly shapes: LoadedFile | null;
  /** Namespace of the main ontology's own terms. */
  readonly mainNs: string;
  /** The main ontology node. */
  readonly ontologyIri: string;
  /** prefix → namespace: fixed ones, the main file's, and `provml` → {@link mainNs}. */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Declared classes → declaring file. */
  readonly classes: ReadonlyMap<string, string>;
  /** Declared properties → declaring file and kind. */
  readonly properties: ReadonlyMap<string, { file: string; kind: PropertyKind }>;
  /** Declared named individuals → declaring file. */
  readonly individuals: ReadonlyMap<string, string>;
  /** Datatypes declared with `rdfs:Datatype` (XSD and RDF literal types are always known). */
  readonly datatypes: ReadonlySet<string>;
}

const CLASS_TYPES = [T.OwlClass, T.RdfsClass];
const PROPERTY_TYPES: Record<string, PropertyKind> = {
  [T.ObjectProperty]: 'object',
  [T.DatatypeProperty]: 'datatype',
  [T.AnnotationProperty]: 'annotation',
  [`${NS.rdf}Property`]: 'annotation',
};
/** Types that are OWL/RDF machinery rather than classes an individual belongs to. */
const META_NAMESPACES = [NS.owl, NS.rdf, NS.rdfs, NS.sh];

/** Builds the catalog; throws when one file declares a term with conflicting kinds. */
export function buildCatalog(main: LoadedFile, imports: readonly LoadedFile[], shapes: LoadedFile | null): Catalog {
  const graph = new OntologyGraph(shapes === null ? [main, ...imports] : [main, ...imports, shapes]);
  const ontologies = main.store.getSubjects(T.type, T.Ontology, null).filter((s) => s.termType === 'NamedNode');
  const ontologyIri = ontologies.map((s) => s.value).sort(compare)[0];
  if (ontologyIri === undefined) throw new CodegenError(main.file, null, 'no owl:Ontology node found');
  const mainNs = main.prefixes['provml'] ?? main.prefixes[''] ?? (ontologyIri.endsWith('#') ? ontologyIri : `${ontologyIri}#`);
  const namespaces: Record<string, string> = { ...main.prefixes, ...NS, provml: mainNs };
  delete namespaces[''];

  const classes = new Map<string, string>();
  const properties = new Map<string, { file: string; kind: PropertyKind }>();
  const individuals = new Map<string, string>();
  const datatypes = new Set<string>();
  for (const f of [main, ...imports]) {
    for (const t of CLASS_TYPES) for (const s of named(f, t)) if (!classes.has(s)) classes.set(s, f.file);
    for (const s of named(f, T.RdfsDatatype)) datatypes.add(s);
    for (const [t, kind] of Object.entries(PROPERTY_TYPES)) {
      for (const s of named(f, t)) {
        const known = properties.get(s);
        if (known !== undefined && known.kind !== 'annotation' && kind !== 'annotation' && known.kind !== kind) {
          throw new CodegenError(f.file, s, 'declared both an object property and a datatype property', f.lines.get(s));
        }
        // A term that is both annotation and object/datatype property (prov:specializationOf) is the latter.
        if (known === undefined || known.kind === 'annotation') properties.set(s, { file: known?.file ?? f.file, kind });
      }
    }
  }
  for (const f of [main, ...imports]) {
    for (const q of f.store.getQuads(null, T.type, null, null)) {
      const s = q.subject.value;
      const type = q.object.value;
      if (q.subject.termType !== 'NamedNode' || classes.has(s) || properties.has(s) || s === ontologyIri) continue;
      const isIndividual =
        type === T.NamedIndividual || (q.object.termType === 'NamedNode' && !META_NAMESPACES.some((ns) => type.startsWith(ns)));
      if (!isIndividual) continue;
      if (f.store.countQuads(s, T.type, T.Ontology, null) > 0) continue;
      if (!individuals.has(s)) individuals.set(s, f.file);
    }
  }
  return { graph, main, imports, shapes, mainNs, ontologyIri, namespaces, classes, properties, individuals, datatypes };
}

/** Named subjects of `?s rdf:type type` in one file. */
function named(f: LoadedFile, type: string): string[] {
  return f.store
    .getSubjects(T.type, type, null)
    .filter((s) => s.termType === 'NamedNode')
    .map((s) => s.value);
}

/** Whether the IRI is a known class (declared anywhere, or `owl:Thing` / `rdfs:Resource`). */
export function isKnownClass(cat: Catalog, iri: string): boolean {
  return cat.classes.has(iri) || iri === T.Thing || iri === `${NS.rdfs}Resource`;
}

/** Whether the IRI is a known datatype. */
export function isKnownDatatype(cat: Catalog, iri: string): boolean {
  return isBuiltinDatatype(iri) || cat.datatypes.has(iri);
}

/** Prefixes whose terms the IR lists: the ontology's own and its imports'. */
export const IR_PREFIXES: readonly string[] = ['provml', 'prov', 'mls'];

/** Whether an IRI belongs to the ontology or its imports (and so is listed in the IR). */
export function inScope(cat: Catalog, iri: string): boolean {
  const prefix = prefixOf(iri, cat.namespaces);
  return prefix !== null && IR_PREFIXES.includes(prefix);
}

/** Whether an IRI is one of the main ontology's own terms. */
export function isMain(cat: Catalog, iri: string): boolean {
  return iri.startsWith(cat.mainNs) && iri.length > cat.mainNs.length;
}
