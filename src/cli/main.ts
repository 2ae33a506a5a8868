import { Command, Option } from 'commander';
import { listRuns, runDatasets, runEpochs, runHyperparameters } from '../query/runs.js';
import { InputError, loadFiles } from './load.js';
import { printRows } from './output.js';
import { addLineageCommand } from './lineage-command.js';
import { addMonitorCommand } from './monitor-command.js';
import { addPushCommand } from './push-command.js';
import { addQueryCommand } from './query-command.js';
import { addServeCommand } from './serve-command.js';
import { addSparqlCommand } from './sparql-command.js';
import { addValidateCommand } from './validate-command.js';

/**
 * The `provml` command. Exit codes: 0 success, 1 violations found (validate), 2 bad input
 * (unreadable file, syntax error with file and line, unreachable endpoint, invalid IRI).
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
    .showHelpAfterError();

  const format = () => new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table');

  cmd
    .command('inspect')
    .description('list the workflow runs in provenance files (journals, dumps, Turtle); with --run, its hyperparameters, epochs and data')
    .argument('<files...>', 'N-Quads / N-Triples / Turtle / TriG files')
    .option('-r, --run <iri>', 'one run to detail')
    .addOption(format())
    .action(async (files: string[], opts: { run?: string; format: Format }) => {
      const store = await loadFiles(files);
      if (!opts.run) {
        printRows(opts.format, await listRuns(store));
        return;
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
      console.log('Hyperparameters');
      printRows('table', hyperparameters.map(({ name, value }) => ({ name, value })));
      console.log('Epochs');
      printRows('table', epochs.map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, ...e.measures })));
      console.log('Data');
      printRows('table', data.map((d) => ({ role: d.role, by: d.kind, url: d.storageUrl, sha256: d.checksum })));
    });

  addValidateCommand(cmd);
  addServeCommand(cmd);
  addPushCommand(cmd);
  addMonitorCommand(cmd);
  addSparqlCommand(cmd);
  addLineageCommand(cmd);
  addQueryCommand(cmd);

  cmd
    .command('docs')
    .description('generate the HTML reference of an ontology (default: PROV-ML) with diagram, Turtle and JSON-LD')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--ontology <files...>', 'your ontology (Turtle), e.g. an extension of PROV-ML')
    .option('--imports <files...>', 'ontologies used only for labels and hierarchy of external terms')
    .option('--shapes <files...>', 'SHACL shapes to show per class')
    .action(async (opts: { out: string; ontology?: string[]; imports?: string[]; shapes?: string[] }) => {
      const { generateOntologyDocs } = await import('../docs/index.js');
      const r = await generateOntologyDocs({
        out: opts.out,
        ...(opts.ontology ? { ontology: opts.ontology } : {}),
        ...(opts.imports ? { imports: opts.imports } : {}),
        ...(opts.shapes ? { shapes: opts.shapes } : {}),
      });
      console.log(`${r.out}/index.html: ${r.classes} classes, ${r.properties} properties, ${r.individuals} individuals, ${r.shapes} shapes (${r.files.join(', ')})`);
    });

  return cmd;
}

/**
 * Run the CLI with `argv`; never throws: errors print to stderr and set the exit code.
 *
 * @example
 * ```ts
 * await run(process.argv);
 * ```
 */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync(argv as string[]);
  } catch (err) {
    const bad = err instanceof InputError || err instanceof TypeError;
    process.stderr.write(`provml: ${(err as Error).message}\n`);
    process.exitCode = bad ? 2 : 1;
  }
}
