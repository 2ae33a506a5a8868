import type { Literal } from '@rdfjs/types';
import { DataFactory } from 'n3';
import { Parser, type ConstructQuery, type SelectQuery } from 'sparqljs';

const { namedNode } = DataFactory;

// Query templates: values enter the parsed AST as terms (never by pasting strings into SPARQL).
// `?provml_after` is the keyset cursor (the greatest subject IRI of the previous page) and
// `?provml_graph` the named graph. GRAPH, not FROM: some stores (Oxigraph with its default graph
// as the union of all graphs) ignore FROM.
const inGraph = (graph: boolean, pattern: string) => (graph ? `GRAPH ?provml_graph { ${pattern} }` : pattern);
const PAGE = (g: boolean) => `CONSTRUCT { ?s ?p ?o } WHERE {
  { SELECT DISTINCT ?s WHERE { ${inGraph(g, '?s ?p0 ?o0 .')} FILTER(isIRI(?s) && STR(?s) > ?provml_after) } ORDER BY STR(?s) LIMIT 1 }
  ${inGraph(g, '?s ?p ?o .')}
}`;
const BLANK = (g: boolean) => `CONSTRUCT { ?s ?p ?o } WHERE { ${inGraph(g, '?s ?p ?o .')} FILTER(isBlank(?s)) }`;
const COUNT = (g: boolean) => `SELECT (COUNT(*) AS ?n) WHERE { ${inGraph(g, '?s ?p ?o .')} }`;

/** Parses `text`, then replaces the given variables by terms in place (class instances kept). */
function parseWith<T>(text: string, values: Record<string, unknown>): T {
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const t = node as { termType?: string; value?: string };
    if (t.termType === 'Variable' && t.value! in values) return values[t.value!];
    if (t.termType !== undefined) return node;
    for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = visit(v);
    return node;
  };
  return visit(new Parser().parse(text)) as T;
}

/**
 * The queries that read a graph from an endpoint in pages, keyset by subject: each page takes the
 * next `pageSize` subject IRIs in codepoint order after the cursor, with all their triples (so
 * per-node shapes see whole nodes); blank-node subjects come in one final query.
 *
 * @example
 * ```ts
 * const q = pagedQueries('urn:provml:graph:run-1');
 * const text = new Generator().stringify(q.page(DataFactory.literal(''), 5000));
 * ```
 */
export function pagedQueries(graph?: string): {
  count: SelectQuery;
  page: (after: Literal, pageSize: number) => ConstructQuery;
  blankSubjects: ConstructQuery;
} {
  const g = graph !== undefined;
  const values: Record<string, unknown> = g ? { provml_graph: namedNode(graph) } : {};
  return {
    count: parseWith<SelectQuery>(COUNT(g), values),
    blankSubjects: parseWith<ConstructQuery>(BLANK(g), values),
    page: (after, pageSize) => {
      const q = parseWith<ConstructQuery>(PAGE(g), { ...values, provml_after: after });
      const group = q.where![0] as { type: 'group'; patterns: SelectQuery[] };
      group.patterns[0]!.limit = pageSize;
      return q;
    },
  };
}
