/**
 * Checks ontology/prov-ml.ttl against its contract (ontology/README.md) and against the two
 * imported ontologies it aligns with (ontology/imports/prov-o.ttl, ontology/imports/MLSchema.ttl).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Parser, Store, type Quad } from 'n3';

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const OWL = 'http://www.w3.org/2002/07/owl#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const PROV = 'http://www.w3.org/ns/prov#';
const MLS = 'http://www.w3.org/ns/mls#';
const NS = 'https://w3id.org/prov-ml#';
const ONTOLOGY_IRI = 'https://w3id.org/prov-ml';
const KIND = `${NS}provenanceKind`;

/** Parses Turtle; a syntax error is rethrown naming the file (n3 adds the line number). */
function parseTurtle(fileName: string, text: string): Quad[] {
  try {
    return new Parser({ format: 'text/turtle' }).parse(text);
  } catch (error) {
    throw new Error(`${fileName}: ${(error as Error).message}`);
  }
}

function load(relative: string): { quads: Quad[]; store: Store } {
  const url = new URL(relative, import.meta.url);
  const quads = parseTurtle(relative.split('/').pop() ?? relative, readFileSync(url, 'utf8'));
  return { quads, store: new Store(quads) };
}

const onto = load('../../ontology/prov-ml.ttl');
const provo = load('../../ontology/imports/prov-o.ttl');
const mls = load('../../ontology/imports/MLSchema.ttl');
const all = new Store([...onto.quads, ...provo.quads, ...mls.quads]);

const objects = (store: Store, s: string, p: string) => store.getObjects(s, p, null);
const values = (store: Store, s: string, p: string) => objects(store, s, p).map((o) => o.value);
const subjectsOfType = (store: Store, type: string) =>
  store.getSubjects(RDF_TYPE, type, null).filter((t) => t.termType === 'NamedNode').map((t) => t.value);

/** Named superclasses of `cls` (itself included): transitive rdfs:subClassOf plus owl:equivalentClass both ways. */
function superclasses(store: Store, cls: string): Set<string> {
  const seen = new Set<string>([cls]);
  const queue = [cls];
  while (queue.length > 0) {
    const c = queue.pop() as string;
    const next = [
      ...objects(store, c, `${RDFS}subClassOf`),
      ...objects(store, c, `${OWL}equivalentClass`),
      ...store.getSubjects(`${OWL}equivalentClass`, c, null),
    ];
    for (const n of next) {
      if (n.termType === 'NamedNode' && !seen.has(n.value)) {
        seen.add(n.value);
        queue.push(n.value);
      }
    }
  }
  return seen;
}

type Kind = 'prospective' | 'retrospective';
const P: Kind = 'prospective';
const R: Kind = 'retrospective';

/** PROV-ML Table II, with the kind the contract gives each class. */
const TABLE_II: Record<string, Kind> = {
  Study: P, Experiment: P, LearningProcessExecution: R, LearningTask: P, LearningTaskValue: R,
  LearningStageType: P, LearningStage: P, LearningStageExecution: R, LearningDatasetReference: P,
  LearningDatasetReferenceValue: R, DatasetCharacteristic: P, DatasetCharacteristicValue: R,
  FeatureSet: P, FeatureSetData: R, FeatureSetCharacteristic: P, FeatureExtraction: P,
  FeatureExtractionExecution: R, Software: P, Algorithm: P, Implementation: R,
  ImplementationCharacteristic: R, LearningHyperParameter: P, LearningHyperParameterSetting: R,
  ModelSchema: P, ModelReference: P, ModelReferenceValue: R, ModelHyperParameter: P,
  ModelHyperParameterValue: R, DataStoreInstance: R, EvaluationMeasure: P, ModelEvaluation: R,
  EvaluationSpecification: P, EvaluationProcedure: P,
};
/** Workflow (ProvLake), iteration and tracking classes of the SDK. */
const SDK_CLASSES: Record<string, Kind> = {
  Workflow: P, DataTransformation: P, WorkflowExecution: R, DataTransformationExecution: R,
  Attribute: P, Parameter: P, ParameterValue: R, AttributeValue: R, DataReference: P,
  DataReferenceValue: R, DataStore: P, Persona: P, IterationExecution: R, EpochExecution: R,
  BatchExecution: R, SourceCode: R, Environment: R,
};
const ALL_CLASSES = { ...TABLE_II, ...SDK_CLASSES };

/** provml class → the ML Schema class it specializes (contract table). */
const MLS_ALIGNMENT: Record<string, string> = {
  Study: 'Study', Experiment: 'Experiment', LearningTask: 'Task', LearningDatasetReferenceValue: 'Dataset',
  DatasetCharacteristic: 'DatasetCharacteristic', FeatureSetData: 'Feature',
  FeatureSetCharacteristic: 'FeatureCharacteristic', Software: 'Software', Algorithm: 'Algorithm',
  Implementation: 'Implementation', ImplementationCharacteristic: 'ImplementationCharacteristic',
  LearningHyperParameter: 'HyperParameter', LearningHyperParameterSetting: 'HyperParameterSetting',
  ModelReferenceValue: 'Model', EvaluationMeasure: 'EvaluationMeasure', ModelEvaluation: 'ModelEvaluation',
  EvaluationSpecification: 'EvaluationSpecification', EvaluationProcedure: 'EvaluationProcedure',
};

const OBJECT_PROPERTIES = [
  'inStudy', 'inExperiment', 'hasDataTransformation', 'hasInput', 'hasOutput', 'hasStageType',
  'addressesTask', 'usesAlgorithm', 'usesImplementation', 'producesModelSchema', 'executes', 'partOf',
  'valueOf', 'characterizes', 'evaluatesModel', 'storedIn', 'executedIn', 'usedCode',
];
const DATATYPE_PROPERTIES = [
  'name', 'status', 'errorMessage', 'durationMs', 'iterationIndex', 'checksum', 'checksumAlgorithm',
  'byteSize', 'mediaType', 'storageUrl', 'lastModified', 'version', 'versionNumber', 'codeCommit', 'codeRepository',
  'runtime', 'operatingSystem', 'hostName', 'cpuCount', 'packageVersion', 'dataType',
];
const FUNCTIONAL = [
  'status', 'durationMs', 'iterationIndex', 'errorMessage', 'checksum', 'byteSize', 'executes',
  'valueOf', 'evaluatesModel', 'hostName', 'versionNumber',
];
const PROV_ROOTS = ['Entity', 'Activity', 'Agent', 'Plan'].map((n) => PROV + n);
const DECLARATION_TYPES = ['Class', 'ObjectProperty', 'DatatypeProperty', 'AnnotationProperty', 'NamedIndividual'].map(
  (n) => OWL + n,
);

/** The IRI a file declares for itself: its owl:Ontology that carries an owl:versionIRI. */
function ownOntologyIri(store: Store): string {
  const iris = subjectsOfType(store, `${OWL}Ontology`).filter((o) => objects(store, o, `${OWL}versionIRI`).length > 0);
  expect(iris).toHaveLength(1);
  return iris[0] as string;
}

describe('PROV-ML ontology', () => {
  it('parses, with both imports; a syntax error names the file and the line', () => {
    expect(onto.quads.length).toBeGreaterThan(300);
    expect(provo.quads.length).toBe(1146);
    expect(mls.quads.length).toBe(441);
    expect(() => parseTurtle('broken.ttl', '@prefix x: <urn:x#> .\nx:a x:b x:c .\nx:a x:b "open .\n')).toThrow(
      /broken\.ttl: .*line 3/,
    );
  });

  it('has the header: version, imports of the two files, metadata', () => {
    expect(subjectsOfType(onto.store, `${OWL}Ontology`)).toEqual([ONTOLOGY_IRI]);
    expect(values(onto.store, ONTOLOGY_IRI, `${OWL}versionIRI`)).toEqual([`${ONTOLOGY_IRI}/0.1.0`]);
    expect(values(onto.store, ONTOLOGY_IRI, `${OWL}versionInfo`)).toEqual(['0.1.0']);
    expect(values(onto.store, ONTOLOGY_IRI, `${OWL}imports`).sort()).toEqual(
      [ownOntologyIri(provo.store), ownOntologyIri(mls.store)].sort(),
    );
    const dct = 'http://purl.org/dc/terms/';
    for (const p of ['title', 'description', 'license', 'creator', 'source']) {
      expect(objects(onto.store, ONTOLOGY_IRI, dct + p), p).toHaveLength(1);
    }
    expect(values(onto.store, ONTOLOGY_IRI, `${dct}license`)).toEqual(['https://www.apache.org/licenses/LICENSE-2.0']);
    expect(values(onto.store, ONTOLOGY_IRI, `${dct}description`)[0]).toMatch(/not an IBM file/);
    expect(values(onto.store, ONTOLOGY_IRI, 'http://purl.org/vocab/vann/preferredNamespacePrefix')).toEqual(['provml']);
    expect(values(onto.store, ONTOLOGY_IRI, 'http://purl.org/vocab/vann/preferredNamespaceUri')).toEqual([NS]);
  });

  it.each(Object.entries(ALL_CLASSES))('declares %s with label, comment and provenance kind %s', (name, kind) => {
    const iri = NS + name;
    expect(onto.store.getQuads(iri, RDF_TYPE, `${OWL}Class`, null), iri).toHaveLength(1);
    const labels = objects(onto.store, iri, `${RDFS}label`);
    expect(labels.some((l) => l.termType === 'Literal' && l.language === 'en' && l.value.length > 0), `${name} needs an @en label`).toBe(true);
    const comments = objects(onto.store, iri, `${RDFS}comment`);
    expect(comments.some((c) => c.termType === 'Literal' && c.language === 'en' && c.value.length > 20), `${name} needs an @en comment`).toBe(true);
    expect(values(onto.store, iri, KIND)).toEqual([kind]);
  });

  it('gives every provml class exactly one provenance kind and a PROV root', () => {
    const classes = subjectsOfType(onto.store, `${OWL}Class`).filter((c) => c.startsWith(NS));
    expect(classes.sort()).toEqual(Object.keys(ALL_CLASSES).map((n) => NS + n).sort());
    for (const c of classes) {
      const kinds = values(onto.store, c, KIND);
      expect(kinds, c).toHaveLength(1);
      expect(['prospective', 'retrospective'], c).toContain(kinds[0]);
      const up = superclasses(all, c);
      expect(PROV_ROOTS.some((r) => up.has(r)), `${c} reaches no PROV root`).toBe(true);
      if (c.endsWith('Execution')) {
        expect(kinds[0], c).toBe('retrospective');
        expect(up.has(`${PROV}Activity`), `${c} should be a prov:Activity`).toBe(true);
      }
      if (kinds[0] === 'prospective') expect(up.has(`${PROV}Activity`), `${c} is prospective`).toBe(false);
    }
  });

  it('has no class (provml, PROV-O or ML Schema) that is both prov:Entity and prov:Activity', () => {
    const classes = new Set([
      ...subjectsOfType(all, `${OWL}Class`),
      ...all.getQuads(null, `${RDFS}subClassOf`, null, null).map((q) => q.subject).filter((s) => s.termType === 'NamedNode').map((s) => s.value),
    ]);
    expect(classes.size).toBeGreaterThan(100);
    const both = [...classes].filter((c) => {
      const up = superclasses(all, c);
      return up.has(`${PROV}Entity`) && up.has(`${PROV}Activity`);
    });
    expect(both).toEqual([]);
  });

  it('aligns with ML Schema: LearningProcessExecution ≡ mls:Run, and the matching mls: superclasses', () => {
    expect(values(onto.store, `${NS}LearningProcessExecution`, `${OWL}equivalentClass`)).toEqual([`${MLS}Run`]);
    expect(superclasses(all, `${MLS}Run`).has(`${PROV}Activity`)).toBe(true);
    for (const [local, mlsLocal] of Object.entries(MLS_ALIGNMENT)) {
      expect(mls.store.getQuads(MLS + mlsLocal, RDF_TYPE, `${OWL}Class`, null), `mls:${mlsLocal}`).toHaveLength(1);
      expect(values(onto.store, NS + local, `${RDFS}subClassOf`), local).toContain(MLS + mlsLocal);
    }
  });

  it('never redefines imported terms (no prov: or mls: subject)', () => {
    const foreign = onto.quads.filter((q) => q.subject.value.startsWith(PROV) || q.subject.value.startsWith(MLS));
    expect(foreign.map((q) => `${q.subject.value} ${q.predicate.value}`)).toEqual([]);
  });

  it('declares every provml: IRI it uses, and every declared term is isDefinedBy the ontology', () => {
    const used = new Set<string>();
    for (const q of onto.quads) {
      for (const t of [q.subject, q.predicate, q.object]) if (t.termType === 'NamedNode' && t.value.startsWith(NS)) used.add(t.value);
    }
    const declared = new Set(DECLARATION_TYPES.flatMap((t) => subjectsOfType(onto.store, t)).filter((s) => s.startsWith(NS)));
    expect([...used].filter((u) => !declared.has(u))).toEqual([]);
    for (const d of declared) expect(values(onto.store, d, `${RDFS}isDefinedBy`), d).toEqual([ONTOLOGY_IRI]);
    expect(onto.store.getQuads(KIND, RDF_TYPE, `${OWL}AnnotationProperty`, null)).toHaveLength(1);
  });

  it('declares the contract properties, each with a label, comment, one domain and one range', () => {
    const ops = subjectsOfType(onto.store, `${OWL}ObjectProperty`).filter((p) => p.startsWith(NS));
    const dps = subjectsOfType(onto.store, `${OWL}DatatypeProperty`).filter((p) => p.startsWith(NS));
    expect(ops.sort()).toEqual(OBJECT_PROPERTIES.map((n) => NS + n).sort());
    expect(dps.sort()).toEqual(DATATYPE_PROPERTIES.map((n) => NS + n).sort());
    const knownClasses = new Set([...subjectsOfType(all, `${OWL}Class`), `${OWL}Thing`]);
    for (const p of [...ops, ...dps]) {
      expect(objects(onto.store, p, `${RDFS}label`), p).toHaveLength(1);
      expect(objects(onto.store, p, `${RDFS}comment`), p).toHaveLength(1);
      const [domain, ...moreDomains] = values(onto.store, p, `${RDFS}domain`);
      const [range, ...moreRanges] = values(onto.store, p, `${RDFS}range`);
      expect([moreDomains, moreRanges], p).toEqual([[], []]);
      expect(knownClasses.has(domain ?? ''), `${p} domain ${domain}`).toBe(true);
      const rangeOk = ops.includes(p) ? knownClasses.has(range ?? '') : (range ?? '').startsWith(XSD);
      expect(rangeOk, `${p} range ${range}`).toBe(true);
    }
    for (const f of FUNCTIONAL) {
      expect(onto.store.getQuads(NS + f, RDF_TYPE, `${OWL}FunctionalProperty`, null), f).toHaveLength(1);
    }
    expect(onto.store.getQuads(`${NS}partOf`, RDF_TYPE, `${OWL}TransitiveProperty`, null)).toHaveLength(1);
  });

  it('has the three learning stage types as distinct individuals', () => {
    const types = ['Training', 'Validation', 'Testing'].map((n) => NS + n);
    for (const t of types) {
      expect(values(onto.store, t, RDF_TYPE).sort(), t).toEqual([`${OWL}NamedIndividual`, `${NS}LearningStageType`]);
      expect(objects(onto.store, t, `${RDFS}label`), t).toHaveLength(1);
      expect(objects(onto.store, t, `${RDFS}comment`), t).toHaveLength(1);
    }
    for (const a of types) {
      for (const b of types) {
        if (a === b) continue;
        const stated = values(onto.store, a, `${OWL}differentFrom`).includes(b) || values(onto.store, b, `${OWL}differentFrom`).includes(a);
        expect(stated, `${a} ≠ ${b}`).toBe(true);
      }
    }
  });
});
