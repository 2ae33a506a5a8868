/**
 * Backward from datasets to the raw files behind them, with what curation recorded about those
 * files and what the domain graph knows (shared by Q1 and Q6).
 *
 * The raw files of a dataset are the *first files* upstream of it. Upstream means reachable
 * through `prov:wasGeneratedBy` then `prov:used`, any number of times (the dataset itself
 * included); a file is a data node with a `provml:storageUrl`. A first file is one with no file
 * upstream of it — read by the lifecycle but never derived from another file, whether no
 * execution generated it (a survey on disk) or a step made it from parameters alone (the demo's
 * `acquire-survey`) — or, when files derive from each other in a cycle, the files of the earliest
 * cycle (each file whose every upstream file also has it upstream). The upstream graph is read with
 * one query and walked here, so no engine has to nest property paths. Characteristics are the
 * `provml:DatasetCharacteristicValue`s that `provml:characterizes` a file. Domain facts are read
 * from the domain source with another query and joined here, on the client, so the domain graph
 * may live in the same store or behind another endpoint.
 */
import type { Term } from '@rdfjs/types';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { iriTerm, literalTerm, termValue } from '../sparql.js';
import { SparqlTemplate } from '../template.js';
import type { DomainSource, Scalar, SourceFileFacts } from './types.js';

/** Every node upstream of the datasets, whether it is a file, and its one-step upstream nodes. */
const UPSTREAM = new SparqlTemplate(`
SELECT DISTINCT ?dataset ?node ?url ?next WHERE {
  ?dataset (prov:wasGeneratedBy/prov:used)* ?node .
  OPTIONAL { ?node provml:storageUrl ?url }
  OPTIONAL { ?node prov:wasGeneratedBy ?producer . ?producer prov:used ?next }
}`);

const FILE_FACTS = new SparqlTemplate(`
SELECT DISTINCT ?raw ?url ?checksum ?cv ?name ?value WHERE {
  ?raw provml:storageUrl ?url .
  OPTIONAL { ?raw provml:checksum ?checksum }
  OPTIONAL {
    ?cv provml:characterizes ?raw ; a provml:DatasetCharacteristicValue ; mls:hasValue ?value ; provml:valueOf ?attribute .
    ?attribute provml:name ?name .
  }
}`);

/**
 * The first files upstream of each dataset (see the module comment): dataset IRI → file IRIs.
 *
 * @example
 * ```ts
 * const firsts = await firstFiles(store, [dataset]); // Map { dataset => ['urn:provml:data:…'] }
 * ```
 */
export async function firstFiles(endpoint: SparqlEndpoint, datasets: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (datasets.length === 0) return out;
  const rows = await endpoint.select(UPSTREAM.render({ values: { dataset: datasets.map((d) => iriTerm(d, 'dataset IRI')) } }));
  const reached = new Map<string, Set<string>>(); // dataset → upstream nodes
  const next = new Map<string, Set<string>>(); // node → nodes one step upstream
  const files = new Set<string>();
  for (const r of rows) {
    const node = r.node!.value;
    const dataset = r.dataset!.value;
    if (!reached.has(dataset)) reached.set(dataset, new Set());
    reached.get(dataset)!.add(node);
    if (r.url) files.add(node);
    if (r.next?.termType === 'NamedNode') {
      if (!next.has(node)) next.set(node, new Set());
      next.get(node)!.add(r.next.value);
    }
  }
  const upstreamFiles = new Map<string, Set<string>>(); // file → files upstream of it (≥ 1 step)
  const filesAbove = (file: string): Set<string> => {
    let found = upstreamFiles.get(file);
    if (found) return found;
    found = new Set();
    const seen = new Set<string>();
    const stack = [...(next.get(file) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (files.has(n)) found.add(n);
      stack.push(...(next.get(n) ?? []));
    }
    upstreamFiles.set(file, found);
    return found;
  };
  for (const dataset of datasets) {
    const candidates = [...(reached.get(dataset) ?? [])].filter((n) => files.has(n));
    const first = candidates.filter((f) => [...filesAbove(f)].every((up) => filesAbove(up).has(f)));
    if (first.length > 0) out.set(dataset, first.sort());
  }
  return out;
}

/**
 * The raw (first) files upstream of each dataset, with their storage URL, checksum and curated
 * characteristics: dataset IRI → its sources, sorted by storage URL (no domain facts yet).
 *
 * @example
 * ```ts
 * const sources = await rawSources(store, [dataset]);
 * console.log(sources.get(dataset)?.map((f) => f.storageUrl));
 * ```
 */
export async function rawSources(endpoint: SparqlEndpoint, datasets: readonly string[]): Promise<Map<string, SourceFileFacts[]>> {
  const out = new Map<string, SourceFileFacts[]>();
  const firsts = await firstFiles(endpoint, datasets);
  const raws = [...new Set([...firsts.values()].flat())];
  if (raws.length === 0) return out;
  const rows = await endpoint.select(FILE_FACTS.render({ values: { raw: raws.map((r) => iriTerm(r)) } }));
  const facts = new Map<string, SourceFileFacts>();
  for (const r of rows) {
    const raw = r.raw!.value;
    let f = facts.get(raw);
    if (!f) {
      f = { data: raw, storageUrl: r.url!.value, ...(r.checksum ? { checksum: r.checksum.value } : {}), characteristics: {}, domain: {} };
      facts.set(raw, f);
    }
    // One content, several paths: the node has several URLs; report the smallest, on every engine.
    if (r.url!.value < f.storageUrl!) f.storageUrl = r.url!.value;
    if (r.name && r.value) f.characteristics[r.name.value] = termValue(r.value) as Scalar;
  }
  for (const [dataset, list] of firsts) {
    // Each dataset gets its own copies: domain facts are filled per row later.
    const sources = list.flatMap((raw) => {
      const f = facts.get(raw);
      return f ? [{ ...f, characteristics: { ...f.characteristics }, domain: {} }] : [];
    });
    sources.sort((a, b) => (a.storageUrl ?? a.data).localeCompare(b.storageUrl ?? b.data));
    if (sources.length > 0) out.set(dataset, sources);
  }
  return out;
}

const DOMAIN_BY_NODE = new SparqlTemplate('SELECT ?target ?p ?o WHERE { ?target ?p ?o }');
const DOMAIN_BY_NODE_IN_GRAPH = new SparqlTemplate('SELECT ?target ?p ?o WHERE { GRAPH ?g { ?target ?p ?o } }');
const DOMAIN_BY_LINK = new SparqlTemplate('SELECT ?target ?p ?o WHERE { ?n ?link ?target . ?n ?p ?o }');
const DOMAIN_BY_LINK_IN_GRAPH = new SparqlTemplate('SELECT ?target ?p ?o WHERE { GRAPH ?g { ?n ?link ?target . ?n ?p ?o } }');

/**
 * Fill `domain` of each file from the domain source. Domain nodes are matched by the file's storage
 * URL (as an IRI), its provml data IRI (only in a named domain graph or another endpoint), or — with `link` — by a node whose `link` value is the
 * storage URL (IRI, plain or `xsd:anyURI` literal).
 */
export async function joinDomain(endpoint: SparqlEndpoint, files: readonly SourceFileFacts[], domain: DomainSource): Promise<void> {
  if (files.length === 0) return;
  const source = domain.endpoint ?? endpoint;
  const targets = new Map<string, SourceFileFacts[]>(); // match key → files
  const terms: Term[] = [];
  const add = (key: string, term: Term, f: SourceFileFacts): void => {
    const list = targets.get(key);
    if (list) {
      if (!list.includes(f)) list.push(f);
      return;
    }
    targets.set(key, [f]);
    terms.push(term);
  };
  for (const f of files) {
    if (domain.link === undefined) {
      // The data IRI is provml's own node: only a separate domain graph/endpoint may describe it.
      if (domain.graph !== undefined || domain.endpoint !== undefined) add(`<${f.data}>`, iriTerm(f.data), f);
      if (f.storageUrl) add(`<${f.storageUrl}>`, iriTerm(f.storageUrl, 'storage URL'), f);
    } else if (f.storageUrl) {
      add(`<${f.storageUrl}>`, iriTerm(f.storageUrl, 'storage URL'), f);
      add(`"${f.storageUrl}"`, literalTerm(f.storageUrl), f);
      add(`"${f.storageUrl}"^^anyURI`, literalTerm(f.storageUrl, 'http://www.w3.org/2001/XMLSchema#anyURI'), f);
    }
  }
  const constants: Record<string, Term> = {};
  if (domain.graph !== undefined) constants.g = iriTerm(domain.graph, 'domain graph IRI');
  if (domain.link !== undefined) constants.link = iriTerm(domain.link, 'domain link predicate');
  const template =
    domain.link === undefined
      ? domain.graph === undefined ? DOMAIN_BY_NODE : DOMAIN_BY_NODE_IN_GRAPH
      : domain.graph === undefined ? DOMAIN_BY_LINK : DOMAIN_BY_LINK_IN_GRAPH;
  const values: Record<string, Term[]> = { target: terms };
  const wanted = domain.properties ? new Map(Object.entries(domain.properties).map(([name, p]) => [iriTerm(p, `domain property "${name}"`).value, name])) : undefined;
  if (wanted) values.p = [...wanted.keys()].map((p) => iriTerm(p));
  const rows = await source.select(template.render({ values, constants }));
  for (const r of rows) {
    const t = r.target!;
    const key = t.termType === 'NamedNode' ? `<${t.value}>` : t.termType === 'Literal' && t.datatype.value.endsWith('#anyURI') ? `"${t.value}"^^anyURI` : `"${t.value}"`;
    const p = r.p!.value;
    if (p === domain.link) continue;
    const name = wanted ? wanted.get(p) : localName(p);
    if (name === undefined) continue;
    for (const f of targets.get(key) ?? []) addDomainValue(f.domain, name, termValue(r.o) as Scalar);
  }
}

/** One value of a domain property: a second, different value turns it into a sorted list (engines return rows in any order). */
function addDomainValue(domain: Record<string, Scalar | Scalar[]>, name: string, v: Scalar): void {
  const cur = domain[name];
  if (cur === undefined) domain[name] = v;
  else if (Array.isArray(cur)) {
    if (!cur.includes(v)) domain[name] = [...cur, v].sort(compareScalars);
  } else if (cur !== v) domain[name] = [cur, v].sort(compareScalars);
}

function compareScalars(a: Scalar, b: Scalar): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function localName(iri: string): string {
  const i = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':'));
  return i >= 0 && i < iri.length - 1 ? iri.slice(i + 1) : iri;
}
