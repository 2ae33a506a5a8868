import { open, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Quad } from '@rdfjs/types';
import { Parser } from 'n3';
import * as rdfExt from 'rdf-ext';
import { EmbeddedStore } from '../store/embedded.js';
import { batchHeaderLine, readJournal } from '../transport/journal.js';

/**
 * Loading provenance files for the CLI: N-Quads / N-Triples (including provml journals and
 * `provml serve` dumps), Turtle, TriG and JSON-LD. A syntax error becomes an {@link InputError}
 * naming the file and line; so do a file with no statements at all and a journal with a torn
 * (truncated) batch — the same rules `provml validate` applies.
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
 * Throw an {@link InputError} naming file and line when `file` is a provml journal (an `.nq` file
 * that starts with a batch header) holding a torn batch: one whose lines or bytes fall short of
 * its header, as a truncated copy or a process killed mid-write leaves it. `provml push` skips
 * such batches (so does the validate library, with a warning); the CLI's readers refuse the file.
 * `text` is the file's text when the caller has it.
 *
 * @example
 * ```ts
 * await assertNoTornBatches('run.nq'); // throws "run.nq:41: journal batch seq=3 is torn (7/10 quads): …"
 * ```
 */
export async function assertNoTornBatches(file: string, text?: string): Promise<void> {
  if (rdfMediaType(file) !== 'application/n-quads') return;
  if (text === undefined) {
    const head = Buffer.alloc(15);
    const fh = await open(file, 'r').catch(() => undefined);
    if (fh === undefined) return; // unreadable: the reader says so
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    if (head.toString('latin1') !== '# provml batch ') return;
  } else if (!text.startsWith('# provml batch ')) return;
  const torn: { seq: number; got: string }[] = [];
  const onWarning = (m: string) => {
    const t = /torn batch seq=(\d+) \(([^)]*)\)/.exec(m);
    if (t) torn.push({ seq: Number(t[1]), got: t[2]! });
  };
  for await (const batch of readJournal(file, { onWarning })) void batch;
  const first = torn[0];
  if (first === undefined) return;
  const line = batchHeaderLine(text ?? (await readFile(file, 'utf8')), first.seq);
  const more = torn.length > 1 ? ` (and ${torn.length - 1} more)` : '';
  throw new InputError(
    `${file}${line ? `:${line}` : ''}: journal batch seq=${first.seq} is torn (${first.got})${more}: the file is truncated or was cut mid-write; \`provml push\` sends the complete batches and skips torn ones`,
    { file, ...(line ? { line } : {}) },
  );
}

/**
 * Read and parse one RDF file (format from its extension). Throws {@link InputError} for an
 * unknown extension, an unreadable file, a syntax error (with its line), a file with no RDF
 * statements, or a provml journal with a torn batch.
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
  let quads: Quad[];
  try {
    if (format === 'application/ld+json') {
      const dataset = await rdfEnv().io.dataset.fromText(format, text, { baseIRI });
      quads = [...dataset];
    } else quads = new Parser({ format, baseIRI }).parse(text);
  } catch (err) {
    const line = lineOf(text, err as Error);
    const message = (err as Error).message.replace(/ on line \d+\.?$/, '');
    throw new InputError(`${file}${line ? `:${line}` : ''}: ${message}`, { file, ...(line ? { line } : {}) });
  }
  await assertNoTornBatches(file, text);
  if (quads.length === 0) throw new InputError(`${file}: no RDF statements (${text.trim() === '' ? 'the file is empty' : 'only comments or prefixes'})`, { file });
  return quads;
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
