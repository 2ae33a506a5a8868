import type { Quad } from '@rdfjs/types';
import { Parser, Writer } from 'n3';

/**
 * A batch of PROV-ML quads ready for a sink. Built in the background by `record/` from a batch of
 * capture events. Every node is an IRI (no blank nodes), so writing a batch twice is harmless.
 *
 * Build one with `createQuadBatch`: its `nquads` text (and, for batches read back from a
 * journal, its `quads`) is computed once, lazily, and shared by all sinks.
 *
 * @example
 * ```ts
 * const sink: Sink = { name: 'log', async write(b: QuadBatch) { console.log(b.seq, b.quads.length) } };
 * ```
 */
export interface QuadBatch {
  /** Monotonic sequence number within one tracker, for journal bookkeeping. */
  readonly seq: number;
  /** Number of capture events this batch came from. */
  readonly events: number;
  /** The quads, each in its workflow execution's named graph. */
  readonly quads: readonly Quad[];
  /** The same quads as N-Quads text (computed once, lazily, and shared by all sinks). */
  readonly nquads: string;
  /** Number of quads (known without parsing the text). */
  readonly size: number;
}

/**
 * Where batches go: the embedded store, an in-memory array for tests, a journal file, an HTTP
 * SPARQL endpoint. `write` may reject; the transport then retries / spills per its policy.
 *
 * @example
 * ```ts
 * const consoleSink: Sink = {
 *   name: 'console',
 *   async write(batch) { process.stdout.write(batch.nquads); },
 * };
 * ```
 */
export interface Sink {
  /** Short name used in logs and stats (never contains credentials). */
  readonly name: string;
  /** Persist one batch. Resolves when the data is durable/queryable at this sink. */
  write(batch: QuadBatch): Promise<void>;
  /** Make everything written so far durable (e.g. fsync). */
  flush?(): Promise<void>;
  /** Events accepted (their `write` resolved) but kept in memory, not yet stored (`stats().held`). */
  readonly held?: number;
  /** Release resources. Called once by the tracker's shutdown. */
  close?(): Promise<void>;
}

/**
 * Serialize quads as N-Quads text, one quad per line, ending with a newline (empty string for no
 * quads). Blank nodes are written as `_:` labels, but provml never produces them.
 *
 * @example
 * ```ts
 * import { DataFactory } from 'n3';
 * const { namedNode: n, quad } = DataFactory;
 * toNQuads([quad(n('urn:a'), n('urn:p'), n('urn:b'), n('urn:g'))]);
 * // '<urn:a> <urn:p> <urn:b> <urn:g> .\n'
 * ```
 */
export function toNQuads(quads: readonly Quad[]): string {
  if (quads.length === 0) return '';
  return new Writer({ format: 'N-Quads' }).quadsToString(quads as Quad[]);
}

/**
 * Parse N-Quads text into RDF/JS quads (n3 terms). Comment lines are ignored.
 *
 * @example
 * ```ts
 * parseNQuads('<urn:a> <urn:p> "x" <urn:g> .\n').length; // 1
 * ```
 */
export function parseNQuads(text: string): Quad[] {
  if (text.length === 0) return [];
  return new Parser({ format: 'N-Quads' }).parse(text);
}

/**
 * What `createQuadBatch` needs: the quads, their N-Quads text, or both.
 *
 * @example
 * ```ts
 * const init: QuadBatchInit = { seq: 1, events: 2, nquads: '<urn:a> <urn:p> <urn:b> <urn:g> .\n' };
 * ```
 */
export interface QuadBatchInit {
  seq: number;
  events: number;
  quads?: readonly Quad[];
  nquads?: string;
  /** Quad count of `nquads` when only the text is given (counted from its lines otherwise). */
  size?: number;
}

class LazyQuadBatch implements QuadBatch {
  readonly seq: number;
  readonly events: number;
  #quads: readonly Quad[] | undefined;
  #nquads: string | undefined;
  #size: number | undefined;

  constructor(init: QuadBatchInit) {
    this.seq = init.seq;
    this.events = init.events;
    this.#quads = init.quads;
    this.#nquads = init.nquads;
    this.#size = init.quads?.length ?? init.size;
    if (this.#quads === undefined && this.#nquads === undefined) this.#quads = [];
  }

  get size(): number {
    return (this.#size ??= this.#quads?.length ?? countLines(this.#nquads ?? ''));
  }

  get quads(): readonly Quad[] {
    return (this.#quads ??= parseNQuads(this.#nquads ?? ''));
  }

  get nquads(): string {
    return (this.#nquads ??= toNQuads(this.#quads ?? []));
  }
}

/** Quad lines in N-Quads text: non-empty lines that are not comments. */
function countLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.length > 0 && !line.startsWith('#')) n++;
  return n;
}

/**
 * Make a {@link QuadBatch} whose missing representation (`nquads` from `quads`, or `quads` parsed
 * from `nquads`) is computed on first access and memoised, so several sinks share one
 * serialization.
 *
 * @example
 * ```ts
 * const batch = createQuadBatch({ seq: 1, events: 3, quads });
 * batch.nquads === batch.nquads; // true — serialized once
 * ```
 */
export function createQuadBatch(init: QuadBatchInit): QuadBatch {
  return new LazyQuadBatch(init);
}
