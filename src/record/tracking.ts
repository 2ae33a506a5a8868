import type { CaptureEvent, EndEvent, Fact, SpecEvent, StartEvent } from '../capture/events.js';
import { MLS, PROVML, RDF } from '../generated/vocab.js';
import { describeProcess, type ProcessFacts } from './process-facts.js';
import type { RecordedBatch, Recorder } from './recorder.js';
import { integer, iri, long, NQuadsOut, str, valueLiteral, type NTerm } from './terms.js';

/**
 * Tracking modes and execution facts: a step in front of the {@link Recorder} that decides how much
 * of each batch is recorded and adds the facts about executions themselves.
 *
 * **Tracking modes** (the Pegasus paper's dynamic tracking, section III-G):
 * - `full` (default): everything — executions, what they used and generated, the workflow
 *   definition (prospective provenance), the code (entry script, checksum, commit, branch, dirty
 *   flag), the environment (runtime, OS, host, packages) and the process facts below.
 * - `basic`: the executions and their inputs and outputs only. Spec events lose everything but
 *   what types an execution (plan name and kind, stage type, workflow membership): no declared
 *   attributes (`provml:hasInput`/`hasOutput`), no study, experiment, persona, task, algorithm or
 *   software; the environment and code are not gathered (the recorder's `environment: false`), and
 *   no process facts or peak memory are recorded. User tags are kept: they are the user's own words.
 *
 * **Execution facts** are ML Schema qualities of the execution, in its run graph:
 * ```turtle
 * <execution> mls:hasQuality <…value:<execution id>:quality:<name>> .
 * <…quality…> a mls:Quality ; provml:name "<name>" ; mls:hasValue <value> .
 * ```
 * | name | on | value |
 * |---|---|---|
 * | `tag:<key>` | any execution with `tags` | the tag's string, number or boolean |
 * | `peakMemoryBytes` | workflow and stage executions | the process's peak RSS when the execution ended (`xsd:long`) |
 * | `processId` | workflow executions | the OS process id (`xsd:integer`) |
 * | `totalMemoryBytes` | workflow executions | the machine's physical memory (`xsd:long`) |
 * | `gitBranch`, `gitDirty` | workflow executions | the code's work tree (`xsd:string`, `xsd:boolean`) |
 * | `batchScheduler`, `batchJobId` | workflow executions | `slurm`, `pbs`, `lsf` or `kubernetes`; the job (or pod) id |
 * | `env:<NAME>` | workflow executions | an allow-listed environment variable (see process-facts.ts) |
 *
 * Qualities, not `AttributeValue`s: they describe the execution, they are not values of attributes
 * its plan declares, so they never show among what it used or generated.
 *
 * @module
 */

/**
 * How much is recorded: `'full'` (default) or `'basic'` (see the module documentation).
 *
 * @example
 * ```ts
 * const mode: TrackingMode = 'basic';
 * ```
 */
export type TrackingMode = 'basic' | 'full';

/**
 * Options of the tracking step. Plain data: they cross to the worker.
 *
 * @example
 * ```ts
 * const o: TrackingOptions = { tracking: 'full', processFacts: true, script: process.argv[1] };
 * ```
 */
export interface TrackingOptions {
  /** Default `'full'`. */
  tracking?: TrackingMode;
  /** Record the process facts on workflow executions (default: `tracking === 'full'`). */
  processFacts?: boolean;
  /** The entry script (locates the git work tree). */
  script?: string | undefined;
  /** Environment variables to record besides the built-in allow-list. */
  environmentVariables?: readonly string[] | undefined;
  /** How long `git status` may take (default 2000 ms). */
  gitTimeoutMs?: number;
}

// capture/events.ts's QUALITY_FACT and TAG_QUALITY (record imports only types from capture).
const QUALITY_FACT = '\u0000';
const TAG_QUALITY = 'tag:';

const TYPE = iri(RDF.type);
const HAS_QUALITY = iri(MLS.hasQuality);
const QUALITY = iri(MLS.Quality);
const HAS_VALUE = iri(MLS.hasValue);
const NAME = iri(PROVML.name);
const TRUE = valueLiteral(true);
const FALSE = valueLiteral(false);

/** A quality to write: of execution `id` in run `root`. */
interface Quality {
  id: string;
  root: string;
  name: string;
  value: NTerm;
}

/**
 * The recorder with the tracking step in front: what the transport calls for each batch.
 *
 * @example
 * ```ts
 * const recorder = new Recorder({ environment: false });
 * const record = trackingRecorder(recorder, { tracking: 'basic' });
 * const { nquads, count } = await record(events);
 * ```
 */
export function trackingRecorder(recorder: Recorder, options: TrackingOptions = {}): (events: readonly CaptureEvent[]) => Promise<RecordedBatch> {
  const step = new TrackingStep(recorder, options);
  return (events) => step.record(events);
}

/** See {@link trackingRecorder}. One per recorder (it caches the process facts). */
export class TrackingStep {
  readonly #recorder: Recorder;
  readonly #basic: boolean;
  readonly #processFacts: boolean;
  readonly #options: TrackingOptions;
  #process: Promise<ProcessFacts> | undefined;

  constructor(recorder: Recorder, options: TrackingOptions = {}) {
    this.#recorder = recorder;
    this.#options = options;
    this.#basic = options.tracking === 'basic';
    this.#processFacts = options.processFacts ?? !this.#basic;
  }

  /** Record one batch: mode applied, quality facts taken out of the events and written as qualities. */
  async record(events: readonly CaptureEvent[]): Promise<RecordedBatch> {
    let copy: CaptureEvent[] | undefined; // copy on first change: events are never mutated
    let qualities: Quality[] | undefined;
    let runs: StartEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let next: CaptureEvent = e;
      if (e.t === 'spec') {
        if (this.#basic) next = basicSpec(e);
      } else if (e.t === 'start' || e.t === 'end') {
        if (e.facts !== undefined && hasQualityFacts(e.facts)) {
          const kept: Fact[] = [];
          for (const f of e.facts) {
            if (f.name.charCodeAt(0) === 0) (qualities ??= []).push({ id: e.id, root: e.root, name: f.name.slice(QUALITY_FACT.length), value: qualityValue(f) });
            else kept.push(f);
          }
          next = withFacts(e, kept);
        }
        if (this.#processFacts && e.t === 'start' && e.kind === 'workflow') (runs ??= []).push(e);
      }
      if (next !== e) copy ??= events.slice(0, i);
      copy?.push(next);
    }
    // Gathered once, concurrently with the first batch that needs it.
    const gathering = runs ? (this.#process ??= describeProcess({ script: this.#options.script, environmentVariables: this.#options.environmentVariables, ...(this.#options.gitTimeoutMs ? { gitTimeoutMs: this.#options.gitTimeoutMs } : {}) })) : undefined;
    const recorded = await this.#recorder.record(copy ?? events);
    if (qualities === undefined && runs === undefined) return recorded;
    const out = new NQuadsOut();
    for (const q of qualities ?? []) this.#quality(out, q.id, q.root, q.name, q.value);
    if (runs && gathering) {
      const facts = await gathering;
      for (const run of runs) this.#processQualities(out, run, facts);
    }
    return { nquads: recorded.nquads + out.text, count: recorded.count + out.count };
  }

  #processQualities(out: NQuadsOut, run: StartEvent, p: ProcessFacts): void {
    const q = (name: string, value: NTerm) => this.#quality(out, run.id, run.root, name, value);
    q('processId', integer(p.processId));
    q('totalMemoryBytes', long(p.totalMemoryBytes));
    if (p.gitBranch !== undefined) q('gitBranch', str(p.gitBranch));
    if (p.gitDirty !== undefined) q('gitDirty', p.gitDirty ? TRUE : FALSE);
    if (p.job) {
      q('batchScheduler', str(p.job.scheduler));
      q('batchJobId', str(p.job.id));
    }
    for (const [name, value] of p.variables) q(`env:${name}`, str(value));
  }

  #quality(out: NQuadsOut, id: string, root: string, name: string, value: NTerm): void {
    const mint = this.#recorder.mint;
    const g = iri(mint.graph(root));
    const node = iri(mint.value(id, 'quality', name));
    out.add(iri(mint.execution(id)), HAS_QUALITY, node, g);
    out.add(node, TYPE, QUALITY, g);
    out.add(node, NAME, str(name), g);
    out.add(node, HAS_VALUE, value, g);
  }
}

function hasQualityFacts(facts: readonly Fact[]): boolean {
  for (let i = 0; i < facts.length; i++) if (facts[i]!.name.charCodeAt(0) === 0) return true;
  return false;
}

/** Byte counts as `xsd:long`, everything else as any captured value. */
function qualityValue(f: Fact): NTerm {
  const name = f.name.slice(QUALITY_FACT.length);
  if (typeof f.value === 'number' && Number.isSafeInteger(f.value) && !name.startsWith(TAG_QUALITY) && name.endsWith('Bytes')) return long(f.value);
  return valueLiteral(f.value);
}

function withFacts<E extends StartEvent | EndEvent>(e: E, facts: Fact[]): E {
  const out = { ...e };
  if (facts.length > 0) out.facts = facts;
  else delete out.facts;
  return out;
}

/** A spec reduced to what types its executions (basic tracking: no workflow definition). */
function basicSpec(e: SpecEvent): SpecEvent {
  const out: SpecEvent = { t: 'spec', spec: e.spec, kind: e.kind, name: e.name, attributes: [] };
  if (e.workflow !== undefined) out.workflow = e.workflow;
  if (e.stageType !== undefined) out.stageType = e.stageType;
  if (e.characterizes !== undefined) out.characterizes = e.characterizes;
  return out;
}
