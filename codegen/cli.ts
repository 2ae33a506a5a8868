/**
 * `npm run codegen` — regenerate `src/generated/` from the ontology.
 * `npm run codegen:check` — write nothing; exit 1 listing the files that differ from fresh output.
 *
 * Options: `--check`, `--root <dir>`, `--out <dir>` (relative to the root).
 * Exit codes: 0 ok, 1 out of date (`--check`), 2 the ontology has a problem (message names the
 * file, the IRI and the line).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, rmdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CodegenError } from './errors.js';
import { generate } from './emit.js';
import { compare } from './terms.js';

/** Files under `dir`, relative to it, with `/` separators. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort(compare);
}

/** Compares fresh output with a directory: files that differ, are missing, or are stale. */
export function diffOutput(dir: string, files: ReadonlyMap<string, string>): { changed: string[]; missing: string[]; stale: string[] } {
  const existing = listFiles(dir);
  const changed: string[] = [];
  const missing: string[] = [];
  for (const [path, content] of files) {
    if (!existing.includes(path)) missing.push(path);
    else if (readFileSync(join(dir, path), 'utf8') !== content) changed.push(path);
  }
  const stale = existing.filter((p) => !files.has(p));
  return { changed, missing, stale };
}

function removeEmptyDirs(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const sub = join(dir, entry.name);
      removeEmptyDirs(sub);
      if (readdirSync(sub).length === 0) rmdirSync(sub);
    }
  }
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = resolve(arg('--root') ?? '.');
  let result;
  try {
    const out = arg('--out');
    result = generate(out === undefined ? { root } : { root, outDir: out });
  } catch (error) {
    if (error instanceof CodegenError) {
      console.error(`codegen: ${error.message}`);
      return 2;
    }
    throw error;
  }
  for (const w of result.warnings) console.warn(`codegen: warning: ${w}`);
  const dir = resolve(root, result.outDir);
  const { changed, missing, stale } = diffOutput(dir, result.files);
  const label = (p: string): string => `${result.outDir}/${p}`;
  if (check) {
    if (changed.length + missing.length + stale.length === 0) {
      console.log(`codegen: ${result.files.size} files in ${result.outDir} are up to date`);
      return 0;
    }
    for (const p of changed) console.error(`  differs: ${label(p)}`);
    for (const p of missing) console.error(`  missing: ${label(p)}`);
    for (const p of stale) console.error(`  stale:   ${label(p)}`);
    console.error('codegen: generated files are out of date; run `npm run codegen`');
    return 1;
  }
  for (const p of [...changed, ...missing]) {
    const target = join(dir, p);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, result.files.get(p)!);
  }
  for (const p of stale) rmSync(join(dir, p));
  if (existsSync(dir)) removeEmptyDirs(dir);
  console.log(
    `codegen: ${result.files.size} files in ${result.outDir} (${changed.length + missing.length} written, ${stale.length} removed)`,
  );
  return 0;
}

// Run only when executed directly (tests import the helpers above).
const invoked = process.argv[1] === undefined ? '' : resolve(process.argv[1]);
if (invoked === resolve(new URL(import.meta.url).pathname)) process.exitCode = main(process.argv.slice(2));
