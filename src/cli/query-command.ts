import { Option, type Command } from 'commander';
import { explainEmpty, q1, q2, q3, q4, q5, q6, type DomainSource, type ParameterCondition, type ParameterFilter, type ParameterRange } from '../query/lifecycle/index.js';
import { NUMERIC_TEXT, parameterMatch } from '../query/lifecycle/parameters.js';
import { varTerm } from '../query/sparql.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
import { cli } from './io.js';
import { resolveNode } from './nodes.js';
import { InputError } from './load.js';
import { TABLE_FORMATS, printRows, type TableFormat } from './output.js';
import { addSourceOptions, openSource, type SourceOpts } from './source.js';

/**
 * `provml query q1 … q6`: the lifecycle queries of shared/QUERIES.md on the command line. JSON
 * prints the typed results as the API returns them; table and CSV flatten nested records into
 * columns (`char.inlines`, `domain.basin`, `hp.learningRate`, `eval.loss`…).
 */

interface QueryOpts extends SourceOpts {
  format: TableFormat;
  model?: string;
  dataset?: string;
  run?: string;
  measure?: string;
  order?: 'min' | 'max';
  param?: string[];
  domainGraph?: string;
  domainEndpoint?: string;
  domainLink?: string;
  domainProperty?: string[];
}

const BOUND_OF = { '>=': 'min', '>': 'gt', '<=': 'max', '<': 'lt' } as const;
const SYNTAX = 'name=value, name=a..b, name>=a, name>a, name<=b or name<b';

/** A `--param` value: a number when it reads as one (`100`, `-2.5`, `1e-3`, `.5`), a boolean for true/false, else the text. */
function scalar(raw: string): string | number | boolean {
  if (NUMERIC_TEXT.test(raw)) return Number(raw);
  return raw === 'true' ? true : raw === 'false' ? false : raw;
}

/**
 * `--param` arguments as a {@link ParameterFilter}:
 *
 * - `name=value`: exact; a value that reads as a number is a number (so `epochs=100` matches a
 *   captured `100`, `100.0` or `"100"`), `true`/`false` are booleans, anything else is text;
 * - `name=a..b`: the numeric range a ≤ value ≤ b; `name=a..` and `name=..b` leave one side open;
 * - `name>=a`, `name>a`, `name<=b`, `name<b`: one bound (quote these in a shell);
 * - several bounds for one name combine: `'lr>0.001' 'lr<=0.01'`.
 *
 * Throws an InputError naming the argument when it fits none of these.
 */
export function parseParameters(pairs: readonly string[]): ParameterFilter {
  const out: Record<string, ParameterCondition> = {};
  for (const pair of pairs) {
    const m = /^([^=<>]+)(>=|<=|=|>|<)([\s\S]*)$/.exec(pair);
    if (!m) throw new InputError(`--param expects name=value, got ${JSON.stringify(pair)} (forms: ${SYNTAX})`);
    const [, name, operator, raw] = m as unknown as [string, string, string, string];
    let condition: ParameterCondition;
    if (operator === '=') {
      const dots = raw.indexOf('..');
      const low = dots >= 0 ? raw.slice(0, dots) : '';
      const high = dots >= 0 ? raw.slice(dots + 2) : '';
      const isBound = (t: string) => t === '' || NUMERIC_TEXT.test(t);
      if (dots >= 0 && isBound(low) && isBound(high)) {
        if (low === '' && high === '') throw new InputError(`--param ${pair}: a range needs at least one bound, e.g. ${name}=1..10, ${name}=1.. or ${name}=..10`);
        condition = { ...(low !== '' ? { min: Number(low) } : {}), ...(high !== '' ? { max: Number(high) } : {}) };
      } else {
        condition = scalar(raw);
      }
    } else {
      if (!NUMERIC_TEXT.test(raw)) throw new InputError(`--param ${pair}: ${operator} needs a number, got ${JSON.stringify(raw)}`);
      condition = { [BOUND_OF[operator as keyof typeof BOUND_OF]]: Number(raw) };
    }
    const before = out[name];
    if (before === undefined) out[name] = condition;
    else if (typeof before === 'object' && typeof condition === 'object') {
      const clash = (Object.keys(condition) as (keyof ParameterRange)[]).find((k) => before[k] !== undefined);
      if (clash) throw new InputError(`--param ${pair}: ${name} already has a ${clash} bound`);
      out[name] = { ...before, ...condition };
    } else throw new InputError(`--param ${pair}: ${name} is given twice (an exact value and another condition)`);
  }
  try {
    if (Object.keys(out).length > 0) parameterMatch(out, varTerm('name'), varTerm('value')); // checks ranges: one bound per side, low ≤ high
  } catch (err) {
    if (err instanceof TypeError) throw new InputError(`--param: ${err.message.replace(/^provml: /, '')}`);
    throw err;
  }
  return out;
}

function prefixed(prefix: string, record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [`${prefix}.${k}`, v]));
}

async function domainOf(opts: QueryOpts, opened: SparqlEndpoint[]): Promise<DomainSource> {
  const domain: DomainSource = {};
  if (opts.domainGraph !== undefined) domain.graph = opts.domainGraph;
  if (opts.domainLink !== undefined) domain.link = opts.domainLink;
  if (opts.domainProperty?.length) {
    domain.properties = {};
    for (const pair of opts.domainProperty) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new InputError(`--domain-property expects name=IRI, got ${JSON.stringify(pair)}`);
      domain.properties[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  if (opts.domainEndpoint !== undefined) {
    const source = await openSource({ endpoint: opts.domainEndpoint, ...(opts.timeout ? { timeout: opts.timeout } : {}) }, {});
    opened.push(source.endpoint);
    domain.endpoint = source.endpoint;
  }
  return domain;
}

function need(value: string | undefined, flag: string, query: string): string {
  if (value === undefined) throw new InputError(`${query} needs ${flag}`);
  return value;
}

/** A model/dataset given as an IRI, a file path or a URL: the data node IRI. */
async function dataNode(endpoint: SparqlEndpoint, value: string | undefined, flag: string, query: string): Promise<string> {
  return resolveNode(endpoint, need(value, flag, query), flag.split(' ')[0]!);
}

/** What a query printed: JSON as the API returns it, flat rows for table/CSV, and why there is no row (q1, q6). */
type Runner = (endpoint: SparqlEndpoint, opts: QueryOpts, opened: SparqlEndpoint[]) => Promise<{ json: unknown; rows: Record<string, unknown>[]; why?: () => Promise<string | undefined> }>;

const RUNNERS: Record<string, Runner> = {
  async q1(endpoint, opts, opened) {
    const params = { model: await dataNode(endpoint, opts.model, '--model <iri|path>', 'q1'), domain: await domainOf(opts, opened) };
    const rows = await q1(endpoint, params);
    return {
      json: rows,
      rows: rows.map(({ characteristics, domain, ...r }) => ({ ...r, ...prefixed('char', characteristics), ...prefixed('domain', domain) })),
      why: () => explainEmpty(endpoint, 'q1', params),
    };
  },
  async q2(endpoint, opts) {
    const rows = await q2(endpoint, { model: await dataNode(endpoint, opts.model, '--model <iri|path>', 'q2') });
    return { json: rows, rows: rows.map((r) => ({ ...r })) };
  },
  async q3(endpoint, opts) {
    const best = await q3(endpoint, {
      dataset: await dataNode(endpoint, opts.dataset, '--dataset <iri|path>', 'q3'),
      ...(opts.measure ? { measure: opts.measure } : {}),
      ...(opts.order ? { order: opts.order } : {}),
      ...(opts.run ? { run: opts.run } : {}),
    });
    if (!best) return { json: null, rows: [] };
    const { hyperparameters, modelHyperparameters, evaluations, ...r } = best;
    return { json: best, rows: [{ ...r, ...prefixed('hp', hyperparameters), ...prefixed('model', modelHyperparameters), ...prefixed('eval', evaluations) }] };
  },
  async q4(endpoint, opts) {
    const rows = await q4(endpoint, { dataset: await dataNode(endpoint, opts.dataset, '--dataset <iri|path>', 'q4'), ...(opts.run ? { run: opts.run } : {}) });
    return { json: rows, rows: rows.map((r) => ({ ...r })) };
  },
  async q5(endpoint, opts) {
    const rows = await q5(endpoint, { parameters: parseParameters(opts.param ?? []), ...(opts.run ? { run: opts.run } : {}) });
    const flat = rows.flatMap(({ models, ...r }) =>
      models.length === 0 ? [{ ...r }] : models.map((m) => ({ ...r, model: m.model, ...(m.epoch !== undefined ? { epoch: m.epoch } : {}), ...prefixed('eval', m.evaluations) })),
    );
    return { json: rows, rows: flat };
  },
  async q6(endpoint, opts, opened) {
    const params = { parameters: parseParameters(opts.param ?? []), domain: await domainOf(opts, opened) };
    const rows = await q6(endpoint, params);
    return {
      json: rows,
      rows: rows.map(({ characteristics, domain, ...r }) => ({ ...r, ...prefixed('char', characteristics), ...prefixed('domain', domain) })),
      why: () => explainEmpty(endpoint, 'q6', params),
    };
  },
};

/** Register `provml query`. */
export function addQueryCommand(program: Command): void {
  const cmd = program
    .command('query')
    .description('lifecycle queries: q1/q2 --model IRI (raw data and domain facts; preparation parameters), q3/q4 --dataset IRI (best model; batch times), q5/q6 --param name=value… (trainings on the dataset made with those parameters; its raw data)')
    .argument('<query>', 'q1 | q2 | q3 | q4 | q5 | q6')
    .option('-m, --model <iri|path>', 'q1, q2: the trained model: its data node IRI, or the file path / URL it was saved to')
    .option('--dataset <iri|path>', 'q3, q4: the training dataset: its data node IRI, or its file path / URL')
    .option('-r, --run <iri>', 'q3, q4, q5: only this run')
    .option('--measure <name>', 'q3: evaluation measure to rank by', 'loss')
    .addOption(new Option('--order <order>', 'q3: best is the min or the max').choices(['min', 'max']).default('min'))
    .option('-p, --param <name=value...>', "q5, q6: transformation parameters: name=value (numbers compare numerically), name=a..b (range, a.. or ..b open), 'name>=a' 'name<b' (also > and <=); e.g. --param firstInline=100 lastInline=300, --param firstInline=50..150")
    .option('--domain-graph <iri>', 'q1, q6: named graph holding domain facts')
    .option('--domain-endpoint <url>', 'q1, q6: another SPARQL endpoint holding domain facts (joined on the client)')
    .option('--domain-link <iri>', 'q1, q6: predicate linking a domain node to a file storage URL (default: the node is the URL)')
    .option('--domain-property <name=iri...>', 'q1, q6: domain facts to return (default: all)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...TABLE_FORMATS]).default('table'));
  addSourceOptions(cmd).action(async (query: string, opts: QueryOpts) => {
    const runner = RUNNERS[query.toLowerCase()];
    if (!runner) throw new InputError(`unknown query ${JSON.stringify(query)}: expected q1, q2, q3, q4, q5 or q6`);
    const source = await openSource(opts);
    const opened: SparqlEndpoint[] = [];
    try {
      const { json, rows, why } = await runner(source.endpoint, opts, opened);
      // No row from q1/q6: say why — in place of the table's "(none)", on stderr for JSON and CSV.
      const reason = rows.length === 0 && why ? await why() : undefined;
      const { stdout, stderr } = cli();
      if (opts.format === 'json') stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else if (reason !== undefined && opts.format === 'table') stdout.write(`(none) — ${reason}\n`);
      else printRows(opts.format, rows);
      if (reason !== undefined && opts.format !== 'table') stderr.write(`provml: ${query.toLowerCase()}: ${reason}\n`);
    } finally {
      await Promise.all([source.close(), ...opened.map((e) => e.close())]);
    }
  });
}
