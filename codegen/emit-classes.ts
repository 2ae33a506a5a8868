/**
 * Emits `src/generated/classes/<Class>.ts` (one class per file) and `classes/index.ts`.
 *
 * Each class is thin: static metadata (`classIri`, `types`, `acceptedTypes`), a property table
 * (`properties`, inherited rows first, built by the runtime's `defineProperties`) and one typed
 * field per row it adds. `toQuads` / `fromQuads` live in the runtime base (`src/rdf/resource.ts`).
 */
import { posix } from 'node:path';
import type { IR, IRClass, IRField } from './ir.js';
import { docBlock, docText, header, q, wrap } from './format.js';
import { camelCase } from './naming.js';
import { vocabRefs } from './emit-vocab.js';
import { compare, localName } from './terms.js';

/** Where the generated classes find the runtime, relative to their own directory. */
export interface ClassEmitOptions {
  /** Import path of `src/rdf/resource.ts` from `src/generated/classes/` (with `.js`). */
  readonly runtimeImport: string;
}

const RESERVED_WORDS = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await']);

/** path (relative to `classes/`) → content. */
export function emitClasses(ir: IR, options: ClassEmitOptions): Map<string, string> {
  const ctx = new Context(ir);
  const files = new Map<string, string>();
  const generated = ir.classes.filter((c) => c.generated).sort((a, b) => compare(a.tsName!, b.tsName!));
  for (const c of generated) files.set(`${c.tsName}.ts`, emitClass(ctx, c, options));
  files.set('index.ts', emitIndex(ctx, generated, options));
  return files;
}

/** Lookups shared by all class files. */
class Context {
  readonly byIri: Map<string, IRClass>;
  readonly refs: Map<string, string>;
  readonly namespaces: { prefix: string; iri: string }[];

  constructor(readonly ir: IR) {
    this.byIri = new Map(ir.classes.map((c) => [c.iri, c]));
    this.refs = vocabRefs(ir);
    this.namespaces = [...ir.namespaces].sort((a, b) => b.iri.length - a.iri.length);
  }

  /** `PROVML.EpochExecution`, or a quoted IRI when the vocab has no constant for it. */
  ref(iri: string): string {
    return this.refs.get(iri) ?? q(iri);
  }

  /** The vocab object (`PROVML`…) a reference needs imported, or `null`. */
  refObject(iri: string): string | null {
    const r = this.refs.get(iri);
    return r === undefined ? null : r.replace(/[.[].*$/, '');
  }

  curie(iri: string): string {
    const ns = this.namespaces.find((n) => iri.startsWith(n.iri) && iri.length > n.iri.length);
    return ns === undefined ? `<${iri}>` : `${ns.prefix}:${iri.slice(ns.iri.length)}`;
  }

  /** `{@link Foo}` for generated classes, otherwise the CURIE in backticks. */
  link(iri: string): string {
    const c = this.byIri.get(iri);
    return c?.tsName ? `{@link ${c.tsName}} (\`${this.curie(iri)}\`)` : `\`${this.curie(iri)}\``;
  }

}

function emitClass(ctx: Context, c: IRClass, options: ClassEmitOptions): string {
  const parent = c.primarySuper === null ? null : ctx.byIri.get(c.primarySuper)!;
  const base = parent?.tsName ?? 'Resource';
  const usedObjects = new Set<string>();
  const ref = (iri: string): string => {
    const o = ctx.refObject(iri);
    if (o !== null) usedObjects.add(o);
    return ctx.ref(iri);
  };
  const types = c.types.map(ref);
  const accepted = c.acceptedTypes.map(ref);
  const rows = c.fields.map(
    (f) =>
      `    { field: ${q(f.name)}, iri: ${ref(f.property)}, kind: ${q(f.valueKind)}, datatype: ${f.datatype === null ? 'null' : ref(f.datatype)}, single: ${f.single} },`,
  );
  const classIri = ref(c.iri);

  let out = header(ctx.ir.$comment);
  const runtime = parent === null ? '{ type PropertySpec, Resource, defineProperties }' : '{ type PropertySpec, defineProperties }';
  out += `import ${runtime} from ${q(options.runtimeImport)};\n`;
  out += `import { ${[...usedObjects].sort(compare).join(', ')} } from '../vocab.js';\n`;
  if (parent !== null) out += `import { ${base} } from './${base}.js';\n`;
  out += `\n${docBlock(classDoc(ctx, c))}`;
  out += `export class ${c.tsName} extends ${base} {\n`;
  out += docBlock([`The class IRI, \`${ctx.curie(c.iri)}\`, written as \`rdf:type\` by \`toQuads\`.`], '  ');
  out += `  static override readonly classIri: string = ${classIri};\n`;
  out += docBlock(['The class, its equivalents and all its superclasses: the types an instance has under RDFS.'], '  ');
  out += `  static override readonly types: readonly string[] = ${list(types, '  ')};\n`;
  out += docBlock(['The types \`fromQuads\` accepts: the class, its equivalents and all its subclasses.'], '  ');
  out += `  static override readonly acceptedTypes: readonly string[] = ${list(accepted, '  ')};\n`;
  out += docBlock([`Property table: ${parent === null ? 'the' : `{@link ${base}}'s rows, then the`} fields this class adds.`], '  ');
  out += `  static override readonly properties: readonly PropertySpec[] = defineProperties(${base}, [${rows.length === 0 ? '' : `\n${rows.join('\n')}\n  `}]);\n`;
  for (const f of c.fields) out += `\n${docBlock(fieldDoc(ctx, f), '  ')}  ${fieldDecl(f)}\n`;
  out += '}\n';
  return out;
}

function list(items: string[], indent: string): string {
  const flat = `[${items.join(', ')}]`;
  if (flat.length <= 80) return flat;
  return `[\n${items.map((i) => `${indent}  ${i},`).join('\n')}\n${indent}]`;
}

function fieldDecl(f: IRField): string {
  const type = f.tsType.includes('|') ? `(${f.tsType})` : f.tsType;
  return f.single ? `${f.name}?: ${f.tsType};` : `${f.name}: ${type}[] = [];`;
}

function classDoc(ctx: Context, c: IRClass): string[] {
  const lines: string[] = [];
  lines.push(...wrap(docText(`${c.label}${c.comment === null ? '.' : ` — ${c.comment}`}`), 96));
  lines.push('');
  const kind = c.provenanceKind === null ? '' : ` — ${c.provenanceKind} provenance`;
  lines.push(`\`${ctx.curie(c.iri)}\` (<${c.iri}>)${kind}.`);
  if (c.superClasses.direct.length > 0) {
    const direct = c.types.filter((t) => c.superClasses.direct.includes(t)); // provml, prov, mls order
    lines.push(`Subclass of ${direct.map((s) => ctx.link(s)).join(', ')}.`);
  }
  if (c.equivalentClasses.length > 0) lines.push(`Equivalent to ${c.equivalentClasses.map((s) => ctx.link(s)).join(', ')}.`);
  const flattened = [...new Set(c.fields.filter((f) => f.via !== null).map((f) => f.via!))];
  if (flattened.length > 0) {
    lines.push(`Fields of ${flattened.map((s) => `\`${ctx.curie(s)}\``).join(', ')} are flattened in (TypeScript has single inheritance).`);
  }
  lines.push('', '@example', '```ts', ...example(ctx, c), '```');
  return lines;
}

function fieldDoc(ctx: Context, f: IRField): string[] {
  const p = ctx.ir.properties.find((x) => x.iri === f.property)!;
  const lines = wrap(docText(`${p.label}${p.comment === null ? '.' : ` — ${p.comment}`}`), 92);
  const count = f.single ? 'at most one value' : 'any number of values';
  const what =
    f.valueKind === 'iri'
      ? `IRI of ${f.range.length === 0 ? 'a node' : f.range.map((r) => ctx.link(r)).join(' or ')}`
      : f.datatype === null
        ? 'a literal (string → xsd:string, number → xsd:double, boolean → xsd:boolean)'
        : `\`${ctx.curie(f.datatype)}\` literal`;
  lines.push('', `\`${ctx.curie(f.property)}\`: ${what}; ${count}${f.required ? ' (required by the shapes/restrictions)' : ''}.`);
  if (f.origin === 'mapping') lines.push(`Mapped by the generator: \`${ctx.curie(f.property)}\` has no domain in its ontology; PROV-ML values use it.`);
  if (f.origin === 'flattened' && f.via !== null) lines.push(`From \`${ctx.curie(f.via)}\` (flattened).`);
  return lines;
}

/** A short, compiling usage example for a class. */
function example(ctx: Context, c: IRClass): string[] {
  let variable = camelCase(c.tsName!);
  if (RESERVED_WORDS.has(variable)) variable = `${variable}Node`;
  const kebab = c.tsName!.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const lines = [
    `import { ${c.tsName} } from 'provml/model';`,
    '',
    `const ${variable} = new ${c.tsName}('urn:provml:example:${kebab}-1');`,
  ];
  // The nearest single-valued field (own first, then up the chain), else any own field, else `name`.
  const chain: IRClass[] = [];
  for (let k: IRClass | undefined = c; k !== undefined; k = k.primarySuper === null ? undefined : ctx.byIri.get(k.primarySuper)) chain.push(k);
  const all = chain.flatMap((k) => k.fields);
  const field = all.find((f) => f.single && f.name !== 'name') ?? c.fields[0] ?? all.find((f) => f.name === 'name') ?? all[0];
  if (field !== undefined) {
    const value = sampleValue(field);
    lines.push(field.single ? `${variable}.${field.name} = ${value};` : `${variable}.${field.name}.push(${value});`);
  }
  lines.push(`const quads = ${variable}.toQuads('urn:provml:graph:example');`);
  lines.push(`const copy = ${c.tsName}.fromQuads(quads, ${variable}.iri);`);
  return lines;
}

function sampleValue(f: IRField): string {
  if (f.valueKind === 'iri') {
    const target = f.range[0] === undefined ? 'node' : localName(f.range[0]).replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    return q(`urn:provml:example:${target}-1`);
  }
  switch (f.tsType) {
    case 'number':
      return f.datatype?.endsWith('double') || f.datatype?.endsWith('float') ? '0.5' : '3';
    case 'boolean':
      return 'true';
    case 'Date':
      return "new Date('2024-01-01T00:00:00Z')";
    case 'string':
      return f.datatype?.endsWith('anyURI') ? q('https://example.org/data.csv') : q('example');
    default:
      return '0.5';
  }
}

function emitIndex(ctx: Context, classes: IRClass[], options: ClassEmitOptions): string {
  let out = header(ctx.ir.$comment);
  out += `import type { ResourceClass } from ${q(options.runtimeImport)};\n`;
  for (const c of classes) out += `import { ${c.tsName} } from './${c.tsName}.js';\n`;
  out += '\n';
  out += `export {\n${classes.map((c) => `  ${c.tsName},`).join('\n')}\n};\n`;
  const objects = new Set<string>();
  const entries = classes.map((c) => {
    const o = ctx.refObject(c.iri);
    if (o !== null) objects.add(o);
    return `  [${ctx.ref(c.iri)}]: ${c.tsName},`;
  });
  out = out.replace(/^(\/\/[^\n]*\n[^\n]*\n)/, `$1import { ${[...objects].sort(compare).join(', ')} } from '../vocab.js';\n`);
  out += `\n${docBlock([
    'Every generated class by its class IRI: turns an `rdf:type` found in data into the class that reads it.',
    '',
    '@example',
    '```ts',
    "import { CLASS_BY_IRI } from 'provml/model';",
    "import { PROVML } from 'provml/vocab';",
    '',
    'const Epoch = CLASS_BY_IRI[PROVML.EpochExecution]; // EpochExecution',
    '```',
  ])}`;
  out += `export const CLASS_BY_IRI: Readonly<Record<string, ResourceClass>> = Object.freeze({\n${entries.join('\n')}\n});\n`;
  return out;
}

/** Import path from `fromDir` to `target` (both relative to the project root), ESM style. */
export function importPath(fromDir: string, target: string): string {
  const rel = posix.relative(fromDir, target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}
