import { readFileSync } from 'node:fs';
import type { Quad } from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { compareSpecial } from '../../../src/validate/numeric.js';
import { validateDataset } from '../../../src/validate/index.js';

const { namedNode, literal, quad } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const SH = 'http://www.w3.org/ns/shacl#';
const P = 'urn:test:p';

/** A shape on `urn:test:p` of every `urn:test:node` with one range constraint. */
function shape(constraint: string, bound: string): string {
  return `@prefix sh: <${SH}> . @prefix xsd: <${XSD}> .
<urn:test:shape> a sh:NodeShape ; sh:targetNode <urn:test:node> ;
  sh:property [ sh:path <${P}> ; sh:${constraint} ${bound} ] .`;
}

function data(lexical: string, datatype = 'double'): Quad[] {
  return [quad(namedNode('urn:test:node'), namedNode(P), literal(lexical, namedNode(XSD + datatype)))];
}

const CONSTRAINTS = {
  minInclusive: (x: number, b: number) => x >= b,
  minExclusive: (x: number, b: number) => x > b,
  maxInclusive: (x: number, b: number) => x <= b,
  maxExclusive: (x: number, b: number) => x < b,
} as const;
const VALUES: [lexical: string, value: number][] = [
  ['INF', Infinity],
  ['+INF', Infinity],
  ['-INF', -Infinity],
  ['NaN', NaN],
  ['0', 0],
  ['2.5', 2.5],
  ['-2.5', -2.5],
];
const BOUNDS: [turtle: string, value: number][] = [
  ['0', 0],
  ['"0"^^xsd:double', 0],
  ['"INF"^^xsd:double', Infinity],
  ['"-INF"^^xsd:double', -Infinity],
  ['"NaN"^^xsd:double', NaN],
];

describe('special doubles (INF, -INF, NaN) against range constraints', () => {
  // IEEE 754 comparisons, as JavaScript makes them: NaN compares false to everything, so it
  // violates every range constraint (SHACL: the constraint holds only if the comparison is true).
  for (const [name, holds] of Object.entries(CONSTRAINTS)) {
    it(`sh:${name}: every value against every bound, as IEEE 754 compares them`, async () => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const datatype of ['double', 'float']) {
        for (const [lexical, x] of VALUES) {
          for (const [bound, b] of BOUNDS) {
            const report = await validateDataset(data(lexical, datatype), { shapes: shape(name, bound) });
            outcomes.push(`"${lexical}"^^xsd:${datatype} ${name} ${bound}: ${report.conforms}`);
            expected.push(`"${lexical}"^^xsd:${datatype} ${name} ${bound}: ${holds(x, b)}`);
          }
        }
      }
      expect(outcomes).toEqual(expected);
    });
  }

  it('a violation by a special value reads exactly like shacl-engine’s own (component, message, value)', async () => {
    const [nan] = (await validateDataset(data('NaN'), { shapes: shape('minInclusive', '0') })).results;
    const [minus] = (await validateDataset(data('-5'), { shapes: shape('minInclusive', '0') })).results;
    expect(nan).toEqual({ ...minus, value: 'NaN' });
    expect(minus).toMatchObject({
      constraint: `${SH}MinInclusiveConstraintComponent`,
      message: expect.stringMatching(/^Value is not greater than or equal to .*0/),
      focusNode: 'urn:test:node',
      path: `<${P}>`,
    });
  });

  it('ordinary comparisons are untouched (integers, decimals, dateTimes, an ill-typed double)', async () => {
    const cases: [Quad[], string, string, boolean][] = [
      [data('3', 'integer'), 'minInclusive', '3', true],
      [data('2.99', 'decimal'), 'minInclusive', '3', false],
      [data('2025-01-01T00:00:00Z', 'dateTime'), 'minInclusive', '"2024-01-01T00:00:00Z"^^xsd:dateTime', true],
      [data('2023-01-01T00:00:00Z', 'dateTime'), 'minInclusive', '"2024-01-01T00:00:00Z"^^xsd:dateTime', false],
      [data('abc'), 'minInclusive', '0', false],
    ];
    for (const [quads, constraint, bound, conforms] of cases) {
      expect((await validateDataset(quads, { shapes: shape(constraint, bound) })).conforms, `${quads[0]!.object.value} ${constraint} ${bound}`).toBe(conforms);
    }
  });

  it('the packaged shapes accept an INF duration (provml writes INF for infinite values) and reject a NaN one', async () => {
    const fixture = new Parser().parse(readFileSync(new URL('../../fixtures/training-run.ttl', import.meta.url), 'utf8'));
    const DURATION = 'https://w3id.org/prov-ml#durationMs';
    const first = fixture.find((q) => q.predicate.value === DURATION)!;
    const withDuration = (lexical: string) => fixture.map((q) => (q === first ? quad(q.subject, q.predicate, literal(lexical, namedNode(`${XSD}double`)), q.graph) : q));
    expect((await validateDataset(fixture)).conforms).toBe(true);
    expect((await validateDataset(withDuration('INF'))).results).toEqual([]);
    const nan = (await validateDataset(withDuration('NaN'))).results;
    expect(nan).toHaveLength(1);
    expect(nan[0]).toMatchObject({ focusNode: first.subject.value, value: 'NaN', constraint: `${SH}MinInclusiveConstraintComponent` });
    expect((await validateDataset(withDuration('-INF'))).results).toHaveLength(1);
  });

  it('compareSpecial decides only when a special double meets a number', () => {
    const d = (v: string, t = 'double') => literal(v, namedNode(XSD + t));
    expect(compareSpecial(d('INF'), d('0', 'integer'))).toBe(1);
    expect(compareSpecial(d('-INF', 'float'), d('-1e308'))).toBe(-1);
    expect(compareSpecial(d('INF'), d('INF'))).toBe(0);
    expect(compareSpecial(d('NaN'), d('NaN'))).toBeNaN();
    expect(compareSpecial(d('1'), d('0', 'integer'))).toBeUndefined();
    expect(compareSpecial(d('INF'), literal('x'))).toBeUndefined();
    expect(compareSpecial(d('INF', 'string'), d('0'))).toBeUndefined();
  });
});
