/**
 * Names → IRIs for the lineage options (class names in `include`/`exclude`, predicates), and the
 * class hierarchy questions the operators ask (subclasses of a class, kind of a node, its most
 * specific type), answered from the classes generated from the ontology.
 */
import { CLASS_BY_IRI } from '../../generated/classes/index.js';
import { MLS, PROV, PROVML } from '../../generated/vocab.js';
import { iriTerm, PREFIXES } from '../sparql.js';
import type { NodeKind } from './types.js';

/**
 * Predicates {@link lineage} and {@link segment} follow by default: usage, generation, derivation,
 * communication, nesting of executions (`provml:partOf`) and responsibility of agents. Each relates
 * a dependent subject to what it depends on.
 *
 * @example
 * ```ts
 * await lineage(store, model, { predicates: [...DEFAULT_LINEAGE_PREDICATES, 'provml:executes'] });
 * ```
 */
export const DEFAULT_LINEAGE_PREDICATES: readonly string[] = Object.freeze([
  PROV.used,
  PROV.wasGeneratedBy,
  PROV.wasDerivedFrom,
  PROV.wasInformedBy,
  PROVML.partOf,
  PROV.wasAssociatedWith,
  PROV.wasAttributedTo,
]);

type Vocab = Readonly<Record<string, string>>;
const SEARCH_ORDER: readonly Vocab[] = [PROVML, PROV, MLS];

function own(v: Vocab, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** `prefix:local` with a known prefix → IRI; a full IRI checked; `undefined` for a bare name. */
function expand(name: string, what: string): string | undefined {
  const m = /^([a-z][a-z0-9]*):([A-Za-z_][\w.-]*)$/.exec(name);
  if (m && Object.prototype.hasOwnProperty.call(PREFIXES, m[1]!)) return iriTerm(PREFIXES[m[1] as keyof typeof PREFIXES] + m[2]!, what).value;
  if (name.includes(':')) return iriTerm(name, what).value;
  return undefined;
}

function lookup(name: string, uppercase: boolean, what: string): string {
  if (typeof name !== 'string' || name === '') throw new TypeError(`provml: not a valid ${what}: ${JSON.stringify(name)}`);
  const expanded = expand(name, what);
  if (expanded !== undefined) return expanded;
  if (/^[A-Z]/.test(name) === uppercase) {
    for (const v of SEARCH_ORDER) {
      const hit = own(v, name);
      if (hit !== undefined) return hit;
    }
  }
  throw new TypeError(`provml: unknown ${what}: ${JSON.stringify(name)} (give an IRI, prefix:Name or a PROV-ML local name)`);
}

/**
 * The IRI of a class given as an IRI, `provml:`/`prov:`/`mls:` name or bare local name (PROV-ML
 * first, then PROV, then ML Schema). Throws a `TypeError` naming an unknown or invalid name.
 *
 * @example
 * ```ts
 * classIri('EpochExecution');   // 'https://w3id.org/prov-ml#EpochExecution'
 * classIri('prov:Entity');      // 'http://www.w3.org/ns/prov#Entity'
 * classIri('Nope');             // throws TypeError: provml: unknown class: "Nope" …
 * ```
 */
export function classIri(name: string): string {
  return lookup(name, true, 'class');
}

/**
 * The IRI of a predicate given as an IRI, `prefix:local` or bare PROV / PROV-ML property name.
 *
 * @example
 * ```ts
 * predicateIri('used');           // 'http://www.w3.org/ns/prov#used'
 * predicateIri('provml:partOf');  // 'https://w3id.org/prov-ml#partOf'
 * ```
 */
export function predicateIri(name: string): string {
  return lookup(name, false, 'predicate');
}

/** The class IRIs a type (or each of several types) has under RDFS: itself, equivalents, superclasses. */
function supersOf(type: string): readonly string[] {
  return CLASS_BY_IRI[type]?.types ?? [type];
}

/**
 * Every class name resolved and expanded to the class and all its known subclasses (and
 * equivalent classes), so a filter matches stored `rdf:type`s without reasoning.
 *
 * @example
 * ```ts
 * expandClasses(['IterationExecution']); // Set { …#IterationExecution, …#EpochExecution, …#BatchExecution }
 * ```
 */
export function expandClasses(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const iri = classIri(name);
    out.add(iri);
    for (const sub of CLASS_BY_IRI[iri]?.acceptedTypes ?? []) out.add(sub);
    for (const [cls, ctor] of Object.entries(CLASS_BY_IRI)) if (ctor.types.includes(iri)) out.add(cls);
  }
  return out;
}

/**
 * The {@link NodeKind} of a node with these `rdf:type`s (plan before entity: plans are entities).
 *
 * @example
 * ```ts
 * nodeKind(['https://w3id.org/prov-ml#ModelReferenceValue']); // 'entity'
 * ```
 */
export function nodeKind(types: readonly string[]): NodeKind {
  const all = new Set(types.flatMap(supersOf));
  if (all.has(PROV.Plan)) return 'plan';
  if (all.has(PROV.Agent)) return 'agent';
  if (all.has(PROV.Activity)) return 'activity';
  if (all.has(PROV.Entity)) return 'entity';
  return 'other';
}

/**
 * The most specific of a node's types (one no other of its types is a subclass of), preferring
 * PROV-ML classes; `undefined` for an untyped node.
 *
 * @example
 * ```ts
 * primaryType([PROVML.WorkflowExecution, PROVML.LearningProcessExecution]); // PROVML.LearningProcessExecution
 * ```
 */
export function primaryType(types: readonly string[]): string | undefined {
  const specific = types.filter((t) => !types.some((u) => u !== t && supersOf(u).includes(t)));
  const pool = specific.length > 0 ? specific : [...types];
  pool.sort((a, b) => Number(!a.startsWith(PROVML_PREFIX)) - Number(!b.startsWith(PROVML_PREFIX)) || (a < b ? -1 : a > b ? 1 : 0));
  return pool[0];
}

const PROVML_PREFIX = PREFIXES.provml;

/**
 * An IRI in `prefix:local` form when it is in one of the provml prefixes, else unchanged.
 *
 * @example
 * ```ts
 * compactIri('http://www.w3.org/ns/prov#used'); // 'prov:used'
 * ```
 */
export function compactIri(iri: string): string {
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return iri;
}

/**
 * The last segment of an IRI (after `#`, `/` or `:`), for labels of nodes without a name.
 *
 * @example
 * ```ts
 * localName('https://w3id.org/prov-ml#EpochExecution'); // 'EpochExecution'
 * ```
 */
export function localName(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':'));
  const tail = iri.slice(cut + 1);
  return tail === '' ? iri : tail;
}
