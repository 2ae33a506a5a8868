/**
 * Retry settings for sink writes: exponential backoff with jitter, bounded attempts.
 *
 * @example
 * ```ts
 * const retry: RetryOptions = { maxAttempts: 3, initialDelayMs: 50 };
 * ```
 */
export interface RetryOptions {
  /** Total attempts per batch, the first included (default 5). */
  maxAttempts?: number;
  /** Delay before the first retry (default 100 ms). */
  initialDelayMs?: number;
  /** Upper bound of one delay (default 5000 ms). */
  maxDelayMs?: number;
  /** Growth factor between retries (default 2). */
  multiplier?: number;
  /** Longest wait a server's `Retry-After` may impose before a retry (default 60 000 ms). */
  maxRetryAfterMs?: number;
}

/**
 * Defaults of {@link RetryOptions}: about 1.5 s of retrying in total before a batch is spilled.
 *
 * @example
 * ```ts
 * const retry = { ...DEFAULT_RETRY, maxAttempts: 10 };
 * ```
 */
export const DEFAULT_RETRY: Required<RetryOptions> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 5000,
  multiplier: 2,
  maxRetryAfterMs: 60_000,
});

/**
 * The delay before retry number `retry` (1-based): exponential, capped, with "equal jitter"
 * (uniform in [d/2, d]) so many processes recovering together do not retry in lockstep.
 *
 * @example
 * ```ts
 * backoffDelay(1, DEFAULT_RETRY); // 50..100
 * backoffDelay(3, DEFAULT_RETRY); // 200..400
 * ```
 */
export function backoffDelay(retry: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const d = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** Math.max(0, retry - 1));
  return d / 2 + (random() * d) / 2;
}

/**
 * Wait `ms` on an `unref()`ed timer: a pending retry never keeps the process alive by itself.
 *
 * @example
 * ```ts
 * await sleepUnref(100);
 * ```
 */
export function sleepUnref(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
}

/**
 * True when `p` settled within `ms` (its outcome is ignored: callers pass never-rejecting work).
 *
 * @example
 * ```ts
 * if (!(await within(transport.flush(), 2000))) console.warn('still flushing');
 * ```
 */
export function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
