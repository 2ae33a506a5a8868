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
  if (![...targets].some((t) => t.hasPendingWork())) return;
  void keepAliveDuring(flushAll());
}

const signalHandlers: Record<Signal, () => void> = {
  SIGINT: () => onSignal('SIGINT'),
  SIGTERM: () => onSignal('SIGTERM'),
};

function onSignal(signal: Signal): void {
  void keepAliveDuring(flushAll()).then(() => {
    const handler = signalHandlers[signal];
    const others = process.listeners(signal).filter((l) => l !== handler).length;
    if (others > 0) return; // the user handles this signal: we only flushed
    uninstall();
    process.kill(process.pid, signal); // re-raise: default behaviour (terminate with the signal)
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, signalHandlers[s]);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.removeListener(s, signalHandlers[s]);
}

/**
 * Flush `target` on `beforeExit`, `SIGINT` and `SIGTERM`. One set of process listeners serves
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
