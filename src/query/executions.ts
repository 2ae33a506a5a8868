/**
 * Executions as people read them — kind, plan name, times, status and the run they belong to —
 * for lists of nodes (versions, reproduction manifests), queried in chunks of VALUES.
 *
 * @module
 */
import type { Bindings, SparqlEndpoint } from '../store/endpoint.js';
import { iriTerm } from './sparql.js';
import { SparqlTemplate, type TemplateParams } from './template.js';
import type { ExecutionRef } from './versions.js';

const CHUNK = 200;
const PROVML_NS = 'https://w3id.org/prov-ml#';

const PARENTS = new SparqlTemplate('SELECT DISTINCT ?e ?parent WHERE { ?e provml:partOf ?parent }');
const EXECUTIONS = new SparqlTemplate(`
SELECT ?e ?cls ?name ?started ?ended ?status WHERE {
  ?e a ?cls .
  OPTIONAL { ?e provml:executes ?plan . ?plan provml:name ?name }
  OPTIONAL { ?e prov:startedAtTime ?started }
  OPTIONAL { ?e prov:endedAtTime ?ended }
  OPTIONAL { ?e provml:status ?status }
}`);

/**
 * Run `template` once per chunk of `iris` bound to `variable` (other parameters as given) and
 * concatenate the rows.
 *
 * @example
 * ```ts
 * const rows = await selectFor(store, new SparqlTemplate('SELECT ?d ?e WHERE { ?d prov:wasGeneratedBy ?e }'), 'd', nodes);
 * ```
 */
export async function selectFor(endpoint: SparqlEndpoint, template: SparqlTemplate, variable: string, iris: Iterable<string>, params: TemplateParams = {}): Promise<Bindings[]> {
  const all = [...new Set(iris)];
  const rows: Bindings[] = [];
  for (let i = 0; i < all.length; i += CHUNK) {
    const terms = all.slice(i, i + CHUNK).map((x) => iriTerm(x));
    rows.push(...(await endpoint.select(template.render({ ...params, values: { ...params.values, [variable]: terms } }))));
  }
  return rows;
}


/** Most specific first: the kind reported when an execution has several classes. */
const KINDS = ['BatchExecution', 'EpochExecution', 'LearningStageExecution', 'FeatureExtractionExecution', 'DataTransformationExecution', 'LearningProcessExecution', 'WorkflowExecution'];

/**
 * Kind, plan name, times, status and run of each execution (following `provml:partOf` to the
 * workflow execution that contains it).
 *
 * @example
 * ```ts
 * const info = await describeExecutions(store, [stage]);
 * console.log(info.get(stage)?.run, info.get(stage)?.workflow);
 * ```
 */
export async function describeExecutions(endpoint: SparqlEndpoint, executions: Iterable<string>): Promise<Map<string, ExecutionRef & { parent?: string }>> {
  const parents = await ancestors(endpoint, executions);
  const rows = await selectFor(endpoint, EXECUTIONS, 'e', parents.keys());
  const out = new Map<string, ExecutionRef & { parent?: string }>();
  const rank = new Map<string, number>();
  for (const r of rows) {
    const e = r.e!.value;
    let info = out.get(e);
    if (!info) {
      const parent = parents.get(e);
      info = { execution: e, run: e, ...(parent !== undefined ? { parent } : {}) };
      out.set(e, info);
    }
    const cls = r.cls!.value;
    const local = cls.startsWith(PROVML_NS) ? cls.slice(PROVML_NS.length) : undefined;
    const k = local === undefined ? -1 : KINDS.indexOf(local);
    if (k >= 0 && k < (rank.get(e) ?? KINDS.length)) {
      rank.set(e, k);
      info.kind = local!;
    }
    if (r.name && (info.name === undefined || r.name.value < info.name)) info.name = r.name.value;
    if (r.started) info.startedAt = earliest(info.startedAt, r.started.value);
    if (r.ended) info.endedAt = earliest(info.endedAt, r.ended.value);
    if (r.status) info.status = r.status.value;
  }
  for (const info of out.values()) {
    let run = info.execution;
    const seen = new Set<string>([run]);
    for (let p = parents.get(run); p !== undefined && !seen.has(p); p = parents.get(run)) {
      seen.add(p);
      run = p;
    }
    info.run = run;
    const workflow = out.get(run)?.name;
    if (workflow !== undefined) info.workflow = workflow;
  }
  return out;
}

/**
 * Every execution with all its ancestors (`provml:partOf`, followed client-side one level per
 * query: no engine has to walk a property path): execution → its parent (absent for a root).
 */
async function ancestors(endpoint: SparqlEndpoint, executions: Iterable<string>): Promise<Map<string, string | undefined>> {
  const parents = new Map<string, string | undefined>();
  let frontier = [...new Set(executions)];
  for (const e of frontier) parents.set(e, undefined);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const r of await selectFor(endpoint, PARENTS, 'e', frontier)) {
      if (r.parent?.termType !== 'NamedNode') continue;
      const e = r.e!.value;
      const parent = r.parent.value;
      if (parents.get(e) === undefined || parent < parents.get(e)!) parents.set(e, parent);
      if (!parents.has(parent)) {
        parents.set(parent, undefined);
        next.push(parent);
      }
    }
    frontier = next;
  }
  return parents;
}

/** The earlier of two xsd:dateTime lexical forms. @internal */
export function earliest(a: string | undefined, b: string): string {
  if (a === undefined) return b;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return Number.isNaN(ta) || (!Number.isNaN(tb) && tb < ta) ? b : a;
}

