/**
 * Synthetic ML lifecycles (shared/QUERIES.md) captured through provml's real capture API, for the
 * query benchmark: every quad is written by the recorder from `track.*` events, so the data has
 * exactly the shape a real curation / preparation / training writes.
 *
 *   curation      one workflow run per raw survey `file:///data/survey-K.sgy`: a transformation
 *                 that used the file and outputs its characteristics (inlines, crosslines, latitude,
 *                 longitude), which the recorder links to the used file (`provml:characterizes`).
 *   preparation   per survey, P workflow runs of two transformations (as test/support/lifecycle.ts):
 *                 `select-slices` (parameters firstInline, lastInline; used the raw file; generated
 *                 a slices file) then `tile-and-denoise` (parameters tileSize, noiseThreshold; used
 *                 the slices; generated a training and a validation dataset file). The slice
 *                 range (firstInline, lastInline) alone identifies one prepared dataset.
 *   training      T workflow runs spread round-robin over the prepared datasets: a `training`
 *                 stage (hyperparameters learningRate, batchSize, epochs; input the training file)
 *                 of E epochs × B batches — each batch measures `loss`; each epoch outputs loss,
 *                 accuracy, a model file and the model hyperparameter `epoch` (as
 *                 `@Epoch({ measures: ['loss','accuracy'], models: ['model'], modelHyperparameters:
 *                 ['epoch'] })`); the stage's end outputs the last model (as `@LearningStage({
 *                 models: ['model'] })`) — then a `validation` stage on the validation file with
 *                 loss and accuracy.
 *   domain        a separate named graph (`urn:provml:bench:domain`) of basin/field/well facts,
 *                 one node per raw file, the node's IRI being the file's storage URL.
 *
 * Timing: capture runs as fast as the CPU allows, so real clock readings would give µs-long
 * batches. Events therefore pass through {@link SimulatedClock}, an emitter in front of the
 * tracker that rewrites each event's `at` on a simulated clock (batches ≈ 40–60 ms, epoch
 * evaluation ≈ 300 ms…), so durations and timestamps look like a real training. Nothing else of
 * the event is touched; the recorder then writes start/end times and `provml:durationMs` as usual.
 */
import { ProvML, ref, track, type CaptureEvent, type EventEmitterLike } from '../../src/index.js';
import { EmbeddedStore } from '../../src/store/embedded.js';
import { rng } from '../../examples/quickstart/model.js'; // the demo's deterministic PRNG (mulberry32)

/** Scale of the synthetic lifecycle. */
export interface LifecycleScale {
  /** Raw seismic survey files (one curation run each). */
  surveys: number;
  /** Preparation runs per survey (one training + one validation dataset each). */
  preparationsPerSurvey: number;
  /** Training runs, spread round-robin over the prepared datasets. */
  trainings: number;
  /** Epochs per training. */
  epochs: number;
  /** Batches per epoch. */
  batches: number;
  /** PRNG seed. */
  seed: number;
}

/**
 * Defaults: ≈ 1.06 M triples (10 surveys × 3 preparations = 30 datasets, 240 trainings of
 * 10 epochs × 34 batches; 8 trainings per dataset).
 */
export const DEFAULT_SCALE: LifecycleScale = { surveys: 10, preparationsPerSurvey: 3, trainings: 240, epochs: 10, batches: 34, seed: 20240611 };

/** Scale from `BENCH_*` environment variables over `base`. */
export function scaleFromEnv(base: LifecycleScale = DEFAULT_SCALE, env: NodeJS.ProcessEnv = process.env): LifecycleScale {
  const n = (name: string, d: number) => {
    const v = env[name];
    if (v === undefined || v === '') return d;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1) throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return x;
  };
  return {
    surveys: n('BENCH_SURVEYS', base.surveys),
    preparationsPerSurvey: n('BENCH_PREPARATIONS', base.preparationsPerSurvey),
    trainings: n('BENCH_TRAININGS', base.trainings),
    epochs: n('BENCH_EPOCHS', base.epochs),
    batches: n('BENCH_BATCHES', base.batches),
    seed: n('BENCH_SEED', base.seed),
  };
}

export const DOMAIN_GRAPH = 'urn:provml:bench:domain';
/** Namespace of the synthetic domain vocabulary (basin, field, wells…). */
export const GEO = 'http://example.org/geo#';

/** What the generator made: enough to pick query parameters without asking the store. */
export interface SurveyInfo {
  /** Storage URL (also the domain node's IRI). */
  url: string;
  inlines: number;
  crosslines: number;
  latitude: number;
  longitude: number;
  basin: string;
  field: string;
}

export interface PreparedDataset {
  survey: number;
  /** Storage URLs of the generated files: the selected slices, then the tiled datasets. */
  slices: string;
  train: string;
  validation: string;
  parameters: { firstInline: number; lastInline: number; tileSize: number; noiseThreshold: number };
}

export interface TrainingInfo {
  /** Index into `datasets`. */
  dataset: number;
  /** Workflow execution id (root of its named graph). */
  run: string;
  hyperparameters: { learningRate: number; batchSize: number; epochs: number };
  /** Storage URL of each epoch's model file. */
  models: string[];
  /** Per-epoch loss (the model with the least loss is the one Q3 should find). */
  losses: number[];
}

export interface SyntheticLifecycle {
  scale: LifecycleScale;
  /** The store the tracker wrote into (plus the domain graph). */
  store: EmbeddedStore;
  surveys: SurveyInfo[];
  datasets: PreparedDataset[];
  trainings: TrainingInfo[];
  domainGraph: string;
  /** Capture events emitted. */
  events: number;
  /** Wall time of capture + record + load into the store (ms), domain graph included. */
  ms: number;
}

/**
 * An emitter in front of the tracker that puts events on a simulated clock (see the module
 * comment). Every event advances the clock a little; the end of a batch advances it by the
 * batch's simulated duration, the end of an epoch by its evaluation time.
 */
export class SimulatedClock implements EventEmitterLike {
  events = 0;
  #t: number;
  readonly #inner: EventEmitterLike;
  readonly #rand: () => number;
  constructor(inner: EventEmitterLike, start: number, rand: () => number) {
    this.#inner = inner;
    this.#t = start;
    this.#rand = rand;
  }
  get enabled(): boolean | undefined {
    return this.#inner.enabled;
  }
  /** Let simulated time pass (e.g. between workflow runs). */
  advance(ms: number): void {
    this.#t += ms;
  }
  emit(e: CaptureEvent): void {
    this.events++;
    if (e.t !== 'spec') {
      if (e.t === 'end') {
        if (e.kind === 'batch') this.#t += 40 + 20 * this.#rand();
        else if (e.kind === 'epoch') this.#t += 250 + 100 * this.#rand();
        else if (e.kind === 'transformation') this.#t += 2_000 + 8_000 * this.#rand();
        else this.#t += 5 + 10 * this.#rand();
      } else this.#t += 0.05 + 0.1 * this.#rand();
      e.at = this.#t;
    }
    this.#inner.emit(e);
  }
}

const BASINS: Array<[string, string[]]> = [
  ['Southern North Sea', ['Groningen', 'Leman', 'Indefatigable']],
  ['Campos', ['Marlim', 'Roncador', 'Albacora']],
  ['Santos', ['Lula', 'Buzios', 'Sapinhoa']],
  ['Permian', ['Spraberry', 'Wolfcamp', 'Delaware']],
];

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Generate a synthetic lifecycle into a new embedded store through `ProvML.init` + `track.*`.
 * The tracker is flushed after each phase and every 8 trainings, so the event queue stays small
 * whatever the scale.
 */
export async function generateLifecycle(scale: LifecycleScale = DEFAULT_SCALE, onProgress?: (done: number, total: number) => void): Promise<SyntheticLifecycle> {
  const t0 = performance.now();
  const rand = rng(scale.seed);
  const store = EmbeddedStore.create();
  // files: false — the data files do not exist here; provml then records the storage URL (and the
  // media type hint), exactly what it records for a URI it cannot read.
  const prov = ProvML.init({
    store,
    global: false,
    installExitHooks: false,
    files: false,
    batchSize: 2048,
    queueSize: 1 << 20,
    logger: { warn: (m: string) => process.stderr.write(`provml: ${m}\n`) },
  });
  const clock = new SimulatedClock(prov, Date.UTC(2024, 5, 1, 8), rand);
  const tracker = clock;

  // --- curation --------------------------------------------------------------------------------
  const surveys: SurveyInfo[] = [];
  for (let k = 0; k < scale.surveys; k++) {
    const [basin, fields] = BASINS[k % BASINS.length]!;
    const s: SurveyInfo = {
      url: `file:///data/survey-${k}.sgy`,
      inlines: 400 + Math.floor(rand() * 1200),
      crosslines: 300 + Math.floor(rand() * 900),
      latitude: round(-30 + rand() * 85, 5),
      longitude: round(-100 + rand() * 110, 5),
      basin,
      field: fields[Math.floor(k / BASINS.length) % fields.length]!,
    };
    surveys.push(s);
    track.workflow({ name: 'curate-seismic-survey', study: 'seismic facies', persona: 'geoscientist', tracker }, () =>
      track.transformation(
        'extract-survey-facts',
        { tracker, inputs: { survey: ref(s.url, { mediaType: 'application/x-segy' }) }, characteristics: ['inlines', 'crosslines', 'latitude', 'longitude'] },
        () => ({ inlines: s.inlines, crosslines: s.crosslines, latitude: s.latitude, longitude: s.longitude }),
      ),
    );
    clock.advance(60_000);
  }
  await prov.flush();

  // --- preparation ------------------------------------------------------------------------------
  const datasets: PreparedDataset[] = [];
  const TILES = [64, 128, 256];
  const NOISE = [0.05, 0.1, 0.15, 0.2];
  const ranges = new Set<string>();
  for (let k = 0; k < scale.surveys; k++) {
    const s = surveys[k]!;
    for (let j = 0; j < scale.preparationsPerSurvey; j++) {
      const span = Math.max(50, Math.floor(s.inlines / (scale.preparationsPerSurvey + 1)));
      // The slice range alone identifies the prepared dataset (Q5 "the dataset generated from a
      // given range of seismic slices"): redraw on a collision.
      let firstInline: number;
      do firstInline = j * Math.floor(span / 2) + Math.floor(rand() * 1000);
      while (ranges.has(`${firstInline}-${firstInline + span}`));
      ranges.add(`${firstInline}-${firstInline + span}`);
      const parameters = {
        firstInline,
        lastInline: firstInline + span,
        tileSize: TILES[Math.floor(rand() * TILES.length)]!,
        noiseThreshold: NOISE[Math.floor(rand() * NOISE.length)]!,
      };
      const id = `s${k}-p${j}`;
      const d: PreparedDataset = {
        survey: k,
        slices: `file:///data/prepared/${id}/slices.npy`,
        train: `file:///data/prepared/${id}/train.npz`,
        validation: `file:///data/prepared/${id}/validation.npz`,
        parameters,
      };
      datasets.push(d);
      track.workflow({ name: 'prepare-seismic-tiles', study: 'seismic facies', persona: 'computational scientist', tracker }, () => {
        const slices = track.transformation(
          'select-slices',
          { tracker, params: { firstInline: parameters.firstInline, lastInline: parameters.lastInline }, inputs: { survey: ref(s.url, { mediaType: 'application/x-segy' }) }, outputs: { slices: '$' } },
          () => ref(d.slices, { mediaType: 'application/x-npy' }),
        );
        track.transformation(
          'tile-and-denoise',
          { tracker, params: { tileSize: parameters.tileSize, noiseThreshold: parameters.noiseThreshold }, inputs: { slices }, outputs: ['train', 'validation'] },
          () => ({ train: ref(d.train, { mediaType: 'application/zip' }), validation: ref(d.validation, { mediaType: 'application/zip' }) }),
        );
      });
      clock.advance(60_000);
    }
  }
  await prov.flush();

  // --- training ----------------------------------------------------------------------------------
  const trainings: TrainingInfo[] = [];
  const LR = [0.1, 0.03, 0.01, 0.003, 0.001];
  const BS = [16, 32, 64, 128];
  for (let r = 0; r < scale.trainings; r++) {
    const dsIndex = r % datasets.length;
    const d = datasets[dsIndex]!;
    const hyperparameters = { learningRate: LR[Math.floor(rand() * LR.length)]!, batchSize: BS[Math.floor(rand() * BS.length)]!, epochs: scale.epochs };
    const info: TrainingInfo = { dataset: dsIndex, run: '', hyperparameters, models: [], losses: [] };
    const floor = 0.05 + 0.3 * rand();
    track.workflow({ name: 'train-seismic-facies', study: 'seismic facies', persona: 'ML engineer', algorithm: 'U-Net', software: 'tfjs', tracker }, () => {
      const stage = track.start('stage', { stage: 'training', tracker, hyperparameters, inputs: { train: ref(d.train, { mediaType: 'application/zip' }) }, models: ['model'] });
      info.run = stage.root;
      let model = '';
      for (let e = 0; e < scale.epochs; e++) {
        const ep = track.start('epoch', { parent: stage, index: e, tracker, measures: ['loss', 'accuracy'], models: ['model'], modelHyperparameters: ['epoch'] });
        const base = floor + (1.2 - floor) * Math.exp(-(e + 1) / (scale.epochs / 3));
        let sum = 0;
        for (let b = 0; b < scale.batches; b++) {
          const loss = round(base * (0.9 + 0.2 * rand()), 6);
          sum += loss;
          track.start('batch', { parent: ep, index: b, tracker, measures: ['loss'] }).end({ loss });
        }
        const loss = round(sum / scale.batches, 6);
        model = `file:///models/${d.train.split('/').at(-2)}/run-${r}/epoch-${e}.bin`;
        info.models.push(model);
        info.losses.push(loss);
        ep.end({ loss, accuracy: round(Math.min(0.99, 1 - loss / 2 + 0.02 * rand()), 6), model: ref(model, { mediaType: 'application/octet-stream' }), epoch: e });
      }
      stage.end({ model: ref(model, { mediaType: 'application/octet-stream' }) });
      const v = track.start('stage', { stage: 'validation', tracker, inputs: { validation: ref(d.validation, { mediaType: 'application/zip' }) }, measures: ['loss', 'accuracy'] });
      v.end({ loss: round(info.losses.at(-1)! * 1.1, 6), accuracy: round(0.8 + 0.15 * rand(), 6) });
    });
    trainings.push(info);
    clock.advance(600_000);
    if (r % 8 === 7 || r === scale.trainings - 1) {
      await prov.flush();
      onProgress?.(r + 1, scale.trainings);
    }
  }
  await prov.shutdown();
  const stats = prov.stats();
  if (stats.dropped || stats.journaled || stats.deadLettered || stats.sent !== stats.captured) {
    throw new Error(`synthetic lifecycle: captured ${stats.captured}, sent ${stats.sent}, dropped ${stats.dropped}, journaled ${stats.journaled}, dead-lettered ${stats.deadLettered}`);
  }

  // --- domain knowledge graph ---------------------------------------------------------------------
  store.loadNQuads(domainNQuads(surveys), DOMAIN_GRAPH);

  return { scale, store, surveys, datasets, trainings, domainGraph: DOMAIN_GRAPH, events: clock.events, ms: performance.now() - t0 };
}

/** The domain graph as N-Triples (loaded into `DOMAIN_GRAPH`): basin, field, wells per survey. */
export function domainNQuads(surveys: readonly SurveyInfo[]): string {
  const lit = (s: string) => JSON.stringify(s);
  const lines: string[] = [];
  for (const [k, s] of surveys.entries()) {
    const node = `<${s.url}>`;
    lines.push(`${node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${GEO}SeismicSurvey> .`);
    lines.push(`${node} <${GEO}basin> ${lit(s.basin)} .`);
    lines.push(`${node} <${GEO}field> ${lit(s.field)} .`);
    lines.push(`${node} <${GEO}surveyName> ${lit(`Survey ${k}`)} .`);
    lines.push(`${node} <${GEO}acquisitionYear> "${1995 + (k % 25)}"^^<http://www.w3.org/2001/XMLSchema#integer> .`);
    for (let w = 0; w < 3; w++) lines.push(`${node} <${GEO}well> <urn:example:well:${k}-${w}> .`);
  }
  return `${lines.join('\n')}\n`;
}
