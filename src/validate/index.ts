/**
 * SHACL validation of PROV-ML data (`provml/validate`).
 *
 * @example
 * ```ts
 * import { validate } from 'provml/validate';
 * const report = await validate('./provenance/run.nq', { extraShapes: './team-rules.ttl' });
 * console.log(report.conforms, report.countsByShape, report.triples, report.durationMs);
 * ```
 * @module
 */
export { validate, validateDataset } from './validate.js';
export type { ValidationPhase } from './validate.js';
export { ValidationInputError } from './types.js';
export { UnsupportedShapesError } from './sparql-rewrite.js';
export type {
  EndpointSource,
  JournalSource,
  ShapesInput,
  ValidateOptions,
  ValidationReport,
  ValidationResult,
  ValidationSource,
} from './types.js';
