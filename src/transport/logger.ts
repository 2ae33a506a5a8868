/**
 * Where the transport writes human-readable warnings.
 *
 * @example
 * ```ts
 * const logger: TransportLogger = { warn: (m) => myLog.warn(m) };
 * ```
 */
export interface TransportLogger {
  /** Receives one human-readable warning (never contains credentials). */
  warn(message: string): void;
}

/**
 * A logger that drops everything (for tests, or when `onError` already handles errors).
 *
 * @example
 * ```ts
 * new Transport({ recorder, sink, logger: silentLogger });
 * ```
 */
export const silentLogger: TransportLogger = Object.freeze({ warn() {} });

/**
 * Wrap a logger so it prints at most `burst` messages per `intervalMs`, then one line saying how
 * many were suppressed. A failing sink must not flood the user's console.
 *
 * @example
 * ```ts
 * const log = rateLimitedLogger({ warn: console.warn }, { burst: 5, intervalMs: 10_000 });
 * ```
 */
export function rateLimitedLogger(
  target: TransportLogger = { warn: (m) => console.warn(m) },
  { burst = 5, intervalMs = 10_000 }: { burst?: number; intervalMs?: number } = {},
  now: () => number = Date.now,
): TransportLogger {
  let windowStart = -Infinity;
  let count = 0;
  let suppressed = 0;
  return {
    warn(message: string): void {
      const t = now();
      if (t - windowStart >= intervalMs) {
        if (suppressed > 0) target.warn(`provml: ${suppressed} similar message(s) suppressed`);
        windowStart = t;
        count = 0;
        suppressed = 0;
      }
      if (count < burst) {
        count++;
        target.warn(message);
      } else {
        suppressed++;
      }
    },
  };
}
