/**
 * SHACL validation of PROV-ML data (`provml/validate`).
 *
 * @example
 * ```ts
 * import { validateDataset } from 'provml/validate';
 * const report = await validateDataset(quads);
 * console.log(report.conforms, report.countsByShape);
 * ```
 * @module
 */
export { validateDataset } from './validate.js';
export type { ValidateOptions, ValidationReport, ValidationResult } from './validate.js';
