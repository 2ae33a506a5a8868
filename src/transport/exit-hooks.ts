import { writeSync } from 'node:fs';

/**
 * Something the process hooks flush before the process goes away (a {@link Transport}).
 *
 * @example
 * ```ts
 * const target: ExitFlushTarget = { hasPendingWork: () => false, flush: async () => {} };
 * ```
 */
export interface ExitFlushTarget {
  /** True while events are queued or batches are in flight. */
  hasPendingWork(): boolean;
  /** Flush everything captured so far; never rejects. */
  flush(): Promise<void>;
  /**
   * Settle everything, synchronously, before the process goes away (the `exit` event, and
   * signals): sent, journaled or counted dropped — and say so on stderr. Never throws.
   */
  settleSync?(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

const targets = new Set<ExitFlushTarget>();
let timeoutMs = 5000;
let installed = false;

function flushAll(): Promise<void> {
  const all = Promise.all([...targets].map((t) => t.flush().catch(() => {})));
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    void all.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Keep the event loop alive (a ref'ed timer) while `p` runs, since our own retry timers are unref'ed. */
function keepAliveDuring(p: Promise<void>): Promise<void> {
  const keep = setInterval(() => {}, 1 << 30);
  return p.finally(() => clearInterval(keep));
}

function onBeforeExit(): void {
  // beforeExit fires again after our flush ends; only act while there is work, or we would loop.
  // A flush that cannot finish in time (the sink is down) is followed by a settle, which leaves
  // no pending work: the second beforeExit then lets the process end.
  if (![...targets].some((t) => t.hasPendingWork())) return;
  void keepAliveDuring(flushAll()).then(() => {
    if ([...targets].some((t) => t.hasPendingWork())) settleAll();
  });
}

const signalHandlers: Record<Signal, () => void> = {
  SIGINT: () => onSignal('SIGINT'),
  SIGTERM: () => onSignal('SIGTERM'),
};

function settleAll(): void {
  for (const t of [...targets]) {
    try {
      t.settleSync?.();
    } catch {
      /* never let provenance break the exit */
    }
  }
}

function onSignal(signal: Signal): void {
  const reraise = () => {
    const handler = signalHandlers[signal];
    const others = process.listeners(signal).filter((l) => l !== handler).length;
    if (others > 0) return; // the user handles this signal: we only flushed
    uninstall();
    process.kill(process.pid, signal); // re-raise: default behaviour (terminate with the signal)
  };
  if ([...targets].every((t) => t.settleSync)) {
    settleAll(); // bounded and synchronous: nothing can run between the signal and the end
    reraise();
    return;
  }
  void keepAliveDuring(flushAll()).then(() => {
    settleAll();
    reraise();
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onBeforeExit);
  process.on('exit', settleAll);
  for (const s of SIGNALS) process.on(s, signalHandlers[s]);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('beforeExit', onBeforeExit);
  process.removeListener('exit', settleAll);
  for (const s of SIGNALS) process.removeListener(s, signalHandlers[s]);
}

/**
 * Flush `target` on `beforeExit`, `SIGINT` and `SIGTERM`, and settle it synchronously on `exit`
 * (which also follows `process.exit()` and an uncaught exception). One set of process listeners serves
 * every registered target; for a signal, all targets are flushed (at most `flushTimeoutMs`),
 * then, unless the application has its own listener for that signal, ours is removed and the
 * signal re-raised so the process ends as it would have without provml. Returns the function
 * that unregisters the target (listeners are removed with the last target).
 *
 * @example
 * ```ts
 * const unregister = registerExitFlush(transport);
 * // … later, on shutdown:
 * unregister();
 * ```
 */
export function registerExitFlush(target: ExitFlushTarget, flushTimeoutMs = 5000): () => void {
  targets.add(target);
  timeoutMs = flushTimeoutMs;
  install();
  return () => {
    targets.delete(target);
    if (targets.size === 0) uninstall();
  };
}

/**
 * Say on stderr, synchronously (the process is ending), what of a tracker's provenance did not
 * reach its store: events waiting in journal/spill/fallback files (with the command that delivers
 * them) and events dropped. Prints nothing when everything was stored; offline (the journal is
 * the destination), only drops.
 *
 * @example
 * ```ts
 * reportUnsettled(transport.stats(), transport.diskFiles());
 * ```
 */
export function reportUnsettled(stats: { journaled: number; dropped: number }, files: readonly string[], offline = false): void {
  if (stats.journaled > 0 && !offline) {
    const where = files.length > 0 ? files.join(', ') : 'the journal';
    stderrLine(`provml: ${stats.journaled} provenance events are not in the store yet; they wait in ${where} — deliver them with: provml push <file> --endpoint <url>`);
  }
  if (stats.dropped > 0) stderrLine(`provml: ${stats.dropped} provenance events dropped (refused by the full-queue policy or after shutdown, not recorded in time, or refused by the disk)`);
}

/** One line on stderr, written synchronously; never throws. */
export function stderrLine(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    /* nowhere left to say it */
  }
}
