import { writeFile } from 'node:fs/promises';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { executions } from './executions.js';
import { ProvIndex } from './graph.js';
import { toNdjson, toOpenLineage, type OpenLineageOptions, type RunEvent } from './openlineage.js';
import { toProvJson } from './prov-json.js';
import { readProvenance } from './read.js';
import { toJsonLd, toNQuads, toTriG, toTurtle } from './rdf.js';
import { crateData, toRoCrate, type RoCrate, type RoCrateOptions } from './ro-crate.js';
import { planCopies, writeRoCrate, type CopyPlan } from './ro-crate-write.js';

/**
 * `exportProvenance`: provenance from any endpoint (the embedded store, `provml serve`, Virtuoso…)
 * as N-Quads, TriG, Turtle, JSON-LD, PROV-JSON, a Workflow Run RO-Crate or OpenLineage RunEvents.
 */

/**
 * Every export format.
 *
 * @example
 * ```ts
 * if (!EXPORT_FORMATS.includes(f as ExportFormat)) throw new Error(`unknown format ${f}`);
 * ```
 */
export const EXPORT_FORMATS = ['nquads', 'trig', 'turtle', 'jsonld', 'prov-json', 'ro-crate', 'openlineage'] as const;
/**
 * One export format.
 *
 * @example
 * ```ts
 * const f: ExportFormat = 'prov-json';
 * ```
 */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Options of {@link exportProvenance}.
 *
 * @example
 * ```ts
 * const o: ExportOptions = { format: 'openlineage', runs: [run.iri], namespace: 'geo', batches: false };
 * ```
 */
export interface ExportOptions extends OpenLineageOptions, Omit<RoCrateOptions, 'copies' | 'batches'> {
  format: ExportFormat;
  /** Workflow execution IRIs to export (default: every run). */
  runs?: readonly string[];
  /** RO-Crate: copy the local data files that still match their checksum into the crate. */
  copyData?: boolean;
}

/**
 * What an export produced.
 *
 * @example
 * ```ts
 * const r: ExportResult = await exportProvenance(store, { format: 'nquads' });
 * console.log(r.runs.length, r.quads);
 * ```
 */
export interface ExportResult {
  format: ExportFormat;
  /**
   * The document: the RDF or PROV-JSON text, the crate's `ro-crate-metadata.json`, or the
   * OpenLineage events as NDJSON (one event per line).
   */
  text: string;
  /** The runs exported. */
  runs: string[];
  /** Quads read from the endpoint. */
  quads: number;
  /** OpenLineage only: the events. */
  events?: RunEvent[];
  /** RO-Crate only: the crate and the data files to copy into it (with `copyData`). */
  crate?: RoCrate;
  copies?: CopyPlan;
}

/**
 * Export the provenance of `runs` (default all) from `endpoint` in `format`.
 *
 * @example
 * ```ts
 * const { text } = await exportProvenance(store, { format: 'prov-json' });
 * const crate = await exportProvenance(store, { format: 'ro-crate', runs: [run], copyData: true });
 * await writeExport(crate, 'crate-dir');
 * ```
 */
export async function exportProvenance(endpoint: SparqlEndpoint, options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) throw new TypeError(`provml: unknown export format ${JSON.stringify(options.format)} (expected ${EXPORT_FORMATS.join(', ')})`);
  const read = await readProvenance(endpoint, options.runs ? { runs: options.runs } : {});
  const base = { format: options.format, runs: read.runs, quads: read.quads.length };
  switch (options.format) {
    case 'nquads':
      return { ...base, text: await toNQuads(read.quads) };
    case 'trig':
      return { ...base, text: await toTriG(read.quads) };
    case 'turtle':
      return { ...base, text: await toTurtle(read.quads) };
    case 'jsonld':
      return { ...base, text: await toJsonLd(read.quads) };
    case 'prov-json':
      return { ...base, text: `${JSON.stringify(toProvJson(ProvIndex.from(read.quads)), null, 2)}\n` };
    case 'openlineage': {
      const events = toOpenLineage(executions(ProvIndex.from(read.quads)), options);
      return { ...base, text: toNdjson(events), events };
    }
    case 'ro-crate': {
      const index = ProvIndex.from(read.quads);
      const views = executions(index);
      const copies = options.copyData ? await planCopies(crateData(index, views, options.batches)) : undefined;
      const targets = copies ? new Map(copies.copies.map((c) => [c.storageUrl, c.target])) : undefined;
      const { copyData: _c, format: _f, runs: _r, ...crateOptions } = options;
      const crate = toRoCrate(index, views, { ...crateOptions, ...(targets ? { copies: targets } : {}) });
      return { ...base, text: `${JSON.stringify(crate.metadata, null, 2)}\n`, crate, ...(copies ? { copies } : {}) };
    }
  }
}

/**
 * Write an export: a file for every format but `ro-crate`, a directory holding
 * `ro-crate-metadata.json` (and the copied data) for `ro-crate`. Returns the paths written.
 *
 * @example
 * ```ts
 * await writeExport(await exportProvenance(store, { format: 'trig' }), 'provenance.trig');
 * ```
 */
export async function writeExport(result: ExportResult, out: string): Promise<string[]> {
  if (result.format === 'ro-crate' && result.crate) return writeRoCrate(result.crate, out, result.copies?.copies ?? []);
  await writeFile(out, result.text);
  return [out];
}

