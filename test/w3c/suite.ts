/**
 * The W3C Data Shapes (SHACL) test suite, read from ../shared/reference/w3c-shacl-test-suite/
 * (never copied into this repository), and the suite's comparison rules
 * (https://w3c.github.io/data-shapes/data-shapes-test-suite/):
 *
 * - a test whose `mf:result` is `sht:Failure` passes when validation fails (throws);
 * - otherwise the expected report is the `mf:result` node's triples, its `sh:result` nodes'
 *   triples and the triples of their `sh:resultPath` structures (lists, inverse/alternative/…
 *   paths); the actual report is provml's validation report graph; the test passes when both
 *   graphs are isomorphic. `sh:resultMessage` is compared only when the expected report gives
 *   messages (messages are implementation-specific otherwise; the rule shacl-engine's own runner
 *   applies as well).
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Quad, Term } from '@rdfjs/types';
import { DataFactory, Parser, Store } from 'n3';
import { reportGraph } from '../../src/validate/results.js';
import { validateWithTerms } from '../../src/validate/validate.js';
import { isomorphic } from './isomorphic.js';

const { namedNode } = DataFactory;
const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const SHT = 'http://www.w3.org/ns/shacl-test#';
const SH = 'http://www.w3.org/ns/shacl#';
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Where the suite lives: ../shared/reference/ next to the repository (override: PROVML_W3C_SHACL). */
export const SUITE_DIR =
  process.env.PROVML_W3C_SHACL ?? fileURLToPath(new URL('../../../shared/reference/w3c-shacl-test-suite/', import.meta.url));

/** One `sht:Validate` entry of the suite. */
export interface SuiteTest {
  /** Path of its file under the suite, without `.ttl`, e.g. `core/misc/severity-002`. */
  id: string;
  /** `core` or `sparql`. */
  section: string;
  label: string;
  file: string;
  data: Quad[];
  shapes: Quad[];
  /** `undefined`: the test expects a failure (`sht:Failure`). */
  expected: Quad[] | undefined;
}

const parsed = new Map<string, Quad[]>();
function parseFile(file: string): Quad[] {
  let quads = parsed.get(file);
  if (!quads) {
    quads = new Parser({ format: 'text/turtle', baseIRI: pathToFileURL(file).href }).parse(readFileSync(file, 'utf8'));
    parsed.set(file, quads);
  }
  return quads;
}

function list(store: Store, head: Term): Term[] {
  const out: Term[] = [];
  for (let n: Term | undefined = head; n && n.value !== `${RDF}nil`; n = store.getObjects(n, namedNode(`${RDF}rest`), null)[0]) {
    const first = store.getObjects(n, namedNode(`${RDF}first`), null)[0];
    if (first) out.push(first);
  }
  return out;
}

/** The expected report: R's triples, its results' triples, their result paths' structures. */
function expectedReport(store: Store, result: Term): Quad[] {
  const out = store.getQuads(result, null, null, null);
  const follow = (node: Term) => {
    if (node.termType !== 'BlankNode') return;
    for (const q of store.getQuads(node, null, null, null)) {
      out.push(q);
      follow(q.object);
    }
  };
  for (const r of store.getObjects(result, namedNode(`${SH}result`), null)) {
    for (const q of store.getQuads(r, null, null, null)) {
      out.push(q);
      if (q.predicate.value === `${SH}resultPath`) follow(q.object);
    }
  }
  return out;
}

function manifestTests(file: string, tests: SuiteTest[]): void {
  const store = new Store(parseFile(file));
  for (const include of store.getObjects(null, namedNode(`${MF}include`), null)) manifestTests(fileURLToPath(include.value), tests);
  for (const entries of store.getObjects(null, namedNode(`${MF}entries`), null)) {
    for (const entry of list(store, entries)) {
      if (!store.has(DataFactory.quad(entry as Quad['subject'], namedNode(`${RDF}type`), namedNode(`${SHT}Validate`)))) continue;
      const action = store.getObjects(entry, namedNode(`${MF}action`), null)[0]!;
      const graph = (p: string) => parseFile(fileURLToPath(store.getObjects(action, namedNode(SHT + p), null)[0]!.value));
      const result = store.getObjects(entry, namedNode(`${MF}result`), null)[0]!;
      const id = relative(SUITE_DIR, file).replace(/\.ttl$/, '');
      tests.push({
        id,
        section: id.split('/')[0]!,
        label: store.getObjects(entry, namedNode('http://www.w3.org/2000/01/rdf-schema#label'), null)[0]?.value ?? id,
        file,
        data: graph('dataGraph'),
        shapes: graph('shapesGraph'),
        expected: result.value === `${SHT}Failure` ? undefined : expectedReport(store, result),
      });
    }
  }
}

/** Every `sht:Validate` test reachable from the suite's root manifest (includes followed). */
export function loadSuite(): SuiteTest[] {
  const root = `${SUITE_DIR}/manifest.ttl`;
  if (!existsSync(root)) throw new Error(`W3C SHACL test suite not found at ${SUITE_DIR}`);
  const tests: SuiteTest[] = [];
  manifestTests(root, tests);
  return tests;
}

/** The outcome of one test: passed, and why not. */
export interface Outcome {
  passed: boolean;
  detail: string;
}

/**
 * Runs one test through provml's `validate` (the shapes replacing provml's own) and compares
 * by the suite's rules.
 */
export async function runTest(t: SuiteTest): Promise<Outcome> {
  let run;
  try {
    run = await validateWithTerms(t.data, { shapes: t.shapes });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0]!;
    return t.expected === undefined ? { passed: true, detail: `failed as expected: ${message}` } : { passed: false, detail: `error: ${message}` };
  }
  if (t.expected === undefined) return { passed: false, detail: `expected a failure, got a report with ${run.results.length} results` };
  const wantsMessages = t.expected.some((q) => q.predicate.value === `${SH}resultMessage`);
  const actual = reportGraph(run.results, run.shapes).filter((q) => wantsMessages || q.predicate.value !== `${SH}resultMessage`);
  if (isomorphic(t.expected, actual)) return { passed: true, detail: 'report isomorphic' };
  const results = (qs: Quad[]) => qs.filter((q) => q.predicate.value === `${SH}result`).length;
  return { passed: false, detail: `report differs: expected ${results(t.expected)} results, got ${results(actual)}` };
}
