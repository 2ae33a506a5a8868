import { Option, type Command } from 'commander';
import { EXPORT_FORMATS, exportProvenance, writeExport, type ExportFormat, type ExportResult } from '../export/index.js';
import { postOpenLineage } from '../export/openlineage-post.js';
import { UnknownRunError } from '../export/read.js';
import { iriTerm } from '../query/sparql.js';
import { cli, setExitCode } from './io.js';
import { InputError } from './load.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml export`: provenance in the formats other tools read — N-Quads, TriG, Turtle, JSON-LD,
 * W3C PROV-JSON, a Workflow Run RO-Crate (Provenance Run Crate) or OpenLineage RunEvents (one JSON
 * object a line; `--url` posts them to an OpenLineage server). Reads `--endpoint` or `--data`
 * like the other reading commands. Exit codes: 0 written (and, with `--url`, every event taken);
 * 2 bad input, an unknown run, an unreachable endpoint, a file that cannot be written, or events
 * the OpenLineage server did not take.
 */

interface ExportOpts extends SourceOpts {
  format: ExportFormat;
  run?: string[];
  out?: string;
  batches?: boolean;
  copyData?: boolean;
  namespace?: string;
  producer?: string;
  license?: string;
  url?: string;
  retries: string;
}

function describe(r: ExportResult): string {
  if (r.format === 'openlineage') return `${r.events?.length ?? 0} OpenLineage events`;
  if (r.format === 'ro-crate') {
    const copied = r.copies ? `, ${r.copies.copies.length} data files copied${r.copies.skipped.length ? ` (${r.copies.skipped.length} left out)` : ''}` : '';
    return `an RO-Crate of ${r.runs.length} runs${copied}`;
  }
  return `${r.format} of ${r.runs.length} runs (${r.quads} quads read)`;
}

/**
 * Add `provml export` to the program.
 *
 * @example
 * ```ts
 * const cmd = new Command('provml');
 * addExportCommand(cmd);
 * await cmd.parseAsync(['node', 'provml', 'export', '--format', 'prov-json', '--data', 'run.nq', '--out', 'run.json']);
 * ```
 */
export function addExportCommand(cmd: Command): void {
  addSourceOptions(
    cmd
      .command('export')
      .description('write provenance as N-Quads, TriG, Turtle, JSON-LD, PROV-JSON, a Workflow Run RO-Crate or OpenLineage events (--url posts them)')
      .addOption(new Option('-f, --format <format>', 'export format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
      .option('-r, --run <iris...>', 'workflow execution IRIs to export (default: every run)')
      .option('-o, --out <path>', 'file to write (for ro-crate: a directory, holding ro-crate-metadata.json); default stdout')
      .option('--batches', 'openlineage, ro-crate: also export batch executions (default: up to epochs)')
      .option('--copy-data', 'ro-crate: copy the local data files that still match their recorded checksum into <out>/data/')
      .option('--namespace <ns>', 'openlineage: job namespace', 'provml')
      .option('--producer <uri>', 'openlineage: producer URI of the events')
      .option('--license <iri>', 'ro-crate: license of the crate (e.g. https://spdx.org/licenses/CC-BY-4.0)')
      .option('--url <url>', 'openlineage: POST the events to this OpenLineage server (…/api/v1/lineage), one per request; token from $OPENLINEAGE_API_KEY')
      .option('--retries <n>', 'openlineage --url: retries per event on network errors, 429 and 5xx', '3'),
  ).action(async (opts: ExportOpts) => {
    for (const r of opts.run ?? []) iriTerm(r, 'run IRI');
    if (opts.url !== undefined && opts.format !== 'openlineage') throw new InputError('--url posts OpenLineage events: use it with --format openlineage');
    if (opts.copyData && opts.format !== 'ro-crate') throw new InputError('--copy-data is for --format ro-crate');
    if (opts.copyData && opts.out === undefined) throw new InputError('--copy-data needs --out DIR (the crate directory)');
    const retries = Number(opts.retries);
    if (!Number.isInteger(retries) || retries < 0) throw new InputError(`--retries must be an integer ≥ 0, got ${JSON.stringify(opts.retries)}`);
    const source = await openSource(opts);
    let result: ExportResult;
    try {
      result = await exportProvenance(source.endpoint, {
        format: opts.format,
        ...(opts.run ? { runs: opts.run } : {}),
        ...(opts.batches ? { batches: true } : {}),
        ...(opts.copyData ? { copyData: true } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(opts.producer ? { producer: opts.producer } : {}),
        ...(opts.license ? { license: opts.license } : {}),
      });
    } catch (err) {
      if (err instanceof UnknownRunError) throw new InputError(`run not found in ${source.describe}: ${err.run}; list the runs with: provml sparql --data … "SELECT ?run WHERE { ?run a <https://w3id.org/prov-ml#WorkflowExecution> }"`);
      throw err;
    } finally {
      await source.close();
    }
    const err = cli().stderr;
    for (const s of result.copies?.skipped ?? []) err.write(`provml: not copied into the crate: ${s.storageUrl} (${s.reason}); the crate points at its URL\n`);
    if (opts.out === undefined) {
      if (opts.url === undefined) cli().stdout.write(result.text);
    } else {
      try {
        await writeExport(result, opts.out);
      } catch (e) {
        throw new InputError(`--out ${opts.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      err.write(`provml: wrote ${describe(result)} to ${opts.out}\n`);
    }
    if (opts.url !== undefined) {
      let posted;
      try {
        posted = await postOpenLineage(result.events ?? [], {
          url: opts.url,
          retries,
          timeoutMs: Number(opts.timeout ?? '60000'),
          ...(cli().env.OPENLINEAGE_API_KEY ? { apiKey: cli().env.OPENLINEAGE_API_KEY } : {}),
        });
      } catch (e) {
        throw new InputError((e as Error).message.replace(/^provml: /, ''));
      }
      err.write(`provml: posted ${posted.sent} of ${result.events?.length ?? 0} OpenLineage events to ${posted.url}\n`);
      for (const f of posted.failed.slice(0, 5)) err.write(`provml: event ${f.index + 1} (${f.eventType} of run ${f.runId}) not taken: ${f.error}\n`);
      if (posted.failed.length > 5) err.write(`provml: … and ${posted.failed.length - 5} more\n`);
      if (posted.failed.length > 0) setExitCode(2);
    }
  });
}
