import { DataFactory } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import type { ActivityKind, CaptureEvent, EndEvent, Fact, StartEvent } from '../capture/events.js';
import { PROV, PROVML, RDF } from '../generated/vocab.js';
import { describeEnvironment, describeSource, type EnvironmentFacts, type SourceFacts } from './environment.js';
import { FileInspector, type FileFacts, type FileInspectorOptions } from './files.js';
import { IriMinter } from './iri.js';
import { ProspectiveWriter } from './prospective.js';
import { anyURI, dateTime, double, integer, iri, str } from './terms.js';
import { writeFacts, type FactContext } from './values.js';

/**
 * The record step: capture events → PROV-ML quads, in the background.
 *
 * Retrospective provenance per execution: its class, the plan it executes, start/end times,
 * duration, status, nesting (`provml:partOf`), agent, environment and code, and the values it used
 * and generated (see values.ts). Each workflow execution writes into its own named graph; nodes
 * shared across runs (plans, data, environment, code) are described once in the shared graph.
 */

const { quad } = DataFactory;

const EXECUTION_CLASS: Record<ActivityKind, string> = {
  workflow: PROVML.WorkflowExecution,
  transformation: PROVML.DataTransformationExecution,
  featureExtraction: PROVML.FeatureExtractionExecution,
  stage: PROVML.LearningStageExecution,
  epoch: PROVML.EpochExecution,
  batch: PROVML.BatchExecution,
};

/** Options of the record step. */
export interface RecorderOptions {
  /** Base of minted IRIs. Default `urn:provml:`. */
  base?: string;
  /** File facts for data references (checksum, size, media type); `false` records the URI only. */
  files?: FileInspectorOptions | false;
  /** Record runtime, OS, host and package versions, and the entry script. Default true. */
  environment?: boolean;
}

interface OpenExecution {
  at: number;
  kind: ActivityKind;
  spec: string;
}

/** Turns batches of capture events into quads. One instance per tracker (it keeps run state). */
export class Recorder {
  readonly mint: IriMinter;
  private readonly plans: ProspectiveWriter;
  private readonly files: FileInspector | undefined;
  private readonly open = new Map<string, OpenExecution>();
  private readonly learningRoots = new Set<string>();
  private context: Promise<{ env?: EnvironmentFacts; source?: SourceFacts }> | undefined;
  private readonly withEnvironment: boolean;

  constructor(options: RecorderOptions = {}) {
    this.mint = new IriMinter(options.base);
    this.plans = new ProspectiveWriter(this.mint, iri(this.mint.sharedGraph()));
    this.files = options.files === false ? undefined : new FileInspector(options.files ?? {});
    this.withEnvironment = options.environment ?? true;
  }

  /** Map a batch of events to quads. Never rejects on odd input: unknown ids are recorded as seen. */
  async record(events: readonly CaptureEvent[]): Promise<Quad[]> {
    const files = await this.inspectFiles(events);
    const out: Quad[] = [];
    for (const e of events) {
      if (e.t === 'spec') this.plans.define(e);
      else if (e.t === 'start') await this.start(e, files, out);
      else this.end(e, files, out);
    }
    return out;
  }

  private async start(e: StartEvent, files: Map<string, FileFacts>, out: Quad[]): Promise<void> {
    const g = iri(this.mint.graph(e.root));
    const exec = iri(this.mint.execution(e.id));
    this.open.set(e.id, { at: e.at, kind: e.kind, spec: e.spec });
    this.plans.ensurePlan(e.spec, out);
    out.push(quad(exec, iri(RDF.type), iri(EXECUTION_CLASS[e.kind]), g));
    out.push(quad(exec, iri(PROVML.executes), iri(this.plans.planIri(e.spec)), g));
    out.push(quad(exec, iri(PROV.startedAtTime), dateTime(e.at), g));
    if (e.parent !== undefined) out.push(quad(exec, iri(PROVML.partOf), iri(this.mint.execution(e.parent)), g));
    if (e.index !== undefined) out.push(quad(exec, iri(PROVML.iterationIndex), integer(e.index), g));
    if (e.kind === 'stage' && !this.learningRoots.has(e.root)) {
      // A workflow execution containing a learning stage is a learning process execution (mls:Run).
      this.learningRoots.add(e.root);
      out.push(quad(iri(this.mint.execution(e.root)), iri(RDF.type), iri(PROVML.LearningProcessExecution), g));
    }
    if (e.kind === 'workflow') await this.workflowContext(e, exec, g, out);
    if (e.facts) writeFacts(this.factContext(e.id, e.kind, e.spec, exec, g, files), e.facts, out);
  }

  private end(e: EndEvent, files: Map<string, FileFacts>, out: Quad[]): void {
    const g = iri(this.mint.graph(e.root));
    const exec = iri(this.mint.execution(e.id));
    const opened = this.open.get(e.id);
    this.open.delete(e.id);
    out.push(quad(exec, iri(PROV.endedAtTime), dateTime(e.at), g));
    out.push(quad(exec, iri(PROVML.status), str(e.error ? 'failed' : 'completed'), g));
    if (opened) out.push(quad(exec, iri(PROVML.durationMs), double(Math.max(0, e.at - opened.at)), g));
    if (e.error) out.push(quad(exec, iri(PROVML.errorMessage), str(`${e.error.name}: ${e.error.message}`), g));
    if (e.facts) writeFacts(this.factContext(e.id, e.kind, opened?.spec ?? '', exec, g, files), e.facts, out);
    if (e.kind === 'workflow') this.learningRoots.delete(e.root);
  }

  private factContext(id: string, kind: ActivityKind, spec: string, exec: NamedNode, g: NamedNode, files: Map<string, FileFacts>): FactContext {
    return { id, kind, spec, exec, g, files, mint: this.mint, plans: this.plans };
  }

  /** Agent, environment and code of a workflow execution. */
  private async workflowContext(e: StartEvent, exec: NamedNode, g: NamedNode, out: Quad[]): Promise<void> {
    const spec = this.plans.spec(e.spec);
    if (spec?.persona) this.plans.named(exec, PROV.wasAssociatedWith, 'persona', PROVML.Persona, spec.persona, g, out);
    if (!this.withEnvironment) return;
    this.context ??= Promise.all([describeEnvironment(), describeSource()]).then(([env, source]) => ({ env, ...(source ? { source } : {}) }));
    const { env, source } = await this.context;
    const shared = this.plans.shared;
    if (env) {
      const node = iri(this.mint.digestOf('environment', JSON.stringify(env)));
      out.push(quad(exec, iri(PROVML.executedIn), node, g));
      if (this.plans.once(node.value)) {
        out.push(quad(node, iri(RDF.type), iri(PROVML.Environment), shared));
        out.push(quad(node, iri(PROVML.runtime), str(env.runtime), shared));
        out.push(quad(node, iri(PROVML.operatingSystem), str(env.operatingSystem), shared));
        out.push(quad(node, iri(PROVML.hostName), str(env.hostName), shared));
        out.push(quad(node, iri(PROVML.cpuCount), integer(env.cpuCount), shared));
        for (const p of env.packages) out.push(quad(node, iri(PROVML.packageVersion), str(p), shared));
      }
    }
    if (source) {
      const node = iri(this.mint.digestOf('code', `${source.storageUrl}\n${source.checksum ?? ''}\n${source.commit ?? ''}`));
      out.push(quad(exec, iri(PROVML.usedCode), node, g));
      if (this.plans.once(node.value)) {
        out.push(quad(node, iri(RDF.type), iri(PROVML.SourceCode), shared));
        out.push(quad(node, iri(PROVML.storageUrl), anyURI(source.storageUrl), shared));
        if (source.checksum) out.push(quad(node, iri(PROVML.checksum), str(source.checksum), shared));
        if (source.checksum) out.push(quad(node, iri(PROVML.checksumAlgorithm), str('sha256'), shared));
        if (source.commit) out.push(quad(node, iri(PROVML.codeCommit), str(source.commit), shared));
        if (source.repository) out.push(quad(node, iri(PROVML.codeRepository), anyURI(source.repository), shared));
      }
    }
  }

  /** File facts of every data reference in the batch, inspected concurrently. */
  private async inspectFiles(events: readonly CaptureEvent[]): Promise<Map<string, FileFacts>> {
    const refs = new Map<string, string | undefined>();
    for (const e of events) {
      if (e.t === 'spec' || !e.facts) continue;
      for (const f of e.facts) collectRefs(f, refs);
    }
    const facts = new Map<string, FileFacts>();
    if (refs.size === 0) return facts;
    await Promise.all(
      [...refs].map(async ([uri, mediaType]) => {
        facts.set(uri, this.files ? await this.files.inspect(uri, mediaType) : { storageUrl: uri, ...(mediaType ? { mediaType } : {}) });
      }),
    );
    return facts;
  }
}

function collectRefs(f: Fact, refs: Map<string, string | undefined>): void {
  const v = f.value;
  if (v !== null && typeof v === 'object' && v.$ === 'ref') refs.set(v.uri, v.mediaType);
}
