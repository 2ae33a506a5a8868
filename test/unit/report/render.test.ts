/**
 * The report's pure pieces: HTML escaping, number and duration text, scales, the line chart and
 * histogram SVG, and the layered layout of the lineage diagram.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, test } from 'vitest';
import type { ProvGraph } from '../../../src/query/lineage/types.js';
import { lineChart } from '../../../src/report/chart.js';
import { bins, histogram } from '../../../src/report/histogram.js';
import { escapeHtml, formatDuration, formatNumber, slug, table } from '../../../src/report/html.js';
import { layeredLayout } from '../../../src/report/layout.js';
import { lineageSvg, mergeGraphs } from '../../../src/report/lineage-svg.js';
import { linearScale } from '../../../src/report/scale.js';

const parse = (html: string) => parseDocument(html);
const texts = (html: string) => DomUtils.textContent(parse(html));

describe('escapeHtml', () => {
  test('escapes the five HTML metacharacters, for text and attributes alike', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    const hostile = `"><script>alert(1)</script><img src=x onerror='y'>`;
    const doc = parse(`<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</p>`);
    const [p] = DomUtils.findAll((e) => e.name === 'p', doc.children);
    expect(p?.attribs.title).toBe(hostile);
    expect(DomUtils.textContent(p!)).toBe(hostile);
    expect(DomUtils.findAll((e) => e.name === 'script' || e.name === 'img', doc.children)).toEqual([]);
  });
  test('control characters and lone surrogates become U+FFFD; tab and newlines stay; nullish is empty', () => {
    expect(escapeHtml('a\u0000b\u0007c\td\ne\rf\u007f')).toBe('a\uFFFDb\uFFFDc\td\ne\rf\uFFFD');
    expect(escapeHtml('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeHtml('😀 é')).toBe('😀 é');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(0.5)).toBe('0.5');
  });
  test('table() escapes headers and the empty message; slug() keeps names apart', () => {
    expect(table(['<th>'], [])).toBe('<p class="empty">(none)</p>');
    expect(table(['<th>'], [], { empty: '<none>' })).toBe('<p class="empty">&lt;none&gt;</p>');
    expect(table(['a<b'], [['1']])).toContain('<th scope="col">a&lt;b</th>');
    expect(slug('val loss')).toBe('val_20loss');
    expect(slug('a_b')).not.toBe(slug('a b'));
    expect(slug('<x>')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('numbers', () => {
  test('formatNumber: integers as they are, 4 significant digits, exponents for tiny and huge', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1 / 3)).toBe('0.3333');
    expect(formatNumber(0.00001234567)).toBe('1.235e-5');
    expect(formatNumber(123456789.5)).toBe('1.235e8');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('−∞');
  });
  test('formatDuration', () => {
    expect(formatDuration(12.345)).toBe('12.3 ms');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(formatDuration(65_000)).toBe('1 min 05 s');
    expect(formatDuration(3_780_000)).toBe('1 h 03 min');
    expect(formatDuration(undefined)).toBe('');
  });
  test('linearScale: nice ticks covering the data, integer ticks, a single value', () => {
    const s = linearScale([0.31, 0.92], [300, 20]);
    expect(s.ticks[0]).toBeLessThanOrEqual(0.31);
    expect(s.ticks.at(-1)).toBeGreaterThanOrEqual(0.92);
    expect(s.ticks).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(s.map(s.domain[0])).toBe(300);
    expect(s.map(s.domain[1])).toBe(20);
    expect(linearScale([0, 3], [0, 1], { integer: true, count: 8 }).ticks.every(Number.isInteger)).toBe(true);
    expect(linearScale([5, 5], [0, 1]).ticks.length).toBeGreaterThan(1);
  });
});

describe('charts', () => {
  const series = [
    { label: 'R1 <a>', points: [0, 1, 2].map((e) => ({ x: e, y: 1 / (e + 1), tip: `epoch ${e}`, data: { epoch: e } })) },
    { label: 'R2', points: [{ x: 0, y: Number.NaN, tip: 'nan', data: { epoch: 0 } }, { x: 1, y: 0.4, tip: 'e1', data: { epoch: 1 } }] },
  ];
  test('lineChart: one marker per finite point with its data attributes and tooltip, a legend, axes', () => {
    const { svg, points, skipped } = lineChart({ chart: 'epoch-loss', title: 'loss', x: 'epoch', y: 'loss', series, integerX: true, markers: true });
    expect(points).toBe(4);
    expect(skipped).toBe(1);
    const doc = parse(svg);
    const [root] = DomUtils.findAll((e) => e.name === 'svg', doc.children);
    expect(root?.attribs['data-chart']).toBe('epoch-loss');
    const circles = DomUtils.findAll((e) => e.name === 'circle', doc.children);
    expect(circles.map((c) => c.attribs['data-epoch'])).toEqual(['0', '1', '2', '1']);
    expect(DomUtils.textContent(circles[0]!)).toBe('epoch 0');
    expect(texts(svg)).toContain('R1 <a>');
    expect(svg).not.toContain('R1 <a>');
    expect(DomUtils.findAll((e) => e.name === 'path', doc.children)).toHaveLength(1); // R2 has one finite point: no line
  });
  test('lineChart: dense charts drop markers unless asked, long lines are decimated', () => {
    const long = [{ label: 'x', points: Array.from({ length: 10_000 }, (_, i) => ({ x: i, y: Math.sin(i / 50), tip: '' })) }];
    const { svg } = lineChart({ chart: 'batch-loss', title: 't', x: 'x', y: 'y', series: long });
    expect(svg).not.toContain('<circle');
    expect((svg.match(/L/g) ?? []).length).toBeLessThanOrEqual(2000);
  });
  test('histogram: bins cover every value once, bars carry counts', () => {
    const values = [1, 2, 2, 3, 3, 3, 10];
    const b = bins(values);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(values.length);
    expect(b.edges[0]).toBeLessThanOrEqual(1);
    expect(b.edges.at(-1)).toBeGreaterThanOrEqual(10);
    const { svg, stats } = histogram('batch-time-R1', 'R1', values);
    expect(stats).toMatchObject({ count: 7, min: 1, max: 10, p50: 3 });
    const bars = DomUtils.findAll((e) => e.name === 'rect', parse(svg).children);
    expect(bars.map((r) => Number(r.attribs['data-count'])).reduce((a, c) => a + c, 0)).toBe(7);
    expect(bins([4, 4, 4]).counts.reduce((a, c) => a + c, 0)).toBe(3); // all equal: still binned
  });
});

describe('layered layout', () => {
  const n = (id: string) => ({ id, width: 60, height: 30 });
  test('dependencies to the left: raw data in layer 0, each node right of what it depends on', () => {
    const edges = [
      { from: 'model', to: 'stage' },
      { from: 'stage', to: 'dataset' },
      { from: 'dataset', to: 'tile' },
      { from: 'tile', to: 'raw' },
      { from: 'stage', to: 'raw' }, // a long edge: routed through dummy positions
    ];
    const l = layeredLayout(['model', 'stage', 'dataset', 'tile', 'raw'].map(n), edges);
    const at = Object.fromEntries(l.nodes.map((p) => [p.id, p]));
    expect([at.raw!.layer, at.tile!.layer, at.dataset!.layer, at.stage!.layer, at.model!.layer]).toEqual([0, 1, 2, 3, 4]);
    for (const e of edges) expect(at[e.from]!.x).toBeGreaterThan(at[e.to]!.x);
    const long = l.edges.find((e) => e.from === 'stage' && e.to === 'raw')!;
    expect(long.points).toHaveLength(4); // two ends + dummies in layers 2 and 1
    expect(l.width).toBeGreaterThan(5 * 60);
    for (const p of l.nodes) {
      expect(p.x - p.width / 2).toBeGreaterThanOrEqual(0);
      expect(p.y + p.height / 2).toBeLessThanOrEqual(l.height);
    }
  });
  test('orders layers to remove crossings when it can, and is deterministic', () => {
    // a→{c,d}, b→{e}: with c,d,e in one layer and a,b in the next, a good order has no crossing.
    const nodes = ['a', 'b', 'c', 'd', 'e'].map(n);
    const edges = [{ from: 'a', to: 'e' }, { from: 'b', to: 'c' }, { from: 'a', to: 'd' }];
    const l = layeredLayout(nodes, edges);
    expect(l.crossings).toBe(0);
    expect(layeredLayout(nodes, edges)).toEqual(l);
  });
  test('cycles, self-loops, unknown ends and overlaps do not break it', () => {
    const l = layeredLayout(['a', 'b', 'c'].map(n), [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'a', to: 'a' }, { from: 'a', to: 'zzz' }]);
    expect(l.nodes).toHaveLength(3);
    expect(l.edges.filter((e) => e.back)).toHaveLength(1);
    const column = new Map<number, { y: number; height: number }[]>();
    for (const p of l.nodes) column.set(p.layer, [...(column.get(p.layer) ?? []), p]);
    for (const ps of column.values()) {
      ps.sort((a, b) => a.y - b.y);
      for (let i = 1; i < ps.length; i++) expect(ps[i]!.y - ps[i]!.height / 2).toBeGreaterThanOrEqual(ps[i - 1]!.y + ps[i - 1]!.height / 2);
    }
    expect(layeredLayout([], [])).toMatchObject({ nodes: [], edges: [] });
  });
  test('a deep chain (3,000 nodes) lays out without recursion limits', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `n${i}`);
    const l = layeredLayout(ids.map(n), ids.slice(1).map((id, i) => ({ from: id, to: ids[i]! })));
    expect(Math.max(...l.nodes.map((p) => p.layer))).toBe(2999);
  });
});

describe('lineage SVG', () => {
  const P = 'https://w3id.org/prov-ml#';
  const PROV = 'http://www.w3.org/ns/prov#';
  const node = (iri: string, label: string, kind: 'entity' | 'activity', types: string[], depth: number) => ({ iri, label, kind, types: types.map((t) => P + t), depth });
  const g1: ProvGraph = {
    nodes: [
      node('urn:m1', 'model-1.json', 'entity', ['ModelReferenceValue'], 0),
      node('urn:s1', 'training', 'activity', ['LearningStageExecution'], 1),
      node('urn:d', 'train "<set>".npz', 'entity', ['DataReferenceValue', 'LearningDatasetReferenceValue'], 2),
      node('urn:t', 'tile', 'activity', ['DataTransformationExecution'], 3),
      node('urn:raw', 'raw.sgy', 'entity', ['DataReferenceValue'], 4),
    ],
    edges: [
      { from: 'urn:m1', predicate: `${PROV}wasGeneratedBy`, to: 'urn:s1' },
      { from: 'urn:s1', predicate: `${PROV}used`, to: 'urn:d' },
      { from: 'urn:d', predicate: `${PROV}wasGeneratedBy`, to: 'urn:t' },
      { from: 'urn:t', predicate: `${PROV}used`, to: 'urn:raw' },
    ],
    roots: ['urn:m1'],
  };
  const g2: ProvGraph = {
    nodes: [node('urn:m2', 'model-2.json', 'entity', ['ModelReferenceValue'], 0), node('urn:s2', 'training', 'activity', ['LearningStageExecution'], 1), { ...g1.nodes[2]!, depth: 2 }],
    edges: [
      { from: 'urn:m2', predicate: `${PROV}wasInfluencedBy`, to: 'urn:s2', via: ['urn:epoch'] },
      { from: 'urn:s2', predicate: `${PROV}used`, to: 'urn:d' },
    ],
    roots: ['urn:m2'],
  };
  test('merged graphs share nodes; roles, layers, escaped labels and tooltips', () => {
    const merged = mergeGraphs([g1, g2]);
    expect(merged.nodes).toHaveLength(7);
    expect(merged.edges).toHaveLength(6);
    expect(merged.roots).toEqual(['urn:m1', 'urn:m2']);
    const { svg, width, height } = lineageSvg(merged);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    const doc = parse(svg);
    const groups = DomUtils.findAll((e) => e.name === 'g' && (e.attribs.class ?? '').startsWith('node '), doc.children);
    const role = Object.fromEntries(groups.map((g) => [g.attribs['data-iri'], g.attribs['data-role']]));
    expect(role).toEqual({ 'urn:m1': 'model', 'urn:m2': 'model', 'urn:s1': 'execution', 'urn:s2': 'execution', 'urn:d': 'dataset', 'urn:t': 'execution', 'urn:raw': 'raw' });
    expect(DomUtils.findAll((e) => e.name === 'text', doc.children).map((t) => DomUtils.textContent(t))).toContain('train "<set>".npz');
    expect(svg).not.toContain('"<set>"');
    const edges = DomUtils.findAll((e) => e.name === 'g' && /^edge( |$)/.test(e.attribs.class ?? ''), doc.children);
    expect(edges).toHaveLength(6);
    expect(edges.filter((e) => e.attribs.class!.includes('collapsed'))).toHaveLength(1);
    expect(DomUtils.textContent(edges.find((e) => e.attribs.class!.includes('collapsed'))!)).toContain('through 1 hidden node');
    expect(svg).not.toContain('url(');
  });
  test('an empty graph draws nothing', () => {
    expect(lineageSvg({ nodes: [], edges: [], roots: [] }).svg).toBe('');
  });
});
