import type { DatasetCore, NamedNode, Quad, Term } from '@rdfjs/types';
import { DataFactory } from 'n3';

const { quad: makeQuad, defaultGraph } = DataFactory;

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/**
 * The identity key of an RDF term, in n3's id format (IRIs as is, `_:b` blank nodes, `"v"`,
 * `"v"@lang` or `"v"^^dt` literals), so that an n3 term's own `id` is its key.
 *
 * @example
 * ```ts
 * termKey(DataFactory.literal('1', DataFactory.namedNode(XSD + 'integer'))); // '"1"^^…#integer'
 * ```
 */
export function termKey(t: Term): string {
  const id = (t as { id?: unknown }).id;
  if (typeof id === 'string' && (t.termType === 'NamedNode' || t.termType === 'Literal' || t.termType === 'BlankNode')) return id;
  switch (t.termType) {
    case 'NamedNode':
      return t.value;
    case 'BlankNode':
      return `_:${t.value}`;
    case 'Literal':
      return t.language ? `"${t.value}"@${t.language}` : t.datatype.value === XSD_STRING ? `"${t.value}"` : `"${t.value}"^^${t.datatype.value}`;
    case 'Variable':
      return `?${t.value}`;
    case 'DefaultGraph':
      return '';
    default:
      return `<<${termKey(t.subject)} ${termKey(t.predicate)} ${termKey(t.object)}>>`;
  }
}

/**
 * A literal with its parts as plain fields. n3's literals parse their id on every read of
 * `value`, `language` or `datatype` (a new NamedNode each time), which the SHACL engine does for
 * every value it compares or hashes: the data graph keeps literals in this form instead.
 */
class PlainLiteral {
  readonly termType = 'Literal' as const;
  constructor(
    readonly value: string,
    readonly language: string,
    readonly datatype: NamedNode,
    readonly id: string,
  ) {}
  equals(other: Term | null | undefined): boolean {
    return !!other && other.termType === 'Literal' && other.value === this.value && other.language === this.language && other.datatype.value === this.datatype.value;
  }
}

const EMPTY: readonly Quad[] = [];

/** A read-only dataset over an array of quads: what {@link IndexedDataset.match} returns. */
class QuadList implements DatasetCore {
  constructor(private readonly quads: readonly Quad[]) {}
  get size(): number {
    return this.quads.length;
  }
  [Symbol.iterator](): Iterator<Quad> {
    return this.quads[Symbol.iterator]();
  }
  add(): this {
    throw new TypeError('provml: match() results are read-only');
  }
  delete(): this {
    throw new TypeError('provml: match() results are read-only');
  }
  has(q: Quad): boolean {
    return this.quads.some((x) => x.equals(q));
  }
  match(s?: Term | null, p?: Term | null, o?: Term | null, g?: Term | null): DatasetCore {
    return new QuadList(
      this.quads.filter(
        (x) => (!s || x.subject.equals(s)) && (!p || x.predicate.equals(p)) && (!o || x.object.equals(o)) && (!g || x.graph.equals(g)),
      ),
    );
  }
}

/**
 * The data graph provml validates: the union of all graphs of the source as one set of triples
 * (every quad moves to the default graph; duplicates across graphs collapse), with terms interned
 * and three hash indexes (S→P→O, O→P→S, P). `match()` returns a light array view, not a new indexed
 * dataset, which is what makes shacl-engine's many small lookups cheap.
 *
 * @example
 * ```ts
 * const data = new IndexedDataset();
 * for (const q of quads) data.add(q);
 * data.size; // distinct triples
 * ```
 */
export class IndexedDataset implements DatasetCore {
  readonly #terms = new Map<string, Term>();
  readonly #spo = new Map<Term, Map<Term, Quad[]>>();
  readonly #ops = new Map<Term, Map<Term, Quad[]>>();
  readonly #p = new Map<Term, Quad[]>();
  /** Object sets of long S→P lists, so that de-duplicating stays O(1) for them. */
  readonly #long = new Map<Quad[], Set<Term>>();
  readonly #base: IndexedDataset | undefined;
  #size = 0;

  /**
   * @param base - A dataset this one extends without copying it (read-only from here on): the
   *   union of both is the data graph, e.g. the shared graph under each run graph in streaming.
   */
  constructor(base?: IndexedDataset) {
    this.#base = base;
  }

  /** Number of distinct triples. */
  get size(): number {
    return this.#size + (this.#base?.size ?? 0);
  }

  *[Symbol.iterator](): Iterator<Quad> {
    if (this.#base) yield* this.#base;
    for (const byP of this.#spo.values()) for (const list of byP.values()) yield* list;
  }

  /** The interned instance of `t` (or `undefined` when no triple mentions it). */
  lookup(t: Term): Term | undefined {
    return this.#byKey(termKey(t));
  }

  #byKey(k: string): Term | undefined {
    return this.#terms.get(k) ?? (this.#base ? this.#base.#byKey(k) : undefined);
  }

  #intern(t: Term): Term {
    const k = termKey(t);
    let v = this.#byKey(k);
    if (!v) {
      v = t.termType === 'Literal' ? (new PlainLiteral(t.value, t.language, this.#datatype(t.datatype), k) as unknown as Term) : t;
      this.#terms.set(k, v);
    }
    return v;
  }

  /** Datatype IRIs, shared by all literals of a type. */
  #datatype(dt: NamedNode): NamedNode {
    let v = this.#byKey(dt.value);
    if (!v) this.#terms.set(dt.value, (v = DataFactory.namedNode(dt.value)));
    return v as NamedNode;
  }

  /** Does this dataset (its base included) hold the interned triple? */
  #holds(s: Term, p: Term, o: Term): boolean {
    const objects = this.#spo.get(s)?.get(p);
    if (objects) {
      const seen = this.#long.get(objects);
      if (seen ? seen.has(o) : objects.some((x) => x.object === o)) return true;
    }
    return this.#base ? this.#base.#holds(s, p, o) : false;
  }

  /** Add a triple (its graph is dropped). */
  add(q: Quad): this {
    const s = this.#intern(q.subject);
    const p = this.#intern(q.predicate);
    const o = this.#intern(q.object);
    if (this.#base && this.#base.#holds(s, p, o)) return this;
    let byP = this.#spo.get(s);
    if (!byP) this.#spo.set(s, (byP = new Map()));
    let objects = byP.get(p);
    if (!objects) byP.set(p, (objects = []));
    const seen = this.#long.get(objects);
    if (seen ? seen.has(o) : objects.some((x) => x.object === o)) return this;
    if (seen) seen.add(o);
    else if (objects.length >= 32) this.#long.set(objects, new Set([...objects.map((x) => x.object), o]));
    const stored = makeQuad(s as Quad['subject'], p as Quad['predicate'], o as Quad['object'], defaultGraph());
    objects.push(stored);
    let byP2 = this.#ops.get(o);
    if (!byP2) this.#ops.set(o, (byP2 = new Map()));
    let subjects = byP2.get(p);
    if (!subjects) byP2.set(p, (subjects = []));
    subjects.push(stored);
    let all = this.#p.get(p);
    if (!all) this.#p.set(p, (all = []));
    all.push(stored);
    this.#size++;
    return this;
  }

  delete(): this {
    throw new TypeError('provml: the validation data graph is read-only');
  }

  has(q: Quad): boolean {
    return this.find(q.subject, q.predicate, q.object).length > 0;
  }

  /** The triples matching a pattern (`null`/`undefined` = wildcard), as an array. */
  find(s?: Term | null, p?: Term | null, o?: Term | null): readonly Quad[] {
    const si = s ? this.lookup(s) : undefined;
    const pi = p ? this.lookup(p) : undefined;
    const oi = o ? this.lookup(o) : undefined;
    if ((s && !si) || (p && !pi) || (o && !oi)) return EMPTY;
    if (!s && !p && !o) return [...this];
    return this.#find(si, pi, oi);
  }

  /** `find` on interned terms, in this layer and its base. */
  #find(si: Term | undefined, pi: Term | undefined, oi: Term | undefined): readonly Quad[] {
    const own = this.#findOwn(si, pi, oi);
    if (!this.#base) return own;
    const base = this.#base.#find(si, pi, oi);
    return base.length === 0 ? own : own.length === 0 ? base : [...base, ...own];
  }

  #findOwn(si: Term | undefined, pi: Term | undefined, oi: Term | undefined): readonly Quad[] {
    if (si) {
      const byP = this.#spo.get(si);
      if (!byP) return EMPTY;
      const list = pi ? (byP.get(pi) ?? EMPTY) : [...byP.values()].flat();
      return oi ? list.filter((x) => x.object === oi) : list;
    }
    if (oi) {
      const byP = this.#ops.get(oi);
      if (!byP) return EMPTY;
      return pi ? (byP.get(pi) ?? EMPTY) : [...byP.values()].flat();
    }
    return pi ? (this.#p.get(pi) ?? EMPTY) : EMPTY;
  }

  match(s?: Term | null, p?: Term | null, o?: Term | null, g?: Term | null): DatasetCore {
    if (g && g.termType !== 'DefaultGraph') return new QuadList(EMPTY);
    return new QuadList(this.find(s, p, o));
  }
}
