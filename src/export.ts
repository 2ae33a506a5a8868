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
export { readProvenance, UnknownRunError, type ProvenanceQuads, type ReadOptions } from './export/read.js';
export { toJsonLd, toNQuads, toTriG, toTurtle } from './export/rdf.js';
export { ProvIndex, type NodeView, type ProvKind } from './export/graph.js';
export { executions, type DataView, type ExecutionKind, type ExecutionView, type ValueRole, type ValueView } from './export/executions.js';
export { toProvJson, type ProvJsonDocument } from './export/prov-json.js';
export {
  OPENLINEAGE_SCHEMA_URL,
  PROVML_FACETS_URL,
  PROVML_PRODUCER,
  toNdjson,
  toOpenLineage,
  type Facet,
  type OpenLineageDataset,
  type OpenLineageOptions,
  type RunEvent,
} from './export/openlineage.js';
export { datasetName, runIdOf, storageUrlOf, type DatasetName } from './export/openlineage-naming.js';
export { postOpenLineage, type PostOptions, type PostResult } from './export/openlineage-post.js';
export { importOpenLineage, parseOpenLineage, type ImportOptions } from './export/openlineage-import.js';
export { RO_CRATE_PROFILES, toRoCrate, type RoCrate, type RoCrateOptions } from './export/ro-crate.js';
export { planCopies, writeRoCrate, type CopyPlan, type DataCopy } from './export/ro-crate-write.js';
