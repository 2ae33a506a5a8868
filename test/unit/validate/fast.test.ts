/**
 * The SHACL Core fast path (fast.ts) gives shacl-engine's answers: every result, message, value
 * and severity equal to those of the engine alone, on provml's shapes with many kinds of broken
 * data, and on the W3C suite's shapes and data.
 */
import { readFileSync } from 'node:fs';
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { runCore } from '../../../src/validate/core.js';
import { IndexedDataset } from '../../../src/validate/dataset.js';
import { toValidationResult } from '../../../src/validate/results.js';
import { compileShapes, packagedShapesPath, type CompiledShapes } from '../../../src/validate/shapes.js';
import { loadSuite } from '../../w3c/suite.js';

const { namedNode, literal, quad } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/prov-ml#';
const packaged = new Parser().parse(readFileSync(packagedShapesPath(), 'utf8'));
const fixture = new Parser().parse(readFileSync(new URL('../../fixtures/training-run.ttl', import.meta.url), 'utf8'));

async function results(compiled: CompiledShapes, quads: readonly Quad[]): Promise<string[]> {
  const data = new IndexedDataset();
  for (const q of quads) data.add(q);
  const out = await runCore(compiled, data, { chunkSize: 7 });
  const term = (t: Term | undefined) => t && `${t.termType}:${t.value}${t.termType === 'Literal' ? `@${t.language}^^${t.datatype.value}` : ''}`;
  return out.map((r) => JSON.stringify({ ...toValidationResult(r), value: term(r.value), messages: r.messages.map(term) })).sort();
}

/** Broken variants of the fixture: one mutation each, touching every kind of constraint. */
function mutations(): Quad[][] {
  const out: Quad[][] = [];
  const by = (p: string) => fixture.filter((q) => q.predicate.value === p);
  const replace = (target: Quad, object: Quad['object']) => fixture.map((q) => (q === target ? quad(q.subject, q.predicate, object) : q));
  for (const p of new Set(fixture.map((q) => q.predicate.value))) {
    const first = by(p)[0]!;
    out.push(fixture.filter((q) => q !== first)); // minCount, qualified shapes, sh:or members
    out.push([...fixture, quad(first.subject, first.predicate, literal('extra'))]); // maxCount, datatype, class, in
    out.push(replace(first, literal('-1', namedNode(`${XSD}double`)))); // ranges, nodeKind, class
    out.push(replace(first, literal('x', namedNode(`${XSD}integer`)))); // ill-formed literals
    out.push(replace(first, namedNode('urn:x:untyped'))); // class, nodeKind, datatype
  }
  const started = by(`${PROV}startedAtTime`)[0]!;
  out.push(replace(started, literal('2999-01-01T00:00:00Z', namedNode(`${XSD}dateTime`)))); // lessThanOrEquals
  const status = by(`${PROVML}status`)[0]!;
  out.push(replace(status, literal('completed'))); // sh:or over node shapes, with an end time or not
  out.push(fixture.filter((q) => q.predicate.value !== `${PROV}endedAtTime`));
  return out;
}

describe('the SHACL Core fast path answers as shacl-engine', () => {
  const fast = compileShapes(packaged);
  const engine = compileShapes(packaged, { fastPath: false });

  it('takes most of provml\'s shapes', () => {
    expect([...fast.fast.values()].flat().length).toBeGreaterThan(30);
    expect(fast.engineFree.size).toBeGreaterThan(5);
    expect(engine.fast.size).toBe(0);
  });

  it('on provml\'s shapes, for every mutation of the fixture', async () => {
    let broken = 0;
    for (const data of mutations()) {
      const expected = await results(engine, data);
      expect(await results(fast, data)).toEqual(expected);
      if (expected.length > 0) broken++;
    }
    expect(broken).toBeGreaterThan(40);
  });

  it('on the W3C suite\'s shapes and data', async () => {
    let compared = 0;
    for (const t of loadSuite().filter((x) => x.section === 'core')) {
      let withFast: CompiledShapes;
      try {
        withFast = compileShapes(t.shapes);
      } catch {
        continue;
      }
      expect(await results(withFast, t.data), t.id).toEqual(await results(compileShapes(t.shapes, { fastPath: false }), t.data));
      compared++;
    }
    expect(compared).toBe(98);
  });
});
