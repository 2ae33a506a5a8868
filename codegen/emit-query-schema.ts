/**
 * Emits `src/generated/query-schema.ts`: the ontology as data the typed query builders read
 * (`src/query/builder/`), both at run time (IRIs, kinds, datatypes) and at compile time (the
 * builders derive class names, field names, value types and ranges from `typeof QUERY_SCHEMA`).
 *
 * One entry per generated class, keyed by its TypeScript name:
 * - `iri` — the class IRI;
 * - `acceptedTypes` — the class, its equivalents and all subclasses: a node matches when its
 *   `rdf:type` is any of them (provml writes only the most specific type);
 * - `supers` — the generated classes it is (itself first, then its superclasses), for typing
 *   "this class or a subclass" at compile time;
 * - `fields` — every field, inherited ones included: `{ iri, kind, datatype, ts, single, range }`.
 *
 * Also `ClassInstances`, the generated class of each name (the type `instances()` returns).
 *
 * Inherited fields come by spreading the parent's table (`{ ...ActivityFields, own }`), so each
 * row is written once; tables are emitted parents first (by depth, then name), entries by name.
 */
import type { IR, IRClass, IRField } from './ir.js';
import { docBlock, header, q } from './format.js';
import { compare } from './terms.js';

/** A list on one line when it fits in 100 columns, else one item per line. */
function list(items: string[]): string {
  const flat = `[${items.join(', ')}]`;
  return flat.length <= 100 ? flat : `[\n${items.map((i) => `      ${i},`).join('\n')}\n    ]`;
}

/** The `ts` tag of a field: how a value reads back in JavaScript. */
function tsTag(f: IRField): string {
  return f.tsType.includes('|') ? 'scalar' : f.tsType;
}

export function emitQuerySchema(ir: IR): string {
  const byIri = new Map(ir.classes.map((c) => [c.iri, c]));
  const generated = ir.classes.filter((c): c is IRClass & { tsName: string } => c.generated && c.tsName !== null);
  const parentOf = (c: IRClass): IRClass | undefined => (c.primarySuper === null ? undefined : byIri.get(c.primarySuper));
  const depth = (c: IRClass): number => {
    let d = 0;
    for (let p = parentOf(c); p !== undefined; p = parentOf(p)) d++;
    return d;
  };
  const tables = [...generated].sort((a, b) => depth(a) - depth(b) || compare(a.tsName, b.tsName));
  const entries = [...generated].sort((a, b) => compare(a.tsName, b.tsName));

  /** The range as a generated class name when it is exactly one generated class, else `null`. */
  const range = (f: IRField): string => {
    if (f.valueKind !== 'iri' || f.range.length !== 1) return 'null';
    const target = byIri.get(f.range[0]!);
    return target?.tsName ? q(target.tsName) : 'null';
  };
  const row = (f: IRField): string =>
    `  ${f.name}: { iri: ${q(f.property)}, kind: ${q(f.valueKind)}, datatype: ${f.datatype === null ? 'null' : q(f.datatype)}, ` +
    `ts: ${q(tsTag(f))}, single: ${f.single}, range: ${range(f)} },`;

  let out = header(ir.$comment);
  out += `import type {\n${entries.map((c) => `  ${c.tsName},`).join('\n')}\n} from './classes/index.js';\n\n`;
  out += docBlock([
    'The query schema of PROV-ML: what the typed query builders (`provml/query`) know about each',
    'generated class. Field tables include inherited fields; parents are spread in.',
  ]);
  out += '\n';
  for (const c of tables) {
    const parent = parentOf(c);
    const lines = [...(parent?.tsName ? [`  ...${parent.tsName}Fields,`] : []), ...c.fields.map(row)];
    out += `const ${c.tsName}Fields = {${lines.length === 0 ? '' : `\n${lines.join('\n')}\n`}} as const;\n`;
  }
  out += `\n${docBlock([
    'Every generated PROV-ML class by TypeScript name: its IRI, the `rdf:type`s that match it (the',
    'class and all its subclasses), the generated classes it is (`supers`, itself first) and all its',
    'fields, inherited ones included. Each field gives the RDF property (`iri`), whether it links to a',
    'node (`kind: \'iri\'`) or holds a value (`\'literal\'`), the XSD `datatype`, the JavaScript type of',
    'a value (`ts`; `scalar` is `string | number | boolean`), whether it has at most one value',
    '(`single`) and, for links, the generated class it points to (`range`, `null` when not exactly one).',
    '',
    'The query builders are typed from this object: class names, field names and value types.',
    '',
    '@example',
    '```ts',
    "import { QUERY_SCHEMA } from 'provml/query';",
    '',
    "QUERY_SCHEMA.EpochExecution.iri;                           // 'https://w3id.org/prov-ml#EpochExecution'",
    "QUERY_SCHEMA.EpochExecution.fields.iterationIndex.ts;      // 'number'",
    "QUERY_SCHEMA.BatchExecution.fields.partOf.range;           // 'Activity'",
    '```',
  ])}`;
  out += 'export const QUERY_SCHEMA = {\n';
  for (const c of entries) {
    const supers = c.types.map((t) => byIri.get(t)?.tsName).filter((n): n is string => typeof n === 'string' && n.length > 0);
    out += `  ${c.tsName}: {\n`;
    out += `    iri: ${q(c.iri)},\n`;
    out += `    acceptedTypes: ${list(c.acceptedTypes.map(q))},\n`;
    out += `    supers: ${list(supers.map(q))},\n`;
    out += `    fields: ${c.tsName}Fields,\n`;
    out += '  },\n';
  }
  out += '} as const;\n';
  out += `\n${docBlock([
    'The generated class (`provml/model`) of each class name: what `instances()` returns.',
    '',
    '@example',
    '```ts',
    "import { EpochExecution } from 'provml/model';",
    "import type { ClassInstances } from 'provml/query';",
    '',
    "const epoch: ClassInstances['EpochExecution'] = new EpochExecution('urn:provml:run-1:epoch-0');",
    '```',
  ])}`;
  out += `export interface ClassInstances {\n${entries.map((c) => `  ${c.tsName}: ${c.tsName};`).join('\n')}\n}\n`;
  return out;
}
