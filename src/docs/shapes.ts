/**
 * SHACL shapes, read for documentation: which node shapes target which classes, the property paths
 * they constrain, cardinalities, the other constraint parameters and the messages.
 *
 * The result is descriptive, not a validator: every parameter found is listed, nested shapes
 * (`sh:or`, `sh:qualifiedValueShape`) are summarized in one line.
 */
import type { Term } from '@rdfjs/types';
import { type DocGraph, NS, compare } from './graph.js';

const SH = NS.sh;

/**
 * One piece of rendered text: an IRI (the page links or abbreviates it) or plain text.
 *
 * @example
 * ```ts
 * const pieces: DocPiece[] = [{ text: 'datatype ' }, { iri: 'http://www.w3.org/2001/XMLSchema#double' }];
 * ```
 */
export type DocPiece = { readonly iri: string } | { readonly text: string };

/**
 * A SHACL property path.
 *
 * @example
 * ```ts
 * const path: DocPath = { kind: 'inverse', path: { kind: 'predicate', iri: 'http://www.w3.org/ns/prov#used' } };
 * ```
 */
export type DocPath =
  | { readonly kind: 'predicate'; readonly iri: string }
  | { readonly kind: 'sequence' | 'alternative'; readonly items: readonly DocPath[] }
  | { readonly kind: 'inverse' | 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne'; readonly path: DocPath }
  | { readonly kind: 'unknown' };

/**
 * One constraint parameter (`datatype`, `in`, `pattern`…) and its rendered value.
 *
 * @example
 * ```ts
 * const c: DocConstraint = { name: 'datatype', value: [{ iri: 'http://www.w3.org/2001/XMLSchema#dateTime' }] };
 * ```
 */
export interface DocConstraint {
  /** Local name of the SHACL parameter, e.g. `datatype`, `minInclusive`, `or`. */
  readonly name: string;
  readonly value: readonly DocPiece[];
}

/**
 * A property shape (`sh:property`) of a node shape.
 *
 * @example
 * ```ts
 * const card = (p: DocPropertyShape): string => `${p.minCount ?? 0}..${p.maxCount ?? '*'}`;
 * ```
 */
export interface DocPropertyShape {
  /** IRI of the property shape, `null` when it is a blank node. */
  readonly iri: string | null;
  readonly label: string | null;
  readonly path: DocPath;
  /** `sh:minCount`, or `sh:qualifiedMinCount` when {@link qualified}. */
  readonly minCount: number | null;
  /** `sh:maxCount`, or `sh:qualifiedMaxCount` when {@link qualified}. */
  readonly maxCount: number | null;
  /** Whether the counts are qualified (they count only values matching `qualifiedValueShape`). */
  readonly qualified: boolean;
  readonly constraints: readonly DocConstraint[];
  readonly message: string | null;
}

/**
 * A node shape, with its targets and property shapes.
 *
 * @example
 * ```ts
 * const targetsStudy = (s: DocNodeShape): boolean => s.targets.includes('https://w3id.org/prov-ml#Study');
 * ```
 */
export interface DocNodeShape {
  /** IRI of the shape, `null` for a blank node. */
  readonly iri: string | null;
  readonly label: string | null;
  readonly message: string | null;
  /** `sh:targetClass` values (and the shape itself when it is also a class), sorted. */
  readonly targets: readonly string[];
  readonly properties: readonly DocPropertyShape[];
  /** Node-level parameters (`sh:or`, `sh:closed`…). */
  readonly constraints: readonly DocConstraint[];
}

/** Parameters handled separately, never listed as constraints. */
const STRUCTURAL = new Set(['path', 'property', 'targetClass', 'targetNode', 'targetSubjectsOf', 'targetObjectsOf', 'minCount', 'maxCount', 'qualifiedMinCount', 'qualifiedMaxCount', 'message', 'name', 'description', 'order', 'group', 'deactivated']);
/** Parameters whose object is a list. */
const LISTS = new Set(['in', 'or', 'and', 'xone', 'languageIn', 'ignoredProperties']);
/** Parameters whose object is a shape to summarize. */
const SHAPE_VALUED = new Set(['or', 'and', 'xone', 'not', 'node', 'qualifiedValueShape', 'property']);

/**
 * Reads every node shape of a shapes graph, sorted by IRI (blank ones last).
 *
 * @example
 * ```ts
 * const shapes = readShapes(new DocGraph([parseTurtleFile('shapes/prov-ml.shapes.ttl')]), new Set());
 * ```
 */
export function readShapes(g: DocGraph, classes: ReadonlySet<string>): DocNodeShape[] {
  const type = `${NS.rdf}type`;
  const candidates = new Map<string, Term>();
  const add = (t: Term): void => {
    if (t.termType === 'NamedNode' || t.termType === 'BlankNode') candidates.set(`${t.termType}:${t.value}`, t);
  };
  for (const s of g.store.getSubjects(type, `${SH}NodeShape`, null)) add(s);
  for (const s of g.store.getSubjects(`${SH}targetClass`, null, null)) add(s);
  const shapes: DocNodeShape[] = [];
  for (const node of candidates.values()) {
    const targets = g.namedObjects(node, `${SH}targetClass`);
    if (node.termType === 'NamedNode' && classes.has(node.value)) targets.push(node.value);
    // A blank node shape nobody targets is a fragment of another shape, summarized there.
    if (node.termType === 'BlankNode' && targets.length === 0) continue;
    shapes.push({
      iri: node.termType === 'NamedNode' ? node.value : null,
      label: text(g, node, `${NS.rdfs}label`, `${SH}name`),
      message: text(g, node, `${SH}message`),
      targets: [...new Set(targets)].sort(compare),
      properties: g.objects(node, `${SH}property`).map((p) => propertyShape(g, p)),
      constraints: constraints(g, node),
    });
  }
  return shapes.sort((a, b) => (a.iri === null ? 1 : 0) - (b.iri === null ? 1 : 0) || compare(a.iri ?? '', b.iri ?? ''));
}

/**
 * The predicate IRIs a path goes through (for "constrained by" lists on properties).
 *
 * @example
 * ```ts
 * pathPredicates({ kind: 'inverse', path: { kind: 'predicate', iri: 'http://www.w3.org/ns/prov#used' } });
 * // ['http://www.w3.org/ns/prov#used']
 * ```
 */
export function pathPredicates(path: DocPath): string[] {
  switch (path.kind) {
    case 'predicate':
      return [path.iri];
    case 'sequence':
    case 'alternative':
      return path.items.flatMap(pathPredicates);
    case 'unknown':
      return [];
    default:
      return pathPredicates(path.path);
  }
}

function propertyShape(g: DocGraph, node: Term): DocPropertyShape {
  const count = (p: string): number | null => {
    const v = g.objects(node, `${SH}${p}`)[0];
    const n = v === undefined ? Number.NaN : Number.parseInt(v.value, 10);
    return Number.isNaN(n) ? null : n;
  };
  const qualified = g.objects(node, `${SH}qualifiedValueShape`).length > 0;
  const pathNode = g.objects(node, `${SH}path`)[0];
  return {
    iri: node.termType === 'NamedNode' ? node.value : null,
    label: text(g, node, `${NS.rdfs}label`, `${SH}name`),
    path: pathNode === undefined ? { kind: 'unknown' } : readPath(g, pathNode, 0),
    minCount: qualified ? count('qualifiedMinCount') : count('minCount'),
    maxCount: qualified ? count('qualifiedMaxCount') : count('maxCount'),
    qualified,
    constraints: constraints(g, node),
    message: text(g, node, `${SH}message`),
  };
}

function readPath(g: DocGraph, node: Term, depth: number): DocPath {
  if (depth > 16) return { kind: 'unknown' };
  if (node.termType === 'NamedNode') return { kind: 'predicate', iri: node.value };
  if (node.termType !== 'BlankNode') return { kind: 'unknown' };
  if (g.objects(node, `${NS.rdf}first`).length > 0) return { kind: 'sequence', items: g.list(node).map((n) => readPath(g, n, depth + 1)) };
  const alt = g.objects(node, `${SH}alternativePath`)[0];
  if (alt !== undefined) return { kind: 'alternative', items: g.list(alt).map((n) => readPath(g, n, depth + 1)) };
  for (const kind of ['inverse', 'zeroOrMore', 'oneOrMore', 'zeroOrOne'] as const) {
    const inner = g.objects(node, `${SH}${kind}Path`)[0];
    if (inner !== undefined) return { kind, path: readPath(g, inner, depth + 1) };
  }
  return { kind: 'unknown' };
}

/** Every SHACL parameter on `node` that is not structural, sorted by name. */
function constraints(g: DocGraph, node: Term, depth = 0): DocConstraint[] {
  const out: DocConstraint[] = [];
  const byName = new Map<string, Term[]>();
  for (const q of g.store.getQuads(node, null, null, null)) {
    const p = q.predicate.value;
    if (!p.startsWith(SH)) continue;
    const name = p.slice(SH.length);
    if (STRUCTURAL.has(name) && !(name === 'property' && node.termType === 'BlankNode' && depth > 0)) continue;
    byName.set(name, [...(byName.get(name) ?? []), q.object]);
  }
  for (const [name, objects] of [...byName].sort(([a], [b]) => compare(a, b))) {
    const value: DocPiece[] = [];
    objects.forEach((o, i) => {
      if (i > 0) value.push({ text: ', ' });
      const items = LISTS.has(name) ? g.list(o) : [o];
      if (LISTS.has(name)) value.push({ text: '(' });
      items.forEach((item, j) => {
        if (j > 0) value.push({ text: SHAPE_VALUED.has(name) ? ' | ' : ', ' });
        value.push(...(SHAPE_VALUED.has(name) ? summarize(g, item, depth + 1) : piece(item)));
      });
      if (LISTS.has(name)) value.push({ text: ')' });
    });
    out.push({ name, value });
  }
  return out;
}

/** One-line summary of a nested shape: its IRI, or its parameters. */
function summarize(g: DocGraph, node: Term, depth: number): DocPiece[] {
  if (node.termType !== 'BlankNode') return piece(node);
  if (depth > 6) return [{ text: '…' }];
  const out: DocPiece[] = [];
  const path = g.objects(node, `${SH}path`)[0];
  if (path !== undefined) out.push({ text: 'path ' }, ...pathPieces(readPath(g, path, 0)), { text: ': ' });
  const counts = (['minCount', 'maxCount'] as const).flatMap((c) => g.objects(node, `${SH}${c}`).map((v) => `${c} ${v.value}`));
  const parts = [...counts.map((c): DocPiece[] => [{ text: c }]), ...constraints(g, node, depth).map((c): DocPiece[] => [{ text: `${c.name} ` }, ...c.value])];
  parts.forEach((p, i) => out.push(...(i > 0 ? [{ text: '; ' }] : []), ...p));
  return out.length === 0 ? [{ text: '[ ]' }] : [{ text: '[' }, ...out, { text: ']' }];
}

/**
 * A path as pieces, in SPARQL property-path notation (`^p`, `p / q`, `p*`).
 *
 * @example
 * ```ts
 * pathPieces({ kind: 'zeroOrMore', path: { kind: 'predicate', iri: 'https://w3id.org/prov-ml#partOf' } });
 * // [{ iri: 'https://w3id.org/prov-ml#partOf' }, { text: '*' }]
 * ```
 */
export function pathPieces(path: DocPath): DocPiece[] {
  switch (path.kind) {
    case 'predicate':
      return [{ iri: path.iri }];
    case 'unknown':
      return [{ text: '(complex path)' }];
    case 'sequence':
    case 'alternative':
      return [{ text: '(' }, ...path.items.flatMap((p, i) => [...(i > 0 ? [{ text: path.kind === 'sequence' ? ' / ' : ' | ' }] : []), ...pathPieces(p)]), { text: ')' }];
    case 'inverse':
      return [{ text: '^' }, ...pathPieces(path.path)];
    default:
      return [...pathPieces(path.path), { text: path.kind === 'zeroOrMore' ? '*' : path.kind === 'oneOrMore' ? '+' : '?' }];
  }
}

function piece(t: Term): DocPiece[] {
  if (t.termType === 'NamedNode') return [{ iri: t.value }];
  if (t.termType === 'Literal') {
    const datatype = (t as { datatype?: { value: string } }).datatype?.value ?? '';
    const numeric = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|boolean)$/.test(datatype);
    return [{ text: numeric ? t.value : JSON.stringify(t.value) }];
  }
  return [{ text: '[ ]' }];
}

function text(g: DocGraph, node: Term, ...predicates: string[]): string | null {
  if (node.termType === 'NamedNode') return g.pickText(node.value, ...predicates);
  for (const p of predicates) {
    const lit = g.objects(node, p).find((o) => o.termType === 'Literal');
    if (lit !== undefined) return lit.value;
  }
  return null;
}
