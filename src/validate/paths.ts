import type { Term } from '@rdfjs/types';
import type { Store } from 'n3';
import { DataFactory } from 'n3';
import type { IriTerm, PropertyPath } from 'sparqljs';
import { RDF, renderIri, SH } from './report.js';

const { namedNode } = DataFactory;

/**
 * A SHACL property path (SHACL §2.3.1), read from the shapes graph.
 *
 * @example
 * ```ts
 * const p: ShaclPath = { seq: [{ iri: PROV + 'wasGeneratedBy' }, { mod: '*', path: { iri: PROVML + 'partOf' } }] };
 * ```
 */
export type ShaclPath =
  | { iri: string }
  | { inverse: ShaclPath }
  | { seq: ShaclPath[] }
  | { alt: ShaclPath[] }
  | { mod: '*' | '+' | '?'; path: ShaclPath };

const MODS: ReadonlyArray<readonly [string, '*' | '+' | '?']> = [
  [`${SH}zeroOrMorePath`, '*'],
  [`${SH}oneOrMorePath`, '+'],
  [`${SH}zeroOrOnePath`, '?'],
];

function one(store: Store, s: Term, p: string): Term | undefined {
  return store.getObjects(s, namedNode(p), null)[0];
}

/**
 * The members of an RDF list.
 *
 * @example
 * ```ts
 * readList(shapes, listHead).map((t) => t.value);
 * ```
 */
export function readList(store: Store, head: Term): Term[] {
  const out: Term[] = [];
  let node: Term | undefined = head;
  for (let guard = 0; node && node.value !== `${RDF}nil` && guard < 10_000; guard++) {
    const first = one(store, node, `${RDF}first`);
    if (!first) throw new Error(`provml: malformed RDF list in the shapes graph at ${node.value}`);
    out.push(first);
    node = one(store, node, `${RDF}rest`);
  }
  return out;
}

/**
 * Reads the SHACL path whose node is `node` from the shapes graph.
 *
 * @example
 * ```ts
 * const path = readPath(shapes, shapes.getObjects(shape, SH + 'path', null)[0]!);
 * ```
 */
export function readPath(store: Store, node: Term): ShaclPath {
  if (node.termType === 'NamedNode') return { iri: node.value };
  if (one(store, node, `${RDF}first`)) return { seq: readList(store, node).map((n) => readPath(store, n)) };
  const inverse = one(store, node, `${SH}inversePath`);
  if (inverse) return { inverse: readPath(store, inverse) };
  const alt = one(store, node, `${SH}alternativePath`);
  if (alt) return { alt: readList(store, alt).map((n) => readPath(store, n)) };
  for (const [p, mod] of MODS) {
    const inner = one(store, node, p);
    if (inner) return { mod, path: readPath(store, inner) };
  }
  throw new Error(`provml: unsupported SHACL path at ${node.value}`);
}

/**
 * The path as a sparqljs property path (or plain IRI), for the query generator.
 *
 * @example
 * ```ts
 * triple.predicate = toSparqljsPath({ inverse: { iri: PROV + 'used' } });
 * ```
 */
export function toSparqljsPath(path: ShaclPath): IriTerm | PropertyPath {
  if ('iri' in path) return namedNode(path.iri) as IriTerm;
  if ('inverse' in path) return { type: 'path', pathType: '^', items: [toSparqljsPath(path.inverse)] };
  if ('seq' in path) return { type: 'path', pathType: '/', items: path.seq.map(toSparqljsPath) };
  if ('alt' in path) return { type: 'path', pathType: '|', items: path.alt.map(toSparqljsPath) };
  return { type: 'path', pathType: path.mod, items: [toSparqljsPath(path.path)] };
}

/**
 * The path in SPARQL property-path syntax with provml's prefixes compacted, as reports show it.
 *
 * @example
 * ```ts
 * renderPath({ seq: [{ iri: PROV + 'wasGeneratedBy' }, { mod: '*', path: { iri: PROVML + 'partOf' } }] });
 * // 'prov:wasGeneratedBy/provml:partOf*'
 * ```
 */
export function renderPath(path: ShaclPath): string {
  const atom = (p: ShaclPath): string => ('iri' in p || 'inverse' in p ? renderPath(p) : `(${renderPath(p)})`);
  if ('iri' in path) return renderIri(path.iri);
  if ('inverse' in path) return `^${atom(path.inverse)}`;
  if ('seq' in path) return path.seq.map(atom).join('/');
  if ('alt' in path) return path.alt.map(atom).join('|');
  return `${'iri' in path.path ? renderPath(path.path) : atom(path.path)}${path.mod}`;
}
