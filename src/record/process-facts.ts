import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describeGitState } from './environment.js';

/**
 * Facts about the process a workflow execution ran in — its id, the machine's memory, the batch
 * job it belongs to, the state of the code's git work tree, and allow-listed environment
 * variables — gathered once per process, in the background (in the worker by default), the first
 * time a workflow execution is recorded.
 *
 * Environment variables are read only through {@link ENVIRONMENT_ALLOW_LIST} (plus the names the
 * user adds with the `environmentVariables` init option): no other variable's value, and no other
 * variable's *name*, is ever recorded. Secrets live in the environment (`AWS_SECRET_ACCESS_KEY`,
 * tokens, passwords), so provml never walks `process.env`.
 *
 * @module
 */

/**
 * The environment variables whose values provml records (as `env:<NAME>` qualities of each
 * workflow execution, when set): batch-job identity from SLURM, PBS/Torque, LSF, and Kubernetes
 * pod identity as the downward API conventionally exposes it. Nothing else. `KUBERNETES_SERVICE_HOST`
 * and `HOSTNAME` are read to detect Kubernetes and name the pod (`batchJobId`), never recorded
 * as variables.
 *
 * @example
 * ```ts
 * ENVIRONMENT_ALLOW_LIST.includes('SLURM_JOB_ID'); // true
 * ENVIRONMENT_ALLOW_LIST.includes('AWS_SECRET_ACCESS_KEY'); // false
 * ```
 */
export const ENVIRONMENT_ALLOW_LIST: readonly string[] = Object.freeze([
  // SLURM
  'SLURM_JOB_ID',
  'SLURM_JOB_NAME',
  'SLURM_ARRAY_JOB_ID',
  'SLURM_ARRAY_TASK_ID',
  'SLURM_CLUSTER_NAME',
  'SLURM_JOB_PARTITION',
  'SLURM_JOB_NODELIST',
  'SLURM_JOB_NUM_NODES',
  'SLURM_NTASKS',
  'SLURM_PROCID',
  'SLURM_STEP_ID',
  'SLURM_RESTART_COUNT',
  // PBS Pro / OpenPBS / Torque
  'PBS_JOBID',
  'PBS_JOBNAME',
  'PBS_ARRAY_ID',
  'PBS_ARRAY_INDEX',
  'PBS_ARRAYID',
  'PBS_QUEUE',
  // IBM Spectrum LSF
  'LSB_JOBID',
  'LSB_JOBNAME',
  'LSB_JOBINDEX',
  'LSB_QUEUE',
  'LSB_BATCH_JID',
  // Kubernetes downward API (conventional names; the variable names are the pod spec's choice)
  'POD_NAME',
  'POD_NAMESPACE',
  'POD_UID',
  'NODE_NAME',
  'MY_POD_NAME',
  'MY_POD_NAMESPACE',
  'MY_NODE_NAME',
  'K8S_POD_NAME',
  'K8S_NAMESPACE',
  'K8S_NODE_NAME',
]);

/** Longest environment-variable value recorded (longer ones are cut, with a marker). */
const MAX_VALUE = 1024;

/**
 * Names that look like they hold a credential. The `environmentVariables` init option refuses
 * them, so a secret cannot be allow-listed by mistake.
 *
 * @example
 * ```ts
 * looksSecret('AWS_SECRET_ACCESS_KEY'); // true
 * looksSecret('CUDA_VISIBLE_DEVICES');  // false
 * ```
 */
export function looksSecret(name: string): boolean {
  return /SECRET|TOKEN|PASSW(OR)?D|PWD$|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|(^|_)KEY$|AUTH|COOKIE|SESSION|SIGNATURE|CERT/i.test(name);
}

/** A batch scheduler (or orchestrator) a process runs under. */
export type BatchScheduler = 'slurm' | 'pbs' | 'lsf' | 'kubernetes';

/** The batch job a process belongs to. */
export interface BatchJob {
  scheduler: BatchScheduler;
  /** The scheduler's id of this job (for a SLURM array task, the task's own job id). */
  id: string;
}

/**
 * The batch job of a process, from its environment: SLURM (`SLURM_JOB_ID`, or the older
 * `SLURM_JOBID`), PBS/Torque (`PBS_JOBID`), LSF (`LSB_JOBID`), else Kubernetes (when
 * `KUBERNETES_SERVICE_HOST` is set: the pod name from a downward-API variable, else `HOSTNAME`,
 * which Kubernetes sets to the pod name).
 *
 * @example
 * ```ts
 * batchJobOf({ SLURM_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: '3' }); // { scheduler: 'slurm', id: '4242' }
 * batchJobOf({ KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'train-7f9c' }); // { scheduler: 'kubernetes', id: 'train-7f9c' }
 * ```
 */
export function batchJobOf(env: Readonly<Record<string, string | undefined>>): BatchJob | undefined {
  const slurm = env.SLURM_JOB_ID || env.SLURM_JOBID;
  if (slurm) return { scheduler: 'slurm', id: clean(slurm) };
  if (env.PBS_JOBID) return { scheduler: 'pbs', id: clean(env.PBS_JOBID) };
  if (env.LSB_JOBID) return { scheduler: 'lsf', id: clean(env.LSB_JOBID) };
  if (env.KUBERNETES_SERVICE_HOST) {
    const pod = env.POD_NAME || env.MY_POD_NAME || env.K8S_POD_NAME || env.HOSTNAME;
    if (pod) return { scheduler: 'kubernetes', id: clean(pod) };
  }
  return undefined;
}

/**
 * The allow-listed variables that are set, as `[name, value]` sorted by name: the built-in
 * {@link ENVIRONMENT_ALLOW_LIST} plus `extra` names. Only listed names are looked up.
 *
 * @example
 * ```ts
 * allowedVariables({ SLURM_JOB_ID: '1', AWS_SECRET_ACCESS_KEY: 'x' }); // [['SLURM_JOB_ID', '1']]
 * ```
 */
export function allowedVariables(env: Readonly<Record<string, string | undefined>>, extra: readonly string[] = []): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of new Set([...ENVIRONMENT_ALLOW_LIST, ...extra])) {
    const v = env[name];
    if (v !== undefined && v !== '') out.push([name, clean(v)]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function clean(v: string): string {
  return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…[+${v.length - MAX_VALUE} chars]` : v;
}

/** What {@link describeProcess} found. */
export interface ProcessFacts {
  processId: number;
  /** Physical memory of the machine, in bytes. */
  totalMemoryBytes: number;
  /** Branch of the code's git work tree (absent outside git, or on a detached HEAD). */
  gitBranch?: string;
  /** Uncommitted changes to tracked files (absent when unknown). */
  gitDirty?: boolean;
  job?: BatchJob;
  /** Allow-listed environment variables that are set, sorted by name. */
  variables: Array<[string, string]>;
}

/** Options of {@link describeProcess}. */
export interface DescribeProcessOptions {
  /** The entry script; its directory locates the git work tree (default: the working directory). */
  script?: string | undefined;
  /** Environment to read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names added to the allow-list. */
  environmentVariables?: readonly string[] | undefined;
  /** How long `git status` may take (default 2000 ms). */
  gitTimeoutMs?: number;
}

/**
 * Gathers the facts of this process. Never rejects: what cannot be found is left out.
 *
 * @example
 * ```ts
 * const facts = await describeProcess({ script: process.argv[1] });
 * facts.processId === process.pid; // true
 * ```
 */
export async function describeProcess(options: DescribeProcessOptions = {}): Promise<ProcessFacts> {
  const env = options.env ?? process.env;
  const facts: ProcessFacts = { processId: process.pid, totalMemoryBytes: totalmem(), variables: allowedVariables(env, options.environmentVariables) };
  const job = batchJobOf(env);
  if (job) facts.job = job;
  try {
    const git = await describeGitState(options.script ? dirname(resolve(options.script)) : process.cwd(), options.gitTimeoutMs);
    if (git.branch !== undefined) facts.gitBranch = git.branch;
    if (git.dirty !== undefined) facts.gitDirty = git.dirty;
  } catch {
    // no git facts
  }
  return facts;
}
