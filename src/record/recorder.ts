import { writeDomainFacts } from './domain.js';
import type { ActivityKind, CaptureEvent, EndEvent, Fact, StartEvent } from '../capture/events.js';
import { PROV, PROVML, RDF } from '../generated/vocab.js';
import { describeEnvironment, describeSource, type EnvironmentFacts, type SourceFacts } from './environment.js';
import { FileInspector, storageUrlOf, type FileFacts, type FileInspectorOptions } from './files.js';
import { IriMinter } from './iri.js';
import { ProspectiveWriter } from './prospective.js';
import { anyURI, dateTime, double, integer, iri, NQuadsOut, str, type NTerm } from './terms.js';
import { VersionTracker, writeFacts, type FactContext } from './values.js';

/**
 * The record step: capture events → PROV-ML quads, in the background.
 *
 * Retrospective provenance per execution: its class, the plan it executes, start/end times,
 * duration, status, nesting (`provml:partOf`), agent, environment and code, and the values it used
 * and generated (see values.ts, also for the version links between the contents of one storage
 * URL). Each workflow execution writes into its own named graph; nodes shared across runs (plans,
 * data, environment, code) are described once in the shared graph.
 */

const EXECUTION_CLASS: Record<ActivityKind, NTerm> = {
  workflow: iri(PROVML.WorkflowExecution),
  transformation: iri(PROVML.DataTransformationExecution),
  featureExtraction: iri(PROVML.FeatureExtractionExecution),
  stage: iri(PROVML.LearningStageExecution),
  epoch: iri(PROVML.EpochExecution),
  batch: iri(PROVML.BatchExecution),
};
const TYPE = iri(RDF.type);
const EXECUTES = iri(PROVML.executes);
const STARTED = iri(PROV.startedAtTime);
const ENDED = iri(PROV.endedAtTime);
const PART_OF = iri(PROVML.partOf);
const INDEX = iri(PROVML.iterationIndex);
const STATUS = iri(PROVML.status);
const DURATION = iri(PROVML.durationMs);
const COMPLETED = str('completed');
const FAILED = str('failed');

/** One recorded batch: N-Quads text and its number of quads. */
export interface RecordedBatch {
  nquads: string;
  count: number;
}

/** Options of the record step. */
export interface RecorderOptions {
  /** Base of minted IRIs. Default `urn:provml:`. */
  base?: string;
  /**
   * File facts for data references (checksum, size, media type); `false` records the storage URL
   * only (the same `file://` URL as with inspection, see `storageUrlOf`).
   */
  files?: FileInspectorOptions | false;
  /** Record runtime, OS, host and package versions, and the entry script. Default true. */
  environment?: boolean;
  /** Where the recorder's warnings go (a data reference to a missing file or a directory, once per path). */
  warn?: (message: string) => void;
  /** The entry script to describe (default `process.argv[1]`; a worker is told its process's). */
  script?: string;
}

interface OpenExecution {
  at: number;
  kind: ActivityKind;
  spec: string;
  /** First data node the start event used, for characteristics reported at the end. */
  data?: NTerm | undefined;
}

/** Turns batches of capture events into quads. One instance per tracker (it keeps run state). */
export class Recorder {
  readonly mint: IriMinter;
  private readonly plans: ProspectiveWriter;
  private readonly files: FileInspector | undefined;
  private readonly open = new Map<string, OpenExecution>();
  private readonly learningRoots = new Set<string>();
  /** Contents seen per storage URL: a new one is `prov:wasRevisionOf` the previous (values.ts). */
  private readonly versions = new VersionTracker();
  private context: Promise<{ env?: EnvironmentFacts; source?: SourceFacts }> | undefined;
  private readonly withEnvironment: boolean;
  private readonly script: string | undefined;

  constructor(options: RecorderOptions = {}) {
    this.mint = new IriMinter(options.base);
    this.plans = new ProspectiveWriter(this.mint, iri(this.mint.sharedGraph()));
    this.files = options.files === false ? undefined : new FileInspector(options.files ?? {}, options.warn);
    this.withEnvironment = options.environment ?? true;
    this.script = options.script ?? process.argv[1];
  }

  /**
   * Map a batch of events to N-Quads. Never rejects on odd input: an end without a start is
   * recorded without duration.
   */
  async record(events: readonly CaptureEvent[]): Promise<RecordedBatch> {
    const files = await this.inspectFiles(events);
    const out = new NQuadsOut();
    for (const e of events) {
      if (e.t === 'spec') this.plans.define(e);
      else if (e.t === 'start') {
        if (e.kind === 'workflow') await this.workflowContext(e, out);
        this.start(e, files, out);
      } else if (e.t === 'describe') writeDomainFacts(e, files, this.mint, out);
      else this.end(e, files, out);
    }
    return { nquads: out.text, count: out.count };
  }

  private start(e: StartEvent, files: Map<string, FileFacts>, out: NQuadsOut): void {
    const g = iri(this.mint.graph(e.root));
    const exec = iri(this.mint.execution(e.id));
    const opened: OpenExecution = { at: e.at, kind: e.kind, spec: e.spec };
    this.open.set(e.id, opened);
    this.plans.ensurePlan(e.spec, out);
    out.add(exec, TYPE, EXECUTION_CLASS[e.kind], g);
    out.add(exec, EXECUTES, iri(this.plans.planIri(e.spec)), g);
    out.add(exec, STARTED, dateTime(e.at), g);
    if (e.parent !== undefined) out.add(exec, PART_OF, iri(this.mint.execution(e.parent)), g);
    if (e.index !== undefined) out.add(exec, INDEX, integer(e.index), g);
    if (e.kind === 'stage' && !this.learningRoots.has(e.root)) {
      // A workflow execution containing a learning stage is a learning process execution (mls:Run).
      this.learningRoots.add(e.root);
      out.add(iri(this.mint.execution(e.root)), TYPE, iri(PROVML.LearningProcessExecution), g);
    }
    if (e.facts) opened.data = writeFacts(this.factContext(e.id, e.kind, e.spec, exec, g, files), e.facts, out);
  }

  private end(e: EndEvent, files: Map<string, FileFacts>, out: NQuadsOut): void {
    const g = iri(this.mint.graph(e.root));
    const exec = iri(this.mint.execution(e.id));
    const opened = this.open.get(e.id);
    this.open.delete(e.id);
    out.add(exec, ENDED, dateTime(e.at), g);
    out.add(exec, STATUS, e.error ? FAILED : COMPLETED, g);
    if (opened) out.add(exec, DURATION, double(Math.max(0, e.at - opened.at)), g);
    if (e.error) out.add(exec, iri(PROVML.errorMessage), str(`${e.error.name}: ${e.error.message}`), g);
    if (e.facts) writeFacts({ ...this.factContext(e.id, e.kind, opened?.spec ?? '', exec, g, files), usedData: opened?.data }, e.facts, out);
    if (e.kind === 'workflow') this.learningRoots.delete(e.root);
  }

  private factContext(id: string, kind: ActivityKind, spec: string, exec: NTerm, g: NTerm, files: Map<string, FileFacts>): FactContext {
    return { id, kind, spec, exec, g, files, mint: this.mint, plans: this.plans, characterizes: this.plans.spec(spec)?.characterizes, versions: this.versions };
  }

  /** Agent, environment and code of a workflow execution. */
  private async workflowContext(e: StartEvent, out: NQuadsOut): Promise<void> {
    const g = iri(this.mint.graph(e.root));
    const exec = iri(this.mint.execution(e.id));
    const spec = this.plans.spec(e.spec);
    if (spec?.persona) this.plans.named(exec, PROV.wasAssociatedWith, 'persona', PROVML.Persona, spec.persona, g, out);
    if (!this.withEnvironment) return;
    this.context ??= Promise.all([describeEnvironment(), describeSource(this.script)]).then(([env, source]) => ({ env, ...(source ? { source } : {}) }));
    const { env, source } = await this.context;
    const shared = this.plans.shared;
    if (env) {
      const nodeIri = this.mint.digestOf('environment', JSON.stringify(env));
      const node = iri(nodeIri);
      out.add(exec, iri(PROVML.executedIn), node, g);
      if (this.plans.once(nodeIri)) {
        out.add(node, TYPE, iri(PROVML.Environment), shared);
        out.add(node, iri(PROVML.runtime), str(env.runtime), shared);
        out.add(node, iri(PROVML.operatingSystem), str(env.operatingSystem), shared);
        out.add(node, iri(PROVML.hostName), str(env.hostName), shared);
        out.add(node, iri(PROVML.cpuCount), integer(env.cpuCount), shared);
        for (const p of env.packages) out.add(node, iri(PROVML.packageVersion), str(p), shared);
      }
    }
    if (source) {
      const nodeIri = this.mint.digestOf('code', `${source.storageUrl}\n${source.checksum ?? ''}\n${source.commit ?? ''}`);
      const node = iri(nodeIri);
      out.add(exec, iri(PROVML.usedCode), node, g);
      if (this.plans.once(nodeIri)) {
        out.add(node, TYPE, iri(PROVML.SourceCode), shared);
        out.add(node, iri(PROVML.storageUrl), anyURI(source.storageUrl), shared);
        if (source.checksum) out.add(node, iri(PROVML.checksum), str(source.checksum), shared);
        if (source.checksum) out.add(node, iri(PROVML.checksumAlgorithm), str('sha256'), shared);
        if (source.commit) out.add(node, iri(PROVML.codeCommit), str(source.commit), shared);
        if (source.repository) out.add(node, iri(PROVML.codeRepository), anyURI(source.repository), shared);
      }
    }
  }

  /** File facts of every data reference in the batch, inspected concurrently. */
  private async inspectFiles(events: readonly CaptureEvent[]): Promise<Map<string, FileFacts>> {
    const refs = new Map<string, string | undefined>();
    for (const e of events) {
      if (e.t === 'spec' || !e.facts) continue;
      if (e.t === 'describe') {
        refs.set(e.target.uri, e.target.mediaType);
        for (const f of e.facts) if (f.value !== null && typeof f.value === 'object' && f.value.$ === 'array') for (const x of f.value.items ?? []) collectRefs({ ...f, value: x }, refs);
      }
      for (const f of e.facts) collectRefs(f, refs);
    }
    const facts = new Map<string, FileFacts>();
    if (refs.size === 0) return facts;
    await Promise.all(
      [...refs].map(async ([uri, mediaType]) => {
        facts.set(uri, this.files ? await this.files.inspect(uri, mediaType) : { storageUrl: storageUrlOf(uri), ...(mediaType ? { mediaType } : {}) });
      }),
    );
    return facts;
  }
}

function collectRefs(f: Fact, refs: Map<string, string | undefined>): void {
  const v = f.value;
  if (v !== null && typeof v === 'object' && v.$ === 'ref') refs.set(v.uri, v.mediaType);
}
