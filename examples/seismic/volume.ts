/**
 * A tiny stand-in for SEG-Y: seismic volumes and tile sets as real binary files.
 *
 * File layout (both kinds):
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 8 | ASCII magic: `SEISVOL1` (a volume) or `SEISTIL1` (a tile set) |
 * | 8 | 4 | uint32 LE: byte length `n` of the header |
 * | 12 | n | UTF-8 JSON header ({@link VolumeHeader} or {@link TileHeader}) |
 * | 12 + n | 4 × count | float32 LE amplitudes, C order: (inline, crossline, sample) for a volume, (tile, row, column) for tiles |
 *
 * The synthetic geology: a few dipping reflectors (alternating-sign Gaussian pulses in time), a
 * bright spot — a gas anomaly that triples the amplitudes inside an ellipsoid — and a little noise.
 * Everything is a deterministic function of the survey's seed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { SurveySpec } from './scenario.js';

/** Header of a volume file (`SEISVOL1`). */
export interface VolumeHeader {
  kind: 'volume';
  survey: string;
  inline: { first: number; count: number };
  crossline: { first: number; count: number };
  samples: { count: number; intervalMs: number };
  /** Corner coordinates (WGS 84), clockwise from (first inline, first crossline). */
  corners: Array<{ inline: number; crossline: number; lat: number; lon: number }>;
  /** Set on a cut-out: the file and inline range it was cut from. */
  cutFrom?: { file: string; firstInline: number; lastInline: number };
}

/** Header of a tile-set file (`SEISTIL1`). */
export interface TileHeader {
  kind: 'tiles';
  survey: string;
  split: 'train' | 'validation';
  tileSize: number;
  count: number;
  /** 1 = the tile is in a bright spot (RMS amplitude above `rmsThreshold`), 0 = background. */
  labels: number[];
  rmsThreshold: number;
  /** The parameters the tiles were made with. */
  params: { firstInline: number; lastInline: number; tileSize: number; noiseThreshold: number; validationEvery: number };
}

const MAGIC = { volume: 'SEISVOL1', tiles: 'SEISTIL1' } as const;

async function writeContainer(path: string, header: VolumeHeader | TileHeader, data: Float32Array): Promise<void> {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC[header.kind], 0, 'ascii');
  head.writeUInt32LE(json.length, 8);
  const body = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) body.writeFloatLE(data[i]!, i * 4);
  await writeFile(path, Buffer.concat([head, json, body]));
}

async function readContainer<H extends VolumeHeader | TileHeader>(path: string, kind: H['kind']): Promise<{ header: H; data: Float32Array }> {
  const buf = await readFile(path);
  const magic = buf.toString('ascii', 0, 8);
  if (magic !== MAGIC[kind]) throw new Error(`${path}: not a ${kind} file (magic ${JSON.stringify(magic)})`);
  const n = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + n)) as H;
  const count = (buf.length - 12 - n) / 4;
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(12 + n + i * 4);
  return { header, data };
}

/** A volume: header and amplitudes. */
export interface Volume {
  header: VolumeHeader;
  data: Float32Array;
}

export const writeVolume = (path: string, v: Volume): Promise<void> => writeContainer(path, v.header, v.data);
export const readVolume = (path: string): Promise<Volume> => readContainer<VolumeHeader>(path, 'volume');
export const writeTiles = (path: string, header: TileHeader, data: Float32Array): Promise<void> => writeContainer(path, header, data);
export const readTiles = (path: string): Promise<{ header: TileHeader; data: Float32Array }> => readContainer<TileHeader>(path, 'tiles');

/** Only the header of a volume file (what curation reads, as a SEG-Y reader reads the binary header). */
export async function readVolumeHeader(path: string): Promise<VolumeHeader> {
  return (await readVolume(path)).header;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The synthetic survey `name` as described by `spec`. */
export function synthesize(name: string, spec: SurveySpec): Volume {
  const { inlines: ni, crosslines: nx, samples: ns } = spec;
  const rand = rng(spec.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const reflectors = Array.from({ length: 5 }, (_, r) => ({ depth: (r + 1) * (ns / 6), dip: (rand() - 0.5) * 0.3, strength: (r % 2 ? -1 : 1) * (0.5 + rand() * 0.5) }));
  const b = spec.brightSpot;
  const data = new Float32Array(ni * nx * ns);
  for (let i = 0; i < ni; i++) {
    for (let j = 0; j < nx; j++) {
      for (let k = 0; k < ns; k++) {
        let a = 0;
        for (const r of reflectors) {
          const t = r.depth + r.dip * i + Math.sin(j / 7) * 1.5;
          a += r.strength * Math.exp(-((k - t) ** 2) / 2);
        }
        const d = Math.hypot(i / ni - b.inline, j / nx - b.crossline, (k / ns - b.sample) * 2);
        if (d < b.radius) a *= 3;
        data[(i * nx + j) * ns + k] = a + gauss() * 0.03;
      }
    }
  }
  const il = (i: number) => spec.firstInline + i;
  const xl = (j: number) => spec.firstCrossline + j;
  const at = [
    [0, 0],
    [0, nx - 1],
    [ni - 1, nx - 1],
    [ni - 1, 0],
  ] as const;
  return {
    header: {
      kind: 'volume',
      survey: name,
      inline: { first: spec.firstInline, count: ni },
      crossline: { first: spec.firstCrossline, count: nx },
      samples: { count: ns, intervalMs: spec.sampleIntervalMs },
      corners: at.map(([i, j], c) => ({ inline: il(i), crossline: xl(j), lat: spec.corners[c]!.lat, lon: spec.corners[c]!.lon })),
    },
    data,
  };
}

/** Inlines `first … last` (survey numbering, inclusive) of a volume. */
export function cutInlines(v: Volume, first: number, last: number, from: string): Volume {
  const { inline, crossline, samples } = v.header;
  if (first < inline.first || last >= inline.first + inline.count || last < first) {
    throw new RangeError(`inlines ${first}–${last} are outside ${inline.first}–${inline.first + inline.count - 1}`);
  }
  const per = crossline.count * samples.count;
  const data = v.data.slice((first - inline.first) * per, (last - inline.first + 1) * per);
  return { header: { ...v.header, inline: { first, count: last - first + 1 }, cutFrom: { file: from, firstInline: first, lastInline: last } }, data };
}

/**
 * Cut each inline section (crossline × sample) into non-overlapping `tileSize`² tiles after
 * zeroing amplitudes below `noiseThreshold`; every `validationEvery`-th inline goes to the
 * validation set. A tile's label is 1 when its RMS amplitude is above 1.5 × the median tile RMS.
 */
export function tile(v: Volume, p: TileHeader['params']): { train: { header: TileHeader; data: Float32Array }; validation: { header: TileHeader; data: Float32Array } } {
  const { inline, crossline, samples } = v.header;
  const s = p.tileSize;
  const tiles: Array<{ values: Float32Array; rms: number; validation: boolean }> = [];
  for (let i = 0; i < inline.count; i++) {
    for (let j0 = 0; j0 + s <= crossline.count; j0 += s) {
      for (let k0 = 0; k0 + s <= samples.count; k0 += s) {
        const values = new Float32Array(s * s);
        let sq = 0;
        for (let j = 0; j < s; j++) {
          for (let k = 0; k < s; k++) {
            const a = v.data[(i * crossline.count + j0 + j) * samples.count + k0 + k]!;
            const kept = Math.abs(a) < p.noiseThreshold ? 0 : a;
            values[j * s + k] = kept;
            sq += kept * kept;
          }
        }
        tiles.push({ values, rms: Math.sqrt(sq / (s * s)), validation: (inline.first + i) % p.validationEvery === 0 });
      }
    }
  }
  const sorted = tiles.map((t) => t.rms).sort((a, b) => a - b);
  const rmsThreshold = 1.5 * sorted[Math.floor(sorted.length / 2)]!;
  const pack = (split: 'train' | 'validation') => {
    const chosen = tiles.filter((t) => t.validation === (split === 'validation'));
    const data = new Float32Array(chosen.length * s * s);
    chosen.forEach((t, n) => data.set(t.values, n * s * s));
    const header: TileHeader = { kind: 'tiles', survey: v.header.survey, split, tileSize: s, count: chosen.length, labels: chosen.map((t) => (t.rms > rmsThreshold ? 1 : 0)), rmsThreshold, params: { ...p } };
    return { header, data };
  };
  return { train: pack('train'), validation: pack('validation') };
}
