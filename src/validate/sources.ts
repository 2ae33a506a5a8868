import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatasetCore, Quad } from '@rdfjs/types';
import { JsonLdParser } from 'jsonld-streaming-parser';
import { DataFactory, Parser } from 'n3';
import { Generator } from 'sparqljs';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { batchHeaderLine as journalBatchLine, readJournal } from '../transport/journal.js';
import { IndexedDataset } from './dataset.js';
import { pagedQueries } from './paging.js';
import { ValidationInputError, type EndpointSource, type JournalSource, type ValidationSource } from './types.js';

const { literal } = DataFactory;

/**
 * Progress callback of the loading phase: triples loaded so far and, when known, in total.
 *
 * @example
 * ```ts
 * const onLoad: LoadProgress = (done, total) => console.error(done, total ?? '?');
 * ```
 */
export type LoadProgress = (done: number, total?: number) => void;

/**
 * What was loaded: the data graph, and the endpoint when the source was one (SPARQL constraints
 * then run there).
 *
 * @example
 * ```ts
 * const { data, endpoint } = await loadSource('run.ttl', {});
 * ```
 */
export interface LoadedSource {
  data: IndexedDataset;
  endpoint?: SparqlEndpoint;
  graph?: string;
}

const FORMATS: Record<string, string> = {
  '.ttl': 'text/turtle',
  '.turtle': 'text/turtle',
  '.nt': 'application/n-triples',
  '.nq': 'application/n-quads',
  '.trig': 'application/trig',
};
const REPORT_EVERY = 50_000;

function isEndpointSource(s: unknown): s is EndpointSource {
  return typeof s === 'object' && s !== null && 'endpoint' in s;
}
function isJournalSource(s: unknown): s is JournalSource {
  return typeof s === 'object' && s !== null && 'journal' in s && typeof (s as JournalSource).journal === 'string';
}

/** Adds quads to the data graph, reporting progress every 50k triples. */
class Loader {
  readonly data = new IndexedDataset();
  #n = 0;
  constructor(private readonly onProgress?: LoadProgress) {}
  add = (q: Quad): void => {
    this.data.add(q);
    if (++this.#n % REPORT_EVERY === 0) this.onProgress?.(this.data.size);
  };
  done(total?: number): IndexedDataset {
    this.onProgress?.(this.data.size, total ?? this.data.size);
    return this.data;
  }
}

function syntaxError(file: string, err: unknown, line?: number): ValidationInputError {
  const l = line ?? (err as { context?: { line?: number } }).context?.line;
  let msg = (err as Error).message ?? String(err);
  // A line given here is the file's; the parser's own "on line N" may count from elsewhere.
  if (line !== undefined) msg = msg.replace(/ on line \d+\.?$/, '');
  return new ValidationInputError(`${file}${l ? `:${l}` : ''}: ${msg}`, { file, ...(l ? { line: l } : {}), cause: err });
}

function parseText(text: string, format: string, file: string, add: (q: Quad) => void, baseIRI?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new Parser({ format, ...(baseIRI ? { baseIRI } : {}) });
    let failed = false;
    parser.parse(text, (err, q) => {
      if (failed) return;
      if (err) {
        failed = true;
        reject(syntaxError(file, err));
      } else if (q) add(q);
      else resolve();
    });
  });
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

async function parseJsonLd(text: string, file: string, add: (q: Quad) => void): Promise<void> {
  try {
    JSON.parse(text); // a precise syntax error (Node reports the character position)
  } catch (err) {
    const pos = /position (\d+)/.exec((err as Error).message);
    throw syntaxError(file, err, pos ? lineAt(text, Number(pos[1])) : undefined);
  }
  await new Promise<void>((resolve, reject) => {
    const parser = new JsonLdParser({ baseIRI: pathToFileURL(file).href, dataFactory: DataFactory as never });
    parser.on('data', (q: Quad) => add(q));
    parser.on('error', (err: Error) => reject(syntaxError(file, err)));
    parser.on('end', () => resolve());
    parser.write(text);
    parser.end();
  });
}

/** Does the file start with a provml journal batch header? */
export function startsLikeJournal(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    readSync(fd, buf, 0, 16, 0);
    return buf.toString('latin1').startsWith('# provml batch ');
  } finally {
    closeSync(fd);
  }
}

/** The 1-based line of the journal header of batch `seq` in `file` (undefined if not found). */
async function batchHeaderLine(file: string, seq: number): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return journalBatchLine(text, seq);
}

/**
 * Load a provml journal's batches, the way `provml push` replays it: a torn batch (a truncated
 * file, a process killed mid-write) is skipped with a warning. A syntax error names the file and
 * its line in the file (the batch's header line plus the line within the batch).
 */
async function loadJournal(file: string, loader: Loader, onWarning?: (m: string) => void): Promise<void> {
  const parser = new Parser({ format: 'application/n-quads' });
  for await (const batch of readJournal(file, onWarning ? { onWarning } : {})) {
    try {
      for (const q of parser.parse(batch.nquads)) loader.add(q);
    } catch (err) {
      const header = await batchHeaderLine(file, batch.seq);
      const inBatch = (err as { context?: { line?: number } }).context?.line;
      throw syntaxError(file, err, header !== undefined && inBatch !== undefined ? header + inBatch : header);
    }
  }
}

async function loadFile(file: string, loader: Loader, onWarning?: (m: string) => void): Promise<void> {
  try {
    await stat(file);
  } catch (err) {
    throw new ValidationInputError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file, cause: err });
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.nq' && startsLikeJournal(file)) return loadJournal(file, loader, onWarning);
  if (ext === '.jsonld' || ext === '.json') return parseJsonLd(await readFile(file, 'utf8'), file, loader.add);
  const format = FORMATS[ext];
  if (!format) {
    throw new ValidationInputError(
      `${file}: unknown RDF file extension "${ext}" (expected .ttl, .nt, .nq, .trig, .jsonld or .json)`,
      { file },
    );
  }
  return parseText(await readFile(file, 'utf8'), format, file, loader.add, pathToFileURL(file).href);
}

/** Codepoint order, as SPARQL compares strings. */
function codepointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

async function loadEndpoint(src: EndpointSource, loader: Loader, onProgress?: LoadProgress): Promise<void> {
  const pageSize = src.pageSize ?? 5000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('provml: pageSize must be a positive integer');
  const q = pagedQueries(src.graph);
  const generator = new Generator();
  const [countRow] = await src.endpoint.select(generator.stringify(q.count));
  const total = countRow?.n ? Number(countRow.n.value) : undefined;
  onProgress?.(0, total);
  let after = '';
  for (;;) {
    const quads = await src.endpoint.construct(generator.stringify(q.page(literal(after), pageSize)));
    const subjects = new Set<string>();
    let last: string | undefined;
    for (const quad of quads) {
      loader.add(quad);
      const s = quad.subject.value;
      subjects.add(s);
      if (last === undefined || codepointCompare(s, last) > 0) last = s;
    }
    onProgress?.(loader.data.size, total);
    if (last === undefined || subjects.size < pageSize) break;
    after = last;
  }
  for (const quad of await src.endpoint.construct(generator.stringify(q.blankSubjects))) loader.add(quad);
}

/**
 * Loads any {@link ValidationSource} into one indexed data graph (the union of its graphs).
 *
 * @example
 * ```ts
 * const { data } = await loadSource({ journal: './run.nq' }, { onWarning: console.warn });
 * console.log(data.size);
 * ```
 */
export async function loadSource(
  source: ValidationSource,
  options: { onProgress?: LoadProgress; onWarning?: (m: string) => void },
): Promise<LoadedSource> {
  const loader = new Loader(options.onProgress);
  if (typeof source === 'string') {
    await loadFile(source, loader, options.onWarning);
    if (loader.data.size === 0) {
      // Nothing to check is bad input, not conforming data (an empty or all-comment file).
      const journal = extname(source).toLowerCase() === '.nq' && startsLikeJournal(source);
      const why = journal ? 'a provml journal without one complete batch' : 'the file is empty or holds only comments/prefixes';
      throw new ValidationInputError(`${source}: no RDF statements to validate (${why})`, { file: source });
    }
    return { data: loader.done() };
  }
  if (isJournalSource(source)) {
    try {
      await stat(source.journal);
    } catch (err) {
      throw new ValidationInputError(`${source.journal}: cannot read the journal`, { file: source.journal, cause: err });
    }
    await loadJournal(source.journal, loader, options.onWarning);
    return { data: loader.done() };
  }
  if (isEndpointSource(source)) {
    await loadEndpoint(source, loader, options.onProgress);
    return { data: loader.done(), endpoint: source.endpoint, ...(source.graph ? { graph: source.graph } : {}) };
  }
  const size = typeof (source as Partial<DatasetCore>).size === 'number' ? (source as DatasetCore).size : undefined;
  for (const q of source as Iterable<Quad>) loader.add(q);
  return { data: loader.done(size) };
}
