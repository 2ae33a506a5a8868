import { readFile } from 'node:fs/promises';
import type { Quad, Term } from '@rdfjs/types';
import { Option, type Command } from 'commander';
import { Writer } from 'n3';
import { Parser, type SparqlQuery } from 'sparqljs';
import { PREFIXES } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { selectResults } from '../store/server-format.js';
import { cli, type CliStream } from './io.js';
import { InputError } from './load.js';
import { TABLE_FORMATS, csvField, printRows, type TableFormat } from './output.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml sparql "<query>"`: any SPARQL query or update, passed through to the source. The query
 * form is read with the sparqljs parser first, so a syntax error is reported with its line and
 * column (exit 2) before anything is sent. SELECT prints rows (a table, CSV, or with `--format
 * json` the W3C SPARQL 1.1 Query Results JSON document — every value a string with its type,
 * datatype or language, so `NaN`, `INF` and big integers survive), ASK prints `true`/`false`,
 * CONSTRUCT/DESCRIBE print N-Triples (N-Quads when a quad names a graph); updates run only with
 * `--update`. Exit codes: 0 done, 2 anything else (syntax error, update without `--update`,
 * unreadable files, unreachable endpoint, any HTTP error from the endpoint). The provml prefixes
 * (`provml:`, `prov:`, `mls:`, `rdf:`, `rdfs:`, `xsd:`) are predeclared unless the query declares
 * them itself.
 */

/**
 * The kind of SPARQL request, as the parser read it.
 *
 * @example
 * ```ts
 * const form: SparqlForm = parseSparql('ASK { ?s ?p ?o }').form; // 'ASK'
 * ```
 */
export type SparqlForm = 'SELECT' | 'ASK' | 'CONSTRUCT' | 'DESCRIBE' | 'UPDATE';

/**
 * A parsed request: its form, the text to send (the user's text, after one line declaring the
 * predeclared prefixes it does not declare itself) and, for SELECT, the projected variables
 * (`undefined` for `SELECT *`).
 *
 * @example
 * ```ts
 * const p: ParsedSparql = parseSparql('ASK { ?s a provml:WorkflowExecution }'); // p.form === 'ASK'
 * ```
 */
export interface ParsedSparql {
  form: SparqlForm;
  text: string;
  variables?: string[];
}

function prologue(text: string): string {
  const missing = Object.entries(PREFIXES).filter(([p]) => !new RegExp(`PREFIX\\s+${p}\\s*:`, 'i').test(text));
  return missing.length === 0 ? '' : `${missing.map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join(' ')}\n`;
}

interface JisonHash {
  text?: string;
  token?: string;
  loc?: { first_line: number; first_column: number; last_line: number; last_column: number };
  expected?: string[];
}

/** 1-based line/column of a 0-based offset in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + column);
}

/** Skip whitespace and `#` comments from `offset`. */
function skipBlank(text: string, offset: number): number {
  let i = offset;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== '#') return i;
    while (i < text.length && text[i] !== '\n') i++;
  }
}

/** Where a parse error happened (0-based offset into `text`), when the parser says. */
function errorOffset(err: Error & { hash?: JisonHash }, text: string): number | undefined {
  const loc = err.hash?.loc;
  if (loc) {
    // jison's loc is the last token it read; the unexpected one follows it (or is it).
    const found = err.hash?.token === 'EOF' ? '' : (err.hash?.text ?? '');
    const after = skipBlank(text, offsetOf(text, loc.last_line, loc.last_column));
    if (found === '' || text.startsWith(found, after)) return after;
    const at = offsetOf(text, loc.first_line, loc.first_column);
    return text.startsWith(found, at) ? at : after;
  }
  const prefix = /^Unknown prefix: (.*)$/.exec(err.message)?.[1];
  if (prefix !== undefined) {
    const m = new RegExp(`(^|[^\\w.-])${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`).exec(text);
    if (m) return m.index + m[1]!.length;
  }
  return undefined;
}

function syntaxError(err: Error & { hash?: JisonHash }, full: string, skipped: number): InputError {
  const at = errorOffset(err, full);
  const firstLine = err.message.split('\n')[0]!;
  if (at === undefined) return new InputError(`SPARQL syntax error: ${firstLine}`);
  const { line, column } = position(full, at);
  const userLine = line - skipped;
  let what: string;
  if (err.hash?.loc) {
    const token = err.hash.token === 'EOF' ? 'end of query' : JSON.stringify(err.hash.text ?? err.hash.token);
    const expected = (err.hash.expected ?? []).map((e) => e.replace(/'/g, ''));
    what = `unexpected ${token}${expected.length > 0 ? `; expected ${expected.slice(0, 8).join(', ')}${expected.length > 8 ? ', …' : ''}` : ''}`;
  } else what = firstLine;
  const source = full.split('\n')[line - 1] ?? '';
  const gutter = String(userLine);
  return new InputError(
    `SPARQL syntax error at line ${userLine}, column ${column}: ${what}\n  ${gutter} | ${source}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, column - 1))}^`,
    { line: userLine },
  );
}

/**
 * Parse a SPARQL query or update to learn its form; throws an `InputError` naming line and
 * column on a syntax error.
 *
 * @example
 * ```ts
 * parseSparql('SELECT ?run WHERE { ?run a provml:WorkflowExecution }').form; // 'SELECT'
 * parseSparql('SELECT ?x WHERE {\n  ?x ?y\n}');  // throws: SPARQL syntax error at line 3, column 1: unexpected "}" …
 * ```
 */
export function parseSparql(text: string): ParsedSparql {
  const pre = prologue(text);
  const full = pre + text;
  let parsed: SparqlQuery;
  try {
    parsed = new Parser().parse(full);
  } catch (err) {
    throw syntaxError(err as Error & { hash?: JisonHash }, full, pre === '' ? 0 : 1);
  }
  if (parsed.type === 'update') return { form: 'UPDATE', text: full };
  if (parsed.queryType !== 'SELECT') return { form: parsed.queryType, text: full };
  const vars = parsed.variables as ReadonlyArray<{ termType?: string; value?: string; variable?: { value: string } }>;
  const wildcard = vars.some((v) => v.termType === 'Wildcard');
  const variables = wildcard ? undefined : vars.map((v) => (v.variable ? v.variable.value : v.value!));
  return { form: 'SELECT', text: full, ...(variables ? { variables } : {}) };
}

/** A table or CSV cell: the term's lexical form (IRIs bare, blank nodes as `_:b`). */
function cell(t: Term | undefined): string | undefined {
  if (t === undefined) return undefined;
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  return t.value;
}

/** Quads as N-Triples, or N-Quads when any names a graph. */
function serialize(quads: readonly Quad[]): Promise<string> {
  const named = quads.some((q) => q.graph.termType !== 'DefaultGraph');
  const writer = new Writer({ format: named ? 'N-Quads' : 'N-Triples' });
  writer.addQuads(quads as Quad[]);
  return new Promise((resolve, reject) => writer.end((err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * Options of {@link runSparql}.
 *
 * @example
 * ```ts
 * const o: SparqlRunOptions = { format: 'csv', update: false };
 * ```
 */
export interface SparqlRunOptions {
  format: TableFormat;
  /** Allow SPARQL Update requests. */
  update: boolean;
  /** The source, for messages. */
  describe?: string;
}

/**
 * Run one SPARQL request on `endpoint` and print its result to `out` (see the module comment).
 * Throws an `InputError` for a syntax error, or for an update without `options.update`.
 *
 * @example
 * ```ts
 * await runSparql(store, 'SELECT ?s WHERE { ?s a provml:WorkflowExecution }', { format: 'json', update: false });
 * ```
 */
export async function runSparql(
  endpoint: SparqlEndpoint,
  query: string,
  options: SparqlRunOptions,
  out: CliStream = cli().stdout,
  err: CliStream = cli().stderr,
): Promise<void> {
  const parsed = parseSparql(query);
  switch (parsed.form) {
    case 'UPDATE':
      if (!options.update) throw new InputError('this is a SPARQL Update: it changes the store, so it runs only with --update');
      await endpoint.update(parsed.text);
      err.write(`provml: update applied${options.describe ? ` to ${options.describe}` : ''}\n`);
      return;
    case 'ASK':
      out.write(`${await endpoint.ask(parsed.text)}\n`);
      return;
    case 'CONSTRUCT':
    case 'DESCRIBE':
      out.write(await serialize(await endpoint.construct(parsed.text)));
      return;
    case 'SELECT': {
      const rows = await endpoint.select(parsed.text);
      const columns = parsed.variables ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
      if (options.format === 'json') {
        // W3C SPARQL 1.1 Query Results JSON: values stay strings with their datatype, never JSON
        // numbers, so "NaN"/"INF"/"-INF" doubles and 20-digit integers print exactly as stored.
        out.write(`${JSON.stringify(selectResults(rows, columns), null, 2)}\n`);
        return;
      }
      const records = rows.map((r) => Object.fromEntries(columns.map((c) => [c, cell(r[c])])));
      if (options.format === 'csv' && records.length === 0) out.write(`${columns.map(csvField).join(',')}\n`);
      else printRows(options.format, records, out);
    }
  }
}

interface SparqlOpts extends SourceOpts {
  file?: string;
  format: TableFormat;
  update?: boolean;
}

async function readQuery(arg: string | undefined, file: string | undefined): Promise<string> {
  if (arg === undefined && file === undefined) {
    throw new InputError('no query: give it as an argument (provml sparql "SELECT …") or with --file FILE (--file - reads stdin)');
  }
  if (arg !== undefined && file !== undefined) throw new InputError('give the query as an argument or with --file, not both');
  if (arg !== undefined) return arg;
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of cli().stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file!, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`, { file: file! });
  }
}

/**
 * Register `provml sparql` on the program.
 *
 * @example
 * ```ts
 * addSparqlCommand(program);
 * // provml sparql 'SELECT ?run WHERE { ?run a provml:WorkflowExecution }' --data run.nq --format csv
 * ```
 */
export function addSparqlCommand(program: Command): void {
  const cmd = program
    .command('sparql')
    .description('run a SPARQL query (SELECT → rows, ASK → true/false, CONSTRUCT/DESCRIBE → N-Triples/N-Quads) or, with --update, an update')
    .argument('[query]', 'the query text (or use --file)')
    .option('--file <path>', 'read the query from a file (- for stdin)')
    .addOption(new Option('-f, --format <format>', 'output format of SELECT results (json: W3C SPARQL 1.1 Query Results JSON)').choices([...TABLE_FORMATS]).default('table'))
    .option('--update', 'allow SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP…)');
  addSourceOptions(cmd).action(async (arg: string | undefined, opts: SparqlOpts) => {
    const query = await readQuery(arg, opts.file);
    const parsed = parseSparql(query); // syntax errors before anything is opened
    if (parsed.form === 'UPDATE' && !opts.update) throw new InputError('this is a SPARQL Update: it changes the store, so it runs only with --update');
    if (parsed.form === 'UPDATE' && (opts.data ?? []).length > 0) {
      throw new InputError('--update with --data would change only an in-memory copy of the files; give --endpoint');
    }
    const source = await openSource(opts);
    try {
      // Any failure (unreachable endpoint, HTTP 4xx or 5xx) reaches run(): exit code 2.
      await runSparql(source.endpoint, query, { format: opts.format, update: opts.update === true, describe: source.describe });
    } finally {
      await source.close();
    }
  });
}
