/**
 * The few questions the report asks that src/query does not answer yet, as reviewed templates
 * (src/query/template.ts): run IRIs enter only as checked IRI terms in a `VALUES` block or as
 * constants in the syntax tree, never as text. Everything else comes from src/query (listRuns,
 * runHyperparameters, runDatasets, the monitor's templates, q1–q6, lineage, batchTimeStats).
 *
 * As in the monitor's templates, every pattern is anchored on the run, and the batch measures
 * have their own query rather than an OPTIONAL next to the batches (on Oxigraph an OPTIONAL
 * holding a typed join was measured ~500× slower than the same join on its own).
 */
import type { SparqlEndpoint } from '../store/endpoint.js';
import { boundQuery } from '../query/monitor-queries.js';
import type { EpochSummary } from '../query/runs.js';
import { iriTerm, termNumber } from '../query/sparql.js';
import { SparqlTemplate } from '../query/template.js';

/** The experiment each run's workflow is defined for (`provml:inExperiment`). */
const EXPERIMENTS = new SparqlTemplate(`
SELECT ?run ?experiment WHERE {
  ?run provml:executes ?workflow .
  ?workflow provml:inExperiment ?x .
  ?x provml:name ?experiment .
}`);

/** Models the learning stages of a run generated, by the stage itself or by one of its epochs. */
const RUN_MODELS = new SparqlTemplate(`
SELECT DISTINCT ?stage ?model ?url ?byStage ?epoch WHERE {
  ?stage provml:partOf ?run ; a provml:LearningStageExecution .
  {
    ?model prov:wasGeneratedBy ?stage .
    BIND(true AS ?byStage)
  } UNION {
    ?e provml:partOf ?stage ; provml:iterationIndex ?epoch .
    ?model prov:wasGeneratedBy ?e .
  }
  ?model a provml:ModelReferenceValue .
  OPTIONAL { ?model provml:storageUrl ?url }
}`);

/**
 * Batches of the epochs of a run's stages (or of epochs directly under the run, as the monitor
 * reads them), with their times. Each UNION branch carries its whole pattern (see monitor-queries.ts).
 */
const RUN_BATCHES = new SparqlTemplate(`
SELECT ?stage ?epochIndex ?batch ?index ?duration ?start ?end WHERE {
  {
    ?stage provml:partOf ?run .
    ?epoch provml:partOf ?stage ; a provml:EpochExecution ; provml:iterationIndex ?epochIndex .
    ?batch provml:partOf ?epoch ; a provml:BatchExecution .
  } UNION {
    ?epoch provml:partOf ?run ; a provml:EpochExecution ; provml:iterationIndex ?epochIndex .
    ?batch provml:partOf ?epoch ; a provml:BatchExecution .
    BIND(?run AS ?stage)
  }
  OPTIONAL { ?batch provml:iterationIndex ?index }
  OPTIONAL { ?batch provml:durationMs ?duration }
  OPTIONAL { ?batch prov:startedAtTime ?start }
  OPTIONAL { ?batch prov:endedAtTime ?end }
}`);

/** Numeric measures (model evaluations) the batches of a run generated (same two shapes). */
const RUN_BATCH_MEASURES = new SparqlTemplate(`
SELECT ?batch ?name ?value WHERE {
  {
    ?stage provml:partOf ?run .
    ?epoch provml:partOf ?stage ; a provml:EpochExecution .
    ?batch provml:partOf ?epoch ; a provml:BatchExecution .
    ?evaluation prov:wasGeneratedBy ?batch ; a provml:ModelEvaluation ; mls:hasValue ?value ; provml:valueOf ?measure .
    ?measure provml:name ?name .
  } UNION {
    ?epoch provml:partOf ?run ; a provml:EpochExecution .
    ?batch provml:partOf ?epoch ; a provml:BatchExecution .
    ?evaluation prov:wasGeneratedBy ?batch ; a provml:ModelEvaluation ; mls:hasValue ?value ; provml:valueOf ?measure .
    ?measure provml:name ?name .
  }
}`);

/**
 * The experiment name of each run that has one (run IRI → name).
 *
 * @example
 * ```ts
 * const experiments = await runExperiments(store, [run]); // Map { run => 'baseline' }
 * ```
 */
export async function runExperiments(endpoint: SparqlEndpoint, runs: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (runs.length === 0) return out;
  const rows = await endpoint.select(EXPERIMENTS.render({ values: { run: runs.map((r) => iriTerm(r, 'run IRI')) } }));
  for (const r of rows) {
    const run = r.run!.value;
    const name = r.experiment!.value;
    const before = out.get(run);
    if (before === undefined || name < before) out.set(run, name); // one, deterministically
  }
  return out;
}

/**
 * A model a learning stage produced.
 *
 * @example
 * ```ts
 * const m: RunModel = { stage, model: 'urn:provml:data:…', byStage: true, epoch: 2 };
 * ```
 */
export interface RunModel {
  stage: string;
  model: string;
  storageUrl?: string;
  /** The stage itself generated it (its declared output). */
  byStage: boolean;
  /** Index of the epoch that generated it, when one did. */
  epoch?: number;
}

/**
 * Models of a run's learning stages, one entry per model and stage, in epoch order.
 *
 * @example
 * ```ts
 * const models = await runModels(store, run);
 * ```
 */
export async function runModels(endpoint: SparqlEndpoint, run: string): Promise<RunModel[]> {
  const rows = await endpoint.select(RUN_MODELS.render({ constants: { run: iriTerm(run, 'run IRI') } }));
  const byKey = new Map<string, RunModel>();
  for (const r of rows) {
    const key = `${r.stage!.value} ${r.model!.value}`;
    let m = byKey.get(key);
    if (!m) {
      m = { stage: r.stage!.value, model: r.model!.value, byStage: false, ...(r.url ? { storageUrl: r.url.value } : {}) };
      byKey.set(key, m);
    }
    if (r.byStage) m.byStage = true;
    const epoch = termNumber(r.epoch);
    if (epoch !== undefined && (m.epoch === undefined || epoch < m.epoch)) m.epoch = epoch;
  }
  return [...byKey.values()].sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0) || (a.epoch ?? Infinity) - (b.epoch ?? Infinity) || (a.model < b.model ? -1 : 1));
}

/**
 * The final model of each learning stage: the one the stage itself generated, else the one of
 * its last epoch.
 *
 * @example
 * ```ts
 * finalModels(await runModels(store, run)); // ['urn:provml:data:…']
 * ```
 */
export function finalModels(models: readonly RunModel[]): string[] {
  const byStage = new Map<string, RunModel[]>();
  for (const m of models) (byStage.get(m.stage) ?? byStage.set(m.stage, []).get(m.stage)!).push(m);
  const out: string[] = [];
  for (const list of byStage.values()) {
    const declared = list.filter((m) => m.byStage);
    const pick = declared.length > 0 ? declared : [...list].sort((a, b) => (b.epoch ?? -Infinity) - (a.epoch ?? -Infinity)).slice(0, 1);
    for (const m of pick) if (!out.includes(m.model)) out.push(m.model);
  }
  return out;
}

/**
 * One batch of a run, with its duration (`provml:durationMs`, else end − start) and measures.
 *
 * @example
 * ```ts
 * const b: RunBatch = { stage, epoch: 0, index: 3, durationMs: 12.5, measures: { loss: 0.4 } };
 * ```
 */
export interface RunBatch {
  stage: string;
  epoch: number;
  /** Batch index within its epoch (absent when not recorded). */
  index?: number;
  durationMs?: number;
  measures: Record<string, number>;
}

/**
 * Every batch of a run's learning stages, ordered by stage, epoch and batch index (then start).
 *
 * @example
 * ```ts
 * const batches = await runBatches(store, run);
 * ```
 */
export async function runBatches(endpoint: SparqlEndpoint, run: string): Promise<RunBatch[]> {
  const constants = { run: iriTerm(run, 'run IRI') };
  const [rows, measures] = await Promise.all([
    endpoint.select(RUN_BATCHES.render({ constants })),
    endpoint.select(RUN_BATCH_MEASURES.render({ constants })),
  ]);
  const byBatch = new Map<string, RunBatch & { start: string }>();
  for (const r of rows) {
    const iri = r.batch!.value;
    if (byBatch.has(iri)) continue;
    const index = termNumber(r.index);
    const measured = termNumber(r.duration);
    const start = r.start?.value;
    const end = r.end?.value;
    const computed = start && end ? Date.parse(end) - Date.parse(start) : undefined;
    const durationMs = measured ?? (computed !== undefined && Number.isFinite(computed) ? computed : undefined);
    byBatch.set(iri, {
      stage: r.stage!.value,
      epoch: termNumber(r.epochIndex) ?? Number.NaN,
      ...(index !== undefined ? { index } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      measures: {},
      start: start ?? '',
    });
  }
  for (const m of measures) {
    const b = byBatch.get(m.batch!.value);
    const v = termNumber(m.value);
    if (b && m.name && v !== undefined) b.measures[m.name.value] = v;
  }
  return [...byBatch.values()]
    .sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0) || a.epoch - b.epoch || (a.index ?? Infinity) - (b.index ?? Infinity) || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map(({ start: _start, ...b }) => b);
}

/**
 * The epochs of a run with their measures and batch counts, in the shape of `runEpochs`
 * (src/query/runs.ts), but read with the live monitor's run-anchored templates: `runEpochs`
 * counts batches inside its measure join, which took ≈ 1 s per run of 2,000 batches on the
 * embedded store. Epochs directly under the run (no stage) are included, with the run as their
 * `stage`. `batches` are counted from {@link runBatches}' answer.
 *
 * @example
 * ```ts
 * const batches = await runBatches(store, run);
 * const epochs = await runEpochSummaries(store, run, batches);
 * ```
 */
export async function runEpochSummaries(endpoint: SparqlEndpoint, run: string, batches: readonly RunBatch[]): Promise<EpochSummary[]> {
  const binding = { run: iriTerm(run, 'run IRI') };
  const [header, epochs, measures] = await Promise.all([
    endpoint.select(boundQuery('header', binding)),
    endpoint.select(boundQuery('epochs', binding)),
    endpoint.select(boundQuery('epochMeasures', binding)),
  ]);
  const stageType = new Map<string, string>();
  for (const r of header) if (r.stage && r.stageType) stageType.set(r.stage.value, localName(r.stageType.value).toLowerCase());
  const counts = new Map<string, number>();
  for (const b of batches) counts.set(`${b.stage} ${b.epoch}`, (counts.get(`${b.stage} ${b.epoch}`) ?? 0) + 1);
  const byEpoch = new Map<string, EpochSummary>();
  for (const r of epochs) {
    const index = termNumber(r.index);
    if (!r.epoch || !r.stage || index === undefined || byEpoch.has(r.epoch.value)) continue;
    const stage = r.stage.value;
    const ms = r.start && r.end ? Date.parse(r.end.value) - Date.parse(r.start.value) : Number.NaN;
    byEpoch.set(r.epoch.value, {
      stage,
      ...(stageType.has(stage) ? { stageType: stageType.get(stage)! } : {}),
      epoch: index,
      ...(Number.isFinite(ms) ? { durationMs: ms } : {}),
      batches: counts.get(`${stage} ${index}`) ?? 0,
      measures: {},
    });
  }
  for (const r of measures) {
    const e = r.epoch ? byEpoch.get(r.epoch.value) : undefined;
    const v = termNumber(r.value);
    if (e && r.name && v !== undefined) e.measures[r.name.value] = v;
  }
  return [...byEpoch.values()].sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0) || a.epoch - b.epoch);
}

function localName(iri: string): string {
  return iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/')) + 1);
}
