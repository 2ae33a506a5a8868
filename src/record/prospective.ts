import type { ActivityKind, SpecEvent, StageType, ValueRole } from '../capture/events.js';
import { PROVML, RDF } from '../generated/vocab.js';
import type { IriMinter } from './iri.js';
import { iri, str, type NQuadsOut, type NTerm } from './terms.js';

/**
 * Prospective provenance (ProvLake's design): the structure of a workflow — its transformations,
 * stages, declared parameters, data references and measures — from the `spec` events the
 * decorators emit the first time each method runs.
 *
 * Nodes shared by many runs (plans, attributes, study, experiment, persona; also data, environment
 * and code nodes, see values.ts and recorder.ts) are described once in the *shared* graph, not in
 * every run's graph: a union-default-graph query would otherwise see each of their triples once
 * per run and multiply join rows and counts. Run graphs hold the executions and their links.
 */

const TYPE = iri(RDF.type);
const NAME = iri(PROVML.name);

/** PROV-ML class of a plan, by activity kind. Epochs and batches execute a plain transformation plan. */
const PLAN_CLASS: Record<ActivityKind, string> = {
  workflow: PROVML.Workflow,
  transformation: PROVML.DataTransformation,
  featureExtraction: PROVML.FeatureExtraction,
  stage: PROVML.LearningStage,
  epoch: PROVML.DataTransformation,
  batch: PROVML.DataTransformation,
};

/** PROV-ML class of a declared attribute, by role (stage inputs are learning dataset references). */
export function attributeClass(role: ValueRole, kind: ActivityKind): string {
  switch (role) {
    case 'parameter':
      return PROVML.Parameter;
    case 'hyperparameter':
      return PROVML.LearningHyperParameter;
    case 'input':
    case 'output':
      return kind === 'stage' ? PROVML.LearningDatasetReference : PROVML.DataReference;
    case 'measure':
      return PROVML.EvaluationMeasure;
    case 'model':
      return PROVML.ModelReference;
    case 'modelHyperparameter':
      return PROVML.ModelHyperParameter;
    case 'characteristic':
      return PROVML.DatasetCharacteristic;
    case 'attribute':
      return PROVML.Attribute;
  }
}

const STAGE_TYPE: Record<StageType, string> = {
  training: PROVML.Training,
  validation: PROVML.Validation,
  testing: PROVML.Testing,
};

/** Resolves spec keys to plan IRIs and writes plan quads once per graph. */
export class ProspectiveWriter {
  private readonly specs = new Map<string, SpecEvent>();
  /** Shared nodes already described (re-describing is harmless, so the set is capped, not exact). */
  private readonly written = new Set<string>();

  constructor(
    private readonly mint: IriMinter,
    /** The graph shared nodes are described in. */
    readonly shared: NTerm,
  ) {}

  /** Plan IRI per spec key (names are percent-encoded once, not per event). */
  private readonly planIris = new Map<string, string>();

  /** Remember a specification; it is described in the shared graph when first executed. */
  define(spec: SpecEvent): void {
    this.specs.set(spec.spec, spec);
    this.planIris.clear(); // a workflow spec may rename its plans' workflow
  }

  spec(key: string): SpecEvent | undefined {
    return this.specs.get(key);
  }

  /** Name of the workflow a spec belongs to (its own name for a workflow spec). */
  workflowName(key: string): string {
    const spec = this.specs.get(key);
    if (!spec) return key;
    if (spec.kind === 'workflow') return spec.name;
    const wf = spec.workflow ? this.specs.get(spec.workflow) : undefined;
    return wf?.name ?? spec.workflow ?? 'default';
  }

  /** The plan IRI a spec's executions `provml:executes`. */
  planIri(key: string): string {
    let out = this.planIris.get(key);
    if (out === undefined) {
      const spec = this.specs.get(key);
      out = spec?.kind === 'workflow' ? this.mint.workflow(spec.name, spec.experiment) : this.mint.plan(this.workflowName(key), spec?.name ?? key);
      this.planIris.set(key, out);
    }
    return out;
  }

  /** IRI of an attribute of a plan (declared or first seen in a fact). */
  attributeIri(specKey: string, role: ValueRole, name: string): string {
    return this.mint.attribute(this.planIri(specKey), role, name);
  }

  /** Describe the plan of `specKey` (and its workflow's node) in the shared graph, once. */
  ensurePlan(specKey: string, out: NQuadsOut): void {
    const g = this.shared;
    const planIri = this.planIri(specKey);
    if (!this.once(planIri)) return;
    const spec = this.specs.get(specKey);
    const plan = iri(planIri);
    const kind: ActivityKind = spec?.kind ?? 'transformation';
    out.add(plan, TYPE, iri(PLAN_CLASS[kind]), g);
    out.add(plan, NAME, str(spec?.name ?? specKey), g);
    if (kind === 'workflow') {
      if (spec) this.workflowFacts(spec, plan, out);
      return;
    }
    const wfKey = spec?.workflow;
    const wfIri = wfKey && this.specs.has(wfKey) ? this.planIri(wfKey) : this.mint.workflow(this.workflowName(specKey));
    if (wfKey && this.specs.has(wfKey)) this.ensurePlan(wfKey, out);
    else if (this.once(wfIri)) {
      out.add(iri(wfIri), TYPE, iri(PROVML.Workflow), g);
      out.add(iri(wfIri), NAME, str(this.workflowName(specKey)), g);
    }
    out.add(iri(wfIri), iri(PROVML.hasDataTransformation), plan, g);
    if (kind === 'stage' && spec?.stageType) out.add(plan, iri(PROVML.hasStageType), iri(STAGE_TYPE[spec.stageType]), g);
    if (spec?.algorithm) this.named(plan, PROVML.usesAlgorithm, 'algorithm', PROVML.Algorithm, spec.algorithm, g, out);
    for (const a of spec?.attributes ?? []) {
      const attr = this.ensureAttribute(specKey, a.role, a.name, out);
      out.add(plan, iri(a.direction === 'in' ? PROVML.hasInput : PROVML.hasOutput), attr, g);
    }
  }

  /** Describe an attribute node in the shared graph once and return it. */
  ensureAttribute(specKey: string, role: ValueRole, name: string, out: NQuadsOut): NTerm {
    const attrIri = this.attributeIri(specKey, role, name);
    const attr = iri(attrIri);
    if (this.once(attrIri)) {
      const kind = this.specs.get(specKey)?.kind ?? 'transformation';
      out.add(attr, TYPE, iri(attributeClass(role, kind)), this.shared);
      out.add(attr, NAME, str(name), this.shared);
    }
    return attr;
  }

  /** Study, experiment, task and software of a workflow. */
  private workflowFacts(spec: SpecEvent, plan: NTerm, out: NQuadsOut): void {
    const g = this.shared;
    if (spec.experiment || spec.study) {
      // A study with no experiment: an experiment named after the workflow keeps the chain intact.
      const exp = this.named(plan, PROVML.inExperiment, 'experiment', PROVML.Experiment, spec.experiment ?? spec.name, g, out);
      if (spec.study) this.named(exp, PROVML.inStudy, 'study', PROVML.Study, spec.study, g, out);
    }
    if (spec.task) this.named(plan, PROVML.addressesTask, 'task', PROVML.LearningTask, spec.task, g, out);
    if (spec.software) {
      const swIri = this.mint.named('software', spec.software);
      if (this.once(swIri)) {
        out.add(iri(swIri), TYPE, iri(PROVML.Software), g);
        out.add(iri(swIri), NAME, str(spec.software), g);
      }
    }
  }

  /** A named shared node (study, experiment, persona…), linked from `subject` in graph `g`. */
  named(
    subject: NTerm,
    predicate: string,
    kind: 'study' | 'experiment' | 'persona' | 'task' | 'algorithm' | 'software',
    cls: string,
    name: string,
    g: NTerm,
    out: NQuadsOut,
  ): NTerm {
    const nodeIri = this.mint.named(kind, name);
    const node = iri(nodeIri);
    if (this.once(nodeIri)) {
      out.add(node, TYPE, iri(cls), this.shared);
      out.add(node, NAME, str(name), this.shared);
    }
    out.add(subject, iri(predicate), node, g);
    return node;
  }

  /** True the first time a shared node (or a node/class pair) is seen by this recorder. */
  once(key: string): boolean {
    if (this.written.has(key)) return false;
    if (this.written.size >= 200_000) this.written.clear(); // bounded memory; re-describing is idempotent
    this.written.add(key);
    return true;
  }
}
