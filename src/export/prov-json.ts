import type { Term } from '@rdfjs/types';
import { PROV, PROVML, RDF, XSD } from '../generated/vocab.js';
import { isA, type ProvIndex, type ProvKind } from './graph.js';
import { QualifiedNames } from './qnames.js';

/**
 * PROV-JSON (W3C member submission, 2013): the export's nodes as `entity` / `activity` / `agent`
 * records and its PROV links as relation records.
 *
 * Mapping decisions:
 * - Kinds come from the ontology: every node below `prov:Activity` is an activity, below
 *   `prov:Agent` an agent, every other subject an entity (plans included, with `prov:type
 *   prov:Plan` as PROV-JSON writes plans). Each PROV-ML class becomes a `prov:type` value
 *   (`provml:EpochExecution`); `prov:Entity`/`prov:Activity`/`prov:Agent` themselves are implied by
 *   the record kind and not repeated.
 * - One relation record per statement (so counts match the graph): `prov:used` → `used`,
 *   `prov:wasGeneratedBy` → `wasGeneratedBy`, `prov:wasAssociatedWith` → `wasAssociatedWith` with
 *   `prov:agent`, `provml:executes` → `wasAssociatedWith` with `prov:plan` only (PROV's plan of an
 *   association; the agent is left out), `provml:partOf` between executions → `wasStartedBy` with
 *   the parent as `prov:starter` (the enclosing execution started the nested one), and the other
 *   PROV properties (`wasDerivedFrom`, `wasRevisionOf` as a derivation of `prov:type prov:Revision`,
 *   `wasInformedBy`, `wasAttributedTo`, `hadMember`, …) to their records. Relations carry a
 *   `prov:type` naming the property they came from when it is not the PROV one.
 * - `prov:startedAtTime` / `prov:endedAtTime` are the activity's `prov:startTime` / `prov:endTime`;
 *   `provml:name` is repeated as `prov:label`.
 * - Every other statement is an attribute of its subject: strings as JSON strings, other literals
 *   as `{"$": lexical form, "type": "xsd:…"}` (NaN stays `"NaN"` of `xsd:double`), IRIs as
 *   `{"$": "prefix:local", "type": "prov:QUALIFIED_NAME"}`.
 * - Named graphs are not kept (PROV-JSON bundles would repeat shared nodes per run); the RDF
 *   exports keep them.
 */

/** A PROV-JSON document.
 *
 * @example
 * ```ts
 * const { text } = await exportProvenance(store, { format: 'prov-json' });
 * const doc = JSON.parse(text) as ProvJsonDocument;
 * console.log(Object.keys(doc.activity ?? {}).length);
 * ```
 */
export type ProvJsonDocument = Record<string, Record<string, unknown>>;

interface RelationSpec {
  record: string;
  subject: string;
  object: string;
  /** The subject must be of this kind, else the statement stays an attribute. */
  subjectKind?: ProvKind;
  objectKind?: ProvKind;
  type?: string;
}

/** PROV-JSON relation of each predicate (see the module comment). */
export const PROV_JSON_RELATIONS: Readonly<Record<string, RelationSpec>> = Object.freeze({
  [PROV.used]: { record: 'used', subject: 'prov:activity', object: 'prov:entity', subjectKind: 'activity' },
  [PROV.wasGeneratedBy]: { record: 'wasGeneratedBy', subject: 'prov:entity', object: 'prov:activity', objectKind: 'activity' },
  [PROV.wasAssociatedWith]: { record: 'wasAssociatedWith', subject: 'prov:activity', object: 'prov:agent', subjectKind: 'activity' },
  [PROVML.executes]: { record: 'wasAssociatedWith', subject: 'prov:activity', object: 'prov:plan', subjectKind: 'activity', type: PROVML.executes },
  [PROVML.partOf]: { record: 'wasStartedBy', subject: 'prov:activity', object: 'prov:starter', subjectKind: 'activity', objectKind: 'activity', type: PROVML.partOf },
  [PROV.wasStartedBy]: { record: 'wasStartedBy', subject: 'prov:activity', object: 'prov:trigger', subjectKind: 'activity' },
  [PROV.wasEndedBy]: { record: 'wasEndedBy', subject: 'prov:activity', object: 'prov:trigger', subjectKind: 'activity' },
  [PROV.wasInformedBy]: { record: 'wasInformedBy', subject: 'prov:informed', object: 'prov:informant', subjectKind: 'activity' },
  [PROV.wasInvalidatedBy]: { record: 'wasInvalidatedBy', subject: 'prov:entity', object: 'prov:activity' },
  [PROV.wasDerivedFrom]: { record: 'wasDerivedFrom', subject: 'prov:generatedEntity', object: 'prov:usedEntity' },
  [PROV.wasRevisionOf]: { record: 'wasDerivedFrom', subject: 'prov:generatedEntity', object: 'prov:usedEntity', type: PROV.Revision },
  [PROV.wasQuotedFrom]: { record: 'wasDerivedFrom', subject: 'prov:generatedEntity', object: 'prov:usedEntity', type: PROV.Quotation },
  [PROV.hadPrimarySource]: { record: 'wasDerivedFrom', subject: 'prov:generatedEntity', object: 'prov:usedEntity', type: PROV.PrimarySource },
  [PROV.wasAttributedTo]: { record: 'wasAttributedTo', subject: 'prov:entity', object: 'prov:agent' },
  [PROV.actedOnBehalfOf]: { record: 'actedOnBehalfOf', subject: 'prov:delegate', object: 'prov:responsible', subjectKind: 'agent' },
  [PROV.wasInfluencedBy]: { record: 'wasInfluencedBy', subject: 'prov:influencee', object: 'prov:influencer' },
  [PROV.specializationOf]: { record: 'specializationOf', subject: 'prov:specificEntity', object: 'prov:generalEntity' },
  [PROV.alternateOf]: { record: 'alternateOf', subject: 'prov:alternate1', object: 'prov:alternate2' },
  [PROV.hadMember]: { record: 'hadMember', subject: 'prov:collection', object: 'prov:entity' },
});

const ID_PREFIX: Record<string, string> = {
  used: 'u',
  wasGeneratedBy: 'g',
  wasAssociatedWith: 'assoc',
  wasStartedBy: 'start',
  wasEndedBy: 'end',
  wasInformedBy: 'inf',
  wasInvalidatedBy: 'inv',
  wasDerivedFrom: 'der',
  wasAttributedTo: 'attr',
  actedOnBehalfOf: 'del',
  wasInfluencedBy: 'infl',
  specializationOf: 'spec',
  alternateOf: 'alt',
  hadMember: 'mem',
};

/** Kinds implied by the record a node is declared in: not repeated as `prov:type`. */
const IMPLIED = new Set<string>([PROV.Entity, PROV.Activity, PROV.Agent]);

/** True when the statement becomes a relation record (and not an attribute). */
export function isProvJsonRelation(index: ProvIndex, subject: string, predicate: string, object: Term): boolean {
  const spec = PROV_JSON_RELATIONS[predicate];
  if (!spec || object.termType !== 'NamedNode') return false;
  if (spec.subjectKind && index.kind(subject) !== spec.subjectKind) return false;
  if (spec.objectKind && index.nodes.has(object.value) && index.kind(object.value) !== spec.objectKind) return false;
  return true;
}

/** The PROV-JSON record kind each node is declared in. */
export function provJsonElement(index: ProvIndex, iri: string): 'entity' | 'activity' | 'agent' {
  const kind = index.kind(iri);
  return kind === 'activity' || kind === 'agent' ? kind : 'entity';
}

/**
 * Build the PROV-JSON document of the indexed quads.
 *
 * @example
 * ```ts
 * const doc = toProvJson(ProvIndex.from(quads));
 * writeFileSync('run.provjson', JSON.stringify(doc));
 * ```
 */
export function toProvJson(index: ProvIndex): ProvJsonDocument {
  const names = new QualifiedNames();
  const qn = (iri: string) => names.qn(iri);
  const value = (t: Term): unknown => {
    if (t.termType === 'NamedNode') return { $: qn(t.value), type: 'prov:QUALIFIED_NAME' };
    if (t.termType !== 'Literal') return t.value;
    if (t.language) return { $: t.value, lang: t.language };
    if (t.datatype.value === XSD.string) return t.value;
    return { $: t.value, type: qn(t.datatype.value) };
  };
  const elements: Record<'entity' | 'activity' | 'agent', Record<string, Record<string, unknown>>> = { entity: {}, activity: {}, agent: {} };
  const relations: Record<string, Record<string, Record<string, unknown>>> = {};
  const counters = new Map<string, number>();

  for (const iri of [...index.nodes.keys()].sort()) {
    const node = index.nodes.get(iri)!;
    const element = provJsonElement(index, iri);
    const attrs: Record<string, unknown[]> = {};
    const add = (name: string, v: unknown) => (attrs[name] ??= []).push(v);
    const types = node.types.filter((t) => !IMPLIED.has(t));
    if (element === 'entity' && isA(node.types, PROV.Plan) && !types.includes(PROV.Plan)) types.push(PROV.Plan);
    for (const t of types) add('prov:type', { $: qn(t), type: 'prov:QUALIFIED_NAME' });
    for (const [predicate, objects] of [...node.out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (predicate === RDF.type) {
        for (const o of objects) if (o.termType !== 'NamedNode') add(qn(RDF.type), value(o));
        continue;
      }
      for (const o of objects) {
        if (isProvJsonRelation(index, iri, predicate, o)) {
          const spec = PROV_JSON_RELATIONS[predicate]!;
          const n = (counters.get(spec.record) ?? 0) + 1;
          counters.set(spec.record, n);
          const rec: Record<string, unknown> = { [spec.subject]: qn(iri), [spec.object]: qn(o.value) };
          if (spec.type) rec['prov:type'] = { $: qn(spec.type), type: 'prov:QUALIFIED_NAME' };
          (relations[spec.record] ??= {})[`_:${ID_PREFIX[spec.record] ?? 'r'}${n}`] = rec;
        } else if (element === 'activity' && (predicate === PROV.startedAtTime || predicate === PROV.endedAtTime) && o.termType === 'Literal' && attrs[predicate] === undefined) {
          attrs[predicate] = [o.value];
        } else {
          add(qn(predicate), value(o));
          if (predicate === PROVML.name && o.termType === 'Literal') add('prov:label', o.value);
        }
      }
    }
    const record: Record<string, unknown> = {};
    for (const [name, values] of Object.entries(attrs)) {
      if (name === PROV.startedAtTime) record['prov:startTime'] = values[0];
      else if (name === PROV.endedAtTime) record['prov:endTime'] = values[0];
      else record[name] = values.length === 1 ? values[0] : values;
    }
    elements[element][qn(iri)] = record;
  }
  const doc: ProvJsonDocument = { prefix: names.prefixes() };
  for (const kind of ['entity', 'activity', 'agent'] as const) if (Object.keys(elements[kind]).length > 0) doc[kind] = elements[kind];
  for (const [record, recs] of Object.entries(relations)) doc[record] = recs;
  return doc;
}
