import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The CLI's seam to the validation API (`src/validate/`): `validate(source, options)` and its
 * types, plus where the packaged shapes live (for shape labels in human output).
 */
export { validate, ValidationInputError } from '../validate/index.js';
export { loadSource } from '../validate/sources.js';
export type { ValidateOptions, ValidationPhase, ValidationReport, ValidationResult, ValidationSource } from '../validate/index.js';

const SHAPES_FILE = 'prov-ml.shapes.ttl';

/**
 * Path of provml's packaged SHACL shapes (from `src/cli/` or a bundled `dist/*.js`).
 *
 * @example
 * ```ts
 * const turtle = readFileSync(packagedShapesFile(), 'utf8');
 * ```
 */
export function packagedShapesFile(): string {
  const candidates = [`../../shapes/${SHAPES_FILE}`, `../shapes/${SHAPES_FILE}`].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`provml: cannot find the packaged SHACL shapes; looked in: ${candidates.join(', ')}`);
  return found;
}
