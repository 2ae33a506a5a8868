import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Parser } from 'n3';
import { EmbeddedStore } from '../store/embedded.js';

/**
 * Loading provenance files into an embedded store for the CLI: N-Quads / N-Triples (including
 * provml journals and `provml serve` dumps), Turtle and TriG. A syntax error becomes an
 * {@link InputError} naming the file and line.
 */

/** Input that could not be read or parsed; the CLI exits with code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const FORMATS: Record<string, string> = {
  '.nq': 'application/n-quads',
  '.nquads': 'application/n-quads',
  '.nt': 'application/n-triples',
  '.ttl': 'text/turtle',
  '.turtle': 'text/turtle',
  '.trig': 'application/trig',
};

/** Read every file into one in-memory store (each Turtle/N-Triples file into its own graph). */
export async function loadFiles(files: readonly string[]): Promise<EmbeddedStore> {
  const store = EmbeddedStore.create();
  for (const file of files) {
    const format = FORMATS[extname(file).toLowerCase()];
    if (!format) throw new InputError(`${file}: unknown RDF format (expected .nq, .nt, .ttl or .trig)`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`${file}: cannot read: ${(err as Error).message}`);
    }
    try {
      const quads = new Parser({ format, baseIRI: new URL(`file://${file}`).href }).parse(text);
      await store.insertQuads(quads, format === 'text/turtle' || format === 'application/n-triples' ? `urn:provml:file:${file}` : undefined);
    } catch (err) {
      const line = /line (\d+)/.exec((err as Error).message)?.[1];
      throw new InputError(`${file}${line ? `:${line}` : ''}: ${(err as Error).message}`);
    }
  }
  return store;
}
