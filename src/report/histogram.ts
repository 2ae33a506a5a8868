/**
 * Histograms of batch durations as inline SVG: round bin edges (the axis ticks), one bar per bin
 * with a tooltip, and dashed lines at the median and the 95th percentile.
 */
import { batchTimeStats, type BatchTimeStats } from '../query/monitor.js';
import { escapeHtml, formatNumber, type Html } from './html.js';
import { extent, linearScale, px } from './scale.js';

const WIDTH = 440;
const PLOT_H = 170;
const M = { left: 52, right: 14, top: 12, bottom: 40 };

/**
 * Bins over `values`: `edges` are n + 1 increasing bounds, `counts` n counts; a value equal to
 * an inner edge falls in the bin to its right, the last edge is included in the last bin.
 *
 * @example
 * ```ts
 * bins([1, 2, 2, 3], 4); // { edges: [1, 1.5, 2, 2.5, 3], counts: [1, 0, 2, 1] }
 * ```
 */
export function bins(values: readonly number[], target = Math.ceil(Math.sqrt(values.length))): { edges: number[]; counts: number[] } {
  const finite = values.filter((v) => Number.isFinite(v));
  const count = Math.min(40, Math.max(4, target));
  const scale = linearScale(extent(finite), [0, 1], { count });
  const edges = scale.ticks.length >= 2 ? scale.ticks : [scale.domain[0], scale.domain[1]];
  const counts = new Array<number>(edges.length - 1).fill(0);
  const first = edges[0]!;
  const step = (edges.at(-1)! - first) / counts.length;
  for (const v of finite) {
    const i = Math.min(counts.length - 1, Math.max(0, Math.floor((v - first) / step + 1e-9)));
    counts[i]!++;
  }
  return { edges, counts };
}

/**
 * An `<svg data-chart="…">` histogram of durations (ms) with the statistics drawn in.
 *
 * @example
 * ```ts
 * const { svg, stats } = histogram('batch-time-R2', 'R2 train', durations);
 * ```
 */
export function histogram(chart: string, title: string, durations: readonly number[], color = '#4e79a7'): { svg: Html; stats: BatchTimeStats } {
  const finite = durations.filter((d) => Number.isFinite(d));
  const stats = batchTimeStats(finite);
  const { edges, counts } = bins(finite);
  const plotBottom = M.top + PLOT_H;
  const x = linearScale([edges[0]!, edges.at(-1)!], [M.left, WIDTH - M.right], { count: 6 });
  const y = linearScale([0, Math.max(1, ...counts)], [plotBottom, M.top], { count: 4, integer: true });
  const out: string[] = [];
  for (const t of y.ticks) {
    const yy = px(y.map(t));
    out.push(`<line class="grid" x1="${M.left}" y1="${yy}" x2="${WIDTH - M.right}" y2="${yy}"/>`);
    out.push(`<text class="tick" x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${t}</text>`);
  }
  for (const t of x.ticks) {
    const xx = px(x.map(t));
    out.push(`<line class="tickmark" x1="${xx}" y1="${px(plotBottom)}" x2="${xx}" y2="${px(plotBottom + 5)}"/>`);
    out.push(`<text class="tick" x="${xx}" y="${px(plotBottom + 17)}" text-anchor="middle">${escapeHtml(formatNumber(t))}</text>`);
  }
  for (const [i, n] of counts.entries()) {
    const x0 = x.map(edges[i]!);
    const x1 = x.map(edges[i + 1]!);
    const top = y.map(n);
    const tip = `${formatNumber(edges[i]!)}–${formatNumber(edges[i + 1]!)} ms: ${n} batch${n === 1 ? '' : 'es'}`;
    out.push(
      `<rect class="bar" data-bin="${i}" data-count="${n}" x="${px(x0 + 0.5)}" y="${px(top)}" width="${px(Math.max(0.5, x1 - x0 - 1))}" height="${px(plotBottom - top)}" fill="${color}"><title>${escapeHtml(tip)}</title></rect>`,
    );
  }
  if (stats.count > 0) {
    for (const [name, v] of [['median', stats.p50], ['p95', stats.p95]] as const) {
      const xx = px(x.map(v));
      out.push(`<line class="stat" x1="${xx}" y1="${M.top}" x2="${xx}" y2="${px(plotBottom)}"><title>${escapeHtml(`${name} ${formatNumber(v)} ms`)}</title></line>`);
      out.push(`<text class="stat-label" x="${xx}" y="${M.top + 10}" text-anchor="${name === 'median' ? 'end' : 'start'}" dx="${name === 'median' ? -3 : 3}">${name}</text>`);
    }
  }
  out.push(`<line class="axis" x1="${M.left}" y1="${px(plotBottom)}" x2="${WIDTH - M.right}" y2="${px(plotBottom)}"/>`);
  out.push(`<line class="axis" x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${px(plotBottom)}"/>`);
  out.push(`<text class="axis-title" x="${px((M.left + WIDTH - M.right) / 2)}" y="${px(plotBottom + 34)}" text-anchor="middle">batch duration (ms)</text>`);
  const cy = px((M.top + plotBottom) / 2);
  out.push(`<text class="axis-title" x="12" y="${cy}" text-anchor="middle" transform="rotate(-90 12 ${cy})">batches</text>`);
  const height = plotBottom + M.bottom;
  const svg = `<svg class="chart histogram" data-chart="${escapeHtml(chart)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img"><title>${escapeHtml(title)}</title>${out.join('')}</svg>`;
  return { svg, stats };
}
