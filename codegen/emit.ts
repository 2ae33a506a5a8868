/**
 * The whole generator as one pure-ish function: input files → `{ path → content }`.
 *
 * It reads the ontology, its imports and (when present) the shapes, builds the IR, and renders
 * every output file in memory. `cli.ts` writes or checks them; the sync test compares them with
 * what is committed. Nothing here touches the output directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { emitClasses, importPath } from './emit-classes.js';
import { emitQuerySchema } from './emit-query-schema.js';
import { emitVocab } from './emit-vocab.js';
import type { IR } from './ir.js';
import { loadTurtle } from './load.js';
import { buildModel } from './model.js';
import { compare } from './terms.js';

export interface GenerateOptions {
  /** Project root; every other path is relative to it. Default: the current directory. */
  readonly root?: string;
  /** The ontology. Default `ontology/prov-ml.ttl`. */
  readonly ontology?: string;
  /** Imported ontologies. Default: every `*.ttl` in `ontology/imports/`. */
  readonly imports?: readonly string[];
  /** SHACL shapes; `null` for none. Default `shapes/prov-ml.shapes.ttl` when it exists. */
  readonly shapes?: string | null;
  /** Output directory. Default `src/generated`. */
  readonly outDir?: string;
  /** Directory of the hand-written runtime (`resource.ts`, `literal.ts`). Default `src/rdf`. */
  readonly runtimeDir?: string;
}

export interface GenerateResult {
  /** Output directory, relative to the root. */
  readonly outDir: string;
  /** Path relative to `outDir` (with `/`) → file content, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly ir: IR;
  readonly warnings: readonly string[];
}

export const DEFAULTS = {
  ontology: 'ontology/prov-ml.ttl',
  importsDir: 'ontology/imports',
  shapes: 'shapes/prov-ml.shapes.ttl',
  outDir: 'src/generated',
  runtimeDir: 'src/rdf',
} as const;

export function generate(options: GenerateOptions = {}): GenerateResult {
  const root = resolve(options.root ?? '.');
  const ontology = options.ontology ?? DEFAULTS.ontology;
  const imports =
    options.imports ??
    readdirSync(resolve(root, DEFAULTS.importsDir))
      .filter((f) => f.endsWith('.ttl'))
      .sort(compare)
      .map((f) => `${DEFAULTS.importsDir}/${f}`);
  const shapes = options.shapes === undefined ? (existsSync(resolve(root, DEFAULTS.shapes)) ? DEFAULTS.shapes : null) : options.shapes;
  const outDir = options.outDir ?? DEFAULTS.outDir;
  const runtimeDir = options.runtimeDir ?? DEFAULTS.runtimeDir;

  const { ir, warnings } = buildModel({
    main: loadTurtle(ontology, { root }),
    imports: imports.map((f) => loadTurtle(f, { root })),
    shapes: shapes === null ? null : loadTurtle(shapes, { root }),
  });

  const files = new Map<string, string>();
  files.set('vocab.ts', emitVocab(ir));
  const runtimeImport = importPath(posix.join(outDir, 'classes'), posix.join(runtimeDir, 'resource.js'));
  for (const [path, content] of emitClasses(ir, { runtimeImport })) files.set(`classes/${path}`, content);
  files.set('model.json', `${JSON.stringify(ir, null, 2)}\n`);
  files.set('query-schema.ts', emitQuerySchema(ir));
  const sorted = new Map([...files].sort(([a], [b]) => compare(a, b)));
  return { outDir, files: sorted, ir, warnings };
}
