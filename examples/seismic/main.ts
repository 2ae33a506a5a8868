/**
 * `npm run demo` — the whole ML lifecycle of shared/QUERIES.md on real TensorFlow.js, with zero
 * setup: three workflows in three separate processes, linked only by the files they share.
 *
 * 1. `curation.ts` (geoscientists): two synthetic seismic surveys as real binary files; their
 *    quantities of interest (counts, inline ranges, coordinates) become characteristics of the
 *    files' nodes; basin, field and wells go into the domain graph (`prov.describe`).
 * 2. `preparation.ts` (computational scientists): two training datasets cut from inline ranges of
 *    the surveys, denoised and tiled — train and validation tile files.
 * 3. `learning.ts` (ML engineers): three `@tensorflow/tfjs` trainings of a small classifier on the
 *    tiles, recorded by `provmlCallback`, with a model file per epoch and a validation stage.
 *
 * Each phase writes its own provml journal (offline mode: N-Quads on disk, no store). This driver
 * then loads the three journals into one embedded store, answers Q1–Q6, checks every answer
 * against what the phases generated (the survey files' headers, the domain facts, the tile files'
 * parameters, tf.js's History), writes the HTML report and says where everything is. Any
 * mismatch ends it with exit code 1.
 *
 * `PROVML_DEMO_DIR` chooses the output directory (default `./provml-demo`, emptied first).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { EmbeddedStore } from '../../src/index.js';
import { printRows } from '../../src/cli/output.js';
import { listRuns, q1, q2, q3, q4, q5, q6, type Scalar } from '../../src/query/index.js';
import { report } from '../../src/report.js';
import type { TrainingHistory } from './learning.js';
import { layout, PREPARATIONS, SURVEYS, TRAININGS, type DatasetName, type SurveyName, type TrainingName } from './scenario.js';
import { readTiles, readVolumeHeader, type TileHeader, type VolumeHeader } from './volume.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const OUT = resolve(process.env.PROVML_DEMO_DIR ?? 'provml-demo');
const L = layout(OUT);
const PHASES = ['curation', 'preparation', 'learning'] as const;
/** A path as the user should see it: relative to the working directory when inside it. */
const show = (p: string): string => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p) || '.');
/** Where `prov.describe` puts domain facts by default. */
const DOMAIN = { graph: 'urn:provml:graph:domain' };

// ---------------------------------------------------------------------------------------------
// The three workflows, each in its own process.

/** tf.js's "install tfjs-node" banner (it goes to stderr): noise in a demo that chose the pure-JS backend on purpose. */
const BANNER = /^(=+|Hi,? (there|looks like you are running TensorFlow\.js in Node\.js).*)$/;

function runPhase(phase: (typeof PHASES)[number]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(HERE, `${phase}.ts`), '--out', OUT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = (stream: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.trim() !== '' && !BANNER.test(line.trim())) to.write(`  [${phase}] ${line}\n`);
    });
    stream.on('end', () => {
      if (rest.trim() !== '' && !BANNER.test(rest.trim())) to.write(`  [${phase}] ${rest}\n`);
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (code === 0) done(performance.now() - started);
      else fail(new Error(`the ${phase} phase failed (${signal ?? `exit code ${code}`}); see its output above`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Self-check: every answer is compared with what the phases generated.

const checks: Array<{ what: string; ok: boolean; detail?: string }> = [];

function same(what: string, actual: unknown, expected: unknown): void {
  const ok = isDeepStrictEqual(actual, expected);
  checks.push({ what, ok, ...(ok ? {} : { detail: `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}` }) });
}

function close(what: string, actual: unknown, expected: number, tolerance = 1e-9): void {
  const ok = typeof actual === 'number' && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));
  checks.push({ what, ok, ...(ok ? {} : { detail: `got ${JSON.stringify(actual)}, expected ${expected}` }) });
}

function holds(what: string, ok: boolean, detail?: string): void {
  checks.push({ what, ok, ...(ok || detail === undefined ? {} : { detail }) });
}

// ---------------------------------------------------------------------------------------------

const round = (x: number | undefined, digits = 4): number | undefined => (x === undefined ? undefined : Number(x.toFixed(digits)));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function heading(id: string, question: string): void {
  console.log(`\n${id} — ${question}`);
}

function table(rows: object[]): void {
  printRows('table', rows, process.stdout);
}

/** What curation must have extracted from a survey file's header. */
function geometryOf(h: VolumeHeader): Record<string, number> {
  const lats = h.corners.map((c) => c.lat);
  const lons = h.corners.map((c) => c.lon);
  return {
    inlines: h.inline.count,
    crosslines: h.crossline.count,
    samples: h.samples.count,
    sampleIntervalMs: h.samples.intervalMs,
    firstInline: h.inline.first,
    lastInline: h.inline.first + h.inline.count - 1,
    firstCrossline: h.crossline.first,
    lastCrossline: h.crossline.first + h.crossline.count - 1,
    latitude: mean(lats),
    longitude: mean(lons),
    latMin: Math.min(...lats),
    latMax: Math.max(...lats),
    lonMin: Math.min(...lons),
    lonMax: Math.max(...lons),
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  console.log(`provml demo — the ML lifecycle of a seismic facies classifier, three workflows in three processes\nOutput: ${OUT}\n`);

  const phaseMs: Record<string, number> = {};
  for (const phase of PHASES) {
    console.log(`${phase} (node --import tsx examples/seismic/${phase}.ts --out ${show(OUT)})`);
    phaseMs[phase] = await runPhase(phase);
  }

  // One embedded store from the three journals (N-Quads; each batch starts with a comment line).
  const store = EmbeddedStore.create();
  for (const phase of PHASES) store.loadNQuads(await readFile(L.journal(phase), 'utf8'));
  const runs = await listRuns(store);
  console.log(`\nLoaded ${PHASES.length} journals into one embedded store: ${store.size} quads, ${runs.length} workflow runs.`);
  same('runs in the store: 1 curation + 2 preparations + 3 trainings', runs.map((r) => r.workflow).sort(), ['prepare-training-tiles', 'prepare-training-tiles', 'seismic-curation', 'train-tile-classifier', 'train-tile-classifier', 'train-tile-classifier']);

  // What the phases generated, read from their files.
  const surveys = Object.keys(SURVEYS) as SurveyName[];
  const headers = Object.fromEntries(await Promise.all(surveys.map(async (s) => [s, await readVolumeHeader(L.survey(s))] as const))) as Record<SurveyName, VolumeHeader>;
  const datasets = Object.keys(PREPARATIONS) as DatasetName[];
  const tileParams = Object.fromEntries(await Promise.all(datasets.map(async (d) => [d, (await readTiles(L.train(d))).header.params] as const))) as Record<DatasetName, TileHeader['params']>;
  const trainings = Object.keys(TRAININGS) as TrainingName[];
  const histories = Object.fromEntries(await Promise.all(trainings.map(async (t) => [t, JSON.parse(await readFile(L.history(t), 'utf8')) as TrainingHistory] as const))) as Record<TrainingName, TrainingHistory>;

  // Short names for IRIs in the tables.
  const names = new Map<string, string>();
  for (const t of trainings) {
    const h = histories[t];
    names.set(h.run, t);
    names.set(h.dataset.iri, relative(OUT, h.dataset.path));
    names.set(h.validation.iri, relative(OUT, h.validation.path));
    for (const m of h.models) names.set(m.iri, relative(OUT, m.path));
  }
  const nameOf = (iri: string): string => names.get(iri) ?? iri;
  const fileOf = (url: string | undefined): string => (url?.startsWith('file:') ? relative(OUT, fileURLToPath(url)) : (url ?? ''));
  const surveyOfDataset = (d: DatasetName): SurveyName => PREPARATIONS[d].survey;

  // Q1 ----------------------------------------------------------------------------------------
  heading('Q1', 'for each training’s final model: the seismic data behind its training set — coordinates, slices, basin and field');
  const q1Rows: object[] = [];
  for (const t of trainings) {
    const h = histories[t];
    const model = h.models.at(-1)!;
    const rows = await q1(store, { model: model.iri, domain: DOMAIN });
    const s = surveyOfDataset(TRAININGS[t].dataset);
    same(`Q1 ${t}: one raw file, the ${s} survey`, rows.map((r) => r.storageUrl), [pathToFileURL(L.survey(s)).href]);
    for (const r of rows) {
      same(`Q1 ${t}: the model's training set`, r.dataset, h.dataset.iri);
      const expected = geometryOf(headers[s]);
      for (const [k, v] of Object.entries(expected)) close(`Q1 ${t}: ${k} of ${s}.svol`, r.characteristics[k], v);
      const d = SURVEYS[s].domain;
      same(`Q1 ${t}: basin, field, country from the domain graph`, [r.domain.basin, r.domain.field, r.domain.country], [d.basin, d.field, d.country]);
      const c = r.characteristics;
      q1Rows.push({ model: nameOf(r.model), 'training set': nameOf(r.dataset), 'raw file': fileOf(r.storageUrl), inlines: c.inlines, crosslines: c.crosslines, samples: c.samples, latitude: round(c.latitude as number), longitude: round(c.longitude as number), basin: r.domain.basin, field: r.domain.field });
    }
  }
  table(q1Rows);

  // Q2 ----------------------------------------------------------------------------------------
  heading('Q2', 'for each final model: tile size, noise threshold and slice range that made its training set');
  const q2Rows: object[] = [];
  for (const t of trainings) {
    const h = histories[t];
    const rows = await q2(store, { model: h.models.at(-1)!.iri });
    const params: Record<string, Scalar> = Object.fromEntries(rows.map((r) => [r.parameter, r.value]));
    const d = TRAININGS[t].dataset;
    same(`Q2 ${t}: parameters = those in ${d}-train.stil's header`, params, tileParams[d]);
    same(`Q2 ${t}: parameters = PREPARATIONS.${d}`, params, (({ survey: _s, ...p }) => p)(PREPARATIONS[d]));
    same(`Q2 ${t}: the two upstream transformations`, [...new Set(rows.map((r) => r.transformation))].sort(), ['denoise-and-tile', 'select-inlines']);
    q2Rows.push({ model: nameOf(h.models.at(-1)!.iri), steps: [...new Set(rows.map((r) => r.transformation))].sort().join(' + '), ...params });
  }
  table(q2Rows);

  // Q3 ----------------------------------------------------------------------------------------
  heading('Q3', 'for each training dataset: the model with the least loss, its hyperparameters and evaluations');
  const q3Rows: object[] = [];
  for (const d of datasets) {
    const on = trainings.filter((t) => TRAININGS[t].dataset === d);
    const dataset = histories[on[0]!].dataset.iri;
    const best = await q3(store, { dataset, measure: 'loss', order: 'min' });
    // Expected: the least epoch loss tf.js reported over every training on this dataset.
    const candidates = on.flatMap((t) => histories[t].history.loss!.map((loss, epoch) => ({ t, epoch, loss })));
    const want = candidates.reduce((a, b) => (b.loss < a.loss ? b : a));
    const h = histories[want.t];
    const spec = TRAININGS[want.t];
    holds(`Q3 ${d}: a best model`, best !== undefined);
    if (!best) continue;
    same(`Q3 ${d}: least loss = min of tf.js History over ${on.join(', ')}`, best.value, want.loss);
    same(`Q3 ${d}: from training ${want.t}`, best.run, h.run);
    same(`Q3 ${d}: at epoch ${want.epoch}`, best.epoch, want.epoch);
    same(`Q3 ${d}: the model file saved at that epoch`, best.model, h.models.find((m) => m.epoch === want.epoch)?.iri);
    same(`Q3 ${d}: hyperparameters of ${want.t}`, [best.hyperparameters.learningRate, best.hyperparameters.batchSize, best.hyperparameters.epochs, best.hyperparameters.optimizer], [spec.learningRate, spec.batchSize, spec.epochs, spec.optimizer === 'adam' ? 'Adam' : 'SGD']);
    for (const k of ['loss', 'acc', 'val_loss', 'val_acc']) same(`Q3 ${d}: evaluation ${k} = History.${k}[${want.epoch}]`, best.evaluations[k], h.history[k]![want.epoch]);
    q3Rows.push({
      dataset: nameOf(dataset),
      model: nameOf(best.model),
      training: nameOf(best.run),
      epoch: best.epoch,
      loss: round(best.evaluations.loss),
      acc: round(best.evaluations.acc),
      val_loss: round(best.evaluations.val_loss),
      val_acc: round(best.evaluations.val_acc),
      optimizer: best.hyperparameters.optimizer,
      learningRate: best.hyperparameters.learningRate,
      batchSize: best.hyperparameters.batchSize,
      epochs: best.hyperparameters.epochs,
    });
  }
  table(q3Rows);

  // Q4 ----------------------------------------------------------------------------------------
  const dA = histories.T1.dataset;
  heading('Q4', `batch time (ms) per epoch of every training on ${relative(OUT, dA.path)}`);
  const q4rows = await q4(store, { dataset: dA.iri });
  const onA = trainings.filter((t) => TRAININGS[t].dataset === 'A');
  same('Q4: the trainings on dataset A', [...new Set(q4rows.map((r) => nameOf(r.run)))].sort(), onA);
  for (const t of onA) {
    const h = histories[t];
    const mine = q4rows.filter((r) => r.run === h.run);
    same(`Q4 ${t}: one row per epoch tf.js ran`, mine.map((r) => r.epoch), h.epochs);
    same(`Q4 ${t}: ${h.batchesPerEpoch} batches per epoch (${h.dataset.tiles} tiles / batch ${TRAININGS[t].batchSize})`, [...new Set(mine.map((r) => r.batches))], [h.batchesPerEpoch]);
    holds(`Q4 ${t}: 0 < min ≤ avg ≤ max`, mine.every((r) => r.minMs > 0 && r.minMs <= r.avgMs + 1e-9 && r.avgMs <= r.maxMs + 1e-9), JSON.stringify(mine));
  }
  table(q4rows.map((r) => ({ training: nameOf(r.run), epoch: r.epoch, batches: r.batches, 'avg ms': round(r.avgMs, 3), 'min ms': round(r.minMs, 3), 'max ms': round(r.maxMs, 3) })));

  // Q5 ----------------------------------------------------------------------------------------
  const pA = PREPARATIONS.A;
  heading('Q5', `trainings on the dataset made from inlines ${pA.firstInline}–${pA.lastInline}: time per batch and epoch, evaluations of each model`);
  const q5rows = await q5(store, { parameters: { firstInline: pA.firstInline, lastInline: pA.lastInline } });
  same('Q5: the trainings on dataset A', q5rows.map((r) => nameOf(r.run)).sort(), onA);
  for (const r of q5rows) {
    const t = nameOf(r.run) as TrainingName;
    const h = histories[t];
    if (!h) continue;
    same(`Q5 ${t}: epochs and batches`, [r.epochs, r.batches], [h.epochs.length, h.epochs.length * h.batchesPerEpoch]);
    same(`Q5 ${t}: one model per epoch, in order`, r.models.map((m) => [m.epoch, m.model]), h.models.map((m) => [m.epoch, m.iri]));
    same(`Q5 ${t}: each model's loss = History.loss`, r.models.map((m) => m.evaluations.loss), h.history.loss);
    holds(`Q5 ${t}: average batch and epoch times`, (r.avgBatchMs ?? 0) > 0 && (r.avgEpochMs ?? 0) >= (r.avgBatchMs ?? 0));
  }
  table(q5rows.map((r) => ({ training: nameOf(r.run), dataset: nameOf(r.dataset), epochs: r.epochs, batches: r.batches, 'avg batch ms': round(r.avgBatchMs, 3), 'avg epoch ms': round(r.avgEpochMs, 1), 'loss by epoch': r.models.map((m) => round(m.evaluations.loss, 3)).join(' '), 'acc by epoch': r.models.map((m) => round(m.evaluations.acc, 3)).join(' ') })));
  const byRange = await q5(store, { parameters: { firstInline: { min: 1000 } } });
  console.log(`  (a range works too: firstInline ≥ 1000 → ${byRange.map((r) => nameOf(r.run)).join(', ') || 'nothing'})`);
  same('Q5 firstInline ≥ 1000: the trainings on dataset B', byRange.map((r) => nameOf(r.run)).sort(), trainings.filter((t) => TRAININGS[t].dataset === 'B'));

  // Q6 ----------------------------------------------------------------------------------------
  heading('Q6', `the seismic file behind the dataset of Q5: its slices, basin and field`);
  const q6rows = await q6(store, { parameters: { firstInline: pA.firstInline, lastInline: pA.lastInline }, domain: DOMAIN });
  // Q6 answers for the training dataset of Q5: the training tiles, not the validation tiles cut
  // from the same range (a validation stage used those; it trained nothing on them).
  const survey = pathToFileURL(L.survey(pA.survey)).href;
  same('Q6: the training dataset A, from the netherlands survey', q6rows.map((r) => [r.dataset, r.storageUrl]), [[dA.iri, survey]]);
  for (const r of q6rows) {
    const g = geometryOf(headers[pA.survey]);
    same('Q6: inline/crossline/sample counts of the file', [r.characteristics.inlines, r.characteristics.crosslines, r.characteristics.samples], [g.inlines, g.crosslines, g.samples]);
    const dom = SURVEYS[pA.survey].domain;
    same('Q6: basin and field from the domain graph', [r.domain.basin, r.domain.field], [dom.basin, dom.field]);
  }
  table(q6rows.map((r) => ({ dataset: nameOf(r.dataset), 'seismic file': fileOf(r.storageUrl), inlines: r.characteristics.inlines, crosslines: r.characteristics.crosslines, samples: r.characteristics.samples, 'inline range': `${r.characteristics.firstInline}–${r.characteristics.lastInline}`, basin: r.domain.basin, field: r.domain.field, country: r.domain.country })));

  // The report ----------------------------------------------------------------------------------
  const journals = PHASES.map((p) => show(L.journal(p)));
  const page = await report(store, { out: L.report, title: 'provml demo — seismic facies lifecycle', domain: DOMAIN, source: `journals ${journals.join(', ')}` });
  holds('report: index.html written', existsSync(page.file));
  same('report: 6 runs, 3 with a learning stage', [page.runs, page.trainings], [6, 3]);
  same('report: every part computed', page.problems, []);
  same('report: the store conforms to the PROV-ML SHACL shapes', page.conforms, true);

  // Verdict -------------------------------------------------------------------------------------
  const failed = checks.filter((c) => !c.ok);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`\nReport:   ${show(page.file)} (${page.runs} runs, ${page.charts} charts, ${page.lineageNodes} lineage nodes, SHACL ${page.conforms ? 'conforms' : 'VIOLATIONS'})`);
  console.log(`Journals: ${journals.join('  ')}`);
  console.log(`Data:     ${show(L.surveys)}/ (surveys), ${show(L.datasets)}/ (tiles), ${show(L.models)}/ (a model per epoch, tf.js History)`);
  console.log(`Ask more (after npm run build):`);
  console.log(`          npx provml query q1 --data ${show(L.dir)}/journals/*.nq --model ${show(L.model('T3', 0))} --domain-graph ${DOMAIN.graph}`);
  console.log(`          npx provml push ${show(L.dir)}/journals/*.nq --endpoint URL   (the same provenance into any SPARQL 1.1 store)`);
  console.log(`Time:     ${PHASES.map((p) => `${p} ${seconds(phaseMs[p]!)}`).join(', ')}; total ${seconds(performance.now() - started)}`);
  if (failed.length > 0) {
    console.error(`\nself-check FAILED: ${failed.length} of ${checks.length} checks did not hold:`);
    for (const c of failed) console.error(`  ✗ ${c.what}: ${c.detail ?? 'false'}`);
    process.exitCode = 1;
    return;
  }
  console.log(`\nself-check: all ${checks.length} checks passed (Q1–Q6 agree with the survey files, the domain facts, the tile files and tf.js's History)`);
}

main().catch((err: unknown) => {
  console.error(`provml demo failed: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof Error && !/phase failed/.test(err.message)) console.error(err.stack);
  process.exitCode = 1;
});
