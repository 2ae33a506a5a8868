/**
 * `provml serve` as a separate child process for the benchmarks (so the server never shares the
 * measured program's thread or process), and the CPU time of such a process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A running `provml serve` child: its process and the endpoint URLs it announced.
 *
 * @example
 * ```ts
 * const s: ServeChild = await startServe(root, dir);
 * ProvML.init({ endpoint: { url: s.queryUrl, gsp: { url: s.gspUrl, style: 'standard' } } });
 * ```
 */
export interface ServeChild {
  proc: ChildProcess;
  queryUrl: string;
  gspUrl: string;
}

/**
 * Start `provml serve --port 0 --data <dir> --update` (the benchmarks capture into it) from the sources under `root` (through tsx) in a child
 * process; resolves once it listens (it has printed its `ProvML.init(…)` hint and written
 * `<dir>/serve.json`). The child is killed if this process exits first.
 *
 * @example
 * ```ts
 * const server = await startServe(root, await mkdtemp(join(tmpdir(), 'bench-')));
 * await stopServe(server.proc);
 * ```
 */
export async function startServe(root: string, dir: string): Promise<ServeChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'serve', '--port', '0', '--data', dir, '--update'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`provml serve did not start in 30 s: ${out} ${err}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ProvML.init(')) {
        clearTimeout(timer);
        res();
      }
    });
    proc.once('exit', (code) => rej(new Error(`provml serve exited (${code}): ${err}`)));
  });
  process.once('exit', () => proc.kill('SIGKILL')); // never leave it behind if the bench dies
  const info = JSON.parse(await readFile(join(dir, 'serve.json'), 'utf8')) as { queryUrl: string; gspUrl: string };
  return { proc, queryUrl: info.queryUrl, gspUrl: info.gspUrl };
}

/**
 * Stop a child started by {@link startServe}: SIGTERM (it saves its store), SIGKILL after 15 s.
 *
 * @example
 * ```ts
 * await stopServe(server.proc);
 * ```
 */
export async function stopServe(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * CPU time (user + system, ms) a process has used so far, from Linux `/proc/<pid>/stat`; NaN
 * elsewhere or when it is gone.
 *
 * @example
 * ```ts
 * const before = await procCpuMs(server.proc.pid);
 * // … work that makes the server busy …
 * const serverMs = (await procCpuMs(server.proc.pid)) - before;
 * ```
 */
export async function procCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime (fields 14, 15), in USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}
