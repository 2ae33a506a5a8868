/**
 * `npm run docs:ontology` — the PROV-ML ontology docs (index.html, diagram.svg, Turtle, JSON-LD).
 *
 * Options (paths relative to the current directory):
 *   --out <dir>          output directory (default `docs/ontology`)
 *   --ontology <file>    file to document, repeatable (default `ontology/prov-ml.ttl`)
 *   --imports <file>     context file, repeatable (default `ontology/imports/*.ttl`)
 *   --shapes <file>      SHACL shapes, repeatable (default `shapes/prov-ml.shapes.ttl`)
 * Exit codes: 0 ok, 2 bad input (the message names the file and line).
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateOntologyDocs } from '../src/docs/index.js';

/**
 * Runs the docs generator with command-line arguments; resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['--out', 'docs/ontology']);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const all = (name: string): string[] => argv.flatMap((a, i) => (a === name && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
  const out = all('--out')[0] ?? 'docs/ontology';
  const importsDir = 'ontology/imports';
  const defaultImports = existsSync(importsDir) ? readdirSync(importsDir).filter((f) => f.endsWith('.ttl')).sort().map((f) => `${importsDir}/${f}`) : [];
  const shapes = all('--shapes');
  try {
    const result = await generateOntologyDocs({
      out,
      ontology: all('--ontology').length > 0 ? all('--ontology') : ['ontology/prov-ml.ttl'],
      imports: all('--imports').length > 0 ? all('--imports') : defaultImports,
      shapes: shapes.length > 0 ? shapes : existsSync('shapes/prov-ml.shapes.ttl') ? ['shapes/prov-ml.shapes.ttl'] : [],
    });
    console.log(
      `docs: ${result.classes} classes, ${result.properties} properties, ${result.individuals} individuals, ${result.shapes} shapes → ${out}/ (${result.files.join(', ')})`,
    );
    return 0;
  } catch (error) {
    console.error(`docs: ${(error as Error).message}`);
    return 2;
  }
}

const invoked = process.argv[1] === undefined ? '' : resolve(process.argv[1]);
if (invoked === resolve(new URL(import.meta.url).pathname)) process.exitCode = await main(process.argv.slice(2));
