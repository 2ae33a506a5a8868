/**
 * Shared pieces of the fault suite: a real backing store (`provml serve`'s server over an
 * EmbeddedStore), the fault proxy in front of it, triple counts straight from the store, the
 * child processes (a decorated training, the memory flood) and `provml push` as a real CLI run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { provml } from '../../unit/cli/run-cli.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedStore } from '../../../src/store/embedded.js';
import { startSparqlServer, type SparqlServer } from '../../../src/store/server.js';
import type { ChildConfig } from '../../fixtures/faults/child.js';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../../support/fault-proxy.js';


/**
 * The repository root.
 *
 * @example
 * ```ts
 * join(root, 'src/cli.ts');
 * ```
 */
export const root = resolve(import.meta.dirname, '../../..');
const fixture = (name: string) => join(root, 'test/fixtures/faults', name);

/**
 * Triples in all named graphs plus the default graph, counted by the store itself (SELECT COUNT).
 *
 * @example
 * ```ts
 * expect(await countTriples(backend.store)).toBe(reference);
 * ```
 */
export async function countTriples(store: EmbeddedStore): Promise<number> {
  const [row] = await store.select('SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }', {
    unionDefaultGraph: false,
  });
  return Number(row?.n?.value ?? Number.NaN);
}

/**
 * A backing store served over HTTP; `restart()` brings it back on the same port, same data.
 *
 * @example
 * ```ts
 * await backend.stop();    // connections refused
 * await backend.restart(); // same port, same store
 * ```
 */
export interface Backend {
  store: EmbeddedStore;
  server: SparqlServer;
  port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start `provml serve`'s server over a clean EmbeddedStore on 127.0.0.1.
 *
 * @example
 * ```ts
 * const backend = await startBackend();
 * await backend.close();
 * ```
 */
export async function startBackend(port = 0): Promise<Backend> {
  const store = EmbeddedStore.create();
  let server = await startSparqlServer({ store, port });
  const p = Number(new URL(server.url).port);
  let running = true;
  const stop = async () => {
    if (running) await server.close();
    running = false;
  };
  return {
    store,
    get server() {
      return server;
    },
    port: p,
    stop,
    async restart() {
      if (!running) server = await startSparqlServer({ store, port: p });
      running = true;
    },
    async close() {
      await stop();
      await store.close();
    },
  };
}

/**
 * The `endpoint` option of `ProvML.init` for a server reached at `origin` (its own, or a proxy's).
 *
 * @example
 * ```ts
 * ProvML.init({ endpoint: endpointOption(backend.server, proxy.origin), journal });
 * ```
 */
export function endpointOption(server: SparqlServer, origin: string, timeoutMs = 2000): Record<string, unknown> {
  const via = (u: string) => {
    const x = new URL(u);
    return `${origin}${x.pathname}${x.search}`;
  };
  return { url: via(server.queryUrl), updateUrl: via(server.updateUrl), gsp: { url: via(server.gspUrl), style: 'standard' }, timeoutMs };
}

/**
 * A backend with a fault proxy in front.
 *
 * @example
 * ```ts
 * const { backend, proxy, close } = await startProxied('down');
 * ```
 */
export async function startProxied(mode: FaultMode = 'pass'): Promise<{ backend: Backend; proxy: FaultProxy; close(): Promise<void> }> {
  const backend = await startBackend();
  const proxy = await startFaultProxy({ target: backend.server.url, mode, lifetimeMs: 60_000 });
  return { backend, proxy, close: async () => (await proxy.close(), await backend.close()) };
}

/**
 * A temporary directory, removed by `cleanup()`.
 *
 * @example
 * ```ts
 * const { dir, cleanup } = await tempDir();
 * ```
 */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'provml-faults-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A child process speaking JSON lines on stdout.
 *
 * @example
 * ```ts
 * const paused = await child.line((o) => 'paused' in o);
 * child.proc.kill('SIGTERM');
 * const { signal } = await child.exited;
 * ```
 */
export interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout JSON line satisfying `pred` (rejects if the child exits first). */
  line<T = Record<string, unknown>>(pred: (o: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; lines: Record<string, unknown>[] }>;
}

function spawnJsonChild(script: string, env: Record<string, string>, nodeArgs: string[] = []): Child {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  let rest = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
    for (const l of listeners) l();
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; lines: Record<string, unknown>[] }>((res) =>
    proc.on('exit', (code, signal) => {
      for (const l of listeners) l();
      res({ code, signal, stderr, lines });
    }),
  );
  const line = <T,>(pred: (o: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    new Promise<T>((res, rej) => {
      const timer = setTimeout(() => done(new Error(`child: no matching line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      const check = () => {
        const hit = lines.find(pred);
        if (hit) done(undefined, hit as T);
        else if (proc.exitCode !== null || proc.signalCode !== null) done(new Error(`child exited (${proc.exitCode ?? proc.signalCode}); stderr: ${stderr}`));
      };
      function done(err?: Error, v?: T) {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) rej(err);
        else res(v as T);
      }
      listeners.add(check);
      check();
    });
  return { proc, line, exited };
}

/**
 * Start the decorated-training child (test/fixtures/faults/child.ts).
 *
 * @example
 * ```ts
 * const child = startTrainingChild({ endpoint, journal: { path, durability: 'sync' }, epochs: 6, batches: 40, pauseAfterEpoch: 2 });
 * ```
 */
export function startTrainingChild(config: ChildConfig): Child {
  return spawnJsonChild(fixture('child.ts'), { PROVML_FAULT_CHILD: JSON.stringify(config) });
}

/**
 * Start the child that ends inside a training stage while the embedded store holds batches
 * (test/fixtures/faults/hold-exit-child.ts), by `process.exit(0)` or an uncaught exception.
 *
 * @example
 * ```ts
 * const { code, lines } = await startHoldExitChild('exit').exited;
 * ```
 */
export function startHoldExitChild(ending: 'exit' | 'throw'): Child {
  return spawnJsonChild(fixture('hold-exit-child.ts'), { PROVML_HOLD_ENDING: ending });
}

/**
 * Start the memory flood child (test/fixtures/faults/flood.ts).
 *
 * @example
 * ```ts
 * const ref = startFloodChild({ epochs: 10, batches: 10_000 }); // reference run, embedded store
 * ```
 */
export function startFloodChild(config: object): Child {
  // --expose-gc: the child measures retained memory after a full GC at each epoch end; the
  // pipeline's worker collects too (PROVML_DEBUG_WORKER_GC), or its not-yet-collected garbage
  // would count as retained.
  return spawnJsonChild(fixture('flood.ts'), { PROVML_FAULT_FLOOD: JSON.stringify(config), PROVML_DEBUG_WORKER_GC: '1' }, ['--expose-gc']);
}

/**
 * Run the real `provml push` CLI; returns exit code and output.
 *
 * @example
 * ```ts
 * const r = await provmlPush([journal, ...pushArgs(backend.server, origin)]);
 * ```
 */
export async function provmlPush(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // In-process, as the executable runs it (src/cli/main.ts `run`): no tsx start-up per push.
  return provml(['push', ...args], { env });
}

/**
 * `provml push` arguments (endpoint, update endpoint, Graph Store, JSON summary) for a backend
 * reached at `origin`.
 *
 * @example
 * ```ts
 * pushArgs(backend.server, proxy.origin); // ['--endpoint', 'http://127.0.0.1:PORT/sparql', …]
 * ```
 */
export function pushArgs(server: SparqlServer, origin: string): string[] {
  const via = (u: string) => {
    const x = new URL(u);
    return `${origin}${x.pathname}${x.search}`;
  };
  return ['--endpoint', via(server.queryUrl), '--update-endpoint', via(server.updateUrl), '--gsp', via(server.gspUrl), '--format', 'json', '--no-progress'];
}

/**
 * Poll `cond` every 20 ms until true or `timeoutMs` passes.
 *
 * @example
 * ```ts
 * await waitFor(async () => (await countTriples(store)) > 0);
 * ```
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
