/**
 * `Symbol.metadata` polyfill for TC39 standard decorators on runtimes that lack it (Node 20).
 *
 * Decorator metadata (`context.metadata`) only exists when `Symbol.metadata` is defined before the
 * decorated class is evaluated. Importing provml installs it; importing this module alone also does.
 * It uses the well-known registry symbol `Symbol.for('Symbol.metadata')`, the same one TypeScript
 * and esbuild fall back to, so classes compiled by either share the metadata object.
 *
 * @module
 */

/**
 * `true` once the polyfill ran (always, after importing this module).
 *
 * @example
 * ```ts
 * import { metadataPolyfilled } from 'provml';
 * console.log(metadataPolyfilled, typeof Symbol.metadata); // true 'symbol'
 * ```
 */
export const metadataPolyfilled: boolean = installMetadataSymbol();

function installMetadataSymbol(): boolean {
  const S = Symbol as unknown as { metadata?: symbol };
  if (typeof S.metadata !== 'symbol') {
    try {
      Object.defineProperty(Symbol, 'metadata', {
        value: Symbol.for('Symbol.metadata'),
        writable: false,
        enumerable: false,
        configurable: true,
      });
    } catch {
      S.metadata ??= Symbol.for('Symbol.metadata');
    }
  }
  return typeof S.metadata === 'symbol';
}
