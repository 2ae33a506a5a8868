/**
 * src/generated/ is committed: it must be exactly what the generator makes from the ontology
 * now. Runs the generator in memory (nothing is written) and compares file by file.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { diffOutput, listFiles } from '../../codegen/cli.js';
import { generate } from '../../codegen/emit.js';

const root = resolve(import.meta.dirname, '../..');
const HINT = 'src/generated is out of date with ontology/ and shapes/: run `npm run codegen` and commit the result';

test('every generated file equals the committed one, and there are no extra files', () => {
  const result = generate({ root });
  const dir = join(root, result.outDir);
  const { changed, missing, stale } = diffOutput(dir, result.files);
  expect(changed, `${HINT} (files that differ)`).toEqual([]);
  expect(missing, `${HINT} (files missing)`).toEqual([]);
  expect(stale, `${HINT} (stale files to delete)`).toEqual([]);
  expect(listFiles(dir)).toEqual([...result.files.keys()]);
  expect(result.warnings).toEqual([]);
});

test('`npm run codegen:check` agrees (exit code 0)', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'codegen/cli.ts', '--check'], { cwd: root, encoding: 'utf8' });
  expect(out).toMatch(/up to date/);
});
