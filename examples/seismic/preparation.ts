/**
 * Phase 2 — learning-data preparation (computational scientists), its own process and journal.
 *
 * For each dataset of `PREPARATIONS`, one workflow run of two transformations:
 * `select-inlines` reads a curated survey file and writes the chosen range of inline slices
 * (parameters firstInline, lastInline); `denoise-and-tile` zeroes amplitudes below the noise
 * threshold and cuts each inline section into tileSize × tileSize tiles, every
 * `validationEvery`-th inline going to the validation file (parameters tileSize, noiseThreshold,
 * validationEvery). The files it writes are what the learning phase reads; the survey files it
 * reads are the nodes curation described — the same files, hence the same RDF nodes.
 *
 * Run alone (after curation): `node --import tsx examples/seismic/preparation.ts --out provml-demo`.
 */
import { mkdir } from 'node:fs/promises';
import { ProvML, Transformation, Workflow, WorkflowRun, ref } from '../../src/index.js';
import { layout, outDir, PREPARATIONS, STUDY, type DatasetName } from './scenario.js';
import { cutInlines, readVolume, tile, writeTiles, writeVolume } from './volume.js';

type DataRef = ReturnType<typeof ref>;
const VOLUME_TYPE = 'application/x-seismic-volume';
const TILES_TYPE = 'application/x-seismic-tiles';
const L = layout(outDir());

interface TileOptions {
  tileSize: number;
  noiseThreshold: number;
  validationEvery: number;
  firstInline: number;
  lastInline: number;
  dataset: DatasetName;
}

@Workflow({ name: 'prepare-training-tiles', study: STUDY, experiment: 'demo', persona: 'computational scientist' })
class Preparation {
  @WorkflowRun()
  async run(name: DatasetName): Promise<{ train: DataRef; validation: DataRef }> {
    const p = PREPARATIONS[name];
    const slices = await this.selectInlines(ref(L.survey(p.survey), { mediaType: VOLUME_TYPE }), { firstInline: p.firstInline, lastInline: p.lastInline, dataset: name });
    return this.denoiseAndTile(slices, { ...p, dataset: name });
  }

  @Transformation({ name: 'select-inlines', inputs: { survey: 0 }, params: ['$1.firstInline', '$1.lastInline'], outputs: { slices: '$' } })
  async selectInlines(survey: DataRef, o: { firstInline: number; lastInline: number; dataset: DatasetName }): Promise<DataRef> {
    const cut = cutInlines(await readVolume(survey.uri), o.firstInline, o.lastInline, survey.uri);
    await writeVolume(L.slices(o.dataset), cut);
    return ref(L.slices(o.dataset), { mediaType: VOLUME_TYPE });
  }

  @Transformation({
    name: 'denoise-and-tile',
    inputs: { slices: 0 },
    params: ['$1.tileSize', '$1.noiseThreshold', '$1.validationEvery'],
    outputs: ['train', 'validation'],
    characteristics: ['tiles', 'brightTiles'],
    characterizes: 'train',
  })
  async denoiseAndTile(slices: DataRef, o: TileOptions): Promise<{ train: DataRef; validation: DataRef; tiles: number; brightTiles: number }> {
    const { train, validation } = tile(await readVolume(slices.uri), {
      firstInline: o.firstInline,
      lastInline: o.lastInline,
      tileSize: o.tileSize,
      noiseThreshold: o.noiseThreshold,
      validationEvery: o.validationEvery,
    });
    await writeTiles(L.train(o.dataset), train.header, train.data);
    await writeTiles(L.validation(o.dataset), validation.header, validation.data);
    return {
      train: ref(L.train(o.dataset), { mediaType: TILES_TYPE }),
      validation: ref(L.validation(o.dataset), { mediaType: TILES_TYPE }),
      tiles: train.header.count,
      brightTiles: train.header.labels.filter((l) => l === 1).length,
    };
  }
}

async function main(): Promise<void> {
  await mkdir(L.datasets, { recursive: true });
  const prov = ProvML.init({ mode: 'offline', journal: { path: L.journal('preparation'), durability: 'batch' } });
  const names = Object.keys(PREPARATIONS) as DatasetName[];
  for (const d of names) await new Preparation().run(d);
  await prov.shutdown();
  const s = prov.stats();
  console.log(`${names.length} datasets prepared (${names.map((d) => `${d}-train.stil + ${d}-validation.stil`).join(', ')}); ${s.captured} events → ${s.journaled} journaled, ${s.dropped} dropped`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
