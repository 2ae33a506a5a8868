/**
 * The report's curves: one chart per measure recorded on epochs (`data-chart="epoch-<measure>"`,
 * one marker per recorded epoch and training stage), one per measure recorded on batches
 * (`batch-<measure>`, x = fractional epoch so runs with other batch counts line up), and a
 * histogram of batch durations per training run (`batch-time-<R#>`).
 */
import { batchTimeStats } from '../query/monitor.js';
import { lineChart, seriesStyle, type ChartSeries } from './chart.js';
import { escapeHtml, formatNumber, num, section, slug, table, type Html } from './html.js';
import { histogram } from './histogram.js';
import type { TrainingData } from './types.js';

/** Losses first (they are what people look for), then the other measures alphabetically. */
export function measureOrder(names: Iterable<string>): string[] {
  const rank = (n: string) => (n === 'loss' ? 0 : /loss/i.test(n) ? 1 : 2);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** A legend label per (run, stage): the run's label, plus the stage type when a run has several. */
function stageLabels(t: TrainingData, stages: readonly string[]): Map<string, string> {
  const types = new Map<string, string | undefined>();
  for (const e of t.epochs) types.set(e.stage, e.stageType);
  return new Map(stages.map((s, i) => [s, stages.length > 1 ? `${t.run.label} · ${types.get(s) ?? `stage ${i + 1}`}` : t.run.label]));
}

function figure(svg: Html, caption: string, note?: string): Html {
  return `<figure>\n<figcaption>${escapeHtml(caption)}</figcaption>\n${svg}${note ? `\n<p class="note">${escapeHtml(note)}</p>` : ''}\n</figure>`;
}

function skippedNote(skipped: number): string | undefined {
  return skipped > 0 ? `${skipped} non-finite value${skipped === 1 ? '' : 's'} (NaN or ±∞) not drawn.` : undefined;
}

/**
 * Charts of every measure recorded per epoch: one series per training stage, one point per epoch.
 *
 * @example
 * ```ts
 * const { html, charts, points } = epochCharts(trainings);
 * ```
 */
export function epochCharts(trainings: readonly TrainingData[]): { html: Html; charts: number; points: number } {
  const measures = measureOrder(trainings.flatMap((t) => t.epochs.flatMap((e) => Object.keys(e.measures))));
  const figures: Html[] = [];
  let points = 0;
  for (const measure of measures) {
    const series: ChartSeries[] = [];
    for (const t of trainings) {
      const stages = [...new Set(t.epochs.map((e) => e.stage))];
      const labels = stageLabels(t, stages);
      for (const stage of stages) {
        const pts = t.epochs
          .filter((e) => e.stage === stage && Object.hasOwn(e.measures, measure))
          .map((e) => ({
            x: e.epoch,
            y: e.measures[measure]!,
            tip: `${labels.get(stage)} — epoch ${e.epoch}: ${measure} = ${formatNumber(e.measures[measure]!)}`,
            data: { epoch: e.epoch, run: t.run.key },
          }));
        if (pts.length > 0) series.push({ label: labels.get(stage)!, points: pts });
      }
    }
    const chart = lineChart({ chart: `epoch-${measure}`, title: `${measure} per epoch`, x: 'epoch', y: measure, series, integerX: true, markers: true });
    points += chart.points;
    figures.push(figure(chart.svg, `${measure} per epoch`, skippedNote(chart.skipped)));
  }
  const html = figures.length > 0 ? `<div class="charts">\n${figures.join('\n')}\n</div>` : '<p class="empty">no measures recorded per epoch in the selected runs</p>';
  return { html, charts: figures.length, points };
}

/**
 * Charts of every measure recorded per batch: x is the epoch plus the batch's position within it.
 *
 * @example
 * ```ts
 * const { html, charts } = batchCharts(trainings);
 * ```
 */
export function batchCharts(trainings: readonly TrainingData[]): { html: Html; charts: number } {
  const measures = measureOrder(trainings.flatMap((t) => t.batches.flatMap((b) => Object.keys(b.measures))));
  const figures: Html[] = [];
  for (const measure of measures) {
    const series: ChartSeries[] = [];
    for (const t of trainings) {
      const stages = [...new Set(t.batches.map((b) => b.stage))];
      const labels = stageLabels(t, stages);
      for (const stage of stages) {
        const batches = t.batches.filter((b) => b.stage === stage);
        const perEpoch = new Map<number, number>();
        for (const b of batches) perEpoch.set(b.epoch, (perEpoch.get(b.epoch) ?? 0) + 1);
        const seen = new Map<number, number>();
        const pts = [];
        for (const b of batches) {
          const k = seen.get(b.epoch) ?? 0;
          seen.set(b.epoch, k + 1);
          if (!Object.hasOwn(b.measures, measure)) continue;
          const v = b.measures[measure]!;
          pts.push({
            x: b.epoch + k / perEpoch.get(b.epoch)!,
            y: v,
            tip: `${labels.get(stage)} — epoch ${b.epoch}, batch ${b.index ?? k}: ${measure} = ${formatNumber(v)}`,
            data: { epoch: b.epoch, batch: b.index ?? k, run: t.run.key },
          });
        }
        if (pts.length > 0) series.push({ label: labels.get(stage)!, points: pts });
      }
    }
    const chart = lineChart({ chart: `batch-${measure}`, title: `${measure} per batch`, x: 'epoch (batches in order within each epoch)', y: measure, series, integerX: true });
    figures.push(figure(chart.svg, `${measure} per batch`, skippedNote(chart.skipped)));
  }
  const html = figures.length > 0 ? `<div class="charts">\n${figures.join('\n')}\n</div>` : '<p class="empty">no measures recorded per batch in the selected runs</p>';
  return { html, charts: figures.length };
}

/**
 * The curves section (epochs, then batches).
 *
 * @example
 * ```ts
 * const { html } = curvesSection(trainings);
 * ```
 */
export function curvesSection(trainings: readonly TrainingData[]): { html: Html; charts: number; points: number } {
  const epochs = epochCharts(trainings);
  const batches = batchCharts(trainings);
  const body = `<h3 id="curves-epoch">Per epoch</h3>\n${epochs.html}\n<h3 id="curves-batch">Per batch</h3>\n${batches.html}`;
  const intro = 'Every measure recorded on epochs and on batches, one line per training stage. Hover a point for its value.';
  return { html: section('curves', 'Loss and metric curves', body, intro), charts: epochs.charts + batches.charts, points: epochs.points };
}

/**
 * The batch-time section: a histogram of batch durations per training run, and their statistics.
 *
 * @example
 * ```ts
 * const { html, charts } = batchTimesSection(trainings);
 * ```
 */
export function batchTimesSection(trainings: readonly TrainingData[]): { html: Html; charts: number } {
  const figures: Html[] = [];
  const rows: Html[][] = [];
  for (const [i, t] of trainings.entries()) {
    const durations = t.batches.map((b) => b.durationMs).filter((d): d is number => d !== undefined && Number.isFinite(d));
    if (durations.length === 0) continue;
    const { svg } = histogram(`batch-time-${slug(t.run.key)}`, `${t.run.label}: batch durations`, durations, seriesStyle(i).color);
    figures.push(figure(svg, `${t.run.label} — ${durations.length} batches`));
    const s = batchTimeStats(durations);
    rows.push([escapeHtml(t.run.label), ...[s.count, s.mean, s.min, s.p50, s.p95, s.max].map((v) => `<span class="num">${num(v)}</span>`)]);
  }
  const body =
    figures.length > 0
      ? `<div class="charts">\n${figures.join('\n')}\n</div>\n${table(['run', 'batches', 'mean ms', 'min ms', 'median ms', 'p95 ms', 'max ms'], rows)}`
      : '<p class="empty">no batch with a recorded duration in the selected runs</p>';
  const intro = 'How long each batch took (provml:durationMs, else end − start), per training run; dashed lines mark the median and the 95th percentile.';
  return { html: section('batch-times', 'Batch-time distribution', body, intro), charts: figures.length };
}
