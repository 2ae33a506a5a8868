import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { reproductionManifest, verifyManifest, type ReproductionManifest } from '../query/reproduce.js';
import { cli, setExitCode } from './io.js';
import { InputError } from './load.js';
import { resolveNode } from './nodes.js';
import { TABLE_FORMATS, printRows, type TableFormat } from './output.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml reproduce <model> [--out manifest.json] [--verify]`: the reproduction manifest of a
 * model (src/query/reproduce.ts) — input and intermediate files with checksums and locations,
 * upstream parameters, hyperparameters, code and environment of every run upstream. `--out` writes
 * it as JSON; otherwise stdout gets it (`-f json`) or its tables. `--verify` re-checks the files
 * against the local disk and prints one line per file (two when it also has a newer version);
 * stdout then holds the check, not the manifest. Exit codes: 0 success (and, with `--verify`,
 * nothing changed), 1 `--verify` found a file missing, changed, or with a newer version recorded,
 * 2 bad input (unknown model, nothing generated it, unreadable files, a failing endpoint).
 */

interface ReproduceOpts extends SourceOpts {
  out?: string;
  verify?: boolean;
  format: TableFormat;
}

const short = (s: string | undefined) => (s === undefined ? '' : s.length > 16 ? `${s.slice(0, 16)}…` : s);

function printManifest(m: ReproductionManifest, format: TableFormat): void {
  const out = cli().stdout;
  if (format === 'json') {
    out.write(`${JSON.stringify(m, null, 2)}\n`);
    return;
  }
  const files = m.files.map((f) => ({
    role: f.role,
    url: f.storageUrl ?? '',
    sha256: f.checksum ?? '',
    bytes: f.byteSize,
    version: f.version === undefined ? '' : `${f.version} of ${f.versions}`,
    IRI: f.data,
  }));
  if (format === 'csv') {
    printRows('csv', files);
    return;
  }
  out.write('Files\n');
  printRows('table', files);
  out.write('Executions\n');
  printRows(
    'table',
    m.executions.map((e) => ({
      workflow: e.workflow ?? '',
      step: e.execution === e.run ? '' : (e.name ?? ''),
      kind: e.kind ?? '',
      started: e.startedAt ?? '',
      parameters: Object.keys(e.parameters).length > 0 ? e.parameters : '',
      hyperparameters: Object.keys(e.hyperparameters).length > 0 ? e.hyperparameters : '',
      inputs: e.inputs.length,
      outputs: e.outputs.length,
    })),
  );
  out.write('Runs\n');
  printRows(
    'table',
    m.runs.map((r) => ({
      workflow: r.workflow ?? '',
      started: r.startedAt ?? '',
      script: r.code?.facts.storageUrl ?? '',
      'script sha256': short(r.code?.facts.checksum as string | undefined),
      commit: short(r.code?.facts.codeCommit as string | undefined),
      runtime: r.environment?.facts.runtime ?? '',
      host: r.environment?.facts.hostName ?? '',
      packages: r.environment?.packages.length ?? 0,
      run: r.run,
    })),
  );
}

/**
 * Add `provml reproduce` to the program.
 *
 * @example
 * ```ts
 * const cmd = new Command('provml');
 * addReproduceCommand(cmd);
 * await cmd.parseAsync(['node', 'provml', 'reproduce', 'models/best.json', '--data', 'run.nq', '--verify']);
 * ```
 */
export function addReproduceCommand(cmd: Command): void {
  addSourceOptions(
    cmd
      .command('reproduce')
      .description('the reproduction manifest of a model: input files with checksums and locations, upstream parameters, hyperparameters, code and environment; --verify re-checks the files on disk (exit 1 when any changed)')
      .argument('<model>', 'the model (or any recorded file): its path, storage URL or data node IRI; put it before variadic options')
      .option('-o, --out <file>', 'write the manifest to this JSON file')
      .option('--verify', 're-check the files that exist locally: missing, different sha256, or a newer version recorded (exit 1 when any)')
      .addOption(new Option('-f, --format <format>', 'output format of the manifest (no --out) or of the check (--verify)').choices([...TABLE_FORMATS]).default('table')),
  ).action(async (model: string, opts: ReproduceOpts) => {
    const source = await openSource(opts);
    let manifest: ReproductionManifest;
    try {
      const iri = await resolveNode(source.endpoint, model, 'reproduce');
      try {
        manifest = await reproductionManifest(source.endpoint, iri);
      } catch (err) {
        if (err instanceof Error && /^no recorded execution generated /.test(err.message)) throw new InputError(`${err.message} (in ${source.describe})`);
        throw err;
      }
    } finally {
      await source.close();
    }
    if (opts.out !== undefined) {
      try {
        await writeFile(opts.out, `${JSON.stringify(manifest, null, 2)}\n`);
      } catch (err) {
        throw new InputError(`--out ${opts.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      const inputs = manifest.files.filter((f) => f.role === 'input').length;
      cli().stderr.write(`provml: wrote the manifest of ${manifest.model.storageUrl ?? manifest.model.data} to ${opts.out}: ${manifest.files.length} files (${inputs} inputs), ${manifest.executions.length} executions in ${manifest.runs.length} runs\n`);
    }
    if (!opts.verify) {
      if (opts.out === undefined) printManifest(manifest, opts.format);
      return;
    }
    const v = await verifyManifest(manifest);
    const rows = v.checks.map((c) => ({ status: c.status, role: c.role, url: c.storageUrl ?? '', detail: c.detail, ...(opts.format === 'table' ? {} : { recorded: c.recorded ?? '', found: c.found ?? '', data: c.data }) }));
    printRows(opts.format, opts.format === 'json' ? v.checks : rows);
    const changes = v.checks.filter((c) => c.changed).length;
    cli().stderr.write(changes === 0 ? `provml: ${v.checks.length} checks, nothing changed\n` : `provml: ${changes} change${changes === 1 ? '' : 's'} since the model was made\n`);
    setExitCode(changes > 0 ? 1 : 0);
  });
}
