import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Where each named graph's quads are in an N-Quads file (a plain `.nq` file or a provml journal):
 * byte ranges of consecutive lines, found by a scan of the bytes that reads each line's graph
 * term without parsing the quad. What streaming validation reads run graph by run graph.
 *
 * @example
 * ```ts
 * const { graphs } = scanGraphs('provenance/journal.nq');
 * for (const [graph, ranges] of graphs) console.log(graph, ranges.length / 2);
 * ```
 */
export interface GraphIndex {
  /** Graph IRI (`''` = default graph, `_:label` = blank graph name) → flat `[start, end, start, end…]` byte ranges. */
  graphs: Map<string, number[]>;
  /** Quad lines per graph (duplicates included). */
  lines: Map<string, number>;
  /** Journal batches skipped as torn (a crash mid-write), as `readJournal` skips them. */
  torn: number[];
  /** Non-quad lines outside any journal batch. */
  stray: number;
  /**
   * Distinct triples of the union of all graphs, counted by a 53-bit hash of each quad's
   * subject, predicate and object as written (the same triple written differently — another
   * escape, an explicit `xsd:string` — counts twice).
   */
  triples: number;
}

const NL = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const LT = 0x3c;
const GT = 0x3e;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const CARET = 0x5e;
const AT = 0x40;
const HEADER = Buffer.from('# provml batch ');
const HEADER_RE = /^# provml batch seq=(\d+) quads=(\d+) events=\d+ bytes=(\d+)\s*$/;
const CHUNK = 1 << 22;

const isBlank = (c: number) => c === SPACE || c === TAB || c === 0x0d;

/** End (exclusive) of the term starting at `i` on the line ending at `end`, or -1. */
function termEnd(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === LT) {
    const j = buf.indexOf(GT, i + 1);
    return j < 0 || j >= end ? -1 : j + 1;
  }
  if (c === QUOTE) {
    let j = i;
    for (;;) {
      j = buf.indexOf(QUOTE, j + 1);
      if (j < 0 || j >= end) return -1;
      let backslashes = 0;
      while (buf[j - 1 - backslashes] === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    j++;
    if (buf[j] === CARET && buf[j + 1] === CARET) return termEnd(buf, j + 2, end);
    if (buf[j] === AT) while (j < end && !isBlank(buf[j]!)) j++;
    return j;
  }
  let j = i;
  while (j < end && !isBlank(buf[j]!)) j++;
  return j;
}

const skip = (buf: Buffer, i: number, end: number) => {
  while (i < end && isBlank(buf[i]!)) i++;
  return i;
};

/** Positions found by {@link graphOf} in the last line it read: triple start/end, graph term start/end. */
let tripleStart = 0;
let tripleEnd = 0;
let graphStart = 0;
let graphEnd = 0;

/** Finds the triple and the graph term (empty for a triple) of one N-Quads line; false when it is not a quad. */
function graphOf(buf: Buffer, start: number, end: number): boolean {
  let i = skip(buf, start, end);
  tripleStart = i;
  for (let t = 0; t < 3; t++) {
    if (i >= end) return false;
    const e = termEnd(buf, i, end);
    if (e < 0) return false;
    tripleEnd = e;
    i = skip(buf, e, end);
  }
  if (buf[i] === 0x2e /* . */) {
    graphStart = graphEnd = i;
    return true;
  }
  const e = termEnd(buf, i, end);
  if (e < 0) return false;
  graphStart = i;
  graphEnd = e;
  return true;
}

function graphName(buf: Buffer, start: number, end: number): string {
  if (end === start) return '';
  const s = buf.toString('utf8', start, end);
  return s.startsWith('<') ? s.slice(1, -1) : s;
}

/**
 * A set of 64-bit hashes (two 32-bit lanes) in one typed array with open addressing: a million
 * entries take 16 MB and no garbage, where a `Set<number>` allocates a heap number per entry.
 */
class HashSet64 {
  #table = new Uint32Array(1 << 17);
  #mask = (1 << 16) - 1;
  size = 0;

  /** Adds the hash of `buf[start, end)`. */
  addBytes(buf: Buffer, start: number, end: number): void {
    let a = 0x811c9dc5 ^ (end - start);
    let b = 0x9747b28c;
    let i = start;
    for (; i + 4 <= end; i += 4) {
      const c = buf.readInt32LE(i);
      a = Math.imul(a ^ c, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    for (; i < end; i++) {
      const c = buf[i]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    this.#add(a >>> 0 || 1, b >>> 0);
  }

  #add(a: number, b: number): void {
    const t = this.#table;
    for (let slot = (a ^ b) & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const x = t[slot * 2]!;
      if (x === 0) {
        t[slot * 2] = a;
        t[slot * 2 + 1] = b;
        if (++this.size * 2 > this.#mask) this.#grow();
        return;
      }
      if (x === a && t[slot * 2 + 1] === b) return;
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Uint32Array(old.length * 2);
    this.#mask = this.#mask * 2 + 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.#add(old[i]!, old[i + 1]!);
  }
}

/**
 * Scans an N-Quads file or a provml journal (batch headers, torn batches skipped as
 * `readJournal` does) and indexes its lines by graph.
 *
 * @example
 * ```ts
 * const index = scanGraphs('run.nq');
 * ```
 */
export function scanGraphs(file: string): GraphIndex {
  const graphs = new Map<string, number[]>();
  const lines = new Map<string, number>();
  const torn: number[] = [];
  const distinct = new HashSet64();
  let stray = 0;
  const fd = openSync(file, 'r');
  try {
    let base = 0; // file offset of buf[0]
    let buf = Buffer.alloc(0);
    let eof = false;
    let lastTerm: Buffer = Buffer.from('\u0000');
    let last: { ranges: number[]; lines: number } | undefined;
    const byGraph = new Map<string, { ranges: number[]; lines: number }>();
    /** Makes buf hold at least `need` bytes from file offset `at` (or up to EOF). */
    const ensure = (at: number, need: number): void => {
      if (at - base + need <= buf.length || eof) return;
      const keep = buf.subarray(at - base);
      const more = Buffer.allocUnsafe(Math.max(CHUNK, need));
      const n = readSync(fd, more, 0, more.length, at + keep.length);
      if (n < more.length) eof = true;
      buf = Buffer.concat([keep, more.subarray(0, n)]);
      base = at;
    };
    /** The line starting at file offset `at`: [start, end) in buf, end excluding '\n'; next = offset after it. */
    const lineAt = (at: number): { s: number; e: number; next: number } | undefined => {
      ensure(at, 1);
      for (;;) {
        const s = at - base;
        if (s >= buf.length) return undefined;
        const nl = buf.indexOf(NL, s);
        if (nl >= 0) return { s, e: nl, next: base + nl + 1 };
        if (eof) return { s, e: buf.length, next: base + buf.length };
        ensure(at, buf.length - s + CHUNK);
      }
    };
    const addQuadLine = (s: number, e: number, next: number): boolean => {
      if (!graphOf(buf, s, e)) return false;
      distinct.addBytes(buf, tripleStart, tripleEnd);
      const len = graphEnd - graphStart;
      if (!last || len !== lastTerm.length || buf.compare(lastTerm, 0, len, graphStart, graphEnd) !== 0) {
        lastTerm = Buffer.from(buf.subarray(graphStart, graphEnd));
        const name = graphName(buf, graphStart, graphEnd);
        last = byGraph.get(name);
        if (!last) byGraph.set(name, (last = { ranges: [], lines: 0 }));
      }
      const from = base + s;
      const r = last.ranges;
      if (r.length > 0 && r[r.length - 1] === from) r[r.length - 1] = next;
      else r.push(from, next);
      last.lines++;
      return true;
    };
    let at = 0;
    for (let line = lineAt(at); line; line = lineAt(at)) {
      const { s, e, next } = line;
      if (buf[s] === HASH) {
        const header = e - s >= HEADER.length && buf.subarray(s, s + HEADER.length).equals(HEADER) ? HEADER_RE.exec(buf.toString('utf8', s, e)) : null;
        at = next;
        if (!header) continue;
        const [, seq, quads, bytes] = header.map(Number) as [number, number, number, number];
        const start = next;
        ensure(start, bytes);
        const region = buf.subarray(start - base, start - base + bytes);
        let count = 0;
        let ok = region.length === bytes && (bytes === 0 || region[bytes - 1] === NL);
        for (let i = 0; ok && i < region.length; ) {
          const nl = region.indexOf(NL, i);
          if (region.subarray(i, i + HEADER.length).equals(HEADER)) ok = false;
          count++;
          i = nl + 1;
        }
        if (!ok || count !== quads) {
          torn.push(seq);
          continue; // scan on from the line after the header: the next header ends the torn block
        }
        for (let i = start; i < start + bytes; ) {
          const l = lineAt(i)!;
          if (l.e > l.s && buf[l.s] !== HASH && !addQuadLine(l.s, l.e, l.next)) stray++;
          i = l.next;
        }
        at = start + bytes;
        continue;
      }
      at = next;
      if (e > s && !(skip(buf, s, e) === e) && !addQuadLine(s, e, next)) stray++;
    }
    for (const [name, g] of byGraph) {
      graphs.set(name, g.ranges);
      lines.set(name, g.lines);
    }
  } finally {
    closeSync(fd);
  }
  return { graphs, lines, torn, stray, triples: distinct.size };
}

/**
 * Reads the given byte ranges of a file as one string.
 *
 * @example
 * ```ts
 * const nquads = readRanges('run.nq', index.graphs.get('urn:provml:graph:run-1')!);
 * ```
 */
export function readRanges(file: string, ranges: readonly number[]): string {
  let size = 0;
  for (let i = 0; i < ranges.length; i += 2) size += ranges[i + 1]! - ranges[i]!;
  const out = Buffer.allocUnsafe(size);
  const fd = openSync(file, 'r');
  try {
    let at = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      const len = ranges[i + 1]! - ranges[i]!;
      let done = 0;
      while (done < len) done += readSync(fd, out, at + done, len - done, ranges[i]! + done);
      at += len;
    }
  } finally {
    closeSync(fd);
  }
  return out.toString('utf8');
}
