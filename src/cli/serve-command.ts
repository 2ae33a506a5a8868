import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { openStoreDir, writeServeInfo } from '../store/server-persist.js';
import { startSparqlServer, type SparqlServerRequestInfo } from '../store/server.js';
import { cli, setExitCode } from './io.js';

/**
 * Options of {@link serve}.
 *
 * @example
 * ```ts
 * const options: ServeOptions = { data: '.provml/store', port: 7878, host: '127.0.0.1', update: true };
 * ```
 */
export interface ServeOptions {
  /**
   * Accept writes: SPARQL Update and Graph Store POST/PUT/DELETE (default false: read-only, every
   * write answers HTTP 403). A tracker writing into the server needs it; a server that only
   * answers queries (the monitor, `provml query`, a notebook) does not.
   */
  update?: boolean;
  /** Store directory (`store.nq` + `journal.nq`); default `.provml/store`. */
  data?: string;
  /** TCP port (default 7878; 0 picks a free one). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** fsync every change (default true). */
  fsync?: boolean;
  /** Log every request to stderr. */
  verbose?: boolean;
  /** Called after every request (with `verbose`, after the stderr line). */
  onRequest?: (info: SparqlServerRequestInfo) => void;
  /** Where messages go (default stdout). */
  log?: (line: string) => void;
}

/**
 * A running `provml serve`.
 *
 * @example
 * ```ts
 * const s = await serve({ data: dir, port: 0 });
 * console.log(s.queryUrl);
 * await s.stop(); // compacts DIR/store.nq, removes the journal
 * ```
 */
export interface ServeHandle {
  url: string;
  queryUrl: string;
  updateUrl: string;
  gspUrl: string;
  /** Stop serving, write the compacted dump, remove the journal and the lock. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Start `provml serve` in this process: the embedded store persisted in `data`, behind the
 * SPARQL 1.1 Protocol and Graph Store endpoints (see `startSparqlServer`).
 *
 * @example
 * ```ts
 * const s = await serve({ data: '.provml/store' });
 * const prov = ProvML.init({ endpoint: { url: s.queryUrl, gsp: { url: s.gspUrl, style: 'standard' } } });
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<ServeHandle> {
  const data = options.data ?? '.provml/store';
  const log = options.log ?? ((line: string) => void cli().stdout.write(`${line}\n`));
  const update = options.update === true;
  const dir = await openStoreDir({ dir: data, fsync: options.fsync ?? true });
  const onRequest =
    options.verbose || options.onRequest
      ? (r: SparqlServerRequestInfo) => {
          if (options.verbose) {
            cli().stderr.write(`${r.method} ${r.path} ${r.operation} ${r.status} ${r.ms.toFixed(1)} ms${r.error ? ` ${r.error.split('\n')[0]}` : ''}\n`);
          }
          options.onRequest?.(r);
        }
      : undefined;
  let server;
  try {
    server = await startSparqlServer({
      store: dir.store,
      onWrite: dir.onWrite,
      port: options.port ?? 7878,
      readOnly: !update,
      ...(options.host ? { host: options.host } : {}),
      ...(onRequest ? { onRequest } : {}),
    });
  } catch (err) {
    await dir.close();
    throw err;
  }
  const { url, queryUrl, updateUrl, gspUrl } = server;
  await writeServeInfo(data, { url, queryUrl, updateUrl, gspUrl });
  log(`provml serve: ${dir.store.size} quads from ${data}${dir.replayed ? ` (replayed ${dir.replayed} journal entries)` : ''}${update ? '' : ', read-only'}`);
  if (update) {
    log(`  query + update  ${queryUrl}`);
    log(`  graph store     ${gspUrl}?graph=IRI`);
    log(`  ProvML.init({ endpoint: { url: '${queryUrl}', gsp: { url: '${gspUrl}', style: 'standard' } } })`);
  } else {
    log(`  query           ${queryUrl}`);
    log(`  graph store     ${gspUrl}?graph=IRI (GET only)`);
    log(`  read-only: updates and Graph Store writes answer 403; restart with --update to capture into it`);
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    queryUrl,
    updateUrl,
    gspUrl,
    stop() {
      stopping ??= (async () => {
        await server.close();
        await dir.close();
        await rm(join(data, 'serve.json'), { force: true });
      })();
      return stopping;
    },
  };
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer 0–65535');
  return n;
}

/**
 * Register `provml serve [--data DIR] [--port N] [--host H] [--update]` on the program: runs
 * until SIGINT/SIGTERM, then compacts the store and exits. Read-only unless `--update`.
 *
 * @example
 * ```ts
 * addServeCommand(program);
 * // $ provml serve --data .provml/store --port 7878 --update
 * ```
 */
export function addServeCommand(cmd: Command): void {
  cmd
    .command('serve')
    .description('share one persisted embedded store between local processes: SPARQL 1.1 Protocol + Graph Store endpoints on loopback')
    .option('-d, --data <dir>', 'store directory (store.nq + journal.nq)', '.provml/store')
    .option('-p, --port <n>', 'TCP port (0: any free port)', port, 7878)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--no-fsync', 'do not fsync the journal after each change (a process crash still loses nothing)')
    .option('-u, --update', 'accept writes (SPARQL Update, Graph Store POST/PUT/DELETE): needed to capture into it; without it the server is read-only and answers writes with 403')
    .option('-v, --verbose', 'log every request to stderr')
    .action(async (opts: { data: string; port: number; host: string; fsync: boolean; update?: boolean; verbose?: boolean }) => {
      const handle = await serve({ data: opts.data, port: opts.port, host: opts.host, fsync: opts.fsync, update: opts.update === true, verbose: opts.verbose ?? false });
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          cli().stdout.write(`provml serve: ${signal}, saving ${opts.data}/store.nq\n`);
          handle.stop().then(resolve, (err: unknown) => {
            cli().stderr.write(`provml serve: could not save: ${(err as Error).message}\n`);
            setExitCode(2);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
