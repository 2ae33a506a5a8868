/**
 * Line charts as inline SVG, written by hand: axes with nice ticks, one coloured line per series,
 * a marker per point with a `<title>` tooltip, and a legend. No script, no external resource, so
 * the report stays one offline file. The SVG carries no `xmlns`: inside HTML the parser puts
 * `<svg>` in the SVG namespace by itself.
 */
import { escapeHtml, formatNumber, type Html } from './html.js';
import { extent, linearScale, px } from './scale.js';

/** One point of a series; `data` becomes `data-*` attributes of its marker (e.g. `{ epoch: 3 }`). */
export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip text of the marker (plain text). */
  tip: string;
  data?: Record<string, string | number>;
}

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  points: ChartPoint[];
}

/**
 * What to draw.
 *
 * @example
 * ```ts
 * const spec: LineChartSpec = { chart: 'epoch-loss', title: 'loss per epoch', x: 'epoch', y: 'loss', series, integerX: true };
 * ```
 */
export interface LineChartSpec {
  /** Value of the `data-chart` attribute (e.g. `epoch-loss`). */
  chart: string;
  title: string;
  /** Axis labels. */
  x: string;
  y: string;
  series: ChartSeries[];
  /** Ticks on whole numbers along x. */
  integerX?: boolean;
  /** Draw a marker per point (default: when the chart has at most {@link MARKER_LIMIT} points). */
  markers?: boolean;
}

/** Above this many points in one chart, markers are left out unless asked for. */
export const MARKER_LIMIT = 600;
/** Above this many points in one series, its line is decimated (min and max of each bucket kept). */
export const LINE_LIMIT = 2000;

/** Tableau 10: distinguishable, colour-blind friendlier than the default rainbow. */
export const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

/** Stroke colour and dash pattern of series `i` (colours first, then dashes, so 40 series stay distinct). */
export function seriesStyle(i: number): { color: string; dash: string } {
  return { color: COLORS[i % COLORS.length]!, dash: DASHES[Math.floor(i / COLORS.length) % DASHES.length]! };
}

const WIDTH = 520; // two charts side by side on a 1400-pixel window
const PLOT_H = 240;
const M = { left: 64, right: 18, top: 14, bottom: 44 };
const CHAR_W = 6.6; // approximate width of a character at the legend's 11px

/** Rough text width in pixels at 11px. */
export function textWidth(text: string): number {
  return text.length * CHAR_W;
}

/**
 * A legend laid out in rows below a plot, starting at `top`: returns its markup and height.
 *
 * @example
 * ```ts
 * const { svg, height } = legend(['run 1', 'run 2'], 300, 520);
 * ```
 */
export function legend(labels: readonly string[], top: number, width: number, swatch: 'line' | 'box' = 'line'): { svg: Html; height: number } {
  const parts: string[] = [];
  let x = M.left;
  let y = top + 14;
  for (const [i, label] of labels.entries()) {
    const shown = label.length > 60 ? `${label.slice(0, 59)}…` : label;
    const w = 26 + textWidth(shown) + 16;
    if (x + w > width - M.right && x > M.left) {
      x = M.left;
      y += 18;
    }
    const { color, dash } = seriesStyle(i);
    const mark =
      swatch === 'line'
        ? `<line x1="${px(x)}" y1="${px(y - 4)}" x2="${px(x + 20)}" y2="${px(y - 4)}" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
        : `<rect x="${px(x + 4)}" y="${px(y - 10)}" width="12" height="12" fill="${color}" fill-opacity="0.75"/>`;
    parts.push(`<g class="legend-item">${mark}<text x="${px(x + 26)}" y="${px(y)}">${escapeHtml(shown)}<title>${escapeHtml(label)}</title></text></g>`);
    x += w;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: labels.length === 0 ? 0 : y - top + 8 };
}

/**
 * Axes of a plot area: grid lines, tick labels and axis titles.
 *
 * @example
 * ```ts
 * axes(xScale, yScale, 'epoch', 'loss', 520, 260);
 * ```
 */
export function axes(
  x: { ticks: number[]; map(v: number): number },
  y: { ticks: number[]; map(v: number): number },
  xLabel: string,
  yLabel: string,
  width: number,
  plotBottom: number,
): Html {
  const out: string[] = [];
  const left = M.left;
  const right = width - M.right;
  for (const t of y.ticks) {
    const yy = px(y.map(t));
    out.push(`<line class="grid" x1="${left}" y1="${yy}" x2="${px(right)}" y2="${yy}"/>`);
    out.push(`<text class="tick" x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatNumber(t))}</text>`);
  }
  for (const t of x.ticks) {
    const xx = px(x.map(t));
    out.push(`<line class="tickmark" x1="${xx}" y1="${px(plotBottom)}" x2="${xx}" y2="${px(plotBottom + 5)}"/>`);
    out.push(`<text class="tick" x="${xx}" y="${px(plotBottom + 17)}" text-anchor="middle">${escapeHtml(formatNumber(t))}</text>`);
  }
  out.push(`<line class="axis" x1="${left}" y1="${px(plotBottom)}" x2="${px(right)}" y2="${px(plotBottom)}"/>`);
  out.push(`<line class="axis" x1="${left}" y1="${M.top}" x2="${left}" y2="${px(plotBottom)}"/>`);
  out.push(`<text class="axis-title" x="${px((left + right) / 2)}" y="${px(plotBottom + 34)}" text-anchor="middle">${escapeHtml(xLabel)}</text>`);
  const cy = px((M.top + plotBottom) / 2);
  out.push(`<text class="axis-title" x="14" y="${cy}" text-anchor="middle" transform="rotate(-90 14 ${cy})">${escapeHtml(yLabel)}</text>`);
  return out.join('');
}

/** Points of a long series thinned to about `limit`: per bucket, the lowest and highest y in x order. */
export function decimate(points: readonly ChartPoint[], limit = LINE_LIMIT): ChartPoint[] {
  if (points.length <= limit) return [...points];
  const buckets = Math.max(1, Math.floor(limit / 2));
  const size = points.length / buckets;
  const out: ChartPoint[] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let lo = slice[0]!;
    let hi = slice[0]!;
    for (const p of slice) {
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    if (lo === hi) out.push(lo);
    else out.push(...(lo.x <= hi.x ? [lo, hi] : [hi, lo]));
  }
  return out;
}

/**
 * An `<svg data-chart="…">` line chart. Non-finite y values are left out (counted in the
 * returned `skipped`); each drawn point gets a `<circle>` marker carrying its `data-*`
 * attributes and a tooltip, unless the chart is too dense (see {@link MARKER_LIMIT}).
 *
 * @example
 * ```ts
 * const { svg, points } = lineChart({ chart: 'epoch-loss', title: 'loss', x: 'epoch', y: 'loss', series, integerX: true });
 * ```
 */
export function lineChart(spec: LineChartSpec): { svg: Html; points: number; skipped: number } {
  let skipped = 0;
  const series = spec.series.map((s) => ({
    label: s.label,
    points: s.points.filter((p) => {
      const ok = Number.isFinite(p.x) && Number.isFinite(p.y);
      if (!ok) skipped++;
      return ok;
    }),
  }));
  const all = series.flatMap((s) => s.points);
  const markers = spec.markers ?? all.length <= MARKER_LIMIT;
  const plotBottom = M.top + PLOT_H;
  const x = linearScale(extent(all.map((p) => p.x)), [M.left, WIDTH - M.right], { integer: spec.integerX ?? false, count: 8 });
  const y = linearScale(extent(all.map((p) => p.y)), [plotBottom, M.top], { count: 5 });
  const lg = legend(series.map((s) => s.label), plotBottom + M.bottom, WIDTH);
  const height = plotBottom + M.bottom + lg.height + 4;
  const body: string[] = [];
  for (const [i, s] of series.entries()) {
    const { color, dash } = seriesStyle(i);
    const line = decimate(s.points);
    const d = line.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(x.map(p.x))} ${px(y.map(p.y))}`).join('');
    const g: string[] = [`<g class="series" data-series="${i}"><title>${escapeHtml(s.label)}</title>`];
    const dense = line.length > 200; // thinner, slightly transparent lines where batches crowd
    const stroke = dense ? 'stroke-width="1" stroke-opacity="0.8"' : 'stroke-width="2"';
    if (line.length > 1) g.push(`<path d="${d}" fill="none" stroke="${color}" ${stroke}${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    if (markers || line.length === 1) {
      for (const p of s.points) {
        const attrs = Object.entries(p.data ?? {})
          .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/g, '-')}="${escapeHtml(v)}"`)
          .join('');
        g.push(`<circle cx="${px(x.map(p.x))}" cy="${px(y.map(p.y))}" r="3.5" fill="${color}"${attrs}><title>${escapeHtml(p.tip)}</title></circle>`);
      }
    }
    g.push('</g>');
    body.push(g.join(''));
  }
  const svg =
    `<svg class="chart" data-chart="${escapeHtml(spec.chart)}" viewBox="0 0 ${WIDTH} ${px(height)}" width="${WIDTH}" height="${px(height)}" role="img">` +
    `<title>${escapeHtml(spec.title)}</title>` +
    axes(x, y, spec.x, spec.y, WIDTH, plotBottom) +
    body.join('') +
    lg.svg +
    '</svg>';
  return { svg, points: all.length, skipped };
}
