/**
 * Ontology documentation (pyLODE/Widoco-style): `index.html` with metadata, namespaces, a class
 * diagram and one anchored section per term, plus `diagram.svg`, a copy of each documented Turtle
 * file and its JSON-LD serialization. Used by `npm run docs:ontology` and `provml docs`.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderDiagram } from './diagram.js';
import { compare, parseTurtleFile } from './graph.js';
import { type PageDownload, renderPage } from './html.js';
import { turtleToJsonLd } from './jsonld.js';
import { buildDocModel } from './model.js';

/**
 * Input files of the docs; see {@link generateOntologyDocs} for the defaults.
 *
 * @example
 * ```ts
 * const sources: OntologySources = { ontology: ['my-extension.ttl'], shapes: ['my-shapes.ttl'] };
 * ```
 */
export interface OntologySources {
  /** Turtle files to document. Default: the packaged `ontology/prov-ml.ttl`. */
  readonly ontology?: readonly string[];
  /**
   * Context files: imported ontologies whose labels and hierarchy the page uses for external
   * terms, without documenting them. Default: the packaged PROV-ML ontology and its imports
   * (PROV-O, ML Schema), minus any file already in `ontology`.
   */
  readonly imports?: readonly string[];
  /** SHACL shapes files. Default: the packaged shapes when `ontology` is omitted, else none. */
  readonly shapes?: readonly string[];
}

/**
 * Options of {@link generateOntologyDocs}.
 *
 * @example
 * ```ts
 * const options: OntologyDocsOptions = { out: 'docs/ontology' };
 * ```
 */
export interface OntologyDocsOptions extends OntologySources {
  /** Output directory (created when missing; existing files of the same names are overwritten). */
  readonly out: string;
}

/**
 * What {@link generateOntologyDocs} wrote.
 *
 * @example
 * ```ts
 * const { files } = await generateOntologyDocs({ out: 'site' });
 * console.log(files); // ['diagram.svg', 'index.html', 'prov-ml.jsonld', 'prov-ml.shapes.ttl', 'prov-ml.ttl']
 * ```
 */
export interface OntologyDocsResult {
  /** Absolute output directory. */
  readonly out: string;
  /** Files written, relative to {@link out}, sorted. */
  readonly files: readonly string[];
  readonly classes: number;
  readonly properties: number;
  readonly individuals: number;
  readonly shapes: number;
}

/**
 * Generates the ontology documentation into `out`: `index.html`, `diagram.svg`, and for each
 * documented file a Turtle copy and a `.jsonld` serialization (shapes files are copied too).
 *
 * @example
 * ```ts
 * import { generateOntologyDocs } from './docs/index.js';
 * // PROV-ML itself, with its shapes:
 * await generateOntologyDocs({ out: 'docs/ontology' });
 * // A user's extension ontology, with PROV-ML and its imports as context:
 * await generateOntologyDocs({ ontology: ['my-extension.ttl'], out: 'site/ontology' });
 * ```
 */
export async function generateOntologyDocs(options: OntologyDocsOptions): Promise<OntologyDocsResult> {
  const rendered = await renderOntologyDocs(options);
  const out = resolve(options.out);
  mkdirSync(out, { recursive: true });
  for (const [name, content] of rendered.files) writeFileSync(join(out, name), content);
  return { ...rendered.counts, out, files: [...rendered.files.keys()].sort(compare) };
}

/**
 * Renders the documentation in memory: output file name → content.
 *
 * @example
 * ```ts
 * const { files } = await renderOntologyDocs({});
 * console.log(files.get('index.html')?.length);
 * ```
 */
export async function renderOntologyDocs(sources: OntologySources): Promise<{
  files: Map<string, string>;
  counts: Pick<OntologyDocsResult, 'classes' | 'properties' | 'individuals' | 'shapes'>;
}> {
  const packaged = sources.ontology === undefined || sources.imports === undefined || sources.shapes === undefined ? packagedOntologySources() : null;
  const ontologyPaths = sources.ontology ?? packaged!.ontology;
  if (ontologyPaths.length === 0) throw new Error('provml docs: no ontology file given');
  const documented = new Set(ontologyPaths.map((p) => resolve(p)));
  const importPaths = sources.imports ?? [...packaged!.ontology, ...packaged!.imports].filter((p) => !documented.has(resolve(p)));
  const shapePaths = sources.shapes ?? (sources.ontology === undefined ? packaged!.shapes : []);

  const ontology = ontologyPaths.map((p) => parseTurtleFile(p));
  const shapes = shapePaths.map((p) => parseTurtleFile(p));
  const model = buildDocModel({ ontology, imports: importPaths.map((p) => parseTurtleFile(p)), shapes });

  const files = new Map<string, string>();
  const taken = new Set(['index.html', 'diagram.svg']);
  const unique = (name: string): string => {
    const dot = name.lastIndexOf('.');
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name.slice(0, dot)}-${n}${name.slice(dot)}`;
    taken.add(candidate);
    return candidate;
  };
  const downloads: PageDownload[] = [];
  for (const f of ontology) {
    const stem = basename(f.path).replace(/\.(ttl|turtle)$/i, '');
    const ttl = unique(`${stem}.ttl`);
    const jsonld = unique(`${stem}.jsonld`);
    files.set(ttl, f.text);
    files.set(jsonld, await turtleToJsonLd(f));
    const which = ontology.length > 1 ? ` (${stem})` : '';
    downloads.push({ href: ttl, label: `Turtle${which}` }, { href: jsonld, label: `JSON-LD${which}` });
  }
  for (const s of shapes) {
    const name = unique(basename(s.path));
    files.set(name, s.text);
    downloads.push({ href: name, label: `SHACL shapes${shapes.length > 1 ? ` (${name})` : ''}` });
  }
  downloads.push({ href: 'diagram.svg', label: 'Diagram (SVG)' });
  files.set('diagram.svg', renderDiagram(model, { linkBase: 'index.html', standalone: true }));
  files.set('index.html', renderPage(model, { downloads, diagramFile: 'diagram.svg' }));
  return {
    files,
    counts: { classes: model.classes.length, properties: model.properties.length, individuals: model.individuals.length, shapes: model.shapes.length },
  };
}

/**
 * The PROV-ML files shipped with the package: the ontology, its imports (PROV-O, ML Schema) and
 * the SHACL shapes, as absolute paths. Found next to the sources (`src/docs/` → `../../`) or the
 * bundle (`dist/` → `../`).
 *
 * @example
 * ```ts
 * const { ontology, imports, shapes } = packagedOntologySources();
 * ```
 */
export function packagedOntologySources(): { ontology: string[]; imports: string[]; shapes: string[] } {
  const base = moduleUrl();
  const roots = base === undefined ? [] : ['../../', '../'].map((rel) => fileURLToPath(new URL(rel, base)));
  const root = roots.find((r) => existsSync(join(r, 'ontology', 'prov-ml.ttl')));
  if (root === undefined) throw new Error(`provml docs: cannot find the packaged ontology (ontology/prov-ml.ttl); looked in: ${roots.join(', ')}`);
  const importsDir = join(root, 'ontology', 'imports');
  const imports = existsSync(importsDir) ? readdirSync(importsDir).filter((f) => f.endsWith('.ttl')).sort(compare).map((f) => join(importsDir, f)) : [];
  const shapes = join(root, 'shapes', 'prov-ml.shapes.ttl');
  return { ontology: [join(root, 'ontology', 'prov-ml.ttl')], imports, shapes: existsSync(shapes) ? [shapes] : [] };
}

/** The URL of this module, in ESM (import.meta.url) or in a CJS bundle (__filename). */
function moduleUrl(): string | undefined {
  try {
    const url = import.meta.url as string | undefined;
    if (url) return url;
  } catch {
    // CJS bundle without an import.meta shim
  }
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined;
}
