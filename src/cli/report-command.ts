import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DomainSource } from '../query/lifecycle/types.js';
import { iriTerm } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { cli } from './io.js';
import { InputError } from './load.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml report`: one self-contained HTML page (`<out>/index.html`) about the runs in an
 * endpoint or in provenance files — runs, curves, batch times, hyperparameters, lineage, Q1–Q6
 * and the SHACL verdict (src/report). Exit codes: 0 the page was written (parts that could not be
 * computed are listed on stderr and on the page), 2 bad input (invalid or unknown run IRI,
 * unreadable files, unreachable endpoint, an --out that is not a directory).
 */

interface ReportOpts extends SourceOpts {
  run?: string[];
  out: string;
  title?: string;
  domainGraph?: string;
  domainEndpoint?: string;
  validate: boolean;
}

/**
 * Add `provml report` to the program.
 *
 * @example
 * ```ts
 * const cmd = new Command('provml');
 * addReportCommand(cmd);
 * await cmd.parseAsync(['node', 'provml', 'report', '--data', 'run.nq', '--out', 'site']);
 * ```
 */
export function addReportCommand(cmd: Command): void {
  addSourceOptions(
    cmd
      .command('report')
      .description('write one self-contained HTML page about the runs: curves, batch times, hyperparameters, lineage, Q1–Q6, validation')
      .option('-r, --run <iris...>', 'only these runs (workflow execution IRIs; default: every run)')
      .option('-o, --out <dir>', 'output directory (created when missing); the page is <dir>/index.html', 'provml-report')
      .option('-t, --title <text>', 'page title (default: provml report)')
      .option('--domain-graph <iri>', 'Q1, Q6: named graph holding domain facts (default: every graph)')
      .option('--domain-endpoint <url>', 'Q1, Q6: another SPARQL endpoint holding domain facts')
      .option('--no-validate', 'leave out the SHACL validation (it reads the whole store)'),
  ).action(async (opts: ReportOpts) => {
    for (const r of opts.run ?? []) iriTerm(r, 'run IRI'); // an invalid IRI is exit 2 before anything is read
    if (opts.domainGraph !== undefined) iriTerm(opts.domainGraph, 'domain graph IRI');
    const found = await stat(opts.out).catch(() => undefined);
    if (found && !found.isDirectory()) throw new InputError(`--out ${opts.out}: exists and is not a directory; give a directory (it is created when missing)`, { file: opts.out });

    const source = await openSource(opts);
    const opened: SparqlEndpoint[] = [];
    try {
      const domain: DomainSource = {};
      if (opts.domainGraph !== undefined) domain.graph = opts.domainGraph;
      if (opts.domainEndpoint !== undefined) {
        const d = await openSource({ endpoint: opts.domainEndpoint, ...(opts.timeout ? { timeout: opts.timeout } : {}) }, {});
        opened.push(d.endpoint);
        domain.endpoint = d.endpoint;
      }
      const { report } = await import('../report/index.js'); // the SHACL engine loads only when needed
      let result;
      try {
        result = await report(source.endpoint, {
          out: opts.out,
          ...(opts.run?.length ? { runs: opts.run } : {}),
          ...(opts.title !== undefined ? { title: opts.title } : {}),
          ...(Object.keys(domain).length > 0 ? { domain } : {}),
          validate: opts.validate,
          source: source.describe,
        });
      } catch (err) {
        if (err instanceof RangeError) throw new InputError(`${err.message.replace(/^provml: /, '')} in ${source.describe}`);
        const e = err as NodeJS.ErrnoException;
        if (typeof e.code === 'string' && typeof e.syscall === 'string') throw new InputError(`${e.path ?? opts.out}: cannot ${e.syscall} (${e.code}) while writing the report to --out ${opts.out}`);
        throw err;
      }
      const verdict = result.conforms === undefined ? '' : result.conforms ? ', conforms' : ', does not conform';
      cli().stdout.write(
        `${result.file}: ${result.runs} run${result.runs === 1 ? '' : 's'} (${result.trainings} with a learning stage), ${result.charts} charts, lineage of ${result.lineageNodes} nodes${verdict}\n`,
      );
      for (const p of result.problems) cli().stderr.write(`provml: report: ${p}\n`);
    } finally {
      await Promise.all([source.close(), ...opened.map((e) => e.close())]);
    }
  });
}
