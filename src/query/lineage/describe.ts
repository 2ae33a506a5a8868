/**
 * Types, kind and label of the nodes a traversal reached: one query per batch of nodes
 * ({@link describeQuery}), then labels computed on the client.
 */
import type { Term } from '@rdfjs/types';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { PROVML } from '../../generated/vocab.js';
import { describeQuery } from './queries.js';
import type { NodeKind, ProvNode } from './types.js';
import { localName, nodeKind } from './vocabulary.js';

/**
 * What the store says about one node, as read by {@link describeNodes}.
 *
 * @example
 * ```ts
 * const f: NodeFacts = { types: [PROVML.EpochExecution], kind: 'activity', label: 'epoch #3', plan: { iri: 'urn:provml:plan:train:epoch', name: 'epoch' } };
 * ```
 */
export interface NodeFacts {
  types: string[];
  kind: NodeKind;
  label: string;
  plan?: { iri: string; name?: string };
  attribute?: { iri: string; name?: string };
}

interface Raw {
  types: Set<string>;
  name?: string;
  label?: string;
  plan?: string;
  planName?: string;
  index?: string;
  url?: string;
  attr?: string;
  attrName?: string;
  value?: string;
}

const MAX_LABEL = 60;
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const FRACTIONAL = new Set([`${XSD}double`, `${XSD}float`, `${XSD}decimal`]);

/** A value for a label: fractional numbers to 6 significant digits (engines print doubles differently). */
function valueText(t: Term): string {
  if (t.termType !== 'Literal' || !FRACTIONAL.has(t.datatype.value)) return t.value;
  const n = Number(t.value);
  return Number.isFinite(n) ? String(Number(n.toPrecision(6))) : t.value;
}
const ITERATIONS = new Set<string>([PROVML.EpochExecution, PROVML.BatchExecution, PROVML.IterationExecution]);

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_LABEL ? `${one.slice(0, MAX_LABEL - 1)}…` : one;
}

/** The file name of a storage URL (last non-empty path segment, percent-decoded), else the URL. */
function fileName(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname || url;
  } catch {
    // not a URL: use it as a path
  }
  const segments = path.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  if (last === undefined) return url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

function labelOf(iri: string, r: Raw, kind: NodeKind): string {
  if (kind === 'activity' && (r.planName ?? r.name)) {
    const base = r.planName ?? r.name!;
    const iteration = r.index !== undefined && [...r.types].some((t) => ITERATIONS.has(t));
    return clip(iteration ? `${base} #${r.index}` : base);
  }
  if (r.url) return clip(fileName(r.url));
  if (r.value !== undefined) return clip(`${r.attrName ?? (r.attr ? localName(r.attr) : 'value')} = ${r.value}`);
  return clip(r.name ?? r.label ?? localName(iri));
}

/**
 * Types, kind, label, plan and attribute of each node, one query per `batchSize` nodes. Nodes the
 * store knows nothing about get no types, kind `other` and their IRI's last segment as label.
 *
 * @example
 * ```ts
 * const facts = await describeNodes(store, [model, epoch]);
 * facts.get(epoch)?.label; // 'epoch #3'
 * ```
 */
export async function describeNodes(endpoint: SparqlEndpoint, iris: readonly string[], batchSize = 100): Promise<Map<string, NodeFacts>> {
  const raw = new Map<string, Raw>(iris.map((iri) => [iri, { types: new Set<string>() }]));
  for (let i = 0; i < iris.length; i += batchSize) {
    const rows = await endpoint.select(describeQuery(iris.slice(i, i + batchSize)));
    for (const row of rows) {
      const r = row.n ? raw.get(row.n.value) : undefined;
      if (!r) continue;
      if (row.type?.termType === 'NamedNode') r.types.add(row.type.value);
      // Keep the smallest value of each fact, so the label does not depend on result order.
      for (const key of ['name', 'label', 'plan', 'planName', 'index', 'url', 'attr', 'attrName', 'value'] as const) {
        const t = row[key];
        const v = t === undefined ? undefined : key === 'value' ? valueText(t) : t.value;
        if (v !== undefined && (r[key] === undefined || v < r[key]!)) r[key] = v;
      }
    }
  }
  const out = new Map<string, NodeFacts>();
  for (const [iri, r] of raw) {
    const types = [...r.types].sort();
    const kind = nodeKind(types);
    out.set(iri, {
      types,
      kind,
      label: labelOf(iri, r, kind),
      ...(r.plan ? { plan: { iri: r.plan, ...(r.planName !== undefined ? { name: r.planName } : {}) } } : {}),
      ...(r.attr ? { attribute: { iri: r.attr, ...(r.attrName !== undefined ? { name: r.attrName } : {}) } } : {}),
    });
  }
  return out;
}

/**
 * A {@link ProvNode} from a node's facts and depth.
 *
 * @example
 * ```ts
 * const node = toNode(model, 0, facts.get(model)!);
 * ```
 */
export function toNode(iri: string, depth: number, facts: NodeFacts): ProvNode {
  return { iri, types: facts.types, label: facts.label, kind: facts.kind, depth, ...(facts.plan ? { plan: facts.plan } : {}), ...(facts.attribute ? { attribute: facts.attribute } : {}) };
}
