/**
 * Phase 1 — data curation (geoscientists), its own process and its own journal.
 *
 * Two synthetic surveys arrive as real binary files (volume.ts: a header with the survey's name,
 * corner coordinates and inline/crossline/sample counts, then float32 amplitudes). The curation
 * workflow reads each file's header and records its quantities of interest — counts, inline and
 * crossline ranges, coordinates — as characteristics *of the file's node*, and writes the survey's
 * outline as a GeoJSON polygon (auxiliary data the provenance refers to). Then the geoscientists'
 * knowledge — basin, field, wells, a line of the survey report — goes into the domain graph with
 * `prov.describe`, keyed by the same file.
 *
 * Run alone: `node --import tsx examples/seismic/curation.ts --out provml-demo`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { ProvML, Transformation, Workflow, WorkflowRun, ref } from '../../src/index.js';
import { layout, outDir, STUDY, SURVEYS, type SurveyName } from './scenario.js';
import { readVolumeHeader, synthesize, writeVolume } from './volume.js';

type DataRef = ReturnType<typeof ref>;
const VOLUME_TYPE = 'application/x-seismic-volume';
const L = layout(outDir());

/** What curation extracts from a volume's header. */
interface SurveyGeometry {
  inlines: number;
  crosslines: number;
  samples: number;
  sampleIntervalMs: number;
  firstInline: number;
  lastInline: number;
  firstCrossline: number;
  lastCrossline: number;
  /** Centroid of the four corners (WGS 84 degrees). */
  latitude: number;
  longitude: number;
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
  outline: DataRef;
}

@Workflow({ name: 'seismic-curation', study: STUDY, experiment: 'demo', persona: 'geoscientist' })
class Curation {
  constructor(private readonly prov: ProvML) {}

  @WorkflowRun()
  async run(surveys: readonly SurveyName[]): Promise<void> {
    for (const s of surveys) {
      const volume = ref(L.survey(s), { mediaType: VOLUME_TYPE });
      const geometry = await this.extract(volume, L.outline(s));
      const d = SURVEYS[s].domain;
      // Domain knowledge, kept apart from the provenance (graph urn:provml:graph:domain), about the same file.
      this.prov.describe(volume, { basin: d.basin, field: d.field, country: d.country, operator: d.operator, wells: [...d.wells], report: d.report, outline: geometry.outline });
    }
  }

  @Transformation({
    name: 'extract-survey-geometry',
    inputs: { survey: 0 },
    outputs: ['outline'],
    characteristics: ['inlines', 'crosslines', 'samples', 'sampleIntervalMs', 'firstInline', 'lastInline', 'firstCrossline', 'lastCrossline', 'latitude', 'longitude', 'latMin', 'latMax', 'lonMin', 'lonMax'],
    characterizes: 'survey', // the numbers describe the volume read, not the outline written
  })
  async extract(survey: DataRef, outlineFile: string): Promise<SurveyGeometry> {
    const h = await readVolumeHeader(survey.uri);
    const lats = h.corners.map((c) => c.lat);
    const lons = h.corners.map((c) => c.lon);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const polygon = { type: 'Feature', properties: { survey: h.survey }, geometry: { type: 'Polygon', coordinates: [[...h.corners, h.corners[0]!].map((c) => [c.lon, c.lat])] } };
    await writeFile(outlineFile, JSON.stringify(polygon));
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
      outline: ref(outlineFile, { mediaType: 'application/geo+json' }),
    };
  }
}

async function main(): Promise<void> {
  // The field acquisition, outside provenance: the raw survey files simply exist when curation starts.
  await mkdir(L.surveys, { recursive: true });
  const names = Object.keys(SURVEYS) as SurveyName[];
  for (const s of names) await writeVolume(L.survey(s), synthesize(s, SURVEYS[s]));

  const prov = ProvML.init({ mode: 'offline', journal: { path: L.journal('curation'), durability: 'batch' } });
  await new Curation(prov).run(names);
  await prov.shutdown();
  const s = prov.stats();
  console.log(`${names.length} surveys curated (${names.map((n) => `${n}.svol`).join(', ')}); ${s.captured} events → ${s.journaled} journaled, ${s.dropped} dropped`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
