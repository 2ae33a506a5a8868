/**
 * RDF graph isomorphism for the small graphs of the W3C SHACL test suite (validation reports):
 * blank nodes are coloured by iterative refinement over their triples, and ties are broken by
 * trying each candidate (backtracking), so the answer is exact, not a hash heuristic.
 */
import { createHash } from 'node:crypto';
import type { Quad, Term } from '@rdfjs/types';

const key = (t: Term): string => {
  switch (t.termType) {
    case 'NamedNode':
      return `<${t.value}>`;
    case 'Literal':
      return `${JSON.stringify(t.value)}@${t.language}^^${t.datatype.value}`;
    default:
      return `${t.termType}:${t.value}`;
  }
};
const hash = (s: string) => createHash('sha1').update(s).digest('base64');

interface Graph {
  ground: Set<string>;
  triples: Quad[];
  blanks: string[];
}

function prepare(quads: readonly Quad[]): Graph {
  const seen = new Set<string>();
  const triples: Quad[] = [];
  const ground = new Set<string>();
  const blanks = new Set<string>();
  for (const q of quads) {
    const k = `${key(q.subject)} ${key(q.predicate)} ${key(q.object)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const s = q.subject.termType === 'BlankNode';
    const o = q.object.termType === 'BlankNode';
    if (!s && !o) ground.add(k);
    else {
      triples.push(q);
      if (s) blanks.add(q.subject.value);
      if (o) blanks.add(q.object.value);
    }
  }
  return { ground, triples, blanks: [...blanks] };
}

/** Refines a colouring until stable: a blank node's colour hashes its triples with its neighbours' colours. */
function refine(g: Graph, colors: Map<string, string>): Map<string, string> {
  let current = colors;
  for (let round = 0; round <= g.blanks.length; round++) {
    const parts = new Map<string, string[]>();
    const col = (t: Term) => (t.termType === 'BlankNode' ? `_:${current.get(t.value)}` : key(t));
    for (const q of g.triples) {
      if (q.subject.termType === 'BlankNode') parts.get(q.subject.value)?.push(`s ${key(q.predicate)} ${col(q.object)}`) ?? parts.set(q.subject.value, [`s ${key(q.predicate)} ${col(q.object)}`]);
      if (q.object.termType === 'BlankNode') parts.get(q.object.value)?.push(`o ${key(q.predicate)} ${col(q.subject)}`) ?? parts.set(q.object.value, [`o ${key(q.predicate)} ${col(q.subject)}`]);
    }
    const next = new Map<string, string>();
    for (const b of g.blanks) next.set(b, hash(`${current.get(b)}|${(parts.get(b) ?? []).sort().join('|')}`));
    const classes = (m: Map<string, string>) => new Set(m.values()).size;
    const stable = classes(next) === classes(current);
    current = next;
    if (stable) break;
  }
  return current;
}

function histogram(colors: Map<string, string>): Map<string, string[]> {
  const h = new Map<string, string[]>();
  for (const [b, c] of colors) h.get(c)?.push(b) ?? h.set(c, [b]);
  return h;
}

function sameHistogram(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [c, nodes] of a) if (b.get(c)?.length !== nodes.length) return false;
  return true;
}

function search(a: Graph, b: Graph, ca: Map<string, string>, cb: Map<string, string>, depth: number): boolean {
  const ra = refine(a, ca);
  const rb = refine(b, cb);
  const ha = histogram(ra);
  const hb = histogram(rb);
  if (!sameHistogram(ha, hb)) return false;
  const ambiguous = [...ha].filter(([, nodes]) => nodes.length > 1).sort((x, y) => x[1].length - y[1].length)[0];
  if (!ambiguous) {
    // A bijection: check that it maps every triple onto a triple.
    const map = new Map<string, string>();
    for (const [c, [x]] of ha) map.set(x!, hb.get(c)![0]!);
    const text = (g: Graph, m?: Map<string, string>) =>
      new Set(g.triples.map((q) => [q.subject, q.predicate, q.object].map((t) => (t.termType === 'BlankNode' ? `_:${m ? m.get(t.value) : t.value}` : key(t))).join(' ')));
    const ta = text(a, map);
    const tb = text(b);
    return ta.size === tb.size && [...ta].every((t) => tb.has(t));
  }
  const [color, nodes] = ambiguous;
  const x = nodes[0]!;
  for (const y of hb.get(color)!) {
    const mark = `mark${depth}`;
    if (search(a, b, new Map(ra).set(x, mark), new Map(rb).set(y, mark), depth + 1)) return true;
  }
  return false;
}

/**
 * Are two RDF graphs isomorphic (equal up to a renaming of blank nodes)?
 *
 * @example
 * ```ts
 * isomorphic(expectedReport, actualReport); // true
 * ```
 */
export function isomorphic(x: readonly Quad[], y: readonly Quad[]): boolean {
  const a = prepare(x);
  const b = prepare(y);
  if (a.ground.size !== b.ground.size || ![...a.ground].every((k) => b.ground.has(k))) return false;
  if (a.triples.length !== b.triples.length || a.blanks.length !== b.blanks.length) return false;
  const start = (g: Graph) => new Map(g.blanks.map((n) => [n, '']));
  return search(a, b, start(a), start(b), 0);
}
