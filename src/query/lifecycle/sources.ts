/**
 * Backward from datasets to the raw files behind them, with what curation recorded about those
 * files and what the domain graph knows (shared by Q1 and Q6).
 *
 * A raw file is a data node upstream of the dataset — through `prov:wasGeneratedBy` then
 * `prov:used`, any number of times — that no execution generated. Its characteristics are the
 * `provml:DatasetCharacteristicValue`s that `provml:characterizes` it. Domain facts are read from
 * the domain source with a second query and joined here, on the client, so the domain graph may
 * live in the same store or behind another endpoint.
 */
import type { Term } from '@rdfjs/types';
import type { SparqlEndpoint } from '../../store/endpoint.js';
import { iriTerm, literalTerm, termValue } from '../sparql.js';
import { SparqlTemplate } from '../template.js';
import type { DomainSource, Scalar, SourceFileFacts } from './types.js';

const SOURCES = new SparqlTemplate(`
SELECT DISTINCT ?dataset ?raw ?url ?checksum ?cv ?name ?value WHERE {
  ?dataset (prov:wasGeneratedBy/prov:used)* ?raw .
  ?raw provml:storageUrl ?url .
  FILTER NOT EXISTS { ?raw prov:wasGeneratedBy ?producer }
  OPTIONAL { ?raw provml:checksum ?checksum }
  OPTIONAL {
    ?cv provml:characterizes ?raw ; a provml:DatasetCharacteristicValue ; mls:hasValue ?value ; provml:valueOf ?attribute .
    ?attribute provml:name ?name .
  }
}`);

/** Raw files upstream of each dataset: dataset IRI → its sources (no domain facts yet). */
export async function rawSources(endpoint: SparqlEndpoint, datasets: readonly string[]): Promise<Map<string, SourceFileFacts[]>> {
  const out = new Map<string, SourceFileFacts[]>();
  if (datasets.length === 0) return out;
  const rows = await endpoint.select(SOURCES.render({ values: { dataset: datasets.map((d) => iriTerm(d, 'dataset IRI')) } }));
  const byKey = new Map<string, SourceFileFacts>();
  for (const r of rows) {
    const dataset = r.dataset!.value;
    const key = `${dataset} ${r.raw!.value}`;
    let facts = byKey.get(key);
    if (!facts) {
      facts = { data: r.raw!.value, storageUrl: r.url!.value, ...(r.checksum ? { checksum: r.checksum.value } : {}), characteristics: {}, domain: {} };
      byKey.set(key, facts);
      const list = out.get(dataset) ?? [];
      list.push(facts);
      out.set(dataset, list);
    }
    if (r.name && r.value) facts.characteristics[r.name.value] = termValue(r.value) as Scalar;
  }
  for (const list of out.values()) list.sort((a, b) => (a.storageUrl ?? a.data).localeCompare(b.storageUrl ?? b.data));
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
    for (const f of targets.get(key) ?? []) f.domain[name] = termValue(r.o) as Scalar;
  }
}

function localName(iri: string): string {
  const i = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':'));
  return i >= 0 && i < iri.length - 1 ? iri.slice(i + 1) : iri;
}
