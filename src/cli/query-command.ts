import { Option, type Command } from 'commander';
import { q1, q2, q3, q4, q5, q6, type DomainSource, type ParameterFilter, type Scalar } from '../query/lifecycle/index.js';
import type { SparqlEndpoint } from '../store/endpoint.js';
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

/** `name=value` pairs; values that read as JSON numbers or booleans become numbers or booleans. */
export function parseParameters(pairs: readonly string[]): ParameterFilter {
  const out: Record<string, Scalar> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`--param expects name=value, got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[name] = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
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

type Runner = (endpoint: SparqlEndpoint, opts: QueryOpts, opened: SparqlEndpoint[]) => Promise<{ json: unknown; rows: Record<string, unknown>[] }>;

const RUNNERS: Record<string, Runner> = {
  async q1(endpoint, opts, opened) {
    const rows = await q1(endpoint, { model: need(opts.model, '--model <iri>', 'q1'), domain: await domainOf(opts, opened) });
    return { json: rows, rows: rows.map(({ characteristics, domain, ...r }) => ({ ...r, ...prefixed('char', characteristics), ...prefixed('domain', domain) })) };
  },
  async q2(endpoint, opts) {
    const rows = await q2(endpoint, { model: need(opts.model, '--model <iri>', 'q2') });
    return { json: rows, rows: rows.map((r) => ({ ...r })) };
  },
  async q3(endpoint, opts) {
    const best = await q3(endpoint, {
      dataset: need(opts.dataset, '--dataset <iri>', 'q3'),
      ...(opts.measure ? { measure: opts.measure } : {}),
      ...(opts.order ? { order: opts.order } : {}),
      ...(opts.run ? { run: opts.run } : {}),
    });
    if (!best) return { json: null, rows: [] };
    const { hyperparameters, modelHyperparameters, evaluations, ...r } = best;
    return { json: best, rows: [{ ...r, ...prefixed('hp', hyperparameters), ...prefixed('model', modelHyperparameters), ...prefixed('eval', evaluations) }] };
  },
  async q4(endpoint, opts) {
    const rows = await q4(endpoint, { dataset: need(opts.dataset, '--dataset <iri>', 'q4'), ...(opts.run ? { run: opts.run } : {}) });
    return { json: rows, rows: rows.map((r) => ({ ...r })) };
  },
  async q5(endpoint, opts) {
    const rows = await q5(endpoint, { parameters: parseParameters(opts.param ?? []), ...(opts.run ? { run: opts.run } : {}) });
    const flat = rows.flatMap(({ models, ...r }) =>
      models.length === 0 ? [{ ...r }] : models.map((m) => ({ ...r, model: m.model, epoch: m.epoch, ...prefixed('eval', m.evaluations) })),
    );
    return { json: rows, rows: flat };
  },
  async q6(endpoint, opts, opened) {
    const rows = await q6(endpoint, { parameters: parseParameters(opts.param ?? []), domain: await domainOf(opts, opened) });
    return { json: rows, rows: rows.map(({ characteristics, domain, ...r }) => ({ ...r, ...prefixed('char', characteristics), ...prefixed('domain', domain) })) };
  },
};

/** Register `provml query`. */
export function addQueryCommand(program: Command): void {
  const cmd = program
    .command('query')
    .description('lifecycle queries: q1/q2 --model IRI (raw data and domain facts; preparation parameters), q3/q4 --dataset IRI (best model; batch times), q5/q6 --param name=value… (trainings on the dataset made with those parameters; its raw data)')
    .argument('<query>', 'q1 | q2 | q3 | q4 | q5 | q6')
    .option('-m, --model <iri>', 'q1, q2: the trained model (data node IRI)')
    .option('--dataset <iri>', 'q3, q4: the training dataset (data node IRI)')
    .option('-r, --run <iri>', 'q3, q4, q5: only this run')
    .option('--measure <name>', 'q3: evaluation measure to rank by', 'loss')
    .addOption(new Option('--order <order>', 'q3: best is the min or the max').choices(['min', 'max']).default('min'))
    .option('-p, --param <name=value...>', 'q5, q6: transformation parameters, e.g. --param firstInline=100 lastInline=300')
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
      const { json, rows } = await runner(source.endpoint, opts, opened);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else printRows(opts.format, rows);
    } finally {
      await Promise.all([source.close(), ...opened.map((e) => e.close())]);
    }
  });
}
