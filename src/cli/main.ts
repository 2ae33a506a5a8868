import { stat } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { listRuns, runDatasets, runEpochs, runHyperparameters, sparqlIri } from '../query/runs.js';
import { cli, describeError, setExitCode, withCli, type CliIo } from './io.js';
import { InputError, loadFiles } from './load.js';
import { printRows } from './output.js';
import { addLineageCommand } from './lineage-command.js';
import { addMonitorCommand } from './monitor-command.js';
import { addPushCommand } from './push-command.js';
import { addQueryCommand } from './query-command.js';
import { addExportCommand } from './export-command.js';
import { addImportCommand } from './import-command.js';
import { addReportCommand } from './report-command.js';
import { addReproduceCommand } from './reproduce-command.js';
import { addVersionsCommand } from './versions-command.js';
import { addServeCommand } from './serve-command.js';
import { addSparqlCommand } from './sparql-command.js';
import { useColor } from './style.js';
import { addValidateCommand } from './validate-command.js';

/**
 * The `provml` command. Exit codes, the same for every subcommand: 0 success; 1 violations found
 * (`validate`) or files changed (`reproduce --verify`); 2 usage and input errors — unknown options and bad option values
 * (commander's own errors included), unreadable or unparsable files, an unknown run, an
 * unreachable or failing endpoint (any HTTP error), batches `push` could not deliver.
 * `monitor` also exits 130 on Ctrl-C.
 */

type Format = 'table' | 'json';

/**
 * Build the command-line program (exported for tests).
 *
 * @example
 * ```ts
 * await program().parseAsync(['node', 'provml', 'validate', 'run.nq']);
 * ```
 */
export function program(): Command {
  const cmd = new Command('provml')
    .description('Provenance of the machine-learning lifecycle as W3C PROV-ML RDF')
    .version(process.env.PROVML_VERSION ?? '0.1.0')
    .showHelpAfterError()
    // Inherited by every subcommand added below: usage errors throw (run() maps them to exit
    // code 2) instead of calling process.exit(1), and all output goes to the command's streams.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void cli().stdout.write(text),
      writeErr: (text) => void cli().stderr.write(text),
      outputError: (text, write) => write(`provml: ${text.replace(/^error: /, '')}`),
      getOutHelpWidth: () => (cli().stdout.isTTY ? cli().stdout.columns : undefined) ?? 80,
      getErrHelpWidth: () => (cli().stderr.isTTY ? cli().stderr.columns : undefined) ?? 80,
      getOutHasColors: () => useColor(cli().stdout, cli().env),
      getErrHasColors: () => useColor(cli().stderr, cli().env),
    });

  const format = () => new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table');

  cmd
    .command('inspect')
    .description('list the workflow runs in provenance files (journals, dumps, Turtle); with --run, its hyperparameters, epochs and data')
    .argument('<files...>', 'N-Quads / N-Triples / Turtle / TriG files')
    .option('-r, --run <iri>', 'one run to detail')
    .addOption(format())
    .action(async (files: string[], opts: { run?: string; format: Format }) => {
      if (opts.run !== undefined) sparqlIri(opts.run); // an invalid IRI is exit 2 before any file is read
      const store = await loadFiles(files);
      try {
        const runs = await listRuns(store);
        if (!opts.run) {
          printRows(opts.format, runs);
          return;
        }
        if (!runs.some((r) => r.run === opts.run)) {
          const known = runs.length === 0 ? 'they hold no workflow runs' : `they hold ${runs.length} run${runs.length === 1 ? '' : 's'}`;
          const quoted = files.map((f) => (/[\s'"$`\\]/.test(f) ? `'${f.replaceAll("'", "'\\''")}'` : f)).join(' ');
          throw new InputError(`run not found in ${files.join(', ')}: ${opts.run}; ${known} — list them with: provml inspect ${quoted}`);
        }
        const [hyperparameters, epochs, data] = await Promise.all([
          runHyperparameters(store, opts.run),
          runEpochs(store, opts.run),
          runDatasets(store, opts.run),
        ]);
        if (opts.format === 'json') {
          printRows('json', [{ run: opts.run, hyperparameters, epochs, data }]);
          return;
        }
        const out = cli().stdout;
        out.write('Hyperparameters\n');
        printRows('table', hyperparameters.map(({ name, value }) => ({ name, value })));
        out.write('Epochs\n');
        printRows('table', epochs.map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, ...e.measures, 'stage IRI': e.stage })));
        out.write('Data\n');
        printRows('table', data.map((d) => ({ role: d.role, by: d.kind, url: d.storageUrl, sha256: d.checksum, IRI: d.data })));
      } finally {
        await store.close();
      }
    });

  addValidateCommand(cmd);
  addServeCommand(cmd);
  addPushCommand(cmd);
  addMonitorCommand(cmd);
  addSparqlCommand(cmd);
  addLineageCommand(cmd);
  addQueryCommand(cmd);
  addReportCommand(cmd);
  addVersionsCommand(cmd);
  addReproduceCommand(cmd);
  addExportCommand(cmd);
  addImportCommand(cmd);

  cmd
    .command('docs')
    .description('generate the HTML reference of an ontology (default: PROV-ML) with diagram, Turtle and JSON-LD')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--ontology <files...>', 'your ontology (Turtle), e.g. an extension of PROV-ML')
    .option('--imports <files...>', 'ontologies used only for labels and hierarchy of external terms')
    .option('--shapes <files...>', 'SHACL shapes to show per class')
    .action(async (opts: { out: string; ontology?: string[]; imports?: string[]; shapes?: string[] }) => {
      const found = await stat(opts.out).catch(() => undefined);
      if (found && !found.isDirectory()) throw new InputError(`--out ${opts.out}: exists and is not a directory; give a directory (it is created when missing)`, { file: opts.out });
      const { generateOntologyDocs } = await import('../docs/index.js');
      let r;
      try {
        r = await generateOntologyDocs({
          out: opts.out,
          ...(opts.ontology ? { ontology: opts.ontology } : {}),
          ...(opts.imports ? { imports: opts.imports } : {}),
          ...(opts.shapes ? { shapes: opts.shapes } : {}),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        // A file system error (ENOTDIR, EACCES, ENOSPC…) names its path; say it plainly.
        if (typeof e.code === 'string' && typeof e.syscall === 'string') {
          throw new InputError(`${e.path ?? opts.out}: cannot ${e.syscall} (${e.code}) while writing the docs to --out ${opts.out}`);
        }
        throw err;
      }
      cli().stdout.write(`${r.out}/index.html: ${r.classes} classes, ${r.properties} properties, ${r.individuals} individuals, ${r.shapes} shapes (${r.files.join(', ')})\n`);
    });

  return cmd;
}

/**
 * Run the CLI with `argv`; never throws: errors print to stderr and set the exit code (see the
 * module comment), which is also the value it resolves to. Without `io` it uses the process's
 * streams and environment and sets `process.exitCode`; with `io` (tests, embedding) it writes
 * there, reads `io.env`, and leaves `process.exitCode` alone.
 *
 * @example
 * ```ts
 * await run(process.argv);
 * let out = '';
 * const code = await run(['node', 'provml', 'inspect', 'run.nq', '-f', 'json'], { stdout: { write: (s: string) => (out += s) } });
 * ```
 */
export async function run(argv: readonly string[], io?: CliIo): Promise<number> {
  const { context } = await withCli(io ?? {}, async () => {
    try {
      await program().parseAsync(argv as string[]);
    } catch (err) {
      if (err instanceof CommanderError) {
        // commander has printed its message (or the help / version): 0 for help and version,
        // 2 for every usage error (unknown option or command, bad choice, missing argument).
        setExitCode(err.exitCode === 0 ? 0 : 2);
        return;
      }
      cli().stderr.write(`${describeError(err)}\n`);
      setExitCode(2);
    }
  });
  const code = context.exitCode ?? 0;
  if (io === undefined) process.exitCode = code;
  return code;
}
