/**
 * Emits `src/generated/vocab.ts`: IRI constants for every term, so no other module writes an IRI
 * by hand.
 *
 * - `PROVML`: every provml class, property and individual (from the IR);
 * - `PROV`, `MLS`: every term of the imported PROV-O and ML Schema files;
 * - `XSD`, `RDF`, `RDFS`, `OWL`: the built-in terms provml data and queries use (plus any XSD
 *   datatype the ontologies mention);
 * - `*_NS` namespace strings, `NAMESPACES`, and the `ProvmlTerm` / `ProvTerm` / `MlsTerm` types.
 * Keys are local names, sorted by code unit; each constant has a one-line TSDoc from its label and
 * the first sentence of its comment.
 */
import type { IR, IRTerm } from './ir.js';
import { docBlock, docText, firstSentence, header, q } from './format.js';
import { isIdentifier } from './naming.js';
import { NS, compare } from './terms.js';

type Entry = { key: string; iri: string; doc: string };

const XSD_TERMS = [
  'anyURI', 'base64Binary', 'boolean', 'byte', 'date', 'dateTime', 'dateTimeStamp', 'decimal', 'double', 'duration',
  'float', 'hexBinary', 'int', 'integer', 'long', 'negativeInteger', 'nonNegativeInteger', 'nonPositiveInteger',
  'positiveInteger', 'short', 'string', 'time', 'unsignedByte', 'unsignedInt', 'unsignedLong', 'unsignedShort',
];
const RDF_TERMS = ['type', 'Property', 'langString', 'first', 'rest', 'nil', 'List', 'value'];
const RDFS_TERMS = ['Class', 'Datatype', 'Literal', 'Resource', 'comment', 'domain', 'isDefinedBy', 'label', 'range', 'seeAlso', 'subClassOf', 'subPropertyOf'];
const OWL_TERMS = [
  'AnnotationProperty', 'Class', 'DatatypeProperty', 'FunctionalProperty', 'NamedIndividual', 'ObjectProperty', 'Ontology',
  'Thing', 'TransitiveProperty', 'equivalentClass', 'imports', 'inverseOf', 'sameAs', 'versionIRI', 'versionInfo',
];

/** One `export const NAME = { … } as const` object of the vocab module. */
interface VocabObject {
  readonly name: string;
  readonly prefix: string;
  readonly doc: string;
  readonly entries: readonly Entry[];
  readonly exampleKey: string;
  /** Name of the `(typeof X)[keyof typeof X]` type alias, if any. */
  readonly alias: string | null;
}

/** The objects of the vocab module, in output order. */
export function vocabObjects(ir: IR): VocabObject[] {
  const kindOf = new Map<string, string>();
  for (const c of ir.classes) kindOf.set(c.iri, 'class');
  for (const p of ir.properties) kindOf.set(p.iri, `${p.kind} property`);
  for (const i of ir.individuals) kindOf.set(i.iri, 'individual');
  const terms: IRTerm[] = [...ir.classes, ...ir.properties, ...ir.individuals];
  const fromIr = (prefix: string): Entry[] =>
    terms
      .filter((t) => t.prefix === prefix)
      .map((t) => ({ key: t.localName, iri: t.iri, doc: termDoc(t, kindOf.get(t.iri)!) }));
  const builtin = (ns: string, prefix: string, names: Iterable<string>, what: string): Entry[] =>
    [...names].map((n) => ({ key: n, iri: ns + n, doc: `\`${prefix}:${n}\` ${what}.` }));
  const usedXsd = new Set(XSD_TERMS);
  for (const p of ir.properties) for (const r of p.range) if (r.startsWith(NS.xsd)) usedXsd.add(r.slice(NS.xsd.length));
  return [
    { name: 'PROVML', prefix: 'provml', doc: 'Every PROV-ML term (classes, properties, individuals), by local name.', entries: fromIr('provml'), exampleKey: 'EpochExecution', alias: 'ProvmlTerm' },
    { name: 'PROV', prefix: 'prov', doc: 'Every PROV-O term (W3C PROV-O, imported copy `ontology/imports/prov-o.ttl`), by local name.', entries: fromIr('prov'), exampleKey: 'startedAtTime', alias: 'ProvTerm' },
    { name: 'MLS', prefix: 'mls', doc: 'Every ML Schema term (W3C ML Schema, imported copy `ontology/imports/MLSchema.ttl`), by local name.', entries: fromIr('mls'), exampleKey: 'hasValue', alias: 'MlsTerm' },
    { name: 'XSD', prefix: 'xsd', doc: 'XML Schema datatypes.', entries: builtin(NS.xsd, 'xsd', usedXsd, 'datatype'), exampleKey: 'dateTime', alias: null },
    { name: 'RDF', prefix: 'rdf', doc: 'RDF terms.', entries: builtin(NS.rdf, 'rdf', RDF_TERMS, 'term'), exampleKey: 'type', alias: null },
    { name: 'RDFS', prefix: 'rdfs', doc: 'RDF Schema terms.', entries: builtin(NS.rdfs, 'rdfs', RDFS_TERMS, 'term'), exampleKey: 'label', alias: null },
    { name: 'OWL', prefix: 'owl', doc: 'OWL 2 terms.', entries: builtin(NS.owl, 'owl', OWL_TERMS, 'term'), exampleKey: 'Class', alias: null },
  ];
}

/** IRI → TypeScript expression naming it in the vocab module (`PROVML.EpochExecution`). */
export function vocabRefs(ir: IR): Map<string, string> {
  const refs = new Map<string, string>();
  for (const o of vocabObjects(ir)) {
    for (const e of o.entries) if (!refs.has(e.iri)) refs.set(e.iri, `${o.name}${isIdentifier(e.key) ? `.${e.key}` : `[${q(e.key)}]`}`);
  }
  return refs;
}

export function emitVocab(ir: IR): string {
  let out = header(ir.$comment);
  out += `\n${docBlock([
    'IRI constants of the PROV-ML vocabulary and of the vocabularies it builds on.',
    '',
    `Generated from ${ir.ontology.file} (${ir.ontology.iri}, version ${ir.ontology.versionInfo ?? 'unknown'}).`,
    'Import these instead of writing IRI strings by hand.',
  ])}`;
  out += namespaceConsts(ir.ontology.namespace);
  for (const o of vocabObjects(ir)) {
    out += objectConst(o.name, o.prefix, o.doc, [...o.entries], o.exampleKey);
    if (o.alias !== null) out += typeAlias(o.alias, o.name, o.exampleKey);
  }
  return out;
}

function termDoc(t: IRTerm, kind: string): string {
  const summary = t.comment === null ? '' : ` — ${firstSentence(t.comment)}`;
  return docText(`${t.label} (${kind})${summary}`);
}

function namespaceConsts(provmlNs: string): string {
  const list: [string, string, string][] = [
    ['PROVML_NS', provmlNs, 'PROV-ML'],
    ['PROV_NS', NS.prov, 'W3C PROV-O'],
    ['MLS_NS', NS.mls, 'W3C ML Schema'],
    ['XSD_NS', NS.xsd, 'XML Schema datatypes'],
    ['RDF_NS', NS.rdf, 'RDF'],
    ['RDFS_NS', NS.rdfs, 'RDF Schema'],
    ['OWL_NS', NS.owl, 'OWL 2'],
  ];
  let out = '';
  for (const [name, iri, what] of list) {
    out += `\n${docBlock([
      `Namespace IRI of ${what}.`,
      '',
      '@example',
      '```ts',
      `import { ${name} } from 'provml/vocab';`,
      '',
      `const iri = ${name} + 'x'; // ${q(iri + 'x')}`,
      '```',
    ])}export const ${name} = ${q(iri)};\n`;
  }
  out += `\n${docBlock([
    'Prefix → namespace IRI, for SPARQL `PREFIX` lines and Turtle writers.',
    '',
    '@example',
    '```ts',
    "import { NAMESPACES } from 'provml/vocab';",
    '',
    "const prologue = Object.entries(NAMESPACES).map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join('\\n');",
    '```',
  ])}export const NAMESPACES = {\n${list.map(([name, , ]) => `  ${name.replace(/_NS$/, '').toLowerCase()}: ${name},`).join('\n')}\n} as const;\n`;
  return out;
}

function objectConst(name: string, prefix: string, doc: string, entries: Entry[], exampleKey: string): string {
  const sorted = [...entries].sort((a, b) => compare(a.key, b.key));
  const keys = new Set<string>();
  for (const e of sorted) {
    if (keys.has(e.key)) throw new Error(`vocab ${name}: two terms share the key ${e.key}`);
    keys.add(e.key);
  }
  const sample = sorted.find((e) => e.key === exampleKey) ?? sorted[0];
  const example = sample === undefined ? [] : [
    '',
    '@example',
    '```ts',
    `import { ${name} } from 'provml/vocab';`,
    '',
    `${name}.${isIdentifier(sample.key) ? sample.key : `[${q(sample.key)}]`}; // ${q(sample.iri)}`,
    '```',
  ];
  let out = `\n${docBlock([`${doc} Namespace: \`${prefix}:\`.`, ...example])}export const ${name} = {\n`;
  for (const e of sorted) {
    out += docBlock([e.doc], '  ');
    out += `  ${isIdentifier(e.key) ? e.key : q(e.key)}: ${q(e.iri)},\n`;
  }
  return `${out}} as const;\n`;
}

function typeAlias(name: string, of: string, exampleKey: string): string {
  return `\n${docBlock([
    `Any IRI in {@link ${of}}.`,
    '',
    '@example',
    '```ts',
    `import { ${of}, type ${name} } from 'provml/vocab';`,
    '',
    `const term: ${name} = ${of}.${exampleKey};`,
    '```',
  ])}export type ${name} = (typeof ${of})[keyof typeof ${of}];\n`;
}
