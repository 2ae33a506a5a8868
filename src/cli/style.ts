import { styleText } from 'node:util';
import { cli } from './io.js';

/**
 * Terminal colours for the CLI with `node:util` styleText: on when the stream is a TTY or
 * `FORCE_COLOR` is set (not `0`), always off when `NO_COLOR` is set (https://no-color.org).
 */

type Format = Parameters<typeof styleText>[0];

/**
 * Whether to colour output written to `stream`.
 *
 * @example
 * ```ts
 * const paint = painter(useColor(process.stdout));
 * ```
 */
export function useColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = cli().env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}

/**
 * A function that styles text when `enabled`, and returns it unchanged otherwise.
 *
 * @example
 * ```ts
 * const paint = painter(true);
 * console.log(paint('red', 'Violation'));
 * ```
 */
export function painter(enabled: boolean): (format: Format, text: string) => string {
  return enabled ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}
