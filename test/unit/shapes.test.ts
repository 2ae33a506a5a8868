import { readFileSync } from 'node:fs';
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser, Store } from 'n3';
import { describe, expect, it } from 'vitest';
import { validateDataset, type ValidationReport } from '../../src/validate/index.js';

const { namedNode, literal, quad } = DataFactory;

const SHAPES_TTL = readFileSync(new URL('../../shapes/prov-ml.shapes.ttl', import.meta.url), 'utf8');
const FIXTURE_TTL = readFileSync(new URL('../fixtures/training-run.ttl', import.meta.url), 'utf8');

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const RDFS = 'http://www.w3.org/2000/01/rdf-schema#';
const SH = 'http://www.w3.org/ns/shacl#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const PROV = 'http://www.w3.org/ns/prov#';
const MLS = 'http://www.w3.org/ns/mls#';
const PROVML = 'https://w3id.org/prov-ml#';
const SHAPES = 'https://w3id.org/prov-ml/shapes#';
const RUN = 'urn:provml:run:mnist-2025-03-14:';
const PLAN = 'urn:provml:plan:mnist:';

const shapeQuads = new Parser().parse(SHAPES_TTL);
const fixture = new Parser().parse(FIXTURE_TTL);

const isBlank = (t: Term): boolean => t.termType === 'BlankNode';

/** Fixture quads minus those matching (s, p, o); undefined = wildcard. Each call must remove something. */
function without(s: string, p: string, o?: Term): Quad[] {
  const kept = fixture.filter(
    (q) => !(q.subject.value === s && q.predicate.value === p && (o === undefined || q.object.equals(o))),
  );
  expect(kept.length, `no triple ${s} ${p} in the fixture`).toBeLessThan(fixture.length);
  return kept;
}

/** Fixture with the single object of (s, p) replaced by `o`. */
function replaced(s: string, p: string, o: Quad['object']): Quad[] {
  const kept = without(s, p);
  expect(fixture.length - kept.length).toBe(1);
  return [...kept, quad(namedNode(s), namedNode(p), o)];
}

function withAdded(s: string, p: string, o: Quad['object']): Quad[] {
  return [...fixture, quad(namedNode(s), namedNode(p), o)];
}

interface Expected {
  focusNode: string;
  path?: string;
  message: string;
  sourceShape: string;
  constraint: string;
  value?: string;
}

/** The report has exactly one result, the expected one. */
function expectOnly(report: ValidationReport, e: Expected): void {
  expect(report.conforms).toBe(false);
  expect(report.results).toEqual([
    {
      severity: 'Violation',
      focusNode: e.focusNode,
      ...(e.path === undefined ? {} : { path: e.path }),
      ...(e.value === undefined ? {} : { value: e.value }),
      message: e.message,
      sourceShape: SHAPES + e.sourceShape,
      constraint: SH + e.constraint,
    },
  ]);
  expect(report.countsByShape).toEqual({ [SHAPES + e.sourceShape]: 1 });
}

describe('shapes/prov-ml.shapes.ttl', () => {
  it('parses, uses IRIs and labels for every shape, a message on every named property shape, SHACL Core only', () => {
    const store = new Store(shapeQuads);
    const typed = (cls: string) => store.getSubjects(namedNode(RDF + 'type'), namedNode(SH + cls), null);
    const nodeShapes = typed('NodeShape');
    const propertyShapes = typed('PropertyShape');
    expect(nodeShapes.length).toBeGreaterThan(10);
    expect(propertyShapes.length).toBeGreaterThan(30);
    for (const s of [...nodeShapes, ...propertyShapes]) {
      expect(s.termType, `shape ${s.value}`).toBe('NamedNode');
      expect(store.getObjects(s, namedNode(RDFS + 'label'), null), `label of ${s.value}`).toHaveLength(1);
    }
    for (const s of propertyShapes) {
      expect(store.getObjects(s, namedNode(SH + 'message'), null), `message of ${s.value}`).toHaveLength(1);
    }
    // every shape reached by sh:property from a targeted shape is a named, messaged property shape
    for (const target of store.getSubjects(namedNode(SH + 'targetClass'), null, null)) {
      for (const p of store.getObjects(target, namedNode(SH + 'property'), null)) {
        expect(propertyShapes.some((s) => s.equals(p)), `${p.value} of ${target.value}`).toBe(true);
      }
    }
    expect(store.getQuads(null, namedNode(SH + 'sparql'), null, null)).toHaveLength(0);
    expect(store.getQuads(null, namedNode(SH + 'closed'), literal('true', namedNode(XSD + 'boolean')), null)).toHaveLength(0);
  });
});

describe('test/fixtures/training-run.ttl', () => {
  it('has no blank nodes', () => {
    expect(fixture.length).toBeGreaterThan(100);
    expect(fixture.filter((q) => isBlank(q.subject) || isBlank(q.object) || isBlank(q.graph))).toEqual([]);
  });

  it('conforms to the shapes (quad array, n3 Store, shapes given as Turtle text)', async () => {
    expect(await validateDataset(fixture)).toEqual({ conforms: true, results: [], countsByShape: {} });
    expect((await validateDataset(new Store(fixture))).conforms).toBe(true);
    expect((await validateDataset(fixture, { shapes: SHAPES_TTL })).conforms).toBe(true);
  });
});

describe('validateDataset on broken variants of the fixture (one fault each)', () => {
  const p = (local: string) => PROVML + local;

  it('learning stage execution that uses no learning dataset', async () => {
    expectOnly(await validateDataset(without(RUN + 'train', PROV + 'used', namedNode(RUN + 'train-data'))), {
      focusNode: RUN + 'train',
      path: 'prov:used',
      message: 'A learning stage execution must use at least one learning dataset reference value (prov:used)',
      sourceShape: 'LearningStageExecutionUsedDatasetShape',
      constraint: 'QualifiedMinCountConstraintComponent',
    });
  });

  it('learning stage execution not linked to its stage', async () => {
    expectOnly(await validateDataset(without(RUN + 'train', p('executes'))), {
      focusNode: RUN + 'train',
      path: 'provml:executes',
      message:
        'An execution must execute exactly one plan (provml:executes): its workflow, data transformation or learning stage',
      sourceShape: 'ExecutionExecutesShape',
      constraint: 'MinCountConstraintComponent',
    });
  });

  it('learning stage execution that executes something other than a learning stage', async () => {
    expectOnly(await validateDataset(replaced(RUN + 'train', p('executes'), namedNode(PLAN + 'prepare-data'))), {
      focusNode: RUN + 'train',
      path: 'provml:executes',
      value: PLAN + 'prepare-data',
      message: 'A learning stage execution must execute (provml:executes) a provml:LearningStage',
      sourceShape: 'LearningStageExecutionExecutesShape',
      constraint: 'ClassConstraintComponent',
    });
  });

  it('learning stage with a stage type outside Training/Validation/Testing', async () => {
    expectOnly(await validateDataset(replaced(PLAN + 'train', p('hasStageType'), namedNode(p('Tuning')))), {
      focusNode: PLAN + 'train',
      path: 'provml:hasStageType',
      value: p('Tuning'),
      message:
        'A learning stage must have exactly one stage type (provml:hasStageType): provml:Training, provml:Validation or provml:Testing',
      sourceShape: 'LearningStageTypeShape',
      constraint: 'InConstraintComponent',
    });
  });

  const modelNotFromStage = {
    focusNode: RUN + 'model',
    path: 'prov:wasGeneratedBy/provml:partOf*',
    message:
      'A model reference value must be generated (prov:wasGeneratedBy) by a learning stage execution or by an iteration that is part of (provml:partOf) one',
    sourceShape: 'ModelGeneratedByStageShape',
    constraint: 'QualifiedMinCountConstraintComponent',
  };

  it('model reference value without a generating execution', async () => {
    expectOnly(await validateDataset(without(RUN + 'model', PROV + 'wasGeneratedBy')), modelNotFromStage);
  });

  it('model reference value generated outside any learning stage execution', async () => {
    const data = replaced(RUN + 'model', PROV + 'wasGeneratedBy', namedNode(RUN + 'prepare-data'));
    expectOnly(await validateDataset(data), modelNotFromStage);
  });

  it('accepts a model generated directly by the stage execution or by a batch (two partOf hops)', async () => {
    for (const by of ['train', 'epoch-1-batch-1']) {
      const data = replaced(RUN + 'model', PROV + 'wasGeneratedBy', namedNode(RUN + by));
      expect((await validateDataset(data)).results, by).toEqual([]);
    }
  });

  const evaluationValue = {
    focusNode: RUN + 'epoch-1-loss',
    path: 'mls:hasValue',
    message:
      'A model evaluation must have exactly one numeric value (mls:hasValue as xsd:double, xsd:decimal, xsd:integer or xsd:float)',
    sourceShape: 'ModelEvaluationValueShape',
  };

  it('model evaluation with two values', async () => {
    const data = withAdded(RUN + 'epoch-1-loss', MLS + 'hasValue', literal('0.2', namedNode(XSD + 'double')));
    expectOnly(await validateDataset(data), { ...evaluationValue, constraint: 'MaxCountConstraintComponent' });
  });

  it('model evaluation with a non-numeric value', async () => {
    const data = replaced(RUN + 'epoch-1-loss', MLS + 'hasValue', literal('low'));
    expectOnly(await validateDataset(data), { ...evaluationValue, value: 'low', constraint: 'OrConstraintComponent' });
  });

  it('model evaluation without a measure', async () => {
    expectOnly(await validateDataset(without(RUN + 'epoch-0-loss', p('valueOf'))), {
      focusNode: RUN + 'epoch-0-loss',
      path: 'provml:valueOf',
      message: 'A model evaluation must be the value of (provml:valueOf) exactly one provml:EvaluationMeasure',
      sourceShape: 'ModelEvaluationMeasureShape',
      constraint: 'MinCountConstraintComponent',
    });
  });

  it('execution that ends before it starts', async () => {
    const end = literal('2025-03-14T09:01:00.000Z', namedNode(XSD + 'dateTime'));
    expectOnly(await validateDataset(replaced(RUN + 'epoch-0-batch-1', PROV + 'endedAtTime', end)), {
      focusNode: RUN + 'epoch-0-batch-1',
      path: 'prov:startedAtTime',
      value: '2025-03-14T09:01:38.260Z',
      message: 'An execution must not start (prov:startedAtTime) after it ended (prov:endedAtTime)',
      sourceShape: 'ExecutionStartBeforeEndShape',
      constraint: 'LessThanOrEqualsConstraintComponent',
    });
  });

  it('completed execution without an end time', async () => {
    expectOnly(await validateDataset(without(RUN + 'prepare-data', PROV + 'endedAtTime')), {
      focusNode: RUN + 'prepare-data',
      value: RUN + 'prepare-data',
      message: 'A completed or failed execution (provml:status) must have an end time (prov:endedAtTime)',
      sourceShape: 'FinishedExecutionShape',
      constraint: 'OrConstraintComponent',
    });
  });

  it('accepts a running execution without an end time', async () => {
    const running = replaced(RUN + 'prepare-data', p('status'), literal('running'));
    const data = running.filter((q) => !(q.subject.value === RUN + 'prepare-data' && q.predicate.value === PROV + 'endedAtTime'));
    expect((await validateDataset(data)).results).toEqual([]);
  });

  it('execution with an unknown status', async () => {
    expectOnly(await validateDataset(replaced(RUN + 'epoch-0', p('status'), literal('done'))), {
      focusNode: RUN + 'epoch-0',
      path: 'provml:status',
      value: 'done',
      message: 'An execution may have at most one status (provml:status), one of "running", "completed" or "failed"',
      sourceShape: 'ExecutionStatusShape',
      constraint: 'InConstraintComponent',
    });
  });

  it('batch without an iteration index', async () => {
    expectOnly(await validateDataset(without(RUN + 'epoch-1-batch-0', p('iterationIndex'))), {
      focusNode: RUN + 'epoch-1-batch-0',
      path: 'provml:iterationIndex',
      message:
        'An iteration (epoch or batch) execution must have exactly one iteration index (provml:iterationIndex), a non-negative xsd:integer',
      sourceShape: 'IterationIndexShape',
      constraint: 'MinCountConstraintComponent',
    });
  });

  for (const [what, checksum] of [
    ['uppercase', '9B74C9897BAC770FFC029102A200C5DE'],
    ['non-hex', 'not-a-hash'],
  ] as const) {
    it(`dataset checksum that is ${what}`, async () => {
      expectOnly(await validateDataset(replaced(RUN + 'train-data', p('checksum'), literal(checksum))), {
        focusNode: RUN + 'train-data',
        path: 'provml:checksum',
        value: checksum,
        message:
          'A data reference value may have at most one checksum (provml:checksum), a lowercase hexadecimal string',
        sourceShape: 'ChecksumShape',
        constraint: 'PatternConstraintComponent',
      });
    });
  }

  it('workflow execution associated with a non-persona agent', async () => {
    const data = replaced(RUN + 'workflow-execution', PROV + 'wasAssociatedWith', namedNode(RUN + 'environment'));
    expectOnly(await validateDataset(data), {
      focusNode: RUN + 'workflow-execution',
      path: 'prov:wasAssociatedWith',
      value: RUN + 'environment',
      message: "A workflow execution's agents (prov:wasAssociatedWith) must be provml:Persona nodes",
      sourceShape: 'WorkflowExecutionAgentShape',
      constraint: 'ClassConstraintComponent',
    });
  });
});
