/**
 * Query benchmark: the lifecycle queries Q1–Q6 (shared/QUERIES.md) on a store holding ≥ 1 M
 * triples of synthetic lifecycles, on the embedded store and on a real Virtuoso.
 *
 *   (1) data        bench/lib/synthetic-lifecycle.ts captures curation, preparation and training
 *                   runs through `ProvML.init` + `track.*` into an embedded store (timed), adds a
 *                   domain graph, and dumps everything as N-Quads (timed; `BENCH_DUMP=path` keeps
 *                   a copy for loading elsewhere).
 *   (2) load        (a) embedded: `EmbeddedStore.open({ path: dump })`, provml's own replay of a
 *                   persisted store; (b) Virtuoso (started by test/support/virtuoso.ts): its bulk
 *                   loader (`ld_dir` + one `rdf_loader_run()` per core over the dump split in
 *                   parts), or with `BENCH_VIRTUOSO_LOAD=gsp` provml's `HttpSparqlEndpoint
 *                   .insertQuads` through the Graph Store protocol. Both are timed and checked with
 *                   a count of the stored quads.
 *   (3) queries     parameters from the generator's manifest: a dataset in the middle of the list,
 *                   the best model of the first training on it (Q1, Q2), the dataset (Q3, Q4), the
 *                   slice range that produced it (Q5, Q6), the domain graph (Q1, Q6). WARMUP rounds,
 *                   then RUNS rounds; each round runs q1…q6 once each, in order, through the public
 *                   functions of src/query/lifecycle (wall time of the call: SPARQL text, HTTP for
 *                   Virtuoso, result parsing). Median and p95 per query per engine. Every answer
 *                   is checked against the manifest (a fast wrong answer is no result).
 *
 * Goal (issue): each of Q1–Q6 ≤ 100 ms on both engines. The top-level `qN_ms` of the JSON is the
 * median on the slower engine. Human-readable tables go to stderr; the last stdout line is one
 * JSON object. Each query's time is also split per SPARQL request it sent (`qN_requests_ms`;
 * BENCH_VERBOSE=1 prints the slowest request's text). Scale: BENCH_SURVEYS, BENCH_PREPARATIONS,
 * BENCH_TRAININGS, BENCH_EPOCHS, BENCH_BATCHES, BENCH_SEED; BENCH_RUNS (15), BENCH_WARMUP (3);
 * BENCH_QUICK=1 for a small smoke run (≈ 40 k triples); BENCH_VIRTUOSO=0 to skip Virtuoso.
 *
 * Run: `npm run bench:query`.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findVirtuoso, startVirtuoso, type VirtuosoInstance } from '../test/support/virtuoso.js';
import { median, percentile, round, table } from './lib/stats.js';
import { DEFAULT_SCALE, DOMAIN_GRAPH, generateLifecycle, scaleFromEnv, type SyntheticLifecycle } from './lib/synthetic-lifecycle.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { HttpSparqlEndpoint } from '../src/store/http.js';
import type { QueryOptions, SparqlEndpoint } from '../src/store/endpoint.js';
import { IriMinter } from '../src/record/iri.js';
import { q1, q2, q3, q4, q5, q6 } from '../src/query/lifecycle/index.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SCALE = scaleFromEnv(QUICK ? { ...DEFAULT_SCALE, trainings: 30, epochs: 5, batches: 16 } : DEFAULT_SCALE);
const RUNS = positive('BENCH_RUNS', QUICK ? 5 : 15);
const WARMUP = positive('BENCH_WARMUP', QUICK ? 1 : 3, 0);
const GOAL_MS = 100;
const MIN_TRIPLES = 1_000_000;
const VIRTUOSO_LOAD = process.env.BENCH_VIRTUOSO_LOAD === 'gsp' ? 'gsp' : 'bulk';
const QUERIES = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'] as const;
type QueryName = (typeof QUERIES)[number];

const run = promisify(execFile);
const log = (m: string) => process.stderr.write(`${m}\n`);
const tBench = performance.now();
const loadAtStart = loadavg()[0]!;
const phase = (m: string) => log(`[${((performance.now() - tBench) / 1000).toFixed(1)} s] ${m}`);

function positive(name: string, d: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return d;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new TypeError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Query parameters and the answers they must give (from the generator's manifest)

interface Workload {
  model: string;
  dataset: string;
  parameters: Record<string, number>;
  domain: { graph: string };
  /** What each answer must contain; returns the problems found. */
  check: Record<QueryName, (answer: unknown) => string[]>;
  describe: Record<string, string>;
}

function workload(l: SyntheticLifecycle): Workload {
  const mint = new IriMinter();
  const di = Math.floor(l.datasets.length / 2);
  const d = l.datasets[di]!;
  const survey = l.surveys[d.survey]!;
  const onDataset = l.trainings.filter((t) => t.dataset === di);
  const first = onDataset[0];
  if (!first) throw new Error(`no training on dataset ${di}: raise BENCH_TRAININGS`);
  const argmin = (xs: number[]) => xs.reduce((best, x, i) => (x < xs[best]! ? i : best), 0);
  const model = mint.data(first.models[argmin(first.losses)]!);
  const dataset = mint.data(d.train);
  // Q3: the model with the least epoch loss over every training on the dataset.
  let best = { loss: Infinity, model: '', epoch: -1, lr: NaN };
  for (const t of onDataset) {
    const e = argmin(t.losses);
    if (t.losses[e]! < best.loss) best = { loss: t.losses[e]!, model: mint.data(t.models[e]!), epoch: e, lr: t.hyperparameters.learningRate };
  }
  const range = { firstInline: d.parameters.firstInline, lastInline: d.parameters.lastInline };
  const { epochs, batches } = l.scale;
  const problems = (cond: boolean, msg: string) => (cond ? [] : [msg]);
  // Virtuoso writes xsd:double results with 6 significant digits (52.86667 comes back as 52.8667).
  const close = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
  const sourceOk = (rows: Array<{ storageUrl?: string; characteristics: Record<string, unknown>; domain: Record<string, unknown> }>, what: string) => {
    const r = rows.find((x) => x.storageUrl === survey.url);
    if (!r) return [`${what}: no row for ${survey.url} (got ${rows.map((x) => x.storageUrl).join(', ') || 'nothing'})`];
    return [
      ...problems(r.characteristics.inlines === survey.inlines, `${what}: inlines ${String(r.characteristics.inlines)} ≠ ${survey.inlines}`),
      ...problems(close(r.characteristics.latitude, survey.latitude), `${what}: latitude ${String(r.characteristics.latitude)} ≠ ${survey.latitude}`),
      ...problems(r.domain.basin === survey.basin, `${what}: basin ${String(r.domain.basin)} ≠ ${survey.basin}`),
      ...problems(r.domain.field === survey.field, `${what}: field ${String(r.domain.field)} ≠ ${survey.field}`),
      ...problems(rows.every((x) => x.storageUrl === survey.url), `${what}: unexpected raw files ${rows.map((x) => x.storageUrl).join(', ')}`),
    ];
  };
  return {
    model,
    dataset,
    parameters: range,
    domain: { graph: DOMAIN_GRAPH },
    describe: {
      dataset: `${d.train} (${dataset}), ${onDataset.length} trainings`,
      model: `${first.models[argmin(first.losses)]} (${model})`,
      parameters: JSON.stringify(range),
      domain: DOMAIN_GRAPH,
    },
    check: {
      q1: (a) => {
        const rows = a as Awaited<ReturnType<typeof q1>>;
        return [...problems(rows.length === 1, `q1: ${rows.length} rows, expected 1`), ...problems(rows[0]?.dataset === dataset, `q1: dataset ${rows[0]?.dataset} ≠ ${dataset}`), ...sourceOk(rows, 'q1')];
      },
      q2: (a) => {
        const rows = a as Awaited<ReturnType<typeof q2>>;
        const got = Object.fromEntries(rows.map((r) => [r.parameter, r.value]));
        return [
          ...problems(rows.length === 4, `q2: ${rows.length} rows, expected 4`),
          ...Object.entries(d.parameters).flatMap(([k, v]) => problems(close(got[k], v), `q2: ${k} = ${String(got[k])}, expected ${v}`)),
        ];
      },
      q3: (a) => {
        const r = a as Awaited<ReturnType<typeof q3>>;
        if (!r) return ['q3: no answer'];
        return [
          ...problems(r.model === best.model, `q3: model ${r.model} ≠ ${best.model}`),
          ...problems(close(r.value, best.loss), `q3: loss ${r.value} ≠ ${best.loss}`),
          ...problems(r.epoch === best.epoch, `q3: epoch ${r.epoch} ≠ ${best.epoch}`),
          ...problems(close(r.hyperparameters.learningRate, best.lr), `q3: learningRate ${String(r.hyperparameters.learningRate)} ≠ ${best.lr}`),
          ...problems(r.evaluations.accuracy !== undefined && r.modelHyperparameters.epoch === best.epoch, `q3: evaluations/model hyperparameters incomplete`),
        ];
      },
      q4: (a) => {
        const rows = a as Awaited<ReturnType<typeof q4>>;
        return [
          ...problems(rows.length === onDataset.length * epochs, `q4: ${rows.length} rows, expected ${onDataset.length * epochs}`),
          ...problems(rows.every((r) => r.batches === batches && r.minMs >= 40 && r.maxMs <= 60 && r.minMs <= r.avgMs && r.avgMs <= r.maxMs), 'q4: batch counts or times off'),
        ];
      },
      q5: (a) => {
        const rows = (a as Awaited<ReturnType<typeof q5>>).filter((r) => r.dataset === dataset);
        return [
          ...problems(rows.length === onDataset.length, `q5: ${rows.length} training rows on the dataset, expected ${onDataset.length}`),
          ...problems(
            rows.every((r) => r.epochs === epochs && r.batches === epochs * batches && r.models.length === epochs && (r.avgBatchMs ?? 0) >= 40 && (r.avgBatchMs ?? 0) <= 60),
            'q5: epochs, batches, models or average times off',
          ),
        ];
      },
      q6: (a) => {
        const rows = a as Awaited<ReturnType<typeof q6>>;
        return [...problems(rows.some((r) => r.dataset === dataset), `q6: dataset ${dataset} missing`), ...sourceOk(rows, 'q6')];
      },
    },
  };
}

const CALLS: Record<QueryName, (e: SparqlEndpoint, w: Workload) => Promise<unknown>> = {
  q1: (e, w) => q1(e, { model: w.model, domain: w.domain }),
  q2: (e, w) => q2(e, { model: w.model }),
  q3: (e, w) => q3(e, { dataset: w.dataset }),
  q4: (e, w) => q4(e, { dataset: w.dataset }),
  q5: (e, w) => q5(e, { parameters: w.parameters }),
  q6: (e, w) => q6(e, { parameters: w.parameters, domain: w.domain }),
};

/**
 * A pass-through endpoint that times each request of the query being measured, so the report can
 * say which SPARQL request of a lifecycle query is the slow one (cost: one `performance.now()`
 * pair per request).
 */
class TimingEndpoint implements SparqlEndpoint {
  /** Per request index of the current call: durations (ms) and the SPARQL text. */
  current: Array<{ ms: number[]; text: string }> = [];
  #n = 0;
  constructor(readonly inner: SparqlEndpoint) {}
  /** Start a new call of the query whose per-request slots are `slots`. */
  begin(slots: Array<{ ms: number[]; text: string }>): void {
    this.current = slots;
    this.#n = 0;
  }
  async #time<T>(text: string, run: () => Promise<T>): Promise<T> {
    const i = this.#n++;
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      const slot = (this.current[i] ??= { ms: [], text });
      slot.ms.push(performance.now() - t0);
    }
  }
  select(q: string, o?: QueryOptions) {
    return this.#time(q, () => this.inner.select(q, o));
  }
  construct(q: string, o?: QueryOptions) {
    return this.#time(q, () => this.inner.construct(q, o));
  }
  ask(q: string, o?: QueryOptions) {
    return this.#time(q, () => this.inner.ask(q, o));
  }
  update(u: string) {
    return this.inner.update(u);
  }
  insertQuads(quads: Parameters<SparqlEndpoint['insertQuads']>[0], graph?: string) {
    return this.inner.insertQuads(quads, graph);
  }
  close() {
    return this.inner.close();
  }
}

interface QueryStats {
  /** Median (ms) and SPARQL text of each request the query function sent, in order. */
  requests: Array<{ median: number; text: string }>;
  median: number;
  p95: number;
  min: number;
  max: number;
  rows: number;
  problems: string[];
  error?: string;
}

interface EngineResult {
  engine: 'embedded' | 'virtuoso';
  loadMs: number;
  quads: number;
  queries: Record<QueryName, QueryStats>;
}

const rowCount = (a: unknown) => (Array.isArray(a) ? a.length : a === undefined ? 0 : 1);

async function measure(engine: EngineResult['engine'], inner: SparqlEndpoint, w: Workload, loadMs: number, quads: number): Promise<EngineResult> {
  const endpoint = new TimingEndpoint(inner);
  const times = Object.fromEntries(QUERIES.map((q) => [q, [] as number[]])) as Record<QueryName, number[]>;
  const requests = Object.fromEntries(QUERIES.map((q) => [q, [] as Array<{ ms: number[]; text: string }>])) as Record<QueryName, Array<{ ms: number[]; text: string }>>;
  const discard: Array<{ ms: number[]; text: string }> = [];
  const last: Partial<Record<QueryName, unknown>> = {};
  const errors: Partial<Record<QueryName, string>> = {};
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const q of QUERIES) {
      if (errors[q]) continue;
      discard.length = 0;
      endpoint.begin(round >= WARMUP ? requests[q] : discard);
      const t0 = performance.now();
      try {
        last[q] = await CALLS[q](endpoint, w);
      } catch (err) {
        errors[q] = err instanceof Error ? err.message.split('\n').slice(0, 3).join(' ') : String(err);
        log(`${engine} ${q} failed: ${errors[q]}`);
        continue;
      }
      if (round >= WARMUP) times[q].push(performance.now() - t0);
    }
  }
  const queries = Object.fromEntries(
    QUERIES.map((q) => {
      const xs = times[q];
      const s: QueryStats = {
        requests: requests[q].map((r) => ({ median: median(r.ms), text: r.text })),
        median: median(xs),
        p95: percentile(xs, 0.95),
        min: xs.length ? Math.min(...xs) : NaN,
        max: xs.length ? Math.max(...xs) : NaN,
        rows: rowCount(last[q]),
        problems: errors[q] ? [] : w.check[q](last[q]),
        ...(errors[q] ? { error: errors[q] } : {}),
      };
      for (const p of s.problems) log(`${engine} ${p}`);
      return [q, s];
    }),
  ) as Record<QueryName, QueryStats>;
  return { engine, loadMs, quads, queries };
}

// ---------------------------------------------------------------------------------------------
// Loading

/** Split N-Quads text into `parts` files of whole lines under `dir`; returns their names. */
async function writeParts(dir: string, text: string, parts: number): Promise<string[]> {
  const names: string[] = [];
  let from = 0;
  for (let i = 0; i < parts; i++) {
    let to = i === parts - 1 ? text.length : text.indexOf('\n', Math.floor(((i + 1) * text.length) / parts));
    to = to === -1 ? text.length : to + (i === parts - 1 ? 0 : 1);
    const name = `lifecycle-${i}.nq`;
    await writeFile(join(dir, name), text.slice(from, to));
    names.push(name);
    from = to;
  }
  return names;
}

async function virtuosoQuads(v: VirtuosoInstance): Promise<number> {
  const q = `SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:provml:")) }`;
  const res = await fetch(`${v.sparqlUrl}?query=${encodeURIComponent(q)}`, { headers: { accept: 'application/sparql-results+json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`Virtuoso count answered ${res.status}: ${text.slice(0, 300)}`);
  return Number((JSON.parse(text) as { results: { bindings: Array<{ n: { value: string } }> } }).results.bindings[0]?.n.value);
}

/** Virtuoso's bulk loader over the dump split in one part per core; then a checkpoint. */
async function bulkLoad(v: VirtuosoInstance, nquads: string): Promise<void> {
  const isql = findVirtuoso()!.isql;
  const sql = async (s: string) => {
    const { stdout } = await run(isql, [`127.0.0.1:${v.sqlPort}`, 'dba', 'dba', `exec=${s}`], { timeout: 600_000, maxBuffer: 1 << 24 });
    if (/\*\*\* Error/.test(stdout)) throw new Error(`isql: ${stdout.slice(stdout.indexOf('*** Error'), 400)}`);
    return stdout;
  };
  const loaders = 2;
  await writeParts(v.dir, nquads, loaders); // the instance's dir is in its DirsAllowed
  await sql(`ld_dir('${v.dir}', 'lifecycle-*.nq', 'urn:provml:bench:default');`);
  await Promise.all(Array.from({ length: loaders }, () => sql('rdf_loader_run();')));
  await sql('checkpoint;');
  const failed = await sql(`SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;`);
  if (/lifecycle-\d+\.nq/.test(failed)) throw new Error(`Virtuoso bulk load failed: ${failed}`);
}

/** provml's Graph Store path: `HttpSparqlEndpoint.insertQuads` in 100 000-line slices. */
async function gspLoad(v: VirtuosoInstance, nquads: string): Promise<void> {
  const ep = new HttpSparqlEndpoint({ url: v.sparqlUrl, gsp: { url: v.gspUrl, style: 'virtuoso' } });
  try {
    let from = 0;
    while (from < nquads.length) {
      let to = from;
      for (let i = 0; i < 100_000 && to < nquads.length; i++) {
        const nl = nquads.indexOf('\n', to);
        to = nl === -1 ? nquads.length : nl + 1;
      }
      await ep.insertQuads(nquads.slice(from, to));
      from = to;
    }
  } finally {
    await ep.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const work = await mkdtemp(join(tmpdir(), 'provml-bench-query-'));
let virtuoso: VirtuosoInstance | undefined;
let virtuosoEndpoint: HttpSparqlEndpoint | undefined;
const stopAll = async () => {
  await virtuosoEndpoint?.close();
  await virtuoso?.stop();
  await rm(work, { recursive: true, force: true });
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stopAll().finally(() => process.exit(130)));

try {
  phase(`generating synthetic lifecycles: ${JSON.stringify(SCALE)}`);
  const life = await generateLifecycle(SCALE, (done, total) => {
    if (done % 48 === 0 || done === total) phase(`  ${done}/${total} trainings captured`);
  });
  const triples = life.store.size;
  phase(`generated ${triples} triples from ${life.events} capture events in ${(life.ms / 1000).toFixed(1)} s`);
  if (triples < MIN_TRIPLES && !QUICK) log(`WARNING: ${triples} triples < ${MIN_TRIPLES}: raise the scale`);

  let t0 = performance.now();
  const nquads = life.store.dump();
  const dumpMs = performance.now() - t0;
  const dumpPath = join(work, 'lifecycle.nq');
  await writeFile(dumpPath, nquads);
  if (process.env.BENCH_DUMP) await copyFile(dumpPath, process.env.BENCH_DUMP);
  phase(`dumped ${(nquads.length / 1e6).toFixed(0)} MB of N-Quads in ${(dumpMs / 1000).toFixed(1)} s${process.env.BENCH_DUMP ? ` (copy: ${process.env.BENCH_DUMP})` : ''}`);
  const w = workload(life);
  table('query parameters', Object.entries(w.describe).map(([k, v]) => [k, v]));

  // (a) embedded
  t0 = performance.now();
  const embedded = await EmbeddedStore.open({ path: dumpPath, persistOnClose: false });
  const embeddedLoadMs = performance.now() - t0;
  phase(`embedded: loaded ${embedded.size} quads in ${(embeddedLoadMs / 1000).toFixed(1)} s; querying (${WARMUP} warm-up + ${RUNS} rounds)`);
  if (embedded.size !== triples) throw new Error(`embedded store holds ${embedded.size} quads, generated ${triples}`);
  const results: EngineResult[] = [await measure('embedded', embedded, w, embeddedLoadMs, embedded.size)];
  await embedded.close();

  // (b) Virtuoso
  let virtuosoSkipped: string | undefined;
  if (process.env.BENCH_VIRTUOSO === '0') virtuosoSkipped = 'BENCH_VIRTUOSO=0';
  else if (!findVirtuoso()) virtuosoSkipped = 'virtuoso-t not installed (apt-get install -y virtuoso-opensource)';
  let virtuosoStartupMs = NaN;
  if (virtuosoSkipped === undefined) {
    virtuoso = await startVirtuoso();
    virtuosoStartupMs = virtuoso.startupMs;
    phase(`virtuoso: up in ${virtuoso.startupMs.toFixed(0)} ms; loading (${VIRTUOSO_LOAD})`);
    t0 = performance.now();
    if (VIRTUOSO_LOAD === 'bulk') await bulkLoad(virtuoso, nquads);
    else await gspLoad(virtuoso, nquads);
    const loadMs = performance.now() - t0;
    const stored = await virtuosoQuads(virtuoso);
    phase(`virtuoso: loaded ${stored} quads in ${(loadMs / 1000).toFixed(1)} s; querying (${WARMUP} warm-up + ${RUNS} rounds)`);
    if (stored !== triples) throw new Error(`Virtuoso holds ${stored} quads in urn:provml: graphs, generated ${triples}`);
    virtuosoEndpoint = new HttpSparqlEndpoint({ url: virtuoso.sparqlUrl });
    results.push(await measure('virtuoso', virtuosoEndpoint, w, loadMs, stored));
  } else log(`virtuoso: skipped (${virtuosoSkipped})`);

  // Report
  const [emb, vir] = [results[0]!, results[1]];
  const slowest = (q: QueryName) => Math.max(...results.map((r) => r.queries[q].median));
  const ok = (x: number) => (x <= GOAL_MS ? 'yes' : 'NO');
  table(`lifecycle queries on ${triples.toLocaleString('en')} triples (ms; ${RUNS} runs after ${WARMUP} warm-up)`, [
    ['query', 'embedded median', 'p95', vir ? 'virtuoso median' : 'virtuoso', ...(vir ? ['p95'] : []), 'rows', `≤ ${GOAL_MS} ms`],
    ...QUERIES.map((q): [string, ...string[]] => [
      q,
      fmt(emb.queries[q].median),
      fmt(emb.queries[q].p95),
      ...(vir ? [fmt(vir.queries[q].median), fmt(vir.queries[q].p95)] : ['skipped']),
      String(emb.queries[q].rows),
      ok(slowest(q)),
    ]),
  ]);
  table('per SPARQL request of each query function (median ms, in the order sent)', [
    ['query', 'embedded', ...(vir ? ['virtuoso'] : [])],
    ...QUERIES.map((q): [string, ...string[]] => [
      q,
      ...results.map((r) => r.queries[q].requests.map((x) => fmt(x.median)).join(' + ') || '—'),
    ]),
  ]);
  if (process.env.BENCH_VERBOSE === '1') {
    for (const r of results) {
      for (const q of QUERIES) {
        const slow = [...r.queries[q].requests].sort((a, b) => b.median - a.median)[0];
        if (slow) log(`\n${r.engine} ${q}: slowest request (${fmt(slow.median)} ms):\n${slow.text}`);
      }
    }
  }
  table('data', [
    ['triples', triples.toLocaleString('en')],
    ['capture events', life.events.toLocaleString('en')],
    ['generate (capture + record + store)', `${(life.ms / 1000).toFixed(1)} s`],
    ['dump N-Quads', `${(dumpMs / 1000).toFixed(1)} s, ${(nquads.length / 1e6).toFixed(0)} MB`],
    ['load embedded (EmbeddedStore.open)', `${(emb.loadMs / 1000).toFixed(1)} s`],
    ['load virtuoso', vir ? `${(vir.loadMs / 1000).toFixed(1)} s (${VIRTUOSO_LOAD})` : 'skipped'],
    ['load average (1 min), start → end', `${loadAtStart.toFixed(2)} → ${loadavg()[0]!.toFixed(2)} (${availableParallelism()} cores)`],
  ]);
  const problems = results.flatMap((r) => QUERIES.flatMap((q) => [...r.queries[q].problems, ...(r.queries[q].error ? [`${q} error: ${r.queries[q].error}`] : [])].map((p) => `${r.engine}: ${p}`)));
  if (problems.length) table('answer checks FAILED', problems.map((p): [string] => [p]));
  else log('\nanswer checks: every answer matches the generator manifest on every engine');

  const engineJson = (r: EngineResult) => ({
    triples: r.quads,
    load_ms: round(r.loadMs, 0),
    ...Object.fromEntries(QUERIES.flatMap((q) => [
      [`${q}_ms`, round(r.queries[q].median, 2)],
      [`${q}_p95_ms`, round(r.queries[q].p95, 2)],
      [`${q}_requests_ms`, r.queries[q].requests.map((x) => round(x.median, 2))],
    ])),
    answers_ok: QUERIES.every((q) => r.queries[q].problems.length === 0 && !r.queries[q].error),
  });
  const top = Object.fromEntries(QUERIES.map((q) => [`${q}_ms`, round(slowest(q), 2)]));
  const met = Object.fromEntries(QUERIES.map((q) => [q, slowest(q) <= GOAL_MS]));
  const json = {
    bench: 'query',
    triples,
    ...top,
    goal_ms: GOAL_MS,
    met: Object.values(met).every(Boolean) && triples >= MIN_TRIPLES && problems.length === 0,
    met_per_query: met,
    answers_ok: problems.length === 0,
    embedded: engineJson(emb),
    virtuoso: vir ? { ...engineJson(vir), load: VIRTUOSO_LOAD, startup_ms: round(virtuosoStartupMs, 0) } : null,
    ...(virtuosoSkipped ? { virtuoso_skipped: virtuosoSkipped } : {}),
    generate_ms: round(life.ms, 0),
    dump_ms: round(dumpMs, 0),
    events: life.events,
    scale: SCALE,
    runs: RUNS,
    warmup: WARMUP,
    quick: QUICK,
    runtime_s: round((performance.now() - tBench) / 1000, 1),
    // 1-minute load average at start and end: on a shared machine, other work inflates latencies.
    loadavg_1m: [round(loadAtStart, 2), round(loadavg()[0]!, 2)],
  };
  process.stdout.write(`${JSON.stringify(json)}\n`);
} finally {
  await stopAll();
}
