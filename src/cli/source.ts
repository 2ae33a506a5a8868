import { Option, type Command } from 'commander';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { parseAuth } from '../store/http-auth.js';
import { HttpSparqlEndpoint } from '../store/http.js';
import { cli } from './io.js';
import { InputError, loadFiles } from './load.js';

/**
 * Where the reading commands (`query`, `lineage`, `sparql`, `monitor`) get their provenance: an
 * HTTP SPARQL endpoint (`--endpoint URL`, else `PROVML_ENDPOINT`, with `PROVML_AUTH`) or files
 * loaded into an embedded store (`--data run.nq …`: journals, dumps, Turtle, TriG, JSON-LD).
 */

/** The options {@link addSourceOptions} adds. */
export interface SourceOpts {
  endpoint?: string;
  data?: string[];
  timeout?: string;
}

/** Add `--endpoint`, `--data` and `--timeout` to a command. */
export function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-e, --endpoint <url>', 'SPARQL endpoint URL (default: $PROVML_ENDPOINT; auth from $PROVML_AUTH)'))
    .addOption(new Option('-d, --data <files...>', 'read provenance files into an embedded store instead (.nq journals, dumps, .ttl, .trig, .jsonld)'))
    .addOption(new Option('--timeout <ms>', 'HTTP timeout in milliseconds').default('60000'));
}

/** An open source: query it, then `close()` it. */
export interface OpenSource {
  endpoint: SparqlEndpoint;
  /** What was opened, for messages (credentials are never part of it). */
  describe: string;
  close(): Promise<void>;
}

/** Open the source the options name. Throws {@link InputError} when there is none or both. */
export async function openSource(opts: SourceOpts, env: Record<string, string | undefined> = cli().env): Promise<OpenSource> {
  const files = opts.data ?? [];
  if (files.length > 0 && opts.endpoint !== undefined) throw new InputError('give --endpoint or --data, not both');
  if (files.length > 0) {
    const store = await loadFiles(files);
    return { endpoint: store, describe: files.join(', '), close: () => store.close() };
  }
  const url = opts.endpoint ?? env.PROVML_ENDPOINT;
  if (url === undefined || url === '') throw new InputError('no provenance to read: give --endpoint URL, --data FILES or set PROVML_ENDPOINT');
  const timeoutMs = Number(opts.timeout ?? '60000');
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new InputError(`--timeout must be a positive number of milliseconds, got ${JSON.stringify(opts.timeout)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`not an endpoint URL: ${JSON.stringify(url)}`);
  }
  const auth = env.PROVML_AUTH ? parseAuth(env.PROVML_AUTH) : undefined;
  const endpoint = new HttpSparqlEndpoint({ url, timeoutMs, ...(auth ? { auth } : {}) });
  parsed.username = '';
  parsed.password = '';
  return { endpoint, describe: parsed.href, close: () => endpoint.close() };
}
