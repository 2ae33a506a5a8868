import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { importOpenLineage, parseOpenLineage } from '../export/openlineage-import.js';
import { toNQuads } from '../export/rdf.js';
import { parseAuth } from '../store/http-auth.js';
import { HttpSparqlEndpoint } from '../store/http.js';
import { Journal } from '../transport/journal.js';
import { createQuadBatch } from '../transport/sink.js';
import { cli } from './io.js';
import { InputError } from './load.js';

/**
 * `provml import --format openlineage FILE|-`: OpenLineage RunEvents (NDJSON, a JSON array or one
 * object) into PROV-ML quads — written into an endpoint (`--endpoint`, SPARQL Update), appended to
 * a provml journal (`--journal`, replayable with `provml push`, readable with `--data`), written
 * as an N-Quads file (`--out`), or printed as N-Quads. Exit codes: 0 imported; 2 unreadable or
 * invalid events, an unreachable or failing endpoint, a file that cannot be written.
 */

interface ImportOpts {
  format: 'openlineage';
  endpoint?: string;
  journal?: string;
  out?: string;
  base?: string;
  timeout: string;
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of cli().stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read: ${(err as Error).message}`, { file });
  }
}

/**
 * Add `provml import` to the program.
 *
 * @example
 * ```ts
 * const cmd = new Command('provml');
 * addImportCommand(cmd);
 * await cmd.parseAsync(['node', 'provml', 'import', '--format', 'openlineage', 'events.ndjson', '--journal', 'lineage.nq']);
 * ```
 */
export function addImportCommand(cmd: Command): void {
  cmd
    .command('import')
    .description('read OpenLineage RunEvents into PROV-ML: into an endpoint, a journal or an N-Quads file')
    .argument('<file>', 'events: NDJSON (one per line), a JSON array, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'input format').choices(['openlineage']).makeOptionMandatory())
    .option('-e, --endpoint <url>', 'SPARQL endpoint to write into (SPARQL Update; auth from $PROVML_AUTH)')
    .option('--journal <file>', 'append the quads to a provml journal (one batch)')
    .option('-o, --out <file>', 'write the quads as an N-Quads file')
    .option('--base <iri>', 'base of minted IRIs', 'urn:provml:')
    .option('--timeout <ms>', 'HTTP timeout in milliseconds', '60000')
    .action(async (file: string, opts: ImportOpts) => {
      const targets = [opts.endpoint, opts.journal, opts.out].filter((t) => t !== undefined).length;
      if (targets > 1) throw new InputError('give one of --endpoint, --journal and --out');
      const text = await readInput(file);
      let events: unknown[];
      try {
        events = parseOpenLineage(text);
      } catch (err) {
        throw new InputError(`${file}: not OpenLineage JSON: ${(err as Error).message}`, { file });
      }
      if (events.length === 0) throw new InputError(`${file}: no OpenLineage events`, { file });
      let quads;
      try {
        quads = importOpenLineage(events, opts.base ? { base: opts.base } : {});
      } catch (err) {
        throw new InputError(`${file}: ${(err as Error).message.replace(/^provml: /, '')}`, { file });
      }
      const runs = new Set(events.map((e) => (e as { run?: { runId?: string } }).run?.runId)).size;
      const summary = `${events.length} OpenLineage events (${runs} runs) as ${quads.length} quads`;
      if (opts.endpoint !== undefined) {
        const timeoutMs = Number(opts.timeout);
        const auth = cli().env.PROVML_AUTH ? parseAuth(cli().env.PROVML_AUTH!) : undefined;
        let endpoint: HttpSparqlEndpoint;
        try {
          endpoint = new HttpSparqlEndpoint({ url: opts.endpoint, timeoutMs, ...(auth ? { auth } : {}) });
        } catch (err) {
          throw new InputError((err as Error).message.replace(/^provml: /, ''));
        }
        try {
          await endpoint.insertQuads(quads);
        } finally {
          await endpoint.close();
        }
        cli().stderr.write(`provml: imported ${summary} into ${endpoint.url}\n`);
      } else if (opts.journal !== undefined) {
        let journal: Journal;
        try {
          journal = await Journal.open({ path: opts.journal });
        } catch (err) {
          throw new InputError(`--journal ${opts.journal}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        }
        try {
          await journal.append(createQuadBatch({ seq: journal.lastSeq + 1, events: events.length, quads }));
        } finally {
          await journal.close();
        }
        cli().stderr.write(`provml: appended ${summary} to ${opts.journal}\n`);
      } else {
        const nquads = await toNQuads(quads);
        if (opts.out === undefined) cli().stdout.write(nquads);
        else {
          try {
            await writeFile(opts.out, nquads);
          } catch (err) {
            throw new InputError(`--out ${opts.out}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
          }
          cli().stderr.write(`provml: wrote ${summary} to ${opts.out}\n`);
        }
      }
    });
}
