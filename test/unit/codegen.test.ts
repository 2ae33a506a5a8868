/**
 * The code generator on a small fixture ontology (test/fixtures/codegen/fixture.ttl + shapes),
 * importing the real PROV-O and ML Schema copies: IR, naming, multiplicity, emitted text, a
 * round trip through the classes it generates, determinism, and the errors it reports.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { diffOutput } from '../../codegen/cli.js';
import { generate } from '../../codegen/emit.js';
import { CodegenError } from '../../codegen/errors.js';
import type { IR, IRClass, IRField } from '../../codegen/ir.js';
import { loadTurtle } from '../../codegen/load.js';
import { buildModel } from '../../codegen/model.js';

const root = resolve(import.meta.dirname, '../..');
const FIX = 'test/fixtures/codegen';
const P = 'https://w3id.org/prov-ml#';
const PROV = 'http://www.w3.org/ns/prov#';
const MLS = 'http://www.w3.org/ns/mls#';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const IMPORTS = ['ontology/imports/prov-o.ttl', 'ontology/imports/MLSchema.ttl'];

const fixture = (): ReturnType<typeof generate> =>
  generate({ root, ontology: `${FIX}/fixture.ttl`, imports: IMPORTS, shapes: `${FIX}/fixture.shapes.ttl`, outDir: 'tmp/codegen-fixture' });
const result = fixture();
const ir: IR = result.ir;
const cls = (iri: string): IRClass => {
  const c = ir.classes.find((x) => x.iri === iri);
  if (c === undefined) throw new Error(`no class ${iri}`);
  return c;
};
const field = (classIri: string, name: string): IRField => {
  const f = cls(classIri).fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no field ${name} on ${classIri}`);
  return f;
};

/** Builds the model of an inline main ontology (same prefixes as the fixture), returning the error. */
function errorOf(body: string, file = 'ontology/prov-ml.ttl'): CodegenError {
  const text = `@prefix provml: <${P}> . @prefix prov: <${PROV}> . @prefix mls: <${MLS}> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <${XSD}> .
<https://w3id.org/prov-ml> a owl:Ontology .
${body}`;
  try {
    buildModel({ main: loadTurtle(file, { text }), imports: IMPORTS.map((f) => loadTurtle(f, { root })) });
  } catch (error) {
    expect(error).toBeInstanceOf(CodegenError);
    return error as CodegenError;
  }
  throw new Error('expected a CodegenError');
}

describe('intermediate model', () => {
  test('ontology header and namespaces', () => {
    expect(ir.ontology).toMatchObject({
      iri: 'https://w3id.org/prov-ml',
      versionIri: 'https://w3id.org/prov-ml/0.0.1-fixture',
      versionInfo: '0.0.1-fixture',
      title: 'Codegen fixture',
      license: 'https://www.apache.org/licenses/LICENSE-2.0',
      imports: ['http://www.w3.org/ns/mls#', 'http://www.w3.org/ns/prov-o#'],
      namespace: P,
      file: `${FIX}/fixture.ttl`,
    });
    expect(ir.namespaces).toContainEqual({ prefix: 'provml', iri: P });
    expect(ir.namespaces.map((n) => n.prefix)).toEqual([...ir.namespaces.map((n) => n.prefix)].sort());
  });

  test('terms are sorted by IRI and scoped to provml/prov/mls', () => {
    for (const list of [ir.classes, ir.properties, ir.individuals]) {
      const iris = list.map((t) => t.iri);
      expect(iris).toEqual([...iris].sort());
      for (const iri of iris) expect(iri.startsWith(P) || iri.startsWith(PROV) || iri.startsWith(MLS)).toBe(true);
    }
  });

  test('class hierarchy: direct and transitive superclasses, equivalents, primary super', () => {
    const step = cls(`${P}StepExecution`);
    expect(step).toMatchObject({ localName: 'StepExecution', prefix: 'provml', label: 'Step execution', provenanceKind: 'retrospective' });
    expect(step.superClasses.direct).toEqual([`${P}Execution`]);
    expect(step.superClasses.all).toEqual([`${PROV}Activity`, `${P}Execution`]); // sorted by IRI
    expect(step.primarySuper).toBe(`${P}Execution`);
    expect(cls(`${P}Execution`).primarySuper).toBe(`${PROV}Activity`);
    expect(cls(`${PROV}Activity`)).toMatchObject({ generated: true, tsName: 'Activity', primarySuper: null, provenanceKind: null });
    expect(cls(`${PROV}Plan`).primarySuper).toBe(`${PROV}Entity`);
    expect(cls(`${MLS}Run`).generated).toBe(false);
    expect(cls(`${P}MlRun`).equivalentClasses).toEqual([`${MLS}Run`]);
    expect(cls(`${MLS}Run`).equivalentClasses).toEqual([`${P}MlRun`]);
    expect(cls(`${P}Execution`).subClasses.direct).toEqual([`${P}MlRun`, `${P}StepExecution`]);
  });

  test('only provml classes and the PROV classes they extend are generated', () => {
    const generated = ir.classes.filter((c) => c.generated).map((c) => c.tsName).sort();
    expect(generated).toEqual(
      ['Activity', 'Agent', 'AttributeValue', 'Entity', 'Execution', 'MlRun', 'Operator', 'Plan', 'Recipe', 'Score', 'Speed', 'StepExecution', 'Tool'].sort(),
    );
  });

  test('mls parents: listed in types, never the TypeScript parent, their properties flattened in', () => {
    const score = cls(`${P}Score`);
    expect(score.primarySuper).toBe(`${P}AttributeValue`);
    expect(score.types).toEqual([`${P}Score`, `${P}AttributeValue`, `${PROV}Entity`, `${MLS}ModelEvaluation`, `${MLS}InformationEntity`]);
    expect(field(`${P}Score`, 'implements')).toMatchObject({ property: `${MLS}implements`, origin: 'flattened', via: `${MLS}ModelEvaluation` });
    // acceptedTypes go down the hierarchy, through equivalences.
    expect(cls(`${PROV}Activity`).acceptedTypes).toEqual(
      expect.arrayContaining([`${PROV}Activity`, `${P}Execution`, `${P}MlRun`, `${P}StepExecution`, `${MLS}Run`]),
    );
  });

  test('properties: kind, domain, range, functional, transitive, inverse', () => {
    const prop = (iri: string) => ir.properties.find((p) => p.iri === iri)!;
    expect(prop(`${P}stepIndex`)).toMatchObject({ kind: 'datatype', domain: [`${P}StepExecution`], range: [`${XSD}integer`], functional: true, transitive: false });
    expect(prop(`${P}partOf`)).toMatchObject({ kind: 'object', transitive: true, functional: false });
    expect(prop(`${P}follows`).inverseOf).toBe(`${P}precedes`);
    expect(prop(`${P}precedes`).inverseOf).toBe(`${P}follows`);
    expect(prop(`${P}provenanceKind`).kind).toBe('annotation');
    // union domains are expanded; an annotation+object property (prov:specializationOf) is an object property
    expect(prop(`${PROV}wasInfluencedBy`).domain).toEqual([`${PROV}Activity`, `${PROV}Agent`, `${PROV}Entity`]);
    expect(prop(`${PROV}specializationOf`).kind).toBe('object');
  });

  test('individuals', () => {
    expect(ir.individuals).toEqual([
      { iri: `${P}Fast`, localName: 'Fast', prefix: 'provml', label: 'Fast', comment: 'The fast speed.', definedIn: `${FIX}/fixture.ttl`, types: [`${P}Speed`] },
    ]);
  });
});

describe('fields and multiplicity', () => {
  test('functional property → single-valued, typed from its range', () => {
    expect(field(`${P}StepExecution`, 'stepIndex')).toMatchObject({ single: true, tsType: 'number', datatype: `${XSD}integer`, valueKind: 'literal', origin: 'domain' });
    expect(field(`${P}Score`, 'weight')).toMatchObject({ single: true, tsType: 'number', datatype: `${XSD}decimal` });
    expect(field(`${P}Tool`, 'flag')).toMatchObject({ single: true, tsType: 'boolean', required: true });
    expect(field(`${PROV}Entity`, 'recordedAt')).toMatchObject({ single: true, tsType: 'Date' });
    expect(field(`${PROV}Activity`, 'executes')).toMatchObject({ single: true, tsType: 'string', valueKind: 'iri', datatype: null, range: [`${PROV}Plan`] });
  });

  test('OWL restriction maxCardinality 1 → single-valued; minCardinality → required', () => {
    expect(field(`${P}Tool`, 'toolVersion')).toMatchObject({ single: true, required: false });
    expect(cls(`${P}Tool`).constraints).toEqual([
      { property: `${P}flag`, minCount: 1, maxCount: null, sources: ['owl'] },
      { property: `${P}toolVersion`, minCount: null, maxCount: 1, sources: ['owl'] },
    ]);
  });

  test('SHACL maxCount 1: on the declaring class, or on every provml heir', () => {
    expect(field(`${P}StepExecution`, 'follows').single).toBe(true);
    expect(field(`${P}StepExecution`, 'precedes').single).toBe(false);
    expect(field(`${PROV}Activity`, 'startedAtTime')).toMatchObject({ single: true, required: true });
    expect(field(`${PROV}Activity`, 'endedAtTime').single).toBe(false); // only StepExecution says max 1
    expect(field(`${PROV}Activity`, 'partOf').single).toBe(false);
  });

  test('domain-less provml properties land on every root class', () => {
    for (const root of ['Entity', 'Activity', 'Agent']) expect(field(`${PROV}${root}`, 'tag').single).toBe(false);
    expect(cls(`${PROV}Plan`).fields).toEqual([]); // inherits from Entity
  });

  test('mls:hasValue is mapped onto provml:AttributeValue as a single untyped literal', () => {
    expect(field(`${P}AttributeValue`, 'hasValue')).toMatchObject({
      property: `${MLS}hasValue`, single: true, tsType: 'string | number | boolean', datatype: null, origin: 'mapping',
    });
  });

  test('name clashes get the namespace prefix (mls:executes next to provml:executes)', () => {
    expect(field(`${P}MlRun`, 'mlsExecutes')).toMatchObject({ property: `${MLS}executes`, origin: 'flattened', via: `${MLS}Run` });
    expect(cls(`${P}MlRun`).fields.map((f) => f.name)).toEqual(['achieves', 'hasInput', 'hasOutput', 'mlsExecutes', 'realizes']);
  });
});

describe('emitted files', () => {
  const files = result.files;
  test('file set, header, formatting', () => {
    expect([...files.keys()]).toContain('vocab.ts');
    expect([...files.keys()]).toContain('model.json');
    expect([...files.keys()]).toContain('classes/index.ts');
    expect([...files.keys()]).toContain('classes/StepExecution.ts');
    for (const [path, content] of files) {
      expect(content.endsWith('\n')).toBe(true);
      if (path.endsWith('.ts')) {
        expect(content.startsWith(`// Code generated by provml codegen from ${FIX}/fixture.ttl. DO NOT EDIT.\n`)).toBe(true);
        expect(content).not.toMatch(/\t/);
        expect(content).not.toMatch(/^import .*"/m); // single quotes
      }
    }
    expect(JSON.parse(files.get('model.json')!)).toEqual(ir);
  });

  test('vocab: provml, every PROV-O and ML Schema term, namespaces, term types', () => {
    const vocab = files.get('vocab.ts')!;
    expect(vocab).toContain(`  StepExecution: '${P}StepExecution',`);
    expect(vocab).toContain(`  Fast: '${P}Fast',`);
    expect(vocab).toContain(`  startedAtTime: '${PROV}startedAtTime',`);
    expect(vocab).toContain(`  hasValue: '${MLS}hasValue',`);
    expect(vocab).toContain(`  integer: '${XSD}integer',`);
    expect(vocab).toContain("  type: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type',");
    expect(vocab).toContain(`export const PROVML_NS = '${P}';`);
    expect(vocab).toContain('export type ProvmlTerm = (typeof PROVML)[keyof typeof PROVML];');
    expect(vocab).toMatch(/\/\*\* Step execution \(class\) — One numbered step of an execution\. \*\/\n  StepExecution:/);
    const provTerms = ir.classes.concat(ir.properties as never[]).filter((t) => t.prefix === 'prov');
    expect(provTerms.length).toBeGreaterThan(80);
    for (const t of provTerms) expect(vocab).toContain(`'${t.iri}'`);
    expect(vocab.match(/@example/g)!.length).toBeGreaterThanOrEqual(7);
  });

  test('class file: parent import, static tables, typed fields, TSDoc with example', () => {
    const step = files.get('classes/StepExecution.ts')!;
    expect(step).toContain("import { Execution } from './Execution.js';");
    expect(step).toContain("from '../../../src/rdf/resource.js';");
    expect(step).toContain('export class StepExecution extends Execution {');
    expect(step).toContain('static override readonly classIri: string = PROVML.StepExecution;');
    expect(step).toContain("{ field: 'stepIndex', iri: PROVML.stepIndex, kind: 'literal', datatype: XSD.integer, single: true },");
    expect(step).toContain('  stepIndex?: number;');
    expect(step).toContain('  precedes: string[] = [];');
    expect(step).toContain('  follows?: string;');
    expect(step).toContain('retrospective provenance');
    expect(step).toMatch(/@example\n \* ```ts\n \* import \{ StepExecution \} from 'provml\/model';/);
    expect(files.get('classes/Activity.ts')).toContain('export class Activity extends Resource {');
    expect(files.get('classes/AttributeValue.ts')).toContain('  hasValue?: string | number | boolean;');
    expect(files.get('classes/Entity.ts')).toContain('  value: (string | number | boolean)[] = [];');
  });

  test('the output is deterministic', () => {
    const again = fixture();
    expect([...again.files.keys()]).toEqual([...files.keys()]);
    for (const [path, content] of files) expect(again.files.get(path)).toBe(content);
  });
});

describe('generated fixture classes run', () => {
  test('write, import, round trip, check mode sees no diff', async () => {
    const out = join(root, result.outDir);
    rmSync(out, { recursive: true, force: true });
    for (const [path, content] of result.files) {
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), content);
    }
    expect(diffOutput(out, result.files)).toEqual({ changed: [], missing: [], stale: [] });
    writeFileSync(join(out, 'classes/Stale.ts'), '// old\n');
    writeFileSync(join(out, 'vocab.ts'), '// edited\n');
    expect(diffOutput(out, result.files)).toEqual({ changed: ['vocab.ts'], missing: [], stale: ['classes/Stale.ts'] });
    rmSync(join(out, 'classes/Stale.ts'));
    writeFileSync(join(out, 'vocab.ts'), result.files.get('vocab.ts')!);

    const mod = await import(pathToFileURL(join(out, 'classes/index.ts')).href);
    const step = new mod.StepExecution('urn:x:step-2');
    step.stepIndex = 2;
    step.startedAtTime = new Date('2024-05-01T10:00:00.123Z');
    step.follows = 'urn:x:step-1';
    step.precedes.push('urn:x:step-3', 'urn:x:step-4');
    step.tag.push('a', 'b');
    step.executes = 'urn:x:recipe';
    const quads = step.toQuads('urn:x:graph');
    expect(quads[0]!.object.value).toBe(`${P}StepExecution`);
    expect(mod.StepExecution.fromQuads(quads, 'urn:x:step-2')).toEqual(step);
    expect(mod.CLASS_BY_IRI[`${P}StepExecution`]).toBe(mod.StepExecution);
    // a superclass reads a subclass node
    expect(mod.Activity.fromQuads(quads, 'urn:x:step-2').startedAtTime).toEqual(step.startedAtTime);

    const score = new mod.Score('urn:x:score');
    score.hasValue = 0.25;
    score.weight = 1.5;
    score.implements.push('urn:x:spec');
    const back = mod.Score.fromQuads(score.toQuads(), 'urn:x:score');
    expect(back).toEqual(score);
    expect(back).toBeInstanceOf(mod.AttributeValue);
  });
});

describe('errors name the file, the IRI and the line', () => {
  test('a provml term used but never declared', () => {
    expect(() =>
      buildModel({ main: loadTurtle(`${FIX}/undeclared.ttl`, { root }), imports: IMPORTS.map((f) => loadTurtle(f, { root })) }),
    ).toThrow(new CodegenError(`${FIX}/undeclared.ttl`, `${P}Recipie`, 'used as rdfs:range but never declared', 13));
    expect(() =>
      buildModel({ main: loadTurtle(`${FIX}/undeclared.ttl`, { root }), imports: [] }),
    ).toThrow(`${FIX}/undeclared.ttl: ${P}Recipie: used as rdfs:range but never declared (line 13)`);
  });

  test('a Turtle syntax error', () => {
    expect(() => loadTurtle(`${FIX}/broken.ttl`, { root })).toThrow(/^test\/fixtures\/codegen\/broken\.ttl:9: Turtle syntax error: Expected entity but got \./);
    try {
      loadTurtle(`${FIX}/broken.ttl`, { root });
    } catch (error) {
      expect(error).toMatchObject({ name: 'CodegenError', file: `${FIX}/broken.ttl`, line: 9, iri: null });
    }
  });

  test('two English labels', () => {
    const e = errorOf('provml:X a owl:Class ;\n rdfs:subClassOf prov:Entity ;\n rdfs:label "X"@en , "Ex"@en .');
    expect(e.message).toBe(`ontology/prov-ml.ttl: ${P}X: has 2 rdfs:label@en; keep exactly one per language (line 5)`);
  });

  test('unknown range, wrong range kind, unknown superclass', () => {
    expect(errorOf('provml:p a owl:ObjectProperty ; rdfs:range prov:Entiti .').message).toMatch(
      /^ontology\/prov-ml\.ttl: https:\/\/w3id\.org\/prov-ml#p: rdfs:range prov:Entiti is unknown/,
    );
    expect(errorOf('provml:p a owl:DatatypeProperty ; rdfs:range xsd:strnig .').message).toContain('rdfs:range xsd:strnig is unknown');
    expect(errorOf('provml:p a owl:DatatypeProperty ; rdfs:range prov:Entity .').message).toContain('datatype property with class range prov:Entity');
    expect(errorOf('provml:X a owl:Class ; rdfs:subClassOf prov:Entitty .').message).toBe(
      `ontology/prov-ml.ttl: ${P}X: rdfs:subClassOf prov:Entitty, which is not a declared class (line 5)`,
    );
  });

  test('redefining an imported term, Entity+Activity, bad provenanceKind', () => {
    expect(errorOf('prov:Entity rdfs:subClassOf mls:Data .').message).toContain(`${PROV}Entity: imported term re-axiomatized with rdfs:subClassOf`);
    expect(errorOf('provml:X a owl:Class ; rdfs:subClassOf prov:Entity , prov:Activity .').message).toContain('is both a prov:Entity and a prov:Activity');
    expect(errorOf('provml:provenanceKind a owl:AnnotationProperty .\nprovml:X a owl:Class ; provml:provenanceKind "maybe" .').message).toContain(
      'provml:provenanceKind must be one of',
    );
  });
});
