import type { ActivityKind, DataRefSummary, Fact, ValueRole, ValueSummary } from '../capture/events.js';
import { MLS, PROV, PROVML, RDF } from '../generated/vocab.js';
import { storageUrlOf, type FileFacts } from './files.js';
import type { IriMinter } from './iri.js';
import type { ProspectiveWriter } from './prospective.js';
import { anyURI, dateLiteral, iri, long, str, valueLiteral, type NQuadsOut, type NTerm } from './terms.js';

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
 *
 * **Versions (ProvDB).** A data node is one content at one storage URL (its IRI hashes both), so a
 * rewritten file is a new node: a new version. Links between versions come from two places:
 *
 * - here, what this recorder saw: when a URL shows a content it has not shown before in this
 *   process, the new node is `prov:wasRevisionOf` the node last seen there (an epoch's checkpoint
 *   overwritten by the next, a file a run reads and then rewrites) — written in the shared graph,
 *   a fact nobody has to derive. A content coming back (A, B, A) is the node it was: no link, so
 *   no cycle. No version number: one process cannot know how many versions other processes made.
 * - the store, which sees every process: src/query/versions.ts orders the contents of a URL by
 *   when each was first seen (its earliest modification time, generation or use), numbers them
 *   from 1 and, on `provml versions --link`, writes the missing `prov:wasRevisionOf` and the
 *   `provml:versionNumber`s into their own graph (`IriMinter.versionsGraph`).
 *
 * Only content-tied nodes (with a checksum) are versions: with `files: false`, or for a file that
 * is missing or above `maxHashBytes`, the node stands for the URL whatever it holds.
 */

const TYPE = iri(RDF.type);
const USED_P = iri(PROV.used);
const GENERATED_BY = iri(PROV.wasGeneratedBy);
const HAS_VALUE = iri(MLS.hasValue);
const VALUE_OF = iri(PROVML.valueOf);
const WAS_REVISION_OF = iri(PROV.wasRevisionOf);

/** What writeFacts needs to know about the execution the facts belong to. */
export interface FactContext {
  id: string;
  kind: ActivityKind;
  spec: string;
  exec: NTerm;
  g: NTerm;
  files: Map<string, FileFacts>;
  mint: IriMinter;
  plans: ProspectiveWriter;
  /**
   * The data node the execution used (from its start event): what dataset characteristics describe
   * when the end event carries them without a data reference of its own (a curation step that reads
   * a raw file and returns quantities of interest about it).
   */
  usedData?: NTerm | undefined;
  /** The input/output attribute name the characteristics describe (the spec's `characterizes`). */
  characterizes?: string | undefined;
  /** Contents seen per storage URL in this process (version links); none: no links written. */
  versions?: VersionTracker | undefined;
}

/**
 * The succession of contents one recorder saw at each storage URL (see the module comment).
 *
 * @example
 * ```ts
 * const v = new VersionTracker();
 * v.observe('file:///m.json', 'urn:provml:data:a'); // undefined (first content seen)
 * v.observe('file:///m.json', 'urn:provml:data:b'); // 'urn:provml:data:a' (b revises a)
 * v.observe('file:///m.json', 'urn:provml:data:a'); // undefined (a content seen before)
 * ```
 */
export class VersionTracker {
  private readonly urls = new Map<string, { last: string; seen: Set<string> }>();

  /**
   * Note that `node` is at `storageUrl` now. Returns the node it revises: the one last seen at the
   * URL, when `node` is a content not seen there before in this process; else undefined.
   */
  observe(storageUrl: string, node: string): string | undefined {
    const known = this.urls.get(storageUrl);
    if (known === undefined) {
      // Bounded like the other per-process caches: forgetting only loses in-process links, which
      // the store-wide derivation (src/query/versions.ts) makes anyway.
      if (this.urls.size >= 10_000) this.urls.clear();
      this.urls.set(storageUrl, { last: node, seen: new Set([node]) });
      return undefined;
    }
    if (known.last === node) return undefined;
    const previous = known.last;
    known.last = node;
    if (known.seen.has(node)) return undefined;
    if (known.seen.size >= 1_000) known.seen.clear();
    known.seen.add(node);
    return previous;
  }
}

const SCALAR_CLASS: Record<ValueRole, NTerm> = {
  parameter: iri(PROVML.ParameterValue),
  hyperparameter: iri(PROVML.LearningHyperParameterSetting),
  measure: iri(PROVML.ModelEvaluation),
  modelHyperparameter: iri(PROVML.ModelHyperParameterValue),
  characteristic: iri(PROVML.DatasetCharacteristicValue),
  attribute: iri(PROVML.AttributeValue),
  input: iri(PROVML.AttributeValue),
  output: iri(PROVML.AttributeValue),
  model: iri(PROVML.AttributeValue),
};
const ATTRIBUTE_VALUE = iri(PROVML.AttributeValue);

const USED: ReadonlySet<ValueRole> = new Set(['parameter', 'hyperparameter', 'input']);

/**
 * Append the quads of `facts` (all from one event) to `out`. Returns the first non-model data node
 * among them (the execution's dataset) — or, when the spec names one (`characterizes`), that one.
 */
export function writeFacts(ctx: FactContext, facts: readonly Fact[], out: NQuadsOut): NTerm | undefined {
  let model: NTerm | undefined;
  let dataset: NTerm | undefined;
  let evaluations: NTerm[] | undefined;
  let describesModel: NTerm[] | undefined;
  let describesData: NTerm[] | undefined;
  let named: NTerm | undefined;

  for (const f of facts) {
    const ref = asRef(f.value);
    if (ref) {
      const node = writeData(ctx, f.role, ref, out);
      if (f.role === 'model') model ??= node;
      else dataset ??= node;
      if (f.name === ctx.characterizes && f.role !== 'model') named ??= node;
      continue;
    }
    const node = writeScalar(ctx, f, out);
    if (f.role === 'measure' && typeof f.value === 'number') (evaluations ??= []).push(node);
    else if (f.role === 'modelHyperparameter') (describesModel ??= []).push(node);
    else if (f.role === 'characteristic') (describesData ??= []).push(node);
  }
  // Links inside one event: evaluations and model hyperparameters describe the model it saved;
  // dataset characteristics describe the dataset it used or produced.
  if (model) {
    for (const ev of evaluations ?? []) out.add(ev, iri(PROVML.evaluatesModel), model, ctx.g);
    for (const mh of describesModel ?? []) out.add(mh, iri(PROVML.characterizes), model, ctx.g);
  }
  // A spec that names the described input/output (`characterizes`) wins over "first dataset".
  const described = ctx.characterizes !== undefined ? (named ?? ctx.usedData) : (dataset ?? ctx.usedData);
  if (described) for (const dc of describesData ?? []) out.add(dc, iri(PROVML.characterizes), described, ctx.g);
  return ctx.characterizes !== undefined ? named : dataset;
}

function writeScalar(ctx: FactContext, f: Fact, out: NQuadsOut): NTerm {
  const { g, exec } = ctx;
  const numericMeasure = f.role === 'measure' && typeof f.value === 'number';
  const cls = f.role === 'measure' && !numericMeasure ? ATTRIBUTE_VALUE : SCALAR_CLASS[f.role];
  const node = iri(ctx.mint.value(ctx.id, f.role, f.name));
  const attr = ctx.plans.ensureAttribute(ctx.spec, f.role, f.name, out);
  out.add(node, TYPE, cls, g);
  out.add(node, HAS_VALUE, valueLiteral(f.value), g);
  out.add(node, VALUE_OF, attr, g);
  if (USED.has(f.role)) out.add(exec, USED_P, node, g);
  else out.add(node, GENERATED_BY, exec, g);
  return node;
}

function writeData(ctx: FactContext, role: ValueRole, ref: DataRefSummary, out: NQuadsOut): NTerm {
  const { g, exec } = ctx;
  const facts = ctx.files.get(ref.uri) ?? { storageUrl: storageUrlOf(ref.uri) };
  const nodeIri = ctx.mint.data(facts.storageUrl, facts.checksum);
  const node = iri(nodeIri);
  const cls =
    role === 'model'
      ? PROVML.ModelReferenceValue
      : ctx.kind === 'stage' && role === 'input'
        ? PROVML.LearningDatasetReferenceValue
        : PROVML.DataReferenceValue;
  // The data node is shared by every run that touches the same content: described in the shared graph.
  const shared = ctx.plans.shared;
  if (ctx.plans.once(`${nodeIri} ${cls}`)) {
    out.add(node, TYPE, iri(cls), shared);
    out.add(node, iri(PROVML.storageUrl), anyURI(facts.storageUrl), shared);
    if (facts.checksum) out.add(node, iri(PROVML.checksum), str(facts.checksum), shared);
    if (facts.checksumAlgorithm) out.add(node, iri(PROVML.checksumAlgorithm), str(facts.checksumAlgorithm), shared);
    if (facts.byteSize !== undefined) out.add(node, iri(PROVML.byteSize), long(facts.byteSize), shared);
    if (facts.lastModified) out.add(node, iri(PROVML.lastModified), dateLiteral(facts.lastModified), shared);
    if (facts.mediaType) out.add(node, iri(PROVML.mediaType), str(facts.mediaType), shared);
    if (ref.version) out.add(node, iri(PROVML.version), str(ref.version), shared);
  }
  if (facts.checksum && ctx.versions) {
    const previous = ctx.versions.observe(facts.storageUrl, nodeIri);
    if (previous !== undefined) out.add(node, WAS_REVISION_OF, iri(previous), shared);
  }
  if (USED.has(role)) out.add(exec, USED_P, node, g);
  else out.add(node, GENERATED_BY, exec, g);
  return node;
}

function asRef(v: ValueSummary): DataRefSummary | undefined {
  return v !== null && typeof v === 'object' && v.$ === 'ref' ? v : undefined;
}
