/**
 * `provml/export`: provenance that other tools can read. From any SPARQL endpoint (the embedded
 * store, `provml serve`, Virtuoso…), export runs as N-Quads, TriG, Turtle, JSON-LD, W3C
 * PROV-JSON, a Workflow Run RO-Crate (Provenance Run Crate profile) or OpenLineage RunEvents
 * (also posted to an OpenLineage server); and import OpenLineage RunEvents back into PROV-ML.
 *
 * @example
 * ```ts
 * import { exportProvenance, writeExport, importOpenLineage, parseOpenLineage } from 'provml/export';
 * await writeExport(await exportProvenance(prov.store!, { format: 'prov-json' }), 'provenance.json');
 * await writeExport(await exportProvenance(prov.store!, { format: 'ro-crate', copyData: true }), 'crate');
 * await store.insertQuads(importOpenLineage(parseOpenLineage(ndjson)));
 * ```
 *
 * @packageDocumentation
 */
export { EXPORT_FORMATS, exportProvenance, writeExport, type ExportFormat, type ExportOptions, type ExportResult } from './export/index.js';
export { UnknownRunError } from './export/read.js';
export type { ProvJsonDocument } from './export/prov-json.js';
export { PROVML_PRODUCER, type Facet, type OpenLineageDataset, type RunEvent } from './export/openlineage.js';
export { postOpenLineage, type PostOptions, type PostResult } from './export/openlineage-post.js';
export { importOpenLineage, parseOpenLineage, type ImportOptions } from './export/openlineage-import.js';
export type { RoCrate } from './export/ro-crate.js';
export type { CopyPlan, DataCopy } from './export/ro-crate-write.js';
