/**
 * Streaming validation of captured provenance (issue 14): a journal or N-Quads file validated as
 * a stream of run graphs (each with the shared graph) gives the whole-graph report.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../src/capture/events.js';
import { Recorder } from '../../../src/record/recorder.js';
import { formatBatchHeader } from '../../../src/transport/journal.js';
import { createQuadBatch } from '../../../src/transport/sink.js';
import { validate, type ValidationReport } from '../../../src/validate/index.js';
import { toValidationResult } from '../../../src/validate/results.js';
import { scanGraphs } from '../../../src/validate/scan.js';
import { runGraphsOf, StreamPool, validateRunGraphs } from '../../../src/validate/stream.js';

const dir = mkdtempSync(join(tmpdir(), 'provml-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Recorded batches of `runs` workflow runs (a training stage, 3 epochs of 2 batches each). */
async function recordRuns(runs: number): Promise<string[]> {
  const recorder = new Recorder({ environment: false, files: false });
  const out: string[] = [];
  let n = 0;
  let at = Date.UTC(2025, 0, 1);
  const id = () => `0190${(n++).toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;
  const emit = async (events: CaptureEvent[]) => out.push((await recorder.record(events)).nquads);
  await emit([
    { t: 'spec', spec: 'W', kind: 'workflow', name: 'w', attributes: [], persona: 'alice' },
    {
      t: 'spec', spec: 'S', kind: 'stage', name: 'train', workflow: 'W', stageType: 'training',
      attributes: [{ role: 'input', name: 'data', direction: 'in' }, { role: 'model', name: 'model', direction: 'out' }],
    },
    { t: 'spec', spec: 'E', kind: 'epoch', name: 'epoch', workflow: 'W', attributes: [{ role: 'measure', name: 'loss', direction: 'out' }] },
    { t: 'spec', spec: 'B', kind: 'batch', name: 'batch', workflow: 'W', attributes: [] },
  ]);
  for (let r = 0; r < runs; r++) {
    const w = id();
    const s = id();
    await emit([
      { t: 'start', id: w, spec: 'W', kind: 'workflow', root: w, at: at++ },
      { t: 'start', id: s, spec: 'S', kind: 'stage', parent: w, root: w, at: at++, facts: [{ role: 'input', name: 'data', value: { $: 'ref', uri: 'file:///data/train.csv' } }] },
    ]);
    for (let e = 0; e < 3; e++) {
      const ep = id();
      const events: CaptureEvent[] = [{ t: 'start', id: ep, spec: 'E', kind: 'epoch', parent: s, root: w, at: at++, index: e }];
      for (let b = 0; b < 2; b++) {
        const batch = id();
        events.push({ t: 'start', id: batch, spec: 'B', kind: 'batch', parent: ep, root: w, at: at++, index: b });
        events.push({ t: 'end', id: batch, kind: 'batch', root: w, at: at++ });
      }
      events.push({ t: 'end', id: ep, kind: 'epoch', root: w, at: at++, facts: [{ role: 'measure', name: 'loss', value: 0.5 }] });
      await emit(events);
    }
    await emit([
      { t: 'end', id: s, kind: 'stage', root: w, at: at++, facts: [{ role: 'model', name: 'model', value: { $: 'ref', uri: `file:///models/${r}.json` } }] },
      { t: 'end', id: w, kind: 'workflow', root: w, at: at++ },
    ]);
  }
  return out;
}

function writeJournal(name: string, batches: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  batches.forEach((nquads, i) => {
    const batch = createQuadBatch({ seq: i + 1, events: 1, nquads });
    appendFileSync(file, formatBatchHeader(batch) + nquads);
  });
  return file;
}

const sorted = (r: ValidationReport) => r.results.map((x) => JSON.stringify(x)).sort();

async function expectSameAsWholeGraph(file: string, workers = 0): Promise<ValidationReport> {
  const streamed = await validate(file, { workers, runGraphs: true });
  const whole = await validate(file, { runGraphs: false });
  expect(sorted(streamed)).toEqual(sorted(whole));
  expect(streamed.countsByShape).toEqual(whole.countsByShape);
  expect(streamed.triples).toBe(whole.triples);
  expect(streamed.conforms).toBe(whole.conforms);
  // and with one run per unit (small runs are grouped by default)
  const pool = workers > 0 ? StreamPool.start(workers) : undefined;
  const oneByOne = await validateRunGraphs(file, runGraphsOf(file, () => {})!, { chunkSize: 500, unitLines: 1, ...(pool ? { pool } : {}) });
  expect(oneByOne.results.map((r) => JSON.stringify(toValidationResult(r))).sort()).toEqual(sorted(whole));
  return streamed;
}

/** Drops the quad lines matching `re` from the batches. */
const without = (batches: readonly string[], re: RegExp) => batches.map((b) => b.split('\n').filter((l) => !re.test(l)).join('\n'));

describe('run-graph streaming gives the whole-graph report', () => {
  it('indexes a journal by graph: three runs and the shared graph', async () => {
    const file = writeJournal('index.nq', await recordRuns(3));
    const { graphs, torn, stray } = scanGraphs(file);
    expect([...graphs.keys()].filter((g) => g.includes(':graph:0190'))).toHaveLength(3);
    expect(graphs.has('urn:provml:graph:shared')).toBe(true);
    expect([torn, stray]).toEqual([[], 0]);
  });

  it('conforming data, and violations in run nodes and in shared-graph nodes', async () => {
    const batches = await recordRuns(3);
    expect((await expectSameAsWholeGraph(writeJournal('ok.nq', batches))).conforms).toBe(true);
    // a batch without its index (run node), the stage plan without its stage type (shared node),
    // models without their generation (shared nodes another graph describes)
    const broken = without(batches, /iterationIndex> "1"|hasStageType|wasGeneratedBy> <urn:provml:execution:[^>]+> <urn:provml:graph:019000000000/);
    const report = await expectSameAsWholeGraph(writeJournal('broken.nq', broken));
    expect(Object.keys(report.countsByShape).map((s) => s.replace(/.*#/, '')).sort()).toEqual(['IterationIndexShape', 'LearningStageTypeShape', 'ModelGeneratedByStageShape']);
  });

  it('a plain N-Quads file (no journal headers) streams too', async () => {
    const file = join(dir, 'plain.nq');
    writeFileSync(file, without(await recordRuns(2), /durationMs/).join(''));
    await expectSameAsWholeGraph(file);
  });

  it('in worker threads', async () => {
    const broken = without(await recordRuns(3), /iterationIndex> "0"/);
    const report = await expectSameAsWholeGraph(writeJournal('workers.nq', broken), 2);
    expect(report.results.length).toBeGreaterThan(0);
  }, 60_000);

  it('a torn batch is skipped with a warning, as whole-graph loading does', async () => {
    const file = writeJournal('torn.nq', await recordRuns(2));
    appendFileSync(file, '# provml batch seq=99 quads=5 events=1 bytes=999\n<urn:a> <urn:b> "half');
    const warnings: string[] = [];
    const report = await validate(file, { runGraphs: true, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toContain('torn batch seq=99');
    expect(report.conforms).toBe(true);
  });

  it('a syntax error in a plain file names file and line, as whole-graph loading does', async () => {
    const file = join(dir, 'bad.nq');
    const text = (await recordRuns(2)).join('');
    writeFileSync(file, text.replace(/\n/, '\n<urn:bad> <urn:p> "unterminated <urn:g> .\n'));
    await expect(validate(file, { runGraphs: true })).rejects.toThrow(/bad\.nq:2/);
  });

  it('user shapes stream only when asked (runGraphs: true)', async () => {
    const file = writeJournal('user.nq', await recordRuns(2));
    const shapes = `@prefix sh: <http://www.w3.org/ns/shacl#> .
      <urn:s:S> a sh:NodeShape ; sh:targetClass <https://w3id.org/prov-ml#EpochExecution> ;
        sh:property [ sh:path <https://w3id.org/prov-ml#durationMs> ; sh:maxCount 0 ] .`;
    const whole = await validate(file, { shapes });
    const streamed = await validate(file, { shapes, runGraphs: true });
    expect(sorted(streamed)).toEqual(sorted(whole));
    expect(whole.results).toHaveLength(6);
    expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
  });
});
