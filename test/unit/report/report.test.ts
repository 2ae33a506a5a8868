/**
 * `report()` on a lifecycle captured through the public `track` API (./fixture.ts): the page is
 * parsed (htmlparser2, already in node_modules through shacl-engine's parsers) and checked for
 * every run, one chart point per recorded epoch, the hyperparameter table, the lineage diagram
 * from raw file to model, Q1–Q6, the validation verdict, escaping, and that it loads nothing.
 * The same report is then made from the journal loaded into a fresh embedded store, and over
 * HTTP from that store behind the loopback SPARQL server (`provml serve`).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadFiles } from '../../../src/cli/load.js';
import { report, type ReportResult } from '../../../src/report.js';
import { HttpSparqlEndpoint } from '../../../src/store/http.js';
import { startSparqlServer } from '../../../src/store/server.js';
import { BATCHES, captureLifecycle, epochLoss, TRAININGS, type Lifecycle } from './fixture.js';

let dir: string;
let life: Lifecycle;
let result: ReportResult;
let html: string;
let doc: ReturnType<typeof parseDocument>;

const all = (pred: (e: Element) => boolean, root: { children: unknown[] } = doc): Element[] => DomUtils.findAll(pred, root.children as never);
const byAttr = (name: string, value: string, root?: { children: unknown[] }) => all((e) => e.attribs[name] === value, root);
const text = (e: Element | undefined) => (e ? DomUtils.textContent(e) : '');
const sectionOf = (id: string) => {
  const s = byAttr('id', id)[0];
  expect(s, `section #${id}`).toBeDefined();
  return s!;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-report-'));
  life = await captureLifecycle(join(dir, 'work'));
  result = await report(life.prov.store!, { out: join(dir, 'site'), title: 'Lifecycle <report> & "tests"', now: () => new Date('2026-01-02T03:04:05Z') });
  html = await readFile(result.file, 'utf8');
  doc = parseDocument(html);
}, 60_000);

afterAll(async () => {
  await life?.prov.shutdown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('report() on an embedded store', () => {
  test('writes <out>/index.html and says what it drew', () => {
    expect(result.file).toBe(join(dir, 'site', 'index.html'));
    expect(result.runs).toBe(4);
    expect(result.trainings).toBe(2);
    expect(result.problems).toEqual([]);
    expect(result.epochPoints).toBe(2 * (TRAININGS.T1.epochs + TRAININGS.T2.epochs)); // loss and accuracy
    expect(result.bytes).toBe(Buffer.byteLength(html));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  test('every run appears in the runs table, with workflow, experiment and status', () => {
    const rows = all((e) => e.name === 'tr', byAttr('class', 'runs')[0]!);
    const body = rows.map(text).join('\n');
    for (const iri of Object.values(life.runs)) expect(body).toContain(iri);
    for (const t of Object.values(TRAININGS)) {
      expect(body).toContain(t.workflow); // decoded: the name had < > & "
      expect(body).toContain(t.experiment);
    }
    expect(rows).toHaveLength(1 + 4);
    expect(body.match(/completed/g)).toHaveLength(4);
  });

  test('one chart per epoch measure with exactly one point per recorded epoch, per training', () => {
    for (const measure of ['loss', 'accuracy']) {
      const [svg] = byAttr('data-chart', `epoch-${measure}`);
      expect(svg, `epoch-${measure} chart`).toBeDefined();
      const points = all((e) => e.name === 'circle' && e.attribs['data-epoch'] !== undefined, svg);
      expect(points).toHaveLength(TRAININGS.T1.epochs + TRAININGS.T2.epochs);
      const [r3, r4] = ['R3', 'R4'].map((k) => points.filter((p) => p.attribs['data-run'] === k).map((p) => Number(p.attribs['data-epoch'])));
      expect(r3).toEqual([...Array(TRAININGS.T1.epochs).keys()]);
      expect(r4).toEqual([...Array(TRAININGS.T2.epochs).keys()]);
      for (const p of points) expect(text(p)).toContain(measure); // the <title> tooltip
      expect(all((e) => e.name === 'text', svg).map(text)).toContain(measure); // axis title
      expect(all((e) => e.attribs.class === 'legend-item', svg)).toHaveLength(2);
    }
    const loss = all((e) => e.name === 'circle', byAttr('data-chart', 'epoch-loss')[0]!).map(text);
    expect(loss.some((t) => t.includes(`epoch 2: loss = ${Number(epochLoss('T1', 2).toPrecision(4))}`))).toBe(true);
  });

  test('per-batch loss curve and a batch-time histogram per training run', () => {
    const [batch] = byAttr('data-chart', 'batch-loss');
    expect(batch).toBeDefined();
    expect(all((e) => e.name === 'circle', batch!)).toHaveLength(BATCHES * (TRAININGS.T1.epochs + TRAININGS.T2.epochs));
    for (const [key, t] of [['R3', TRAININGS.T1], ['R4', TRAININGS.T2]] as const) {
      const [hist] = byAttr('data-chart', `batch-time-${key}`);
      expect(hist, `histogram of ${key}`).toBeDefined();
      const counts = all((e) => e.name === 'rect' && e.attribs['data-count'] !== undefined, hist!).map((r) => Number(r.attribs['data-count']));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(BATCHES * t.epochs);
    }
  });

  test('hyperparameters side by side: rows are names, columns are runs, values escaped', () => {
    const [tableEl] = byAttr('class', 'hyperparameters');
    const rows = all((e) => e.name === 'tr', tableEl!).map((r) => all((e) => e.name === 'th' || e.name === 'td', r).map(text));
    expect(rows[0]).toEqual(['hyperparameter', `R3 ${TRAININGS.T1.workflow} (baseline)`, `R4 ${TRAININGS.T2.workflow} (tuned)`]);
    const row = (name: string) => rows.find((r) => r[0] === name);
    expect(row('learningRate')).toEqual(['learningRate', '0.1', '0.05']);
    expect(row('batchSize')).toEqual(['batchSize', '16', '32']);
    expect(row('epochs')).toEqual(['epochs', '3', '4']);
    expect(row('optimizer')).toEqual(['optimizer', 'sgd', '<adam & "friends">']);
    expect(html).toContain('&lt;adam &amp; &quot;friends&quot;&gt;');
    expect(html).not.toContain('<adam');
    expect(html).not.toContain('<wide>');
  });

  test('the lineage diagram goes from the raw file to the models', () => {
    const [svg] = byAttr('data-chart', 'lineage');
    expect(svg).toBeDefined();
    const nodes = all((e) => e.name === 'g' && (e.attribs.class ?? '').startsWith('node '), svg!);
    const labels = (role: string) => nodes.filter((n) => n.attribs['data-role'] === role).map((n) => text(all((e) => e.name === 'text', n)[0]));
    expect(labels('raw')).toEqual(['netherlands.sgy']);
    expect(labels('model').sort()).toEqual([`model-T1-e${TRAININGS.T1.epochs - 1}.json`, `model-T2-e${TRAININGS.T2.epochs - 1}.json`]);
    expect(labels('dataset')).toEqual(['train.npz']);
    expect(labels('execution').sort()).toEqual(['select-slices', 'tile-and-denoise', 'training (R3)', 'training (R4)']);
    // Raw file in the first layer, models in the last.
    const layer = (role: string) => nodes.filter((n) => n.attribs['data-role'] === role).map((n) => Number(n.attribs['data-layer']));
    expect(layer('raw')).toEqual([0]);
    expect(Math.min(...layer('model'))).toBe(Math.max(...nodes.map((n) => Number(n.attribs['data-layer']))));
    expect(all((e) => /^edge( |$)/.test(e.attribs.class ?? ''), svg!).length).toBeGreaterThanOrEqual(6);
    expect(result.lineageNodes).toBe(nodes.length);
  });

  test('Q1–Q6 are answered from the data', () => {
    const q = text(sectionOf('queries'));
    expect(q).toContain('inlines = 651'); // Q1 / Q6: curated characteristics
    expect(q).toContain('basin = North Sea Basin'); // domain facts (prov.describe)
    expect(q).toMatch(/select-slices\s*firstInline\s*100/); // Q2
    expect(q).toContain('Best model by minimum loss'); // Q3
    expect(q).toContain(`model-T2-e${TRAININGS.T2.epochs - 1}.json`); // Q3: T2's last model has the least loss
    expect(q).toContain('firstInline=100, lastInline=300'); // Q5 / Q6 filter from the data
    const q4 = following(byAttr('id', 'q4')[0]!).flatMap((e) => all((x) => x.name === 'tr', e));
    expect(q4).toHaveLength(1 + TRAININGS.T1.epochs + TRAININGS.T2.epochs); // header + one row per epoch and run
    expect(q4.slice(1).map((r) => text(r).match(/^R\d/)?.[0])).toEqual([...Array(TRAININGS.T1.epochs).fill('R3'), ...Array(TRAININGS.T2.epochs).fill('R4')]);
  });

  test('the validation verdict', () => {
    const v = text(sectionOf('validation'));
    expect(v).toMatch(/conforms|does not conform/);
    expect(typeof result.conforms).toBe('boolean');
  });

  test('title and text are escaped; nothing is loaded from anywhere', () => {
    expect(text(all((e) => e.name === 'title')[0])).toBe('Lifecycle <report> & "tests"');
    expect(html).toContain('<h1>Lifecycle &lt;report&gt; &amp; &quot;tests&quot;</h1>');
    expect(all((e) => e.name === 'script')).toEqual([]);
    expect(all((e) => e.name === 'link' || e.name === 'img' || e.name === 'iframe' || e.name === 'object')).toEqual([]);
    expect(all((e) => e.attribs.src !== undefined)).toEqual([]);
    expect(all((e) => e.attribs.href !== undefined && !e.attribs.href.startsWith('#'))).toEqual([]);
    expect(html).not.toMatch(/@import|url\(|(src|href)\s*=\s*["']?\s*(https?:|\/\/)/i);
    expect(html).not.toMatch(/https?:\/\//); // not even as text: no IRI of this lifecycle is an http one
    const csp = all((e) => e.name === 'meta' && e.attribs['http-equiv'] === 'Content-Security-Policy')[0];
    expect(csp?.attribs.content).toContain("default-src 'none'");
  });
});

describe('report() options and other sources', () => {
  test('runs: only the selected runs; an unknown run is a RangeError, an invalid IRI a TypeError', async () => {
    const r = await report(life.prov.store!, { out: join(dir, 'one'), runs: [life.runs.T2], validate: false });
    const page = await readFile(r.file, 'utf8');
    const parsed = parseDocument(page);
    expect(r.runs).toBe(1);
    const runsTable = DomUtils.textContent(byAttrIn(parsed, 'class', 'runs'));
    expect(runsTable).toContain(life.runs.T2);
    expect(runsTable).not.toContain(life.runs.T1);
    // Q3 and Q5 still look at every training on the dataset (inter-training questions); Q4 only at the selected ones.
    const points = DomUtils.findAll((e) => e.name === 'circle', byAttrIn(parsed, 'data-chart', 'epoch-loss'));
    expect(points).toHaveLength(TRAININGS.T2.epochs);
    expect(page).toContain('skipped (validate: false)');
    await expect(report(life.prov.store!, { out: join(dir, 'x'), runs: ['urn:provml:execution:nope'] })).rejects.toThrow(RangeError);
    await expect(report(life.prov.store!, { out: join(dir, 'x'), runs: ['not an iri'] })).rejects.toThrow(TypeError);
  });

  test('the journal loaded into an embedded store gives the same runs and curves', async () => {
    await life.prov.flush();
    const store = await loadFiles([life.journal]);
    try {
      const r = await report(store, { out: join(dir, 'from-journal'), validate: false });
      expect(r.runs).toBe(4);
      expect(r.epochPoints).toBe(result.epochPoints);
      expect(r.lineageNodes).toBe(result.lineageNodes);
      expect(r.problems).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

/** The elements after `start` up to the next heading of its level. */
function following(start: Element): Element[] {
  const out: Element[] = [];
  for (let n = start.nextSibling; n; n = n.nextSibling) {
    if (n.type !== 'tag') continue;
    const e = n as Element;
    if (e.name === start.name) break;
    out.push(e);
  }
  return out;
}


describe('report() over HTTP', () => {
  test('the same page from the journal behind `provml serve`\'s SPARQL endpoint', async () => {
    const store = await loadFiles([life.journal]);
    const server = await startSparqlServer({ store, readOnly: true });
    const endpoint = new HttpSparqlEndpoint({ url: server.queryUrl });
    try {
      const r = await report(endpoint, { out: join(dir, 'over-http') });
      expect(r.problems).toEqual([]);
      expect({ runs: r.runs, trainings: r.trainings, charts: r.charts, epochPoints: r.epochPoints, lineageNodes: r.lineageNodes, conforms: r.conforms }).toEqual({
        runs: result.runs,
        trainings: result.trainings,
        charts: result.charts,
        epochPoints: result.epochPoints,
        lineageNodes: result.lineageNodes,
        conforms: result.conforms,
      });
    } finally {
      await endpoint.close();
      await server.close();
      await store.close();
    }
  });
});

function byAttrIn(root: ReturnType<typeof parseDocument>, name: string, value: string): Element[] {
  return DomUtils.findAll((e) => e.attribs[name] === value, root.children as never);
}
