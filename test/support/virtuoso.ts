/**
 * A private Virtuoso for tests: Debian's `virtuoso-t` on free loopback ports with its own ini
 * and database in a temp dir, anonymous SPARQL update and Graph Store writes granted, stopped by
 * PID and deleted afterwards.
 *
 * Virtuoso only honours `GRANT SPARQL_UPDATE TO "SPARQL"` after a restart (measured: the grant is
 * in SYS_ROLE_GRANTS but the running HTTP server still answers SR186), and creating a database
 * takes ~4 s. So the first start builds a granted, checkpointed template database once per
 * machine (in the temp dir, keyed by the binary's version) and every start copies it: ~2 s.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CANDIDATES = ['/usr/bin/virtuoso-t', '/usr/local/bin/virtuoso-t'];
const ISQL = ['/usr/bin/isql-vt', '/usr/local/bin/isql-vt', '/usr/bin/isql', '/usr/local/bin/isql'];
const VAD_DIR = '/usr/share/virtuoso-opensource-7/vad';
const VSP_ROOT = '/var/lib/virtuoso-opensource-7/vsp';
const GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; GRANT SPARQL_LOAD_SERVICE_DATA TO "SPARQL";';

/**
 * Where `virtuoso-t` and its `isql` are, or undefined when Virtuoso is not installed.
 *
 * @example
 * ```ts
 * if (!findVirtuoso()) console.log('apt-get install -y virtuoso-opensource');
 * ```
 */
export function findVirtuoso(): { server: string; isql: string } | undefined {
  const server = process.env.PROVML_VIRTUOSO_BIN ?? CANDIDATES.find((p) => existsSync(p));
  const isql = ISQL.find((p) => existsSync(p));
  return server && isql && existsSync(server) ? { server, isql } : undefined;
}

/**
 * A running test Virtuoso.
 *
 * @example
 * ```ts
 * const v = await startVirtuoso();
 * await fetch(`${v.sparqlUrl}?query=${encodeURIComponent('ASK {}')}`);
 * await v.stop();
 * ```
 */
export interface VirtuosoInstance {
  pid: number;
  dir: string;
  sqlPort: number;
  httpPort: number;
  /** `http://127.0.0.1:PORT/sparql` — query and (granted) anonymous update. */
  sparqlUrl: string;
  /** `/sparql-graph-crud` — anonymous Graph Store writes (granted), `?graph-uri=`. */
  gspUrl: string;
  /** `/sparql-graph-crud-auth` — the same behind digest auth (dba/dba). */
  gspAuthUrl: string;
  /** Milliseconds from spawn to the first answered query. */
  startupMs: number;
  /** Run SQL through isql as dba. */
  isql(sql: string): Promise<string>;
  /** Drop every graph the template database did not have (Virtuoso's own graphs stay). */
  clearGraphs(): Promise<string[]>;
  /** SIGTERM (SIGKILL after 5 s) by PID, then delete the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A free loopback TCP port (bind port 0, read it, release it).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The virtuoso.ini of a private instance: the packaged settings that matter, every file inside
 * `dir`, loopback ports, no Conductor auto-install (that alone costs ~3 s on a new database).
 *
 * @example
 * ```ts
 * await writeFile(join(dir, 'virtuoso.ini'), virtuosoIni(dir, 21111, 28890));
 * ```
 */
export function virtuosoIni(dir: string, sqlPort: number, httpPort: number): string {
  return `[Database]
DatabaseFile = ${dir}/virtuoso.db
ErrorLogFile = ${dir}/virtuoso.log
LockFile = ${dir}/virtuoso.lck
TransactionFile = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = ${dir}/virtuoso-temp.db
TransactionFile = ${dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., ${dir}, ${VAD_DIR}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 512M
ThreadsPerQuery = 4
[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = ${VSP_ROOT}
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
`;
}

interface Spawned {
  child: ChildProcess;
  sqlPort: number;
  httpPort: number;
  ms: number;
}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL'); // never leave a Virtuoso behind a crashed test run
});

async function launch(server: string, dir: string, timeoutMs: number): Promise<Spawned> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const [sqlPort, httpPort] = [await freePort(), await freePort()];
    await writeFile(join(dir, 'virtuoso.ini'), virtuosoIni(dir, sqlPort, httpPort));
    const started = performance.now();
    const child = spawn(server, ['+configfile', join(dir, 'virtuoso.ini'), '+foreground'], { cwd: dir, stdio: 'ignore' });
    children.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      children.delete(child);
    });
    const probe = `http://127.0.0.1:${httpPort}/sparql?query=${encodeURIComponent('ASK {}')}`;
    while (!exited && performance.now() - started < timeoutMs) {
      const ok = await fetch(probe, { signal: AbortSignal.timeout(2000) }).then(
        async (r) => (await r.text(), r.ok),
        () => false,
      );
      if (ok) return { child, sqlPort, httpPort, ms: performance.now() - started };
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    lastError = (await readFile(join(dir, 'virtuoso.log'), 'utf8').catch(() => '')).split('\n').slice(-8).join('\n');
  }
  throw new Error(`virtuoso-t did not come up in ${dir}:\n${lastError}`);
}

async function isqlIn(isql: string, sqlPort: number, sql: string): Promise<string> {
  const { stdout } = await run(isql, [`127.0.0.1:${sqlPort}`, 'dba', 'dba', `exec=${sql}`], { timeout: 30_000 });
  return stdout;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Build (once per machine and Virtuoso version) the granted template database; returns its path. */
async function template(server: string, isql: string, timeoutMs: number): Promise<string> {
  const { stdout, stderr } = await run(server, ['-?']).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));
  const version = /Version ([\w.-]+)/.exec(`${stdout}${stderr}`)?.[1] ?? 'unknown';
  const home = join(tmpdir(), `provml-virtuoso-template-${version}-${process.getuid?.() ?? 0}`);
  const db = join(home, 'virtuoso.db');
  if (existsSync(db)) return db;
  const dir = await mkdtemp(join(tmpdir(), 'provml-virtuoso-build-'));
  try {
    const v = await launch(server, dir, timeoutMs);
    await isqlIn(isql, v.sqlPort, GRANTS);
    await isqlIn(isql, v.sqlPort, 'checkpoint;');
    await stopChild(v.child);
    const staging = join(dir, 'template');
    await mkdir(staging);
    await rename(join(dir, 'virtuoso.db'), join(staging, 'virtuoso.db'));
    await rename(staging, home).catch(() => undefined); // another worker won the race: fine
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return db;
}

/**
 * Start a private Virtuoso (see the module comment). Throws when `virtuoso-t` is missing or does
 * not answer within `timeoutMs` (default 60 s).
 *
 * @example
 * ```ts
 * const v = await startVirtuoso();
 * console.log(`Virtuoso up in ${v.startupMs.toFixed(0)} ms at ${v.sparqlUrl}`);
 * await v.stop();
 * ```
 */
export async function startVirtuoso(options: { timeoutMs?: number } = {}): Promise<VirtuosoInstance> {
  const bins = findVirtuoso();
  if (!bins) throw new Error('virtuoso-t not found: apt-get install -y virtuoso-opensource');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const db = await template(bins.server, bins.isql, timeoutMs);
  const dir = await mkdtemp(join(tmpdir(), 'provml-virtuoso-'));
  let spawned: Spawned;
  try {
    await copyFile(db, join(dir, 'virtuoso.db'));
    spawned = await launch(bins.server, dir, timeoutMs);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const { child, sqlPort, httpPort } = spawned;
  const origin = `http://127.0.0.1:${httpPort}`;
  const sparqlUrl = `${origin}/sparql`;
  const graphs = async (): Promise<string[]> => {
    const q = encodeURIComponent('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }');
    const res = await fetch(`${sparqlUrl}?query=${q}`, { headers: { accept: 'application/sparql-results+json' } });
    const json = (await res.json()) as { results: { bindings: { g: { value: string } }[] } };
    return json.results.bindings.map((b) => b.g.value);
  };
  const baseline = new Set(await graphs());
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    dir,
    sqlPort,
    httpPort,
    sparqlUrl,
    gspUrl: `${origin}/sparql-graph-crud`,
    gspAuthUrl: `${origin}/sparql-graph-crud-auth`,
    startupMs: spawned.ms,
    isql: (sql) => isqlIn(bins.isql, sqlPort, sql),
    async clearGraphs() {
      const ours = (await graphs()).filter((g) => !baseline.has(g));
      for (const g of ours) {
        const res = await fetch(sparqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/sparql-update' },
          body: `DROP SILENT GRAPH <${g}>`,
        });
        await res.text();
        if (!res.ok) throw new Error(`Virtuoso: DROP GRAPH <${g}> answered ${res.status}`);
      }
      return ours;
    },
    stop() {
      stopping ??= stopChild(child).then(() => rm(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/**
 * Whether this run may and must use Virtuoso: `available` when `virtuoso-t` is installed,
 * `required` when `PROVML_REQUIRE_VIRTUOSO=1` (CI), in which case a missing binary is a failure.
 *
 * @example
 * ```ts
 * const { available, required } = virtuosoRequirement();
 * describe.skipIf(!available && !required)('on Virtuoso', () => { … });
 * ```
 */
export function virtuosoRequirement(): { available: boolean; required: boolean } {
  return { available: findVirtuoso() !== undefined, required: process.env.PROVML_REQUIRE_VIRTUOSO === '1' };
}
