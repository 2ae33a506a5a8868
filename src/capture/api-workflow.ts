/**
 * `track.workflow`: one workflow execution per call, with per-run options.
 *
 * @module
 */

import { now } from './clock.js';
import { als, type ExecutionInfo } from './context.js';
import { getDefaultEmitter } from './emitter.js';
import { runFrame, startWorkflow } from './engine.js';
import type { WorkflowOptions } from './options.js';
import { CaptureConfigError, compileTags, compileWorkflow, type WorkflowPlan } from './plan.js';

const apiWorkflows = new Map<string, WorkflowPlan>();

/** What `fn` receives when capture is off. */
const NO_RUN: ExecutionInfo = Object.freeze({ id: '', root: '', kind: 'workflow' as const, spec: '', workflowSpec: undefined, iri: '', runIri: '', graph: '' });

/**
 * The workflow plan of a `track.workflow` call. A workflow is defined by its name and experiment:
 * runs of one name under another experiment (or persona) get their own spec, so what each run was
 * given is what it records. Its study, task, algorithm and software belong to that definition and
 * may not change between runs (a configuration error, naming both values).
 */
function workflowPlanFor(options: Omit<WorkflowOptions, 'run'> & { name: string }): WorkflowPlan {
  const { tags: _tags, ...opts } = options; // tags are per run, not part of the definition
  const site = { decorator: 'track.workflow', className: opts.name, method: '(workflow)' };
  const key = `${opts.name}\u0000${opts.experiment ?? ''}\u0000${opts.persona ?? ''}`;
  let wp = apiWorkflows.get(key);
  if (wp !== undefined) {
    sameDefinition(opts, wp.info, opts);
    return wp;
  }
  const taken = [...apiWorkflows.values()].filter((p) => p.name === opts.name);
  wp = compileWorkflow(site, opts, taken.length === 0 ? opts.name : `${opts.name}#${taken.length + 1}`);
  wp.name = opts.name;
  for (const other of taken) if (other.info.experiment === wp.info.experiment) sameDefinition(opts, other.info, wp.info);
  apiWorkflows.set(key, wp);
  return wp;
}

function sameDefinition(opts: { name: string; experiment?: string }, before: WorkflowPlan['info'], now: Partial<Record<(typeof DEFINITION_KEYS)[number], string | undefined>>): void {
  for (const k of DEFINITION_KEYS) {
    if (before[k] === now[k]) continue;
    throw new CaptureConfigError(
      `track.workflow "${opts.name}"${opts.experiment ? ` (experiment "${opts.experiment}")` : ''}: ${k} ${show(now[k])} differs from ${show(before[k])} given to an earlier run; ` +
        `a workflow's ${DEFINITION_KEYS.join(', ')} are part of its definition: give this run another name or experiment`,
      opts.name,
      '(workflow)',
      k,
    );
  }
}

const DEFINITION_KEYS = ['study', 'task', 'algorithm', 'software'] as const;
const show = (v: unknown): string => (v === undefined ? '(none)' : JSON.stringify(v));

export function workflow<R>(name: string | (Omit<WorkflowOptions, 'run'> & { name: string }), fn: (run: ExecutionInfo) => R): R {
  const opts = typeof name === 'string' ? { name } : name;
  const wp = workflowPlanFor(opts);
  const tags = compileTags({ decorator: 'track.workflow', className: opts.name, method: '(workflow)' }, opts.tags);
  const em = opts.tracker ?? getDefaultEmitter();
  if (em.enabled === false) return fn(NO_RUN);
  const frame = startWorkflow(wp, em, als.getStore(), now(), undefined, tags);
  return runFrame(frame, undefined, fn, undefined, [frame]) as R;
}

