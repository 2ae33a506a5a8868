/**
 * Validation benchmark: SHACL Core and SPARQL constraints on synthetic provml provenance.
 *
 *   (a) 100k triples, packaged shapes (SHACL Core) — then the same plus one user SPARQL constraint
 *       ("every epoch execution has a loss evaluation"), which 1 % of epochs violate
 *   (b) 1M triples, packaged shapes (SHACL Core)
 *
 * The data is recorded by the real record step (`Recorder`) from hand-built capture events
 * (workflows of one training stage, 50 epochs of 10 batches, a loss per batch and per epoch) and
 * written as provml journals (one named graph per workflow execution plus the shared graph);
 * each figure is one `validate(file)` call, parsing included. (b) runs in a child process of its
 * own, so that `peak_rss_mb` is the peak of the 1M step alone (the whole process, its validation
 * workers included), not of the run so far; `cpu_1m_s` is that child's CPU time (all threads).
 * With the packaged shapes, (b) is validated as a stream of run graphs (ValidateOptions.runGraphs).
 * Human-readable tables go to stderr; the last stdout line is one JSON object.
 * Run: `npm run bench:validate` (BENCH_QUICK=1: 20k / 100k triples).
 */

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureEvent, Fact } from '../src/capture/events.js';
import { Recorder } from '../src/record/recorder.js';
import { formatBatchHeader } from '../src/transport/journal.js';
import { createQuadBatch } from '../src/transport/sink.js';
import { validate, type ValidationReport } from '../src/validate/index.js';
import { fmtRate, round, table } from './lib/stats.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SMALL = QUICK ? 20_000 : 100_000;
const LARGE = QUICK ? 100_000 : 1_000_000;
const MISSING_LOSS_EVERY = 100; // every 100th epoch records no loss: the SPARQL constraint's violations

const EPOCH_LOSS_SHAPES = `
@prefix sh:     <http://www.w3.org/ns/shacl#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix ex:     <urn:example:shapes#> .
@prefix provml: <https://w3id.org/prov-ml#> .

ex:prefixes a owl:Ontology ;
  sh:declare [ sh:prefix "provml" ; sh:namespace "https://w3id.org/prov-ml#"^^xsd:anyURI ] ,
             [ sh:prefix "prov" ; sh:namespace "http://www.w3.org/ns/prov#"^^xsd:anyURI ] .

ex:EpochLossShape a sh:NodeShape ;
  sh:targetClass provml:EpochExecution ;
  sh:sparql [
    a sh:SPARQLConstraint ;
    sh:prefixes ex:prefixes ;
    sh:message "Epoch {$this} records no loss" ;
    sh:select """
      SELECT $this WHERE {
        FILTER NOT EXISTS {
          ?evaluation a provml:ModelEvaluation ; prov:wasGeneratedBy $this ; provml:valueOf ?measure .
          ?measure provml:name "loss" .
        }
      }"""
  ] .
`;

/** Records synthetic runs into the journal `file` until it holds at least `target` quads; returns counts. */
async function synthesize(file: string, target: number): Promise<{ quads: number; epochs: number }> {
  const recorder = new Recorder({ environment: false, files: false });
  writeFileSync(file, '');
  let quads = 0;
  let seq = 0;
  let epochs = 0;
  let at = Date.UTC(2025, 0, 1);
  let n = 0;
  const id = () => `0190${(n++).toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;
  const emit = async (events: CaptureEvent[]) => {
    const r = await recorder.record(events);
    const batch = createQuadBatch({ seq: ++seq, events: events.length, nquads: r.nquads, size: r.count });
    appendFileSync(file, formatBatchHeader(batch) + r.nquads);
    quads += r.count;
  };
  const loss = (): Fact => ({ role: 'measure', name: 'loss', value: Math.random() });
  await emit([
    { t: 'spec', spec: 'W', kind: 'workflow', name: 'bench', attributes: [], persona: 'alice' },
    {
      t: 'spec', spec: 'S', kind: 'stage', name: 'train', workflow: 'W', stageType: 'training',
      attributes: [
        { role: 'input', name: 'data', direction: 'in' },
        { role: 'hyperparameter', name: 'lr', direction: 'in' },
        { role: 'model', name: 'model', direction: 'out' },
      ],
    },
    { t: 'spec', spec: 'E', kind: 'epoch', name: 'epoch', workflow: 'W', attributes: [{ role: 'measure', name: 'loss', direction: 'out' }] },
    { t: 'spec', spec: 'B', kind: 'batch', name: 'batch', workflow: 'W', attributes: [{ role: 'measure', name: 'loss', direction: 'out' }] },
  ]);
  while (quads < target) {
    const w = id();
    const s = id();
    await emit([
      { t: 'start', id: w, spec: 'W', kind: 'workflow', root: w, at: at++ },
      {
        t: 'start', id: s, spec: 'S', kind: 'stage', parent: w, root: w, at: at++,
        facts: [
          { role: 'input', name: 'data', value: { $: 'ref', uri: 'file:///data/train.csv' } },
          { role: 'hyperparameter', name: 'lr', value: 0.01 },
        ],
      },
    ]);
    for (let e = 0; e < 50 && quads < target; e++, epochs++) {
      const ep = id();
      const events: CaptureEvent[] = [{ t: 'start', id: ep, spec: 'E', kind: 'epoch', parent: s, root: w, at: at++, index: e }];
      for (let b = 0; b < 10; b++) {
        const batch = id();
        events.push({ t: 'start', id: batch, spec: 'B', kind: 'batch', parent: ep, root: w, at: at++, index: b });
        events.push({ t: 'end', id: batch, kind: 'batch', root: w, at: at++, facts: [loss()] });
      }
      const skip = epochs % MISSING_LOSS_EVERY === 0;
      events.push({ t: 'end', id: ep, kind: 'epoch', root: w, at: at++, ...(skip ? {} : { facts: [loss()] }) });
      await emit(events);
    }
    await emit([
      { t: 'end', id: s, kind: 'stage', root: w, at: at++, facts: [{ role: 'model', name: 'model', value: { $: 'ref', uri: `file:///models/${w}.json` } }] },
      { t: 'end', id: w, kind: 'workflow', root: w, at: at++ },
    ]);
  }
  return { quads, epochs };
}

async function timed(file: string, extraShapes?: string): Promise<{ s: number; report: ValidationReport }> {
  const t0 = performance.now();
  const report = await validate(file, extraShapes ? { extraShapes } : {});
  return { s: (performance.now() - t0) / 1000, report };
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** (b) in a child process: `validate(file)` alone, its wall and CPU time and the process's peak RSS. */
interface ChildFigures {
  s: number;
  cpu_s: number;
  peak_rss_mb: number;
  triples: number;
  results: number;
  conforms: boolean;
}

if (process.argv[2] === '--child') {
  const t0 = performance.now();
  const report = await validate(process.argv[3]!);
  const s = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  const figures: ChildFigures = {
    s,
    cpu_s: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peak_rss_mb: usage.maxRSS / 1024,
    triples: report.triples,
    results: report.results.length,
    conforms: report.conforms,
  };
  console.log(JSON.stringify(figures));
  process.exit(0);
}

function inChild(file: string): ChildFigures {
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildFigures;
}

const dir = mkdtempSync(join(tmpdir(), 'provml-bench-validate-'));
try {
  const small = join(dir, 'small.nq');
  const large = join(dir, 'large.nq');
  const smallInfo = await synthesize(small, SMALL);
  const expectedMissing = Math.ceil(smallInfo.epochs / MISSING_LOSS_EVERY);

  await timed(small); // warm-up: module loading, shapes compilation, JIT
  const core = await timed(small);
  const sparql = await timed(small, EPOCH_LOSS_SHAPES);
  const sparqlResults = sparql.report.results.filter((r) => r.constraint.endsWith('#SPARQLConstraintComponent'));
  if (!core.report.conforms) throw new Error(`synthetic data should conform: ${JSON.stringify(core.report.countsByShape)}`);
  if (sparqlResults.length !== expectedMissing) throw new Error(`expected ${expectedMissing} SPARQL results, got ${sparqlResults.length}`);
  const rssSmall = peakRssMb();

  const largeInfo = await synthesize(large, LARGE);
  const load = loadavg()[0]!;
  const big = inChild(large);
  if (!big.conforms) throw new Error(`synthetic data should conform: ${big.results} results`);

  table('validate (one validate(file) call each, journal parsing included)', [
    ['case', 'triples', 'seconds', 'triples/s', 'results'],
    ['(a) core, packaged shapes', String(core.report.triples), core.s.toFixed(2), fmtRate(core.report.triples / core.s), String(core.report.results.length)],
    ['(a) core + 1 SPARQL constraint', String(sparql.report.triples), sparql.s.toFixed(2), fmtRate(sparql.report.triples / sparql.s), String(sparqlResults.length)],
    ['    SPARQL part (difference)', '', (sparql.s - core.s).toFixed(2), '', ''],
    ['(b) core, packaged shapes (child)', String(big.triples), big.s.toFixed(2), fmtRate(big.triples / big.s), String(big.results)],
  ]);
  table('resources', [
    ['peak RSS after (a)', `${rssSmall.toFixed(0)} MB`],
    ['peak RSS of (b) alone', `${big.peak_rss_mb.toFixed(0)} MB`],
    ['CPU time of (b), all threads', `${big.cpu_s.toFixed(1)} s`],
    ['load average before (b)', load.toFixed(2)],
    ['quads written (a) / (b)', `${smallInfo.quads} / ${largeInfo.quads}`],
  ]);
  console.log(
    JSON.stringify({
      bench: 'validate',
      core_100k_s: round(core.s, 2),
      sparql_100k_s: round(sparql.s, 2),
      core_1m_s: round(big.s, 2),
      cpu_1m_s: round(big.cpu_s, 1),
      triples_per_s_1m: Math.round(big.triples / big.s),
      peak_rss_mb: Math.round(big.peak_rss_mb),
      load_avg: round(load, 2),
      ...(QUICK ? { quick: true } : {}),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
