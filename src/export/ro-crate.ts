import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVML } from '../generated/vocab.js';
import { dataView, timeKey, type DataView, type ExecutionView, type ValueView } from './executions.js';
import type { ProvIndex } from './graph.js';
import { jobName, jsonValue } from './openlineage.js';

/**
 * A Workflow Run RO-Crate (Provenance Run Crate profile 0.5, RO-Crate 1.1) of the exported runs.
 *
 * - The root dataset `conformsTo` the Process Run, Workflow Run and Provenance Run Crate profiles
 *   (0.5) and Workflow RO-Crate 1.0; `mainEntity` is the workflow that was run. With runs of several
 *   workflows (curation, preparation, training) the main entity is a `#lifecycle` workflow whose
 *   parts are those workflows as nested workflows, run by one `#lifecycle-run` CreateAction that
 *   spans them (the profile's nested-workflow rule).
 * - Every provml workflow is a `ComputationalWorkflow` + `HowTo` (a contextual entity, not a
 *   `File`: provml workflows are code, with no workflow file to point at) with its transformations,
 *   stages, epochs (and batches) as `SoftwareApplication` tools (`hasPart`), one `HowToStep` each
 *   (`step`, `workExample`), and their declared inputs and outputs as `FormalParameter`s.
 * - One `CreateAction` per execution (`@id` the execution IRI): `instrument` its tool or workflow,
 *   `object` the files and `PropertyValue`s (parameters, hyperparameters) it used, `result` the
 *   files and values (measures, models) it generated, `startTime`/`endTime`, `actionStatus`
 *   (`CompletedActionStatus` / `FailedActionStatus`) and `error`. Each step execution also gets a
 *   `ControlAction` (`instrument` the HowToStep, `object` the CreateAction). Batches only with `batches`.
 * - Data are `File` entities: `@id` the storage URL, or `data/<name>` (percent-encoded) when copied in;
 *   `contentSize`, `encodingFormat`, `dateModified`, `sha256`, and the provml IRI as `identifier`.
 */

export const RO_CRATE_PROFILES = Object.freeze({
  process: 'https://w3id.org/ro/wfrun/process/0.5',
  workflow: 'https://w3id.org/ro/wfrun/workflow/0.5',
  provenance: 'https://w3id.org/ro/wfrun/provenance/0.5',
  workflowRoCrate: 'https://w3id.org/workflowhub/workflow-ro-crate/1.0',
  crate: 'https://w3id.org/ro/crate/1.1',
});

const PROFILE_NAMES: [string, string, string][] = [
  [RO_CRATE_PROFILES.process, 'Process Run Crate', '0.5'],
  [RO_CRATE_PROFILES.workflow, 'Workflow Run Crate', '0.5'],
  [RO_CRATE_PROFILES.provenance, 'Provenance Run Crate', '0.5'],
  [RO_CRATE_PROFILES.workflowRoCrate, 'Workflow RO-Crate', '1.0'],
];

/** Options of {@link toRoCrate}. */
export interface RoCrateOptions {
  /** Crate name (default: the workflow names). */
  name?: string;
  /** Crate description. */
  description?: string;
  /** License IRI of the crate (e.g. https://spdx.org/licenses/CC-BY-4.0). */
  license?: string;
  /** `datePublished` (default: now). */
  datePublished?: string;
  /** Include batch executions (default false). */
  batches?: boolean;
  /** Local files copied into the crate: storage URL → path in the crate (`data/…`). */
  copies?: ReadonlyMap<string, string>;
}

/**
 * The crate: its metadata document.
 *
 * @example
 * ```ts
 * const { crate } = await exportProvenance(store, { format: 'ro-crate' });
 * console.log((crate as RoCrate)['@graph'].length);
 * ```
 */
export interface RoCrate {
  metadata: { '@context': unknown; '@graph': Record<string, unknown>[] };
}

type Entity = Record<string, unknown> & { '@id': string };
const id = (iri: string) => ({ '@id': iri });

function additionalType(value: ValueView['value'] | undefined, file: boolean): string {
  if (file) return 'File';
  if (value?.termType !== 'Literal') return 'Text';
  const dt = value.datatype.value;
  if (/#(integer|long|int|short)$/.test(dt)) return 'Integer';
  if (/#(double|float|decimal)$/.test(dt)) return 'Float';
  if (/#boolean$/.test(dt)) return 'Boolean';
  return 'Text';
}

/**
 * Where each local file goes when copied into the crate: `data/<file name>` (numbered on a clash),
 * for `file:` storage URLs only.
 */
export function planDataCopies(files: readonly DataView[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const f of files) {
    if (!f.storageUrl?.startsWith('file:') || out.has(f.storageUrl)) continue;
    let name: string;
    try {
      name = basename(fileURLToPath(f.storageUrl));
    } catch {
      continue;
    }
    let target = `data/${name}`;
    for (let i = 2; taken.has(target); i++) target = `data/${i}-${name}`;
    taken.add(target);
    out.set(f.storageUrl, target);
  }
  return out;
}

/** Build the crate of the indexed provenance. */
export function toRoCrate(index: ProvIndex, views: readonly ExecutionView[], options: RoCrateOptions = {}): RoCrate {
  const included = views.filter((e) => options.batches || e.kind !== 'batch');
  const entities = new Map<string, Entity>();
  const put = (e: Entity): Entity => {
    const old = entities.get(e['@id']);
    if (old) return Object.assign(old, e);
    entities.set(e['@id'], e);
    return e;
  };
  // A copied file's @id is its path in the crate as a relative URI (`data/train%20set.npz`).
  const copied = (d: DataView) => options.copies?.get(d.storageUrl ?? '');
  const fileId = (d: DataView) => {
    const target = copied(d);
    return target !== undefined ? target.split('/').map(encodeURIComponent).join('/') : (d.storageUrl ?? d.iri);
  };
  const file = (d: DataView): { '@id': string } => {
    const fid = fileId(d);
    const e: Entity = { '@id': fid, '@type': 'File', name: d.storageUrl ? safeBase(d.storageUrl) : d.iri, identifier: d.iri };
    if (d.byteSize !== undefined) e.contentSize = String(d.byteSize);
    if (d.mediaType) e.encodingFormat = d.mediaType;
    if (d.lastModified) e.dateModified = d.lastModified;
    if (d.checksum && (d.checksumAlgorithm ?? 'sha256') === 'sha256') e.sha256 = d.checksum;
    if (d.storageUrl && fid !== d.storageUrl) e.url = d.storageUrl;
    if (d.model) e.additionalType = 'https://w3id.org/prov-ml#ModelReferenceValue';
    put(e);
    return id(fid);
  };
  const property = (v: ValueView): { '@id': string } => {
    put({ '@id': v.iri, '@type': 'PropertyValue', name: v.name, value: jsonValue(v.value), ...(v.attribute ? { exampleOfWork: id(v.attribute) } : {}), additionalType: v.role });
    return id(v.iri);
  };

  // Prospective part: workflows, their tools, steps and formal parameters.
  const wfOf = (e: ExecutionView) => e.workflow ?? `#workflow-${encodeURIComponent(e.workflowName ?? 'workflow')}`;
  const workflows = new Map<string, { name: string; tools: string[] }>();
  for (const e of included) {
    const wf = wfOf(e);
    let w = workflows.get(wf);
    if (!w) workflows.set(wf, (w = { name: e.workflowName ?? 'workflow', tools: [] }));
    if (e.kind !== 'workflow' && e.plan && !w.tools.includes(e.plan)) w.tools.push(e.plan);
  }
  const parameters = (plan: string, predicate: string): { '@id': string }[] =>
    index.iris(plan, predicate).map((attr) => {
      const types = index.types(attr);
      const isFile = types.some((t) => t === PROVML.DataReference || t === PROVML.LearningDatasetReference || t === PROVML.ModelReference);
      const sample = index.subjects(PROVML.valueOf, attr).map((v) => index.values(v, 'http://www.w3.org/ns/mls#hasValue')[0]).find((t) => t !== undefined);
      put({ '@id': attr, '@type': 'FormalParameter', name: index.str(attr, PROVML.name) ?? attr, additionalType: additionalType(sample, isFile), conformsTo: id('https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE') });
      return id(attr);
    });
  for (const [wf, w] of workflows) {
    const steps = w.tools.map((tool, i) => {
      put({ '@id': tool, '@type': 'SoftwareApplication', name: index.str(tool, PROVML.name) ?? tool, input: parameters(tool, PROVML.hasInput), output: parameters(tool, PROVML.hasOutput) });
      put({ '@id': `${tool}#step`, '@type': 'HowToStep', position: String(i), workExample: id(tool) });
      return id(`${tool}#step`);
    });
    put({ '@id': wf, '@type': ['SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo'], name: w.name, hasPart: w.tools.map(id), step: steps, input: [], output: [] });
  }

  // Retrospective part: one CreateAction per execution, a ControlAction per step execution.
  const runs: string[] = [];
  for (const e of included) {
    const action: Entity = { '@id': e.iri, '@type': 'CreateAction', name: `Run of ${jobName(e)}${e.index !== undefined ? ` #${e.index}` : ''}` };
    const wf = wfOf(e);
    action.instrument = id(e.kind === 'workflow' ? wf : (e.plan ?? wf));
    if (e.startedAt) action.startTime = e.startedAt;
    if (e.endedAt) action.endTime = e.endedAt;
    action.object = [...e.used.map(file), ...e.values.filter((v) => v.used).map(property)];
    action.result = [...e.generated.map(file), ...e.values.filter((v) => !v.used).map(property)];
    if (e.status === 'failed') action.actionStatus = id('http://schema.org/FailedActionStatus');
    else if (e.endedAt) action.actionStatus = id('http://schema.org/CompletedActionStatus');
    else action.actionStatus = id('http://schema.org/ActiveActionStatus');
    if (e.error) action.error = e.error;
    put(action);
    if (e.kind === 'workflow') runs.push(e.iri);
    else if (e.plan) put({ '@id': `${e.iri}#control`, '@type': 'ControlAction', name: `orchestrate ${jobName(e)}`, instrument: id(`${e.plan}#step`), object: id(e.iri) });
  }

  // The main entity: the one workflow, or a lifecycle workflow made of several.
  let main: string;
  const mentions = [...runs];
  if (workflows.size === 1) main = [...workflows.keys()][0]!;
  else {
    main = '#lifecycle';
    const wfs = [...workflows.keys()];
    wfs.forEach((wf, i) => put({ '@id': `${wf}#step`, '@type': 'HowToStep', position: String(i), workExample: id(wf) }));
    put({ '@id': main, '@type': ['SoftwareSourceCode', 'ComputationalWorkflow', 'HowTo'], name: options.name ?? 'ML lifecycle', hasPart: wfs.map(id), step: wfs.map((wf) => id(`${wf}#step`)), input: [], output: [] });
    const runViews = included.filter((e) => e.kind === 'workflow');
    const times = runViews.flatMap((e) => [e.startedAt, e.endedAt]).filter((t): t is string => t !== undefined).sort((a, b) => (timeKey(a) < timeKey(b) ? -1 : 1));
    const generated = new Set(runViews.flatMap((e) => included.filter((x) => x.root === e.iri).flatMap((x) => x.generated.map((d) => d.iri))));
    const inputs = new Map<string, DataView>();
    const outputs = new Map<string, DataView>();
    for (const x of included) {
      for (const d of x.used) if (!generated.has(d.iri)) inputs.set(d.iri, d);
      for (const d of x.generated) outputs.set(d.iri, d);
    }
    put({
      '@id': '#lifecycle-run',
      '@type': 'CreateAction',
      name: 'Run of the ML lifecycle',
      instrument: id(main),
      ...(times[0] ? { startTime: times[0] } : {}),
      ...(times.at(-1) ? { endTime: times.at(-1) } : {}),
      object: [...inputs.values()].map(file),
      result: [...outputs.values()].map(file),
    });
    for (const r of runViews) put({ '@id': `${r.iri}#control`, '@type': 'ControlAction', name: `orchestrate ${workflows.get(wfOf(r))?.name ?? r.iri}`, instrument: id(`${wfOf(r)}#step`), object: id(r.iri) });
    mentions.unshift('#lifecycle-run');
  }

  const files = [...entities.values()].filter((e) => e['@type'] === 'File').map((e) => id(e['@id']));
  const names = [...workflows.values()].map((w) => w.name);
  const root: Entity = {
    '@id': './',
    '@type': 'Dataset',
    name: options.name ?? `Provenance of ${names.join(', ') || 'no runs'}`,
    description: options.description ?? `Workflow Run RO-Crate (Provenance Run Crate) exported by provml from W3C PROV-ML provenance: ${runs.length} run(s) of ${names.join(', ')}.`,
    datePublished: options.datePublished ?? new Date().toISOString(),
    conformsTo: PROFILE_NAMES.map(([uri]) => id(uri)),
    mainEntity: id(main),
    hasPart: [id(main), ...files],
    mentions: mentions.map(id),
  };
  if (options.license) root.license = id(options.license);
  const descriptor: Entity = { '@id': 'ro-crate-metadata.json', '@type': 'CreativeWork', about: id('./'), conformsTo: [id(RO_CRATE_PROFILES.crate), id(RO_CRATE_PROFILES.workflowRoCrate)] };
  const profiles: Entity[] = PROFILE_NAMES.map(([uri, name, version]) => ({ '@id': uri, '@type': 'CreativeWork', name, version }));
  return {
    metadata: {
      '@context': ['https://w3id.org/ro/crate/1.1/context', 'https://w3id.org/ro/terms/workflow-run/context'],
      '@graph': [descriptor, root, ...profiles, ...entities.values()],
    },
  };
}

function safeBase(url: string): string {
  try {
    return url.startsWith('file:') ? basename(fileURLToPath(url)) : decodeURIComponent(url.replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').at(-1) ?? url);
  } catch {
    return url;
  }
}

/** Every data reference the included executions used or generated (for {@link planDataCopies}). */
export function crateData(index: ProvIndex, views: readonly ExecutionView[], batches = false): DataView[] {
  const seen = new Map<string, DataView>();
  for (const e of views) if (batches || e.kind !== 'batch') for (const d of [...e.used, ...e.generated]) seen.set(d.iri, d);
  return [...seen.keys()].sort().map((iri) => dataView(index, iri));
}
