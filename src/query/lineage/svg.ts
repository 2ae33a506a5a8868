/**
 * SVG of a provenance graph through Graphviz: the DOT text piped to the `dot` binary (no shell,
 * no temporary file). Graphviz is an operating-system package, not an npm one: a missing `dot`
 * is reported as a {@link GraphvizMissingError} saying how to install it.
 */
import { execFile } from 'node:child_process';
import { toDot, type DotOptions } from './dot.js';
import type { ProvGraph } from './types.js';

/**
 * Options of {@link toSvg}.
 *
 * @example
 * ```ts
 * const o: SvgOptions = { dot: '/opt/graphviz/bin/dot', timeoutMs: 10_000 };
 * ```
 */
export interface SvgOptions extends DotOptions {
  /** The Graphviz `dot` executable; default `$PROVML_DOT` or `dot` on the PATH. */
  dot?: string;
  /** Kill `dot` after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * Thrown by {@link toSvg} when the Graphviz `dot` program cannot be run.
 *
 * @example
 * ```ts
 * try { await toSvg(graph); } catch (err) { if (err instanceof GraphvizMissingError) console.log(toDot(graph)); }
 * ```
 */
export class GraphvizMissingError extends Error {
  /** The executable that could not be run. */
  readonly executable: string;
  constructor(executable: string) {
    super(`Graphviz is not installed (cannot run ${JSON.stringify(executable)}): install it (apt-get install graphviz, brew install graphviz) or use the dot/mermaid format`);
    this.name = 'GraphvizMissingError';
    this.executable = executable;
  }
}

/**
 * Run `dot -Tsvg` on DOT text and return the SVG document.
 *
 * @example
 * ```ts
 * const svg = await dotToSvg('digraph { a -> b }');
 * ```
 */
export function dotToSvg(dotText: string, options: Pick<SvgOptions, 'dot' | 'timeoutMs'> = {}): Promise<string> {
  const executable = options.dot ?? process.env.PROVML_DOT ?? 'dot';
  return new Promise((resolve, reject) => {
    const child = execFile(
      executable,
      ['-Tsvg'],
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || code === 'EACCES') reject(new GraphvizMissingError(executable));
          else reject(new Error(`Graphviz dot failed: ${(stderr || err.message).trim()}`));
          return;
        }
        resolve(stdout);
      },
    );
    child.stdin?.on('error', () => {}); // EPIPE when dot is missing or exits early: reported by the callback
    child.stdin?.end(dotText, 'utf8');
  });
}

/**
 * The graph as an SVG document, laid out by Graphviz (`dot -Tsvg` on {@link toDot}'s text).
 * Rejects with {@link GraphvizMissingError} when Graphviz is not installed.
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * import { lineage, toSvg } from 'provml/query';
 *
 * await writeFile('lineage.svg', await toSvg(await lineage(store, model)));
 * ```
 */
export function toSvg(graph: ProvGraph, options: SvgOptions = {}): Promise<string> {
  return dotToSvg(toDot(graph, options), options);
}
