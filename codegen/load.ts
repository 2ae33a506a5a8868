/**
 * Reading Turtle.
 *
 * Each file is parsed with n3 into its own `Store` (so checks can tell which file said what), and
 * lexed a second time to remember the first line on which every IRI appears: n3 quads carry no
 * positions, but error messages should.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Lexer, Parser, Store } from 'n3';
import { CodegenError } from './errors.js';

/** One parsed Turtle file. */
export interface LoadedFile {
  /** Path relative to the project root, with `/` separators (used in messages and the IR). */
  readonly file: string;
  readonly store: Store;
  /** `@prefix` / `PREFIX` declarations, prefix → namespace IRI. */
  readonly prefixes: Readonly<Record<string, string>>;
  /** First line (1-based) on which each IRI occurs. */
  readonly lines: ReadonlyMap<string, number>;
}

/**
 * Parses `file` (relative to `root`) or the given `text` as Turtle.
 * A syntax error becomes a {@link CodegenError} naming the file and the line.
 */
export function loadTurtle(file: string, options: { root?: string; text?: string } = {}): LoadedFile {
  const display = file.split('\\').join('/');
  const text = options.text ?? readFileSync(resolve(options.root ?? '.', file), 'utf8');
  const prefixes: Record<string, string> = {};
  let quads;
  try {
    quads = new Parser({ format: 'text/turtle' }).parse(text, null, (prefix, iri) => {
      prefixes[prefix] = iri.value;
    });
  } catch (error) {
    const err = error as Error & { context?: { line?: number } };
    const line = err.context?.line;
    throw new CodegenError(display, null, `Turtle syntax error: ${err.message}`, line);
  }
  return { file: display, store: new Store(quads), prefixes, lines: indexLines(text) };
}

/** Maps every IRI (full or prefixed) in a Turtle text to the first line it occurs on. */
function indexLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const prefixes = new Map<string, string>();
  let pendingPrefix: string | null = null;
  let tokens: { type: string; value: string; prefix: string; line: number }[];
  try {
    tokens = new Lexer().tokenize(text) as unknown as typeof tokens;
  } catch {
    return lines; // the parser accepted the text; a lexer hiccup only costs line numbers
  }
  for (const token of tokens) {
    if (token.type === 'prefix') {
      pendingPrefix = token.value;
      continue;
    }
    let iri: string | null = null;
    if (token.type === 'IRI') {
      if (pendingPrefix !== null) {
        prefixes.set(pendingPrefix, token.value);
        pendingPrefix = null;
        continue;
      }
      iri = token.value;
    } else if (token.type === 'prefixed') {
      const ns = prefixes.get(token.prefix);
      if (ns !== undefined) iri = ns + token.value;
    }
    if (iri !== null && !lines.has(iri)) lines.set(iri, token.line);
  }
  return lines;
}
