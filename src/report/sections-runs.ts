/**
 * The report's tables about runs: every selected run (workflow, IRI, times, status, experiment),
 * a summary of each training, and hyperparameters side by side (rows = names, columns = runs,
 * rows whose values differ between runs marked).
 */
import { code, escapeHtml, formatDuration, num, section, table, type Html } from './html.js';
import { finalModels } from './queries.js';
import type { RunInfo, TrainingData } from './types.js';
import { dataNames } from './data.js';

/** A stored xsd:dateTime for reading: date and time separated by a space. */
export function when(iso: string | undefined): string {
  return iso === undefined ? '' : iso.replace('T', ' ');
}

/** A run's status as a badge: `completed`, `failed`, or `running` while it has no end. */
function status(r: RunInfo): Html {
  const s = r.status ?? (r.endedAt === undefined ? 'running' : 'ended');
  const cls = /^(completed|failed|running)$/.test(s) ? s : '';
  return `<span class="badge ${cls}">${escapeHtml(s)}</span>`;
}

/**
 * The runs table.
 *
 * @example
 * ```ts
 * runsTable(runs); // <table> with one row per run
 * ```
 */
export function runsTable(runs: readonly RunInfo[]): Html {
  const rows = runs.map((r) => [
    `<strong>${escapeHtml(r.key)}</strong>`,
    escapeHtml(r.workflow),
    escapeHtml(r.experiment ?? ''),
    code(r.run),
    `<span class="when">${escapeHtml(when(r.startedAt))}</span>`,
    `<span class="when">${escapeHtml(when(r.endedAt))}</span>`,
    `<span class="num">${escapeHtml(formatDuration(r.durationMs))}</span>`,
    status(r),
    escapeHtml(r.persona ?? ''),
  ]);
  return table(['#', 'workflow', 'experiment', 'run IRI', 'started', 'ended', 'duration', 'status', 'persona'], rows, {
    empty: 'no workflow runs in the store',
    className: 'runs',
  });
}

/**
 * One row per training: epochs, batches, the last epoch's measures, data used and final model.
 *
 * @example
 * ```ts
 * trainingsTable(trainings);
 * ```
 */
export function trainingsTable(trainings: readonly TrainingData[]): Html {
  const names = dataNames(trainings);
  const rows = trainings.map((t) => {
    const last = t.epochs.at(-1);
    const measures = last ? Object.entries(last.measures).map(([k, v]) => `<li>${escapeHtml(k)} = ${num(v)}</li>`) : [];
    const used = t.datasets.filter((d) => d.role === 'used' && d.kind === 'LearningStageExecution');
    const usedNames = [...new Set(used.map((d) => d.data))].map((iri) => `<li title="${escapeHtml(iri)}">${escapeHtml(names.get(iri)?.label ?? iri)}</li>`);
    const models = finalModels(t.models).map((iri) => `<li title="${escapeHtml(iri)}">${escapeHtml(names.get(iri)?.label ?? iri)}</li>`);
    return [
      `<strong>${escapeHtml(t.run.key)}</strong>`,
      escapeHtml(t.run.workflow),
      `<span class="num">${t.epochs.length}</span>`,
      `<span class="num">${t.batches.length}</span>`,
      measures.length > 0 ? `<ul class="kv">${measures.join('')}</ul>${last ? `<small>epoch ${last.epoch}</small>` : ''}` : '',
      usedNames.length > 0 ? `<ul class="kv">${usedNames.join('')}</ul>` : '',
      models.length > 0 ? `<ul class="kv">${models.join('')}</ul>` : '',
    ];
  });
  return table(['#', 'workflow', 'epochs', 'batches', 'last epoch measures', 'data used by the stage', 'final model'], rows, { empty: 'no run with a learning stage' });
}

/**
 * The runs section: both tables.
 *
 * @example
 * ```ts
 * runsSection(runs, trainings);
 * ```
 */
export function runsSection(runs: readonly RunInfo[], trainings: readonly TrainingData[]): Html {
  const intro = 'Every workflow run reported on, oldest first. R-numbers name the runs in the rest of the page; trainings are the runs with a learning stage.';
  return section('runs', 'Runs', `${runsTable(runs)}\n<h3>Trainings</h3>\n${trainingsTable(trainings)}`, intro);
}

/**
 * Hyperparameters across runs: rows = hyperparameter names, columns = runs. A run whose stages
 * used several values of one name shows them all; rows whose values differ are marked.
 *
 * @example
 * ```ts
 * hyperparameterTable(trainings);
 * ```
 */
export function hyperparameterTable(trainings: readonly TrainingData[]): { html: Html; names: string[] } {
  const withHp = trainings.filter((t) => t.hyperparameters.length > 0);
  const names = [...new Set(withHp.flatMap((t) => t.hyperparameters.map((h) => h.name)))].sort();
  const cells = names.map((name) =>
    withHp.map((t) => [...new Set(t.hyperparameters.filter((h) => h.name === name).map((h) => h.value))].sort().join(' / ')),
  );
  const rows = names.map((name, i) => [`<strong>${escapeHtml(name)}</strong>`, ...cells[i]!.map((v) => (v === '' ? '<span class="empty">—</span>' : escapeHtml(v)))]);
  const html = table(['hyperparameter', ...withHp.map((t) => t.run.label)], rows, {
    empty: 'no hyperparameters recorded in the selected runs',
    className: 'hyperparameters',
    rowClass: (i) => (new Set(cells[i]).size > 1 ? 'differs' : undefined),
  });
  return { html, names };
}

/**
 * The hyperparameters section.
 *
 * @example
 * ```ts
 * hyperparametersSection(trainings);
 * ```
 */
export function hyperparametersSection(trainings: readonly TrainingData[]): Html {
  const { html } = hyperparameterTable(trainings);
  return section('hyperparameters', 'Hyperparameters', html, 'Learning hyperparameter settings of each training, side by side. A bar on the left marks a hyperparameter whose values differ between runs.');
}
