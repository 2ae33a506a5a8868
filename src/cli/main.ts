import { Command, Option } from 'commander';
import { listRuns, runDatasets, runEpochs, runHyperparameters } from '../query/runs.js';
import { validateDataset } from '../validate/validate.js';
import { InputError, loadFiles } from './load.js';

/**
 * The `provml` command. Exit codes: 0 success, 1 violations found (validate), 2 bad input
 * (unreadable file, syntax error with file and line, invalid IRI).
 */

type Format = 'table' | 'json';

function print(format: Format, rows: readonly object[]): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) process.stdout.write('(none)\n');
  else console.table(rows);
}

/** Build the command-line program (exported for tests). */
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
        print(opts.format, await listRuns(store));
        return;
      }
      const [hyperparameters, epochs, data] = await Promise.all([
        runHyperparameters(store, opts.run),
        runEpochs(store, opts.run),
        runDatasets(store, opts.run),
      ]);
      if (opts.format === 'json') {
        print('json', [{ run: opts.run, hyperparameters, epochs, data }]);
        return;
      }
      console.log('Hyperparameters');
      print('table', hyperparameters.map(({ name, value }) => ({ name, value })));
      console.log('Epochs');
      print('table', epochs.map((e) => ({ stage: e.stageType, epoch: e.epoch, batches: e.batches, ...e.measures })));
      console.log('Data');
      print('table', data.map((d) => ({ role: d.role, by: d.kind, url: d.storageUrl, sha256: d.checksum })));
    });

  cmd
    .command('validate')
    .description('validate provenance files against the PROV-ML SHACL shapes (exit 1 on violations)')
    .argument('<files...>', 'N-Quads / N-Triples / Turtle / TriG files')
    .addOption(format())
    .action(async (files: string[], opts: { format: Format }) => {
      const store = await loadFiles(files);
      const report = await validateDataset(await store.construct('CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }'));
      if (opts.format === 'json') print('json', [report]);
      else if (report.conforms) console.log(`conforms (${store.size} quads checked)`);
      else {
        console.log(`${report.results.length} violation(s):`);
        for (const r of report.results) console.log(`- ${r.severity} ${r.focusNode}${r.path ? ` ${r.path}` : ''}${r.value !== undefined ? ` = ${r.value}` : ''}\n    ${r.message}`);
      }
      if (!report.conforms) process.exitCode = 1;
    });

  return cmd;
}

/** Run the CLI with `argv`; never throws: errors print to stderr and set the exit code. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    await program().parseAsync(argv as string[]);
  } catch (err) {
    const bad = err instanceof InputError || err instanceof TypeError;
    process.stderr.write(`provml: ${(err as Error).message}\n`);
    process.exitCode = bad ? 2 : 1;
  }
}
