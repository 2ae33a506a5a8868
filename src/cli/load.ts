import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import * as rdfExt from 'rdf-ext';
import { EmbeddedStore } from '../store/embedded.js';

/**
 * Loading provenance files for the CLI: N-Quads / N-Triples (including provml journals and
 * `provml serve` dumps), Turtle, TriG and JSON-LD. A syntax error becomes an {@link InputError}
 * naming the file and line.
 */

/**
 * Input that could not be read or parsed; the CLI exits with code 2. `file` and `line` are set
 * when known, and the message then starts with `file:line:`.
 *
 * @example
 * ```ts
 * try { await readRdfFile('run.ttl'); } catch (err) {
 *   if (err instanceof InputError) console.error(err.message); // "run.ttl:12: Unexpected …"
 * }
 * ```
 */
export class InputError extends Error {
  /** The file that failed, when the error is about one. */
  readonly file: string | undefined;
  /** 1-based line of a syntax error, when known. */
  readonly line: number | undefined;

  constructor(message: string, where: { file?: string; line?: number } = {}) {
    super(message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
  }
}

const FORMATS: Record<string, string> = {
  '.nq': 'application/n-quads',
  '.nquads': 'application/n-quads',
  '.nt': 'application/n-triples',
  '.ttl': 'text/turtle',
  '.turtle': 'text/turtle',
  '.trig': 'application/trig',
  '.jsonld': 'application/ld+json',
  '.json': 'application/ld+json',
};

/**
 * The RDF media type for a file name, from its extension (undefined when unknown).
 *
 * @example
 * ```ts
 * rdfMediaType('run.nq'); // 'application/n-quads'
 * ```
 */
export function rdfMediaType(file: string): string | undefined {
  return FORMATS[extname(file).toLowerCase()];
}

/** The part of rdf-ext's environment used here (its JSON-LD parser). */
interface RdfIo {
  io: { dataset: { fromText(mediaType: string, text: string, args: { baseIRI: string }): Promise<Iterable<Quad>> } };
}

/** rdf-ext's environment, unwrapped the same way in ESM and in the CJS bundle. */
function rdfEnv(): RdfIo {
  let m: unknown = rdfExt;
  while (m && typeof (m as Partial<RdfIo>).io !== 'object') m = (m as { default?: unknown }).default;
  if (!m) throw new Error('provml: rdf-ext did not load');
  return m as RdfIo;
}

function lineOf(text: string, err: Error): number | undefined {
  const n = /line (\d+)/i.exec(err.message)?.[1];
  if (n) return Number(n);
  const pos = /position (\d+)/i.exec(err.message)?.[1]; // JSON.parse
  return pos === undefined ? undefined : text.slice(0, Number(pos)).split('\n').length;
}

/**
 * Read and parse one RDF file (format from its extension). Throws {@link InputError} for an
 * unknown extension, an unreadable file, or a syntax error (with its line).
 *
 * @example
 * ```ts
 * const quads = await readRdfFile('provenance/journal.nq');
 * ```
 */
export async function readRdfFile(file: string): Promise<Quad[]> {
  const format = rdfMediaType(file);
  if (!format) throw new InputError(`${file}: unknown RDF format (expected .nq, .nt, .ttl, .trig or .jsonld)`, { file });
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read: ${(err as Error).message}`, { file });
  }
  const baseIRI = pathToFileURL(resolve(file)).href;
  try {
    if (format === 'application/ld+json') {
      const dataset = await rdfEnv().io.dataset.fromText(format, text, { baseIRI });
      return [...dataset];
    }
    return new Parser({ format, baseIRI }).parse(text);
  } catch (err) {
    const line = lineOf(text, err as Error);
    const message = (err as Error).message.replace(/ on line \d+\.?$/, '');
    throw new InputError(`${file}${line ? `:${line}` : ''}: ${message}`, { file, ...(line ? { line } : {}) });
  }
}

/**
 * Read every file into one in-memory store (each Turtle/N-Triples/JSON-LD file into its own
 * graph `urn:provml:file:<path>`; quad formats keep their graphs).
 *
 * @example
 * ```ts
 * const store = await loadFiles(['run.nq', 'extra.ttl']);
 * ```
 */
export async function loadFiles(files: readonly string[]): Promise<EmbeddedStore> {
  const store = EmbeddedStore.create();
  for (const file of files) {
    const quads = await readRdfFile(file);
    const format = rdfMediaType(file);
    const triples = format !== 'application/n-quads' && format !== 'application/trig';
    await store.insertQuads(quads, triples ? `urn:provml:file:${file}` : undefined);
  }
  return store;
}
