/**
 * Regression tests of issue 14: each wrong answer the SPARQL-constraint compiler gave (measured
 * against the W3C SHACL suite and Jena) and the plan it takes per constraint.
 */
import { DataFactory, Parser as TurtleParser } from 'n3';
import { Parser, type SelectQuery } from 'sparqljs';
import { describe, expect, it } from 'vitest';
import { planQuery, prebindThis, UnsupportedShapesError } from '../../../src/validate/sparql-rewrite.js';
import { validate } from '../../../src/validate/index.js';

const { namedNode } = DataFactory;
const PREFIXES = `@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <urn:ex:> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "urn:ex:"^^xsd:anyURI ] .
`;
const ttl = (text: string) => new TurtleParser().parse(PREFIXES + text);
const query = (text: string) => new Parser({ prefixes: { ex: 'urn:ex:' } }).parse(text) as SelectQuery;

/** A node shape targeting ex:C with one sh:sparql constraint. */
function sparqlShape(select: string, extra = ''): string {
  return `ex:S a sh:NodeShape ; sh:targetClass ex:C ; ${extra}
    sh:sparql [ sh:prefixes ex:prefixes ; sh:message "bad {$this}" ; sh:select """${select}""" ] .`;
}

const focusNodes = async (data: string, shapes: string) =>
  (await validate(ttl(data), { shapes: ttl(shapes) })).results.map((r) => r.focusNode).sort();

describe('custom sh:severity is reported as given', () => {
  const data = 'ex:a a ex:C ; ex:p "x" .';
  it('on the SHACL Core path', async () => {
    const report = await validate(ttl(data), {
      shapes: ttl('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity ex:MySeverity ; sh:property [ sh:path ex:p ; sh:datatype xsd:integer ; sh:severity ex:MySeverity ] .'),
    });
    expect(report.conforms).toBe(false);
    expect(report.results.map((r) => r.severity)).toEqual(['urn:ex:MySeverity']);
  });
  it('on the SPARQL path', async () => {
    const report = await validate(ttl(data), { shapes: ttl(sparqlShape('SELECT $this WHERE { $this ex:p ?v }', 'sh:severity ex:MySeverity ;')) });
    expect(report.results.map((r) => [r.severity, r.focusNode])).toEqual([['urn:ex:MySeverity', 'urn:ex:a']]);
  });
});

describe('$this is pre-bound everywhere', () => {
  it('the uniqueness pattern: $this ex:p ?v . { ?other ex:p ?v . FILTER(?other != $this) } finds both (Jena: 2)', async () => {
    const data = 'ex:a a ex:C ; ex:p "k" . ex:b a ex:C ; ex:p "k" . ex:c a ex:C ; ex:p "other" .';
    const shapes = sparqlShape('SELECT $this ?value WHERE { $this ex:p ?value . { ?other ex:p ?value . FILTER(?other != $this) } }');
    expect(await focusNodes(data, shapes)).toEqual(['urn:ex:a', 'urn:ex:b']);
  });
  it('in UNION branches, nested groups with FILTER(bound($this)) and sub-SELECTs', async () => {
    const data = 'ex:a a ex:C . ex:b a ex:C .';
    for (const select of [
      'SELECT $this WHERE { { FILTER(false) } UNION { FILTER($this = ex:a) } }',
      'SELECT $this WHERE { { { FILTER($this = ex:a) } FILTER bound($this) } FILTER(true) }',
      'SELECT $this WHERE { { SELECT $this WHERE { FILTER($this = ex:a) } } }',
      'SELECT $this WHERE { OPTIONAL { BIND($this AS ?t) } FILTER(?t = ex:a) }',
    ]) {
      expect(await focusNodes(data, sparqlShape(select)), select).toEqual(['urn:ex:a']);
    }
  });
  it('LIMIT and OFFSET apply per focus node', async () => {
    const data = 'ex:a a ex:C ; ex:p 1, 2, 3 . ex:b a ex:C ; ex:p 4, 5 .';
    const report = await validate(ttl(data), { shapes: ttl(sparqlShape('SELECT $this ?value WHERE { $this ex:p ?value } ORDER BY ?value LIMIT 2 OFFSET 1')) });
    expect(report.results.map((r) => [r.focusNode, r.value]).sort()).toEqual([
      ['urn:ex:a', '2'],
      ['urn:ex:a', '3'],
      ['urn:ex:b', '5'],
    ]);
  });
  it('aggregates not grouped by $this are per focus node', async () => {
    const data = 'ex:a a ex:C ; ex:p 1, 2, 3 . ex:b a ex:C ; ex:p 4 .';
    const shapes = sparqlShape('SELECT (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } HAVING (COUNT(?v) > 1)');
    expect(await focusNodes(data, shapes)).toEqual(['urn:ex:a']);
  });
});

describe('blank nodes stay blank nodes in the SPARQL store', () => {
  it('isBlank / isIRI / STR see the data as it is; results name the data graph\'s blank nodes', async () => {
    const input = ttl('_:x a ex:C ; ex:p ex:v . ex:i a ex:C ; ex:p [ ex:q 1 ] . ex:j a ex:C ; ex:p ex:w .');
    const report = await validate(input, {
      shapes: ttl(sparqlShape('SELECT $this ?value WHERE { $this ex:p ?value . FILTER(isBlank($this) || isBlank(?value) || STRSTARTS(STR(?value), "_")) }')),
    });
    expect(report.results).toHaveLength(2);
    const blanks = new Set(input.flatMap((q) => [q.subject, q.object]).filter((t) => t.termType === 'BlankNode').map((t) => t.value));
    const byFocus = new Map(report.results.map((r) => [r.focusNode, r.value]));
    expect(byFocus.get('urn:ex:i') !== undefined && blanks.has(byFocus.get('urn:ex:i')!)).toBe(true);
    expect([...byFocus.keys()].filter((f) => blanks.has(f))).toHaveLength(1);
  });
  it('a blank focus node on the per-focus path', async () => {
    const report = await validate(ttl('_:x a ex:C ; ex:p 1, 2 .'), { shapes: ttl(sparqlShape('SELECT $this ?value WHERE { $this ex:p ?value } LIMIT 1')) });
    expect(report.results).toHaveLength(1);
  });
});

describe('reachability', () => {
  it('sh:sparql on a property shape reached only through sh:node is refused with the documented error', async () => {
    const shapes = `ex:A a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:B .
      ex:B a sh:NodeShape ; sh:property ex:P .
      ex:P sh:path ex:p ; sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?v }" ] .`;
    await expect(validate(ttl('ex:a a ex:C ; ex:p 1 .'), { shapes: ttl(shapes) })).rejects.toThrow(/only reachable through sh:node/);
  });
  it('under a sh:deactivated parent it does not run', async () => {
    const shapes = `ex:A a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property ex:P .
      ex:P sh:path ex:p ; sh:sparql [ sh:select "SELECT $this ?value WHERE { $this $PATH ?value }" ] .`;
    expect((await validate(ttl('ex:a a ex:C ; ex:p 1 .'), { shapes: ttl(shapes) })).conforms).toBe(true);
  });
});

describe('SPARQL-based constraint components', () => {
  const component = `ex:LangComponent a sh:ConstraintComponent ;
      sh:parameter [ sh:path ex:lang ] ;
      sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:prefixes ex:prefixes ;
        sh:select "SELECT DISTINCT $this ?value WHERE { $this $PATH ?value . FILTER (!langMatches(lang(?value), $lang)) }" ] ;
      sh:validator [ a sh:SPARQLAskValidator ; sh:ask "ASK { FILTER (STRSTARTS(STR($value), $lang)) }" ] .`;
  it('a SELECT property validator and an ASK node validator, with their parameters', async () => {
    const data = 'ex:a a ex:C ; ex:label "x"@en, "y"@de . ex:en-thing a ex:D . ex:other a ex:D .';
    const shapes = `${component}
      ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:label ; ex:lang "en" ] .
      ex:T a sh:NodeShape ; sh:targetClass ex:D ; ex:lang "urn:ex:en" .`;
    const report = await validate(ttl(data), { shapes: ttl(shapes) });
    expect(report.results.map((r) => [r.focusNode, r.value, r.constraint, r.path]).sort()).toEqual([
      ['urn:ex:a', 'y', 'urn:ex:LangComponent', '<urn:ex:label>'],
      ['urn:ex:other', 'urn:ex:other', 'urn:ex:LangComponent', undefined],
    ]);
  });
  it('an ASK validator may not re-bind $value', async () => {
    const shapes = `ex:K a sh:ConstraintComponent ; sh:parameter [ sh:path ex:k ] ; sh:validator [ sh:ask "ASK { BIND(1 AS ?value) }" ] .
      ex:S sh:targetClass ex:C ; ex:k 1 .`;
    await expect(validate(ttl('ex:a a ex:C .'), { shapes: ttl(shapes) })).rejects.toThrow(/BIND \(… AS \$value\)/);
  });
});

describe('queries SHACL says to reject are rejected, naming the feature', () => {
  for (const [feature, select] of [
    ['MINUS', 'SELECT $this WHERE { $this ?p ?o . MINUS { $this ?p "v" } }'],
    ['VALUES', 'SELECT $this WHERE { VALUES ?x { 1 } }'],
    ['SERVICE', 'SELECT $this WHERE { $this ?p ?o . SERVICE <http://example.org/sparql> { ?a ?b ?c } }'],
    ['a sub-SELECT that does not return \\$this', 'SELECT $this WHERE { $this ?p ?o . { SELECT ?o WHERE { ?s ?q ?o } } }'],
    ['BIND \\(… AS \\$this\\)', 'SELECT $this WHERE { BIND(ex:a AS $this) }'],
  ] as const) {
    it(feature.replaceAll('\\', ''), async () => {
      const run = validate(ttl('ex:a a ex:C .'), { shapes: ttl(sparqlShape(select)) });
      await expect(run).rejects.toThrow(UnsupportedShapesError);
      await expect(validate(ttl('ex:a a ex:C .'), { shapes: ttl(sparqlShape(select)) })).rejects.toThrow(new RegExp(feature));
    });
  }
});

describe('targets', () => {
  it('a node shape IRI is a target class only when it is an rdfs:Class', async () => {
    const data = 'ex:a a ex:S1 . ex:b a ex:S2 .';
    const shapes = `ex:S1 a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
      ex:S2 a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .`;
    expect(await focusNodes(data, shapes)).toEqual(['urn:ex:b']);
  });
});

describe('which constraints take which path (planQuery)', () => {
  it('one query over all focus nodes where pre-binding is a join', () => {
    for (const q of [
      'SELECT $this WHERE { FILTER NOT EXISTS { ?e ex:of $this } }',
      'SELECT $this ?value WHERE { $this ex:p ?value . { ?other ex:p ?value . FILTER(?other != $this) } }',
      'SELECT $this WHERE { { FILTER(false) } UNION { FILTER($this = ex:a) } }',
      'SELECT $this WHERE { { SELECT $this WHERE { FILTER($this = ex:a) } } }',
      'SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } GROUP BY $this HAVING (COUNT(?v) > 1)',
      'SELECT $this WHERE { GRAPH ?g { $this ex:p ?v } }',
    ]) {
      expect(planQuery(query(q)), q).toEqual({ mode: 'joined' });
    }
  });
  it('one query per focus node where it is not', () => {
    for (const [q, reason] of [
      ['SELECT $this WHERE { $this ex:p ?v } LIMIT 1', /LIMIT\/OFFSET/],
      ['SELECT (COUNT(?v) AS ?n) WHERE { $this ex:p ?v }', /aggregates not grouped by \$this/],
      ['SELECT $this WHERE { { SELECT $this ?v WHERE { $this ex:p ?v } LIMIT 1 } }', /sub-SELECT with LIMIT/],
      ['SELECT $this WHERE { GRAPH ?g { FILTER($this = ex:a) } }', /GRAPH/],
    ] as const) {
      const plan = planQuery(query(q));
      expect(plan.mode, q).toBe('per-focus');
      expect(plan.reason).toMatch(reason);
    }
  });
  it('the targets go into the top-level group and every scope that reads $this unbound, nowhere else', () => {
    const targets = { type: 'values' as const, values: [{ '?this': namedNode('urn:ex:a') as never }] };
    const q = prebindThis(query('SELECT ?v WHERE { ?this ex:p ?v . { ?o ex:p ?v FILTER(?o != $this) } { FILTER(false) } UNION { FILTER($this = ex:a) } }'), targets);
    const count = (node: unknown): number =>
      node === targets ? 1 : Array.isArray(node) ? node.reduce((n: number, x) => n + count(x), 0) : node && typeof node === 'object' ? Object.values(node).reduce((n: number, x) => n + count(x), 0) : 0;
    expect(count(q.where)).toBe(2); // top level + the UNION branch reading $this; the merged group and FILTER(false) need none
    expect(q.variables.map((x) => (x as { value: string }).value)).toEqual(['this', 'v']);
  });
});
