import type { MonitorSnapshot } from '../query/monitor.js';
import { formatDuration, formatNumber, sparkline } from './sparkline.js';
import { painter } from './style.js';

/**
 * What `provml monitor` prints: a multi-line view redrawn in place on a terminal, and a compact
 * one-line form per refresh when the output is a pipe or a file.
 */

/**
 * Options of {@link renderMonitor}.
 *
 * @example
 * ```ts
 * const o: MonitorViewOptions = { color: true, columns: 100 };
 * ```
 */
export interface MonitorViewOptions {
  /** Colour the status and labels (default false). */
  color?: boolean;
  /** Terminal width: lines are cut to it, the sparkline sized to fit (default 100). */
  columns?: number;
}

type Paint = ReturnType<typeof painter>;

function statusText(s: MonitorSnapshot, paint: Paint): string {
  if (!s.finished) return paint('yellow', 'running');
  const status = s.status ?? 'ended';
  return paint(status === 'failed' ? 'red' : 'green', status);
}

function batchText(s: MonitorSnapshot): string {
  const b = s.batch;
  const current = b.current !== undefined ? `batch ${b.current}` : 'batch -';
  return `${current} (${b.completedInEpoch} done in epoch, ${b.completed} total)`;
}

/**
 * Stage, epoch and batch, without mixing stages: the epochs shown belong to the most recently
 * started stage that has epochs, which is not always the current stage (a validation without
 * epochs after a training). Then the epochs' own stage names them: `validation | training epoch 4`.
 */
function progressText(s: MonitorSnapshot, sep: string): string {
  const epoch = s.epoch.current !== undefined ? `epoch ${s.epoch.current} (${s.epoch.completed} done)` : 'no epoch yet';
  const own = s.epoch.current === undefined || s.epoch.stage === s.stage;
  const stage = s.stage ?? '-';
  return own ? `${stage}${sep}${epoch}${sep}${batchText(s)}` : `${stage} | ${s.epoch.stage ?? 'workflow'} ${epoch}${sep}${batchText(s)}`;
}

function measuresText(m: Record<string, number>, sep: string, eq: string): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}${eq}${formatNumber(m[k]!)}`)
    .join(sep);
}

function clockTime(iso: string, withMs = true): string {
  const m = /T(\d\d:\d\d:\d\d)(\.\d{1,3})?/.exec(iso);
  return m ? m[1]! + (withMs ? (m[2] ?? '') : '') : iso;
}

/** Cut a line to `columns` visible characters (ANSI colour codes do not count). */
function fit(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  let cut = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i);
      if (end > i) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= columns) {
      cut = true;
      continue;
    }
    out += line[i];
    visible++;
  }
  return cut && out.includes('\u001b') ? `${out}\u001b[0m` : out;
}

/**
 * The multi-line terminal view of a snapshot: header (workflow, status, elapsed), stage/epoch/
 * batch, the measure per epoch as a sparkline with first, last and best values, batch times,
 * the last evaluation and the events lag.
 *
 * @example
 * ```ts
 * process.stdout.write(renderMonitor(snapshot, { color: true }).join('\n') + '\n');
 * ```
 */
export function renderMonitor(s: MonitorSnapshot, options: MonitorViewOptions = {}): string[] {
  const paint = painter(options.color ?? false);
  const columns = Math.max(20, options.columns ?? 100);
  const label = (t: string) => paint('dim', t.padEnd(8));
  const lines: string[] = [];
  lines.push(`${paint('bold', s.workflow ?? 'workflow')}  ${statusText(s, paint)}  elapsed ${formatDuration(s.elapsedMs)}`);
  lines.push(`${label('run')} ${s.run}`);
  lines.push(`${label('stage')} ${progressText(s, '  ')}`);
  const losses = s.lossPerEpoch;
  if (losses.length > 0) {
    const width = Math.max(8, Math.min(60, columns - 50));
    const last = losses.at(-1)!;
    const best = Math.min(...losses);
    lines.push(`${label(s.measure)} ${sparkline(losses, width)}  ${formatNumber(losses[0]!)} → ${formatNumber(last)}  (min ${formatNumber(best)}, ${losses.length} epochs)`);
  } else lines.push(`${label(s.measure)} -`);
  const t = s.batchTime;
  lines.push(
    t
      ? `${label('batch')} ${t.count} recent: mean ${formatNumber(t.mean)} ms  min ${formatNumber(t.min)}  p50 ${formatNumber(t.p50)}  p95 ${formatNumber(t.p95)}  max ${formatNumber(t.max)} ms`
      : `${label('batch')} -`,
  );
  const evaluation = measuresText(s.lastEvaluation, '  ', ' ');
  lines.push(`${label('eval')} ${evaluation ? `epoch ${s.lastEvaluationEpoch}: ${evaluation}` : '-'}`);
  // A finished run has no lag: its last event is simply in the past.
  if (s.finished) lines.push(`${label('lag')} - (run ended${s.lastEventAt ? `; last event ${clockTime(s.lastEventAt)}` : ''})`);
  else lines.push(`${label('lag')} ${s.lagMs !== undefined ? `${formatDuration(s.lagMs)} (last event ${clockTime(s.lastEventAt!)})` : '-'}`);
  return lines.map((l) => fit(l, columns));
}

/**
 * The one-line form of a snapshot, for logs and pipes.
 *
 * @example
 * ```ts
 * console.log(monitorLine(snapshot)); // 12:00:01 digits running 4.2 s | training epoch 2 (2 done) …
 * ```
 */
export function monitorLine(s: MonitorSnapshot): string {
  const parts = [`${clockTime(s.takenAt, false)} ${s.workflow ?? 'workflow'} ${s.finished ? (s.status ?? 'ended') : 'running'} ${formatDuration(s.elapsedMs)}`];
  parts.push(progressText(s, ' ').replace('no epoch yet', 'no epoch'));
  if (s.lossPerEpoch.length > 0) parts.push(`${s.measure} ${sparkline(s.lossPerEpoch, 20)} ${formatNumber(s.lossPerEpoch.at(-1)!)}`);
  if (s.batchTime) parts.push(`batch mean ${formatNumber(s.batchTime.mean)} ms p95 ${formatNumber(s.batchTime.p95)} ms`);
  const evaluation = measuresText(s.lastEvaluation, ' ', '=');
  if (evaluation) parts.push(`eval ${evaluation}`);
  if (s.lagMs !== undefined && !s.finished) parts.push(`lag ${formatDuration(s.lagMs)}`);
  return parts.join(' | ');
}
