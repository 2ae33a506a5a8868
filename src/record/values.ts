import { DataFactory } from 'n3';
import type { NamedNode, Quad } from '@rdfjs/types';
import type { ActivityKind, DataRefSummary, Fact, ValueRole, ValueSummary } from '../capture/events.js';
import { MLS, PROV, PROVML, RDF } from '../generated/vocab.js';
import type { FileFacts } from './files.js';
import type { IriMinter } from './iri.js';
import type { ProspectiveWriter } from './prospective.js';
import { anyURI, dateLiteral, iri, long, str, valueLiteral } from './terms.js';

/**
 * Values an execution used or generated (retrospective entities):
 *
 * | role                | class                                   | link from the execution |
 * |---------------------|-----------------------------------------|-------------------------|
 * | parameter           | ParameterValue                          | prov:used               |
 * | hyperparameter      | LearningHyperParameterSetting           | prov:used               |
 * | input (a data ref)  | DataReferenceValue / LearningDataset…   | prov:used               |
 * | output (a data ref) | DataReferenceValue                      | prov:wasGeneratedBy     |
 * | model               | ModelReferenceValue                     | prov:wasGeneratedBy     |
 * | measure (numeric)   | ModelEvaluation                         | prov:wasGeneratedBy     |
 * | modelHyperparameter | ModelHyperParameterValue                | prov:wasGeneratedBy     |
 * | characteristic      | DatasetCharacteristicValue              | prov:wasGeneratedBy     |
 *
 * Scalar values get per-execution IRIs and `provml:valueOf` their declared attribute; data
 * references get content-derived IRIs (shared across workflows) and carry the file facts.
 */

const { quad } = DataFactory;

/** What writeFacts needs to know about the execution the facts belong to. */
export interface FactContext {
  id: string;
  kind: ActivityKind;
  spec: string;
  exec: NamedNode;
  g: NamedNode;
  files: Map<string, FileFacts>;
  mint: IriMinter;
  plans: ProspectiveWriter;
}

const SCALAR_CLASS: Partial<Record<ValueRole, string>> = {
  parameter: PROVML.ParameterValue,
  hyperparameter: PROVML.LearningHyperParameterSetting,
  measure: PROVML.ModelEvaluation,
  modelHyperparameter: PROVML.ModelHyperParameterValue,
  characteristic: PROVML.DatasetCharacteristicValue,
  attribute: PROVML.AttributeValue,
  input: PROVML.AttributeValue,
  output: PROVML.AttributeValue,
  model: PROVML.AttributeValue,
};

const USED: ReadonlySet<ValueRole> = new Set(['parameter', 'hyperparameter', 'input']);

/** Append the quads of `facts` (all from one event) to `out`. */
export function writeFacts(ctx: FactContext, facts: readonly Fact[], out: Quad[]): void {
  let model: NamedNode | undefined;
  let dataset: NamedNode | undefined;
  const evaluations: NamedNode[] = [];
  const describesModel: NamedNode[] = [];
  const describesData: NamedNode[] = [];

  for (const f of facts) {
    const ref = asRef(f.value);
    if (ref) {
      const node = writeData(ctx, f.role, ref, out);
      if (f.role === 'model') model ??= node;
      else dataset ??= node;
      continue;
    }
    const node = writeScalar(ctx, f, out);
    if (f.role === 'measure' && typeof f.value === 'number') evaluations.push(node);
    else if (f.role === 'modelHyperparameter') describesModel.push(node);
    else if (f.role === 'characteristic') describesData.push(node);
  }
  // Links inside one event: evaluations and model hyperparameters describe the model it saved;
  // dataset characteristics describe the dataset it used or produced.
  if (model) {
    for (const ev of evaluations) out.push(quad(ev, iri(PROVML.evaluatesModel), model, ctx.g));
    for (const mh of describesModel) out.push(quad(mh, iri(PROVML.characterizes), model, ctx.g));
  }
  if (dataset) for (const dc of describesData) out.push(quad(dc, iri(PROVML.characterizes), dataset, ctx.g));
}

function writeScalar(ctx: FactContext, f: Fact, out: Quad[]): NamedNode {
  const { g, exec } = ctx;
  const numericMeasure = f.role === 'measure' && typeof f.value === 'number';
  const cls = f.role === 'measure' && !numericMeasure ? PROVML.AttributeValue : (SCALAR_CLASS[f.role] ?? PROVML.AttributeValue);
  const node = iri(ctx.mint.value(ctx.id, f.role, f.name));
  const attr = ctx.plans.ensureAttribute(ctx.spec, f.role, f.name, out);
  out.push(quad(node, iri(RDF.type), iri(cls), g));
  out.push(quad(node, iri(MLS.hasValue), valueLiteral(f.value), g));
  out.push(quad(node, iri(PROVML.valueOf), attr, g));
  if (USED.has(f.role)) out.push(quad(exec, iri(PROV.used), node, g));
  else out.push(quad(node, iri(PROV.wasGeneratedBy), exec, g));
  return node;
}

function writeData(ctx: FactContext, role: ValueRole, ref: DataRefSummary, out: Quad[]): NamedNode {
  const { g, exec } = ctx;
  const facts = ctx.files.get(ref.uri) ?? { storageUrl: ref.uri };
  const node = iri(ctx.mint.data(facts.storageUrl, facts.checksum));
  const cls =
    role === 'model'
      ? PROVML.ModelReferenceValue
      : ctx.kind === 'stage' && role === 'input'
        ? PROVML.LearningDatasetReferenceValue
        : PROVML.DataReferenceValue;
  // The data node is shared by every run that touches the same content: described in the shared graph.
  const shared = ctx.plans.shared;
  if (ctx.plans.once(`${node.value} ${cls}`)) {
    out.push(quad(node, iri(RDF.type), iri(cls), shared));
    out.push(quad(node, iri(PROVML.storageUrl), anyURI(facts.storageUrl), shared));
    if (facts.checksum) out.push(quad(node, iri(PROVML.checksum), str(facts.checksum), shared));
    if (facts.checksumAlgorithm) out.push(quad(node, iri(PROVML.checksumAlgorithm), str(facts.checksumAlgorithm), shared));
    if (facts.byteSize !== undefined) out.push(quad(node, iri(PROVML.byteSize), long(facts.byteSize), shared));
    if (facts.lastModified) out.push(quad(node, iri(PROVML.lastModified), dateLiteral(facts.lastModified), shared));
    if (facts.mediaType) out.push(quad(node, iri(PROVML.mediaType), str(facts.mediaType), shared));
    if (ref.version) out.push(quad(node, iri(PROVML.version), str(ref.version), shared));
  }
  if (USED.has(role)) out.push(quad(exec, iri(PROV.used), node, g));
  else out.push(quad(node, iri(PROV.wasGeneratedBy), exec, g));
  return node;
}

function asRef(v: ValueSummary): DataRefSummary | undefined {
  return v !== null && typeof v === 'object' && v.$ === 'ref' ? v : undefined;
}
