/**
 * CPU time of single threads of this process (Linux): the main thread alone, and the threads a
 * tracker started (its worker). Node 20 has no `process.threadCpuUsage()` (added in Node 23.9) and
 * `process.cpuUsage()` sums every thread, so this reads the scheduler's own per-thread account,
 * `/proc/self/task/<tid>/schedstat` (first field: nanoseconds on a CPU). Elsewhere every figure is NaN.
 * The value of a thread that is running when read lags by up to one scheduler tick; a thread that
 * sleeps (the idle worker, or the main thread after {@link exactMainThreadCpuNs}'s nap) is exact.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Nanoseconds thread `tid` of this process has run on a CPU; NaN when unavailable or gone. */
export function threadCpuNs(tid: string | number): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** CPU time of the main thread (its thread id is the process id) in ns; NaN off Linux. */
export function mainThreadCpuNs(): number {
  return threadCpuNs(process.pid);
}

const nap = new Int32Array(new SharedArrayBuffer(4));

/**
 * {@link mainThreadCpuNs} made exact: the kernel books a running thread's time only at a scheduler
 * tick (4 ms at HZ=250) or when it stops running, so the calling thread first sleeps 0.1 ms
 * (`Atomics.wait`) to be booked up to now. Costs ≈ 0.2 ms of wall time and a few µs of CPU.
 * Call it on the main thread only.
 */
export function exactMainThreadCpuNs(): number {
  Atomics.wait(nap, 0, 0, 0.1);
  return mainThreadCpuNs();
}

/** True when per-thread CPU time can be read here. */
export const threadCpuAvailable = Number.isFinite(mainThreadCpuNs());

/** The ids of this process's threads right now. */
export function threadIds(): Set<string> {
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
}

/**
 * A fixed set of threads — typically those that appeared across `ProvML.init()`, i.e. its worker —
 * whose summed CPU time can be sampled. A thread that ends keeps its last value (so sums never go
 * backwards).
 *
 * @example
 * ```ts
 * const before = threadIds();
 * const prov = ProvML.init();
 * await prov.flush();
 * const worker = ThreadSet.since(before);
 * const c0 = worker.cpuNs(); // … work … ; worker.cpuNs() - c0
 * ```
 */
export class ThreadSet {
  readonly tids: readonly string[];
  readonly #last = new Map<string, number>();

  constructor(tids: Iterable<string>) {
    this.tids = [...tids];
  }

  /** The threads that exist now and did not in `before`. */
  static since(before: ReadonlySet<string>): ThreadSet {
    return new ThreadSet([...threadIds()].filter((t) => !before.has(t)));
  }

  /** Summed CPU ns of the set's threads (0 for an empty set; NaN off Linux). */
  cpuNs(): number {
    let sum = 0;
    for (const tid of this.tids) {
      const v = threadCpuNs(tid);
      if (Number.isFinite(v)) this.#last.set(tid, v);
      sum += this.#last.get(tid) ?? 0;
    }
    return threadCpuAvailable ? sum : Number.NaN;
  }
}
