/**
 * The generated classes (src/generated/classes, via the `provml/model` entry) against the real
 * ontology: instances → quads → instances is lossless, and the quads are what an RDF user expects.
 */
import type { Literal, Quad } from '@rdfjs/types';
import { Parser, Writer } from 'n3';
import { describe, expect, test } from 'vitest';
import {
  Activity,
  CLASS_BY_IRI,
  Environment,
  EpochExecution,
  IterationExecution,
  LearningDatasetReferenceValue,
  LearningProcessExecution,
  ModelEvaluation,
  Resource,
} from '../../src/model.js';
import { MLS, PROV, PROVML, RDF, XSD } from '../../src/vocab.js';

const G = 'urn:provml:graph:run-1';

function epoch(): EpochExecution {
  const e = new EpochExecution('urn:provml:run-1:epoch-3');
  e.iterationIndex = 3;
  e.startedAtTime = new Date('2024-05-01T10:00:00.000Z');
  e.endedAtTime = new Date('2024-05-01T10:00:01.250Z');
  e.durationMs = 1250.5;
  e.partOf = 'urn:provml:run-1:training';
  e.executes = 'urn:provml:plan:epoch';
  e.status = 'completed';
  e.used.push('urn:provml:data:a', 'urn:provml:data:b');
  return e;
}

function evaluation(): ModelEvaluation {
  const m = new ModelEvaluation('urn:provml:run-1:eval:accuracy');
  m.hasValue = 0.9375;
  m.provmlValueOf = 'urn:provml:measure:accuracy';
  m.evaluatesModel = 'urn:provml:model:sha256-abc';
  m.wasGeneratedBy.push('urn:provml:run-1:epoch-3');
  return m;
}

function dataset(): LearningDatasetReferenceValue {
  const d = new LearningDatasetReferenceValue('urn:provml:data:sha256-0f1e');
  d.checksum = '0f1e2d3c';
  d.checksumAlgorithm = 'sha256';
  d.byteSize = 9_007_199_254_740_991; // Number.MAX_SAFE_INTEGER bytes still round-trips
  d.storageUrl.push('file:///data/train.csv');
  d.mediaType.push('text/csv');
  d.lastModified.push(new Date('2024-04-30T08:15:00.000Z'));
  d.name = 'train.csv';
  return d;
}

const objectOf = (quads: Quad[], predicate: string): Quad['object'] => {
  const q = quads.find((x) => x.predicate.value === predicate);
  if (q === undefined) throw new Error(`no ${predicate}`);
  return q.object;
};
const datatypeOf = (quads: Quad[], predicate: string): string => (objectOf(quads, predicate) as Literal).datatype.value;

describe('round trip: toQuads → fromQuads is lossless', () => {
  test.each([
    ['EpochExecution', epoch, EpochExecution],
    ['ModelEvaluation', evaluation, ModelEvaluation],
    ['LearningDatasetReferenceValue', dataset, LearningDatasetReferenceValue],
  ] as const)('%s', (_, make, cls) => {
    const original = make();
    const back = (cls as typeof Resource & { fromQuads(q: Quad[], iri: string): Resource }).fromQuads(original.toQuads(G), original.iri);
    expect(back).toBeInstanceOf(cls);
    expect(back).toEqual(original);
  });

  test('other value kinds: strings, booleans, integers, multi-valued literals, flattened mls fields', () => {
    const env = new Environment('urn:provml:env:host-1');
    env.runtime = 'node v20.20.2';
    env.cpuCount = 8;
    env.packageVersion.push('n3@1.26.0', 'vitest@4.1.12');
    expect(Environment.fromQuads(env.toQuads(), env.iri)).toEqual(env);

    const run = new LearningProcessExecution('urn:provml:run-1');
    run.mlsExecutes.push('urn:provml:impl:tfjs-sequential');
    run.achieves.push('urn:provml:task:classification');
    run.executes = 'urn:provml:plan:workflow';
    expect(LearningProcessExecution.fromQuads(run.toQuads(G), run.iri)).toEqual(run);
  });

  test('special doubles and untyped values', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-300, 12]) {
      const e = new EpochExecution('urn:provml:e');
      e.durationMs = value;
      expect(EpochExecution.fromQuads(e.toQuads(), e.iri).durationMs).toBe(value);
    }
    const lexical = (v: number): string => {
      const e = new EpochExecution('urn:provml:e');
      e.durationMs = v;
      return objectOf(e.toQuads(), PROVML.durationMs).value;
    };
    expect([lexical(Number.NaN), lexical(Infinity), lexical(-Infinity)]).toEqual(['NaN', 'INF', '-INF']);
    for (const value of ['relu', 64, true, 0.001]) {
      const m = new ModelEvaluation('urn:provml:m');
      m.hasValue = value;
      expect(ModelEvaluation.fromQuads(m.toQuads(), m.iri).hasValue).toBe(value);
    }
  });

  test('survives N-Quads serialization', () => {
    const original = dataset();
    const text = new Writer({ format: 'N-Quads' }).quadsToString(original.toQuads(G));
    const parsed = new Parser({ format: 'N-Quads' }).parse(text);
    expect(LearningDatasetReferenceValue.fromQuads(parsed, original.iri)).toEqual(original);
  });
});

describe('the quads are what an RDF user expects', () => {
  test('one rdf:type (the class itself), then the set values, all in the named graph', () => {
    const quads = epoch().toQuads(G);
    expect(quads[0]!.predicate.value).toBe(RDF.type);
    expect(quads[0]!.object.value).toBe(PROVML.EpochExecution);
    expect(quads.filter((q) => q.predicate.value === RDF.type)).toHaveLength(1);
    expect(quads).toHaveLength(10); // type + 9 values (2 × used)
    for (const q of quads) {
      expect(q.graph.termType).toBe('NamedNode');
      expect(q.graph.value).toBe(G);
      expect(q.subject.value).toBe('urn:provml:run-1:epoch-3');
    }
    expect(epoch().toQuads()[0]!.graph.termType).toBe('DefaultGraph');
  });

  test('literal datatypes follow the ontology ranges', () => {
    const quads = epoch().toQuads(G);
    expect(datatypeOf(quads, PROVML.iterationIndex)).toBe(XSD.integer);
    expect(objectOf(quads, PROVML.iterationIndex).value).toBe('3');
    expect(datatypeOf(quads, PROV.startedAtTime)).toBe(XSD.dateTime);
    expect(objectOf(quads, PROV.startedAtTime).value).toBe('2024-05-01T10:00:00.000Z');
    expect(datatypeOf(quads, PROVML.durationMs)).toBe(XSD.double);
    expect(datatypeOf(quads, PROVML.status)).toBe(XSD.string);
    expect(objectOf(quads, PROVML.partOf).termType).toBe('NamedNode');

    const d = dataset().toQuads();
    expect(datatypeOf(d, PROVML.byteSize)).toBe(XSD.long);
    expect(objectOf(d, PROVML.byteSize).value).toBe('9007199254740991');
    expect(datatypeOf(d, PROVML.storageUrl)).toBe(XSD.anyURI);
    expect(datatypeOf(d, PROVML.checksum)).toBe(XSD.string);

    const m = evaluation().toQuads();
    expect(objectOf(m, MLS.hasValue)).toMatchObject({ termType: 'Literal', value: '0.9375' });
    expect(datatypeOf(m, MLS.hasValue)).toBe(XSD.double);
    expect(objectOf(m, PROVML.valueOf).value).toBe('urn:provml:measure:accuracy');
  });

  test('no blank node anywhere', () => {
    for (const r of [epoch(), evaluation(), dataset()]) {
      for (const q of r.toQuads(G)) for (const t of [q.subject, q.predicate, q.object, q.graph]) expect(t.termType).not.toBe('BlankNode');
    }
    expect(() => new EpochExecution('_:b0')).toThrow(/not an absolute IRI/);
    const e = new EpochExecution('urn:provml:e');
    e.partOf = '_:b1';
    expect(() => e.toQuads()).toThrow('urn:provml:e: EpochExecution.partOf (https://w3id.org/prov-ml#partOf): expected the IRI of a node');
  });

  test('static metadata: types, accepted types, registry', () => {
    expect(EpochExecution.classIri).toBe(PROVML.EpochExecution);
    expect(EpochExecution.types).toEqual([PROVML.EpochExecution, PROVML.IterationExecution, PROVML.DataTransformationExecution, PROV.Activity]);
    expect(LearningDatasetReferenceValue.types).toContain(MLS.Dataset);
    expect(LearningProcessExecution.types).toContain(MLS.Run);
    expect(IterationExecution.acceptedTypes).toEqual(expect.arrayContaining([PROVML.EpochExecution, PROVML.BatchExecution]));
    expect(CLASS_BY_IRI[PROVML.ModelEvaluation]).toBe(ModelEvaluation);
    expect(CLASS_BY_IRI[PROV.Activity]).toBe(Activity);
  });
});

describe('fromQuads reads strictly', () => {
  test('a superclass reads a subclass node; another subject or class is refused by name', () => {
    const quads = epoch().toQuads(G);
    const asIteration = IterationExecution.fromQuads(quads, 'urn:provml:run-1:epoch-3');
    expect(asIteration).toBeInstanceOf(IterationExecution);
    expect(asIteration.iterationIndex).toBe(3);
    expect(Activity.fromQuads(quads, 'urn:provml:run-1:epoch-3').partOf).toBe('urn:provml:run-1:training');
    expect(() => ModelEvaluation.fromQuads(quads, 'urn:provml:run-1:epoch-3')).toThrow(
      /^urn:provml:run-1:epoch-3: not a ModelEvaluation \(<https:\/\/w3id\.org\/prov-ml#ModelEvaluation> or a subclass\)/,
    );
    expect(() => EpochExecution.fromQuads(quads, 'urn:provml:nobody')).toThrow('urn:provml:nobody: not a EpochExecution');
  });

  test('wrong values are errors, duplicates across graphs are not', () => {
    const e = new EpochExecution('urn:provml:e');
    e.iterationIndex = 1.5;
    expect(() => e.toQuads()).toThrow(/EpochExecution\.iterationIndex .*expected an integer/);
    const good = epoch();
    const twice = [...good.toQuads(G), ...good.toQuads('urn:provml:graph:other')];
    expect(EpochExecution.fromQuads(twice, good.iri)).toEqual(good);
    const other = epoch();
    other.iterationIndex = 4;
    expect(() => EpochExecution.fromQuads([...good.toQuads(), ...other.toQuads()], good.iri)).toThrow(/iterationIndex .* single-valued/);
  });
});
