/**
 * The two SPARQL queries of the lineage operators, built as sparqljs ASTs from checked IRIs (see
 * ../sparql.ts): one step of a traversal from a frontier of nodes, and the facts that type and
 * label a set of nodes. Nothing here pastes a string into query text.
 */
import type { Expression, FilterPattern, Pattern, SelectQuery, Triple, ValuesPattern } from 'sparqljs';
import { iriTerm, term, toSparql, varTerm } from '../sparql.js';
import type { LineageDirection } from './types.js';

const RDF_TYPE = term('rdf', 'type');

function values(name: string, iris: readonly string[], what: string): ValuesPattern {
  return { type: 'values', values: iris.map((iri) => ({ [`?${name}`]: iriTerm(iri, what) })) };
}

function triple(subject: Triple['subject'], predicate: Triple['predicate'], object: Triple['object']): Triple {
  return { subject, predicate, object };
}

function filter(expression: Expression): FilterPattern {
  return { type: 'filter', expression };
}

function select(variables: string[], where: Pattern[]): SelectQuery {
  return { type: 'query', queryType: 'SELECT', distinct: true, prefixes: {}, variables: variables.map(varTerm), where };
}

/**
 * One traversal step: every `(?src ?p ?dst)` where `?src` is in the frontier, `?p` one of the
 * predicates, and `?dst` an IRI reached by following `?p` forward (backward lineage: `?src ?p ?dst`)
 * or in reverse (forward lineage: `?dst ?p ?src`), and not of an excluded class.
 *
 * @example
 * ```ts
 * const sparql = stepQuery([model], 'backward', [PROV.wasGeneratedBy], []);
 * // SELECT DISTINCT ?src ?p ?dst WHERE { VALUES ?src { <model> } VALUES ?p { prov:wasGeneratedBy } ?src ?p ?dst . FILTER(isIRI(?dst)) }
 * ```
 */
export function stepQuery(frontier: readonly string[], direction: LineageDirection, predicates: readonly string[], exclude: Iterable<string>): string {
  const src = varTerm('src');
  const p = varTerm('p');
  const dst = varTerm('dst');
  const where: Pattern[] = [
    values('src', frontier, 'IRI'),
    values('p', predicates, 'predicate IRI'),
    { type: 'bgp', triples: [direction === 'backward' ? triple(src, p, dst) : triple(dst, p, src)] },
    filter({ type: 'operation', operator: 'isiri', args: [dst] }),
  ];
  const excluded = [...exclude].sort();
  if (excluded.length > 0) {
    // VALUES, not `FILTER(?excludedType IN (…))`: Virtuoso 7.2 drops rows for IN on a class variable.
    const t = varTerm('excludedType');
    where.push(
      filter({
        type: 'operation',
        operator: 'notexists',
        args: [{ type: 'group', patterns: [values('excludedType', excluded, 'class IRI'), { type: 'bgp', triples: [triple(dst, RDF_TYPE, t)] }] }],
      }),
    );
  }
  return toSparql(select(['src', 'p', 'dst'], where));
}

/**
 * Facts {@link describeQuery} asks for, one per UNION branch (so no branch multiplies another).
 *
 * @example
 * ```ts
 * DESCRIBE_FACTS.includes('planName'); // true
 * ```
 */
export const DESCRIBE_FACTS = ['type', 'name', 'label', 'plan', 'planName', 'index', 'url', 'attr', 'attrName', 'value'] as const;

/**
 * What types and labels a set of nodes: `rdf:type`, `provml:name`, `rdfs:label`, the executed plan
 * and its name, the iteration index, the storage URL, the attribute a value is of and its name, and
 * the value. One row per fact (a UNION), so a node with many types does not multiply the others.
 *
 * @example
 * ```ts
 * const rows = await endpoint.select(describeQuery([model, epoch]));
 * ```
 */
export function describeQuery(iris: readonly string[]): string {
  const n = varTerm('n');
  const v = (name: (typeof DESCRIBE_FACTS)[number]) => varTerm(name);
  const bgp = (...triples: Triple[]): Pattern => ({ type: 'bgp', triples });
  const branches: Pattern[] = [
    bgp(triple(n, RDF_TYPE, v('type'))),
    bgp(triple(n, term('provml', 'name'), v('name'))),
    bgp(triple(n, term('rdfs', 'label'), v('label'))),
    bgp(triple(n, term('provml', 'executes'), v('plan'))),
    { type: 'group', patterns: [bgp(triple(n, term('provml', 'executes'), v('plan')), triple(v('plan'), term('provml', 'name'), v('planName')))] },
    bgp(triple(n, term('provml', 'iterationIndex'), v('index'))),
    bgp(triple(n, term('provml', 'storageUrl'), v('url'))),
    bgp(triple(n, term('provml', 'valueOf'), v('attr'))),
    { type: 'group', patterns: [bgp(triple(n, term('provml', 'valueOf'), v('attr')), triple(v('attr'), term('provml', 'name'), v('attrName')))] },
    bgp(triple(n, term('mls', 'hasValue'), v('value'))),
  ];
  return toSparql(select(['n', ...DESCRIBE_FACTS], [values('n', iris, 'IRI'), { type: 'union', patterns: branches }]));
}
