/**
 * The ontology docs (src/docs/): generated into a temporary directory and checked in Node — every
 * class, property and individual has its anchored section, every internal link resolves, the
 * Turtle copy and the JSON-LD serialization parse to the same triples, badges and SHACL tables
 * are there, and input text is escaped. The real-browser check is test/integration/ontology-page.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Quad } from '@rdfjs/types';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main as docsCli } from '../../../codegen/docs-cli.js';
import { generateOntologyDocs, renderOntologyDocs } from '../../../src/docs/index.js';
import { escapeHtml, richText } from '../../../src/docs/text.js';

const root = resolve(import.meta.dirname, '../../..');
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const OWL = 'http://www.w3.org/2002/07/owl#';
const PROVML = 'https://w3id.org/prov-ml#';

const ttlQuads = (text: string): Quad[] => new Parser({ format: 'text/turtle' }).parse(text) as Quad[];
const jsonLdQuads = (text: string): Promise<Quad[]> =>
  new Promise((res, rej) => {
    const quads: Quad[] = [];
    const parser = new JsonLdParser();
    parser.on('data', (q: Quad) => quads.push(q));
    parser.on('error', rej);
    parser.on('end', () => res(quads));
    parser.write(text);
    parser.end();
  });
/** N-Triples-like key of a triple without blank nodes (those are compared by count only). */
const groundKey = (q: Quad): string | null =>
  q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode'
    ? null
    : `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}@${(q.object as { language?: string }).language ?? ''}^^${(q.object as { datatype?: { value: string } }).datatype?.value ?? ''}`;

/** The provml terms of each kind, straight from the ontology file (independent of src/docs). */
const ontology = ttlQuads(readFileSync(join(root, 'ontology/prov-ml.ttl'), 'utf8'));
const declared = (type: string): string[] =>
  [...new Set(ontology.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === type && q.subject.value.startsWith(PROVML)).map((q) => q.subject.value))];
const CLASSES = declared(`${OWL}Class`);
const PROPERTIES = [...new Set([...declared(`${OWL}ObjectProperty`), ...declared(`${OWL}DatatypeProperty`), ...declared(`${OWL}AnnotationProperty`)])];
const INDIVIDUALS = declared(`${OWL}NamedIndividual`);
const local = (iri: string): string => iri.slice(PROVML.length);

let out: string;
let html: string;
/** The HTML of the element with this id, up to its closing `</article>`. */
const section = (id: string): string => {
  const start = html.indexOf(` id="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</article>', start));
};

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'provml-docs-'));
  await generateOntologyDocs({
    out,
    ontology: [join(root, 'ontology/prov-ml.ttl')],
    imports: ['MLSchema.ttl', 'prov-o.ttl'].map((f) => join(root, 'ontology/imports', f)),
    shapes: [join(root, 'shapes/prov-ml.shapes.ttl')],
  });
  html = readFileSync(join(out, 'index.html'), 'utf8');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('index.html', () => {
  test('the ontology has the expected size (sanity check of the test itself)', () => {
    expect(CLASSES.length).toBeGreaterThanOrEqual(40);
    expect(PROPERTIES.length).toBeGreaterThanOrEqual(30);
    expect(INDIVIDUALS.length).toBe(3);
  });

  test('every class, property and individual has exactly one anchored section', () => {
    for (const iri of CLASSES) expect(html.match(new RegExp(`<article class="term class" id="${local(iri)}" data-iri="${iri}">`, 'g')), iri).toHaveLength(1);
    for (const iri of PROPERTIES) expect(html, iri).toContain(`<article class="term property" id="${local(iri)}" data-iri="${iri}">`);
    for (const iri of INDIVIDUALS) expect(html, iri).toContain(`<article class="term individual" id="${local(iri)}" data-iri="${iri}">`);
    expect(html.match(/<article class="term class"/g)).toHaveLength(CLASSES.length);
  });

  test('ids are unique and every internal link resolves', () => {
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    const targets = [...new Set([...html.matchAll(/href="#([^"]*)"/g)].map((m) => m[1]!))];
    expect(targets.length).toBeGreaterThan(CLASSES.length);
    expect(targets.filter((t) => !ids.includes(t))).toEqual([]);
  });

  test('metadata header, namespace table and table of contents', () => {
    for (const text of ['https://w3id.org/prov-ml', 'https://w3id.org/prov-ml/0.1.0', '0.1.0', 'https://www.apache.org/licenses/LICENSE-2.0', 'provml contributors', 'http://www.w3.org/ns/prov-o#', 'Souza', 'Cite as']) {
      expect(section('metadata')).toContain(text);
    }
    expect(html).toContain('<h1>PROV-ML: provenance of the machine-learning lifecycle</h1>');
    expect(html).toMatch(/<tr><td>provml<\/td><td><code>https:\/\/w3id.org\/prov-ml#<\/code><\/td><\/tr>/);
    const toc = html.slice(html.indexOf('<nav class="sidebar" id="toc"'), html.indexOf('</nav>'));
    for (const id of ['prospective', 'retrospective', 'object-properties', 'datatype-properties', 'annotation-properties', 'individuals', 'shapes']) expect(toc).toContain(`href="#${id}"`);
    for (const iri of [...CLASSES, ...PROPERTIES]) expect(toc).toContain(`href="#${local(iri)}"`);
  });

  test('classes carry their provenance badge and are grouped by it', () => {
    const kinds = new Map(ontology.filter((q) => q.predicate.value === `${PROVML}provenanceKind`).map((q) => [q.subject.value, q.object.value]));
    expect(kinds.size).toBe(CLASSES.length);
    const prospective = html.slice(html.indexOf('<section id="prospective">'), html.indexOf('<section id="retrospective">'));
    for (const [iri, kind] of kinds) {
      expect(section(local(iri)), iri).toContain(`<span class="badge ${kind}" title="provml:provenanceKind">${kind}</span>`);
      expect(prospective.includes(`id="${local(iri)}"`), iri).toBe(kind === 'prospective');
    }
  });

  test('a class section: superclasses (internal linked, external by IRI), inferred sub/superclasses, domain/range, shapes', () => {
    const lse = section('LearningStageExecution');
    expect(lse).toContain('href="#DataTransformationExecution"');
    expect(lse).toContain('href="http://www.w3.org/ns/prov#Activity"'); // inferred, external
    expect(lse).toContain('href="#usesImplementation"'); // in domain of
    expect(lse).toContain('href="#shape-ExecutionShape"');
    expect(lse).toContain('<td class="card">1..1</td>');
    expect(lse).toContain('An execution must have exactly one start time');
    const dte = section('DataTransformationExecution');
    expect(dte).toMatch(/Inferred subclasses<\/dt><dd>.*href="#BatchExecution"/); // transitive
    expect(section('Attribute')).toMatch(/In range of<\/dt><dd>.*href="#valueOf"|In domain of<\/dt><dd>.*href="#dataType"/);
    expect(section('LearningStageType')).toMatch(/Individuals<\/dt><dd>.*href="#Training"/);
    expect(section('ModelReferenceValue')).toContain('href="http://www.w3.org/ns/mls#Model"');
  });

  test('a property section: domain, range, characteristics', () => {
    const partOf = section('partOf');
    expect(partOf).toContain('<span class="badge kind">object property</span>');
    expect(partOf).toContain('<span class="badge">transitive</span>');
    expect(partOf).toMatch(/Domain<\/dt><dd>.*href="http:\/\/www.w3.org\/ns\/prov#Activity"/);
    expect(section('cpuCount')).toMatch(/Range<\/dt><dd>.*xsd:integer/);
    expect(section('cpuCount')).toContain('<span class="badge">functional</span>');
    expect(section('hostName')).toMatch(/Constrained by shapes<\/dt><dd>.*shape-EnvironmentShape/);
  });

  test('self-contained: no scripts, stylesheets, fonts or images fetched from anywhere', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\((?!#)|<img/i);
    expect(html).not.toMatch(/\ssrc=/);
    expect(html).toContain('<style>');
    expect(html.match(/<g class="dg-node"/g)!.length).toBeGreaterThan(CLASSES.length);
  });
});

describe('files next to the page', () => {
  test('prov-ml.ttl is an exact copy; prov-ml.jsonld parses back to the same triples', async () => {
    const ttl = readFileSync(join(out, 'prov-ml.ttl'), 'utf8');
    expect(ttl).toBe(readFileSync(join(root, 'ontology/prov-ml.ttl'), 'utf8'));
    const jsonld = readFileSync(join(out, 'prov-ml.jsonld'), 'utf8');
    expect(JSON.parse(jsonld)['@context']).toMatchObject({ provml: PROVML });
    const fromJson = await jsonLdQuads(jsonld);
    const fromTtl = ttlQuads(ttl);
    expect(fromJson.length).toBe(fromTtl.length);
    const keys = (qs: Quad[]): string[] => qs.map(groundKey).filter((k): k is string => k !== null).sort();
    expect(keys(fromJson)).toEqual(keys(fromTtl));
    expect(fromJson.filter((q) => groundKey(q) === null).length).toBe(fromTtl.filter((q) => groundKey(q) === null).length);
  });

  test('diagram.svg is a stand-alone SVG with one box per class, linking back into the page', () => {
    const svg = readFileSync(join(out, 'diagram.svg'), 'utf8');
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const iri of CLASSES) expect(svg, iri).toContain(`<a href="index.html#${local(iri)}"><g class="dg-node" data-iri="${iri}">`);
    expect(svg).toContain('data-iri="http://www.w3.org/ns/prov#Entity"');
    expect(svg.match(/<svg/g)).toHaveLength(1);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  test('the output is deterministic', async () => {
    const a = await renderOntologyDocs({});
    const b = await renderOntologyDocs({});
    expect([...a.files.keys()].sort()).toEqual(['diagram.svg', 'index.html', 'prov-ml.jsonld', 'prov-ml.shapes.ttl', 'prov-ml.ttl']);
    for (const [name, content] of a.files) expect(b.files.get(name), name).toBe(content);
    expect(a.files.get('index.html')).toBe(html); // the packaged defaults are the repository's files
  });
});

describe("users' own ontologies", () => {
  const dir = mkdtempSync(join(tmpdir(), 'provml-ext-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ext = `@prefix ex: <https://example.org/ext#> . @prefix owl: <${OWL}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix provml: <${PROVML}> .
<https://example.org/ext> a owl:Ontology ; rdfs:label "Ext <beta> & co" .
ex:FineTuning a owl:Class ; rdfs:subClassOf provml:LearningStageExecution ;
  rdfs:label "Fine <tuning>" ; rdfs:comment "Uses <b>bold</b> & \\"quotes\\"; see https://example.org/a?b=1&c=2." ;
  provml:provenanceKind "retrospective" .
ex:LoRA a owl:Class ; rdfs:subClassOf ex:FineTuning ; rdfs:label "LoRA" .
ex:rank a owl:DatatypeProperty ; rdfs:domain ex:LoRA .`;

  test('an extension is documented with PROV-ML as context, and its text is escaped', async () => {
    writeFileSync(join(dir, 'ext.ttl'), ext);
    const { files, counts } = await renderOntologyDocs({ ontology: [join(dir, 'ext.ttl')] });
    expect(counts).toEqual({ classes: 2, properties: 1, individuals: 0, shapes: 0 });
    const page = files.get('index.html')!;
    expect(page).toContain('<h1>Ext &lt;beta&gt; &amp; co</h1>');
    expect(page).toContain('<span class="label">Fine &lt;tuning&gt;</span>');
    expect(page).toContain('Uses &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;; see <a href="https://example.org/a?b=1&amp;c=2">');
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('href="https://w3id.org/prov-ml#LearningStageExecution"'); // external, from context
    expect(page).toMatch(/id="FineTuning"[\s\S]*Inferred superclasses<\/dt><dd>.*prov:Activity/);
    expect(page).toMatch(/id="FineTuning"[\s\S]*Subclasses<\/dt><dd>.*href="#LoRA"/);
    expect(files.get('diagram.svg')).toContain('provml:LearningStageExecution');
    expect(files.has('ext.jsonld')).toBe(true);
  });

  test('text helpers escape every markup character', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(richText('one\n\ntwo <i>')).toBe('<p>one</p>\n<p>two &lt;i&gt;</p>');
  });

  test('the npm script entry point: exit 2 with file and line on a Turtle syntax error', async () => {
    writeFileSync(join(dir, 'broken.ttl'), '@prefix ex: <https://example.org/> .\nex:a ex:b .\n');
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => void errors.push(m);
    try {
      expect(await docsCli(['--ontology', join(dir, 'broken.ttl'), '--out', join(dir, 'site')])).toBe(2);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/broken\.ttl:2: Turtle syntax error/);
  });
});
