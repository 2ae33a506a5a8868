/**
 * CPU affinity for the benches (util-linux `taskset`): pin the training thread to one core for a
 * timed run, both arms alike. Left free, the scheduler moves it between this machine's two cores,
 * and every move is a run-queue wait and cold caches that land on either arm at random.
 *
 * @module
 */

import { execFileSync } from 'node:child_process';

/** The CPU list `pid`'s (main thread's) affinity allows, as taskset reports it (e.g. `0,1`). */
export function affinity(pid: number): string {
  const out = execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' });
  return out.slice(out.lastIndexOf(':') + 1).trim();
}

/**
 * Pin the training thread (this process's main thread only: `taskset -p` without `-a`) to `cpu`
 * (`'none'`: leave it free); returns the undo, which restores its affinity. Call it after the
 * tracker's worker has started — threads inherit their creator's affinity, and provml's worker must
 * stay free to use every core, as it would in a user's process.
 */
export function pinTraining(cpu: string): () => void {
  if (cpu === 'none') return () => undefined;
  const before = affinity(process.pid);
  execFileSync('taskset', ['-p', '-c', cpu, String(process.pid)], { stdio: 'ignore' });
  return () => execFileSync('taskset', ['-p', '-c', before, String(process.pid)], { stdio: 'ignore' });
}
