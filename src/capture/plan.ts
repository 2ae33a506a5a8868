/**
 * Per-method capture plans, compiled once at decoration time from the decorator options, and the
 * configuration error raised for invalid options.
 *
 * @module
 */

import { LANE_MAX_OUTS, type EventEmitterLike } from './emitter.js';
import { QUALITY_FACT, TAG_QUALITY, type ActivityKind, type AttributeSpec, type Fact, type StageType, type ValueRole } from './events.js';
import { IN_ROLES, OUT_ROLES, WORKFLOW_KEYS, type ArgRef, type ArgSpec, type OutSpec } from './options.js';
import { summarize } from './summarize.js';

/**
 * Thrown at decoration time (or by `track.*` on first use) when decorator options are invalid.
 * The message names the class (or the class's source location when standard decorators do not
 * expose the class yet), the method and the offending option.
 *
 * @example
 * ```ts
 * import { Batch, CaptureConfigError } from 'provml';
 * try {
 *   class T { @Batch({ measures: [42 as never] }) step() {} }
 * } catch (e) {
 *   if (e instanceof CaptureConfigError) console.error(e.message); // "@Batch on T#step: measures[0] …"
 * }
 * ```
 */
export class CaptureConfigError extends Error {
  override readonly name = 'CaptureConfigError';
  constructor(
    message: string,
    /** Class name, or `undefined` when not known at decoration time. */
    readonly className: string | undefined,
    /** Method (or declaration) name. */
    readonly method: string,
    /** The offending option key, e.g. `"hyperparameters"`. */
    readonly option: string,
  ) {
    super(message);
  }
}

/** Reads one argument value. @internal */
export interface InGetter {
  readonly role: ValueRole;
  readonly name: string;
  readonly arg: number;
  readonly path: readonly string[] | undefined;
}

/** Reads one result value; `path` undefined means the whole result. @internal */
export interface OutGetter {
  readonly role: ValueRole;
  readonly name: string;
  readonly path: readonly string[] | undefined;
}

/**
 * Tracks to which emitters a spec event was already sent (weakly: a plan never keeps a tracker and
 * its store alive). `gen` caches the last check; see `specOnce` in the engine. @internal
 */
export interface SpecState {
  readonly sent: WeakSet<EventEmitterLike>;
  gen: number;
}

/** Prospective description of a workflow (a class, or a `track.workflow` name). @internal */
export interface WorkflowPlan extends SpecState {
  spec: string;
  name: string;
  readonly info: Partial<Record<'study' | 'experiment' | 'persona' | 'task' | 'algorithm' | 'software', string>>;
  readonly tracker: EventEmitterLike | undefined;
  /** Tag facts of every execution of the workflow (`@Workflow({ tags })`). */
  tags?: readonly Fact[] | undefined;
}

/** Compiled plan of one decorated method / declaration. @internal */
export interface Plan extends SpecState {
  readonly kind: ActivityKind;
  readonly decorator: string;
  readonly method: string;
  readonly isStatic: boolean;
  /** Spec key (`Class#method`); finalised when the class becomes known. */
  spec: string;
  name: string;
  readonly customName: boolean;
  className: string | undefined;
  readonly stageType: StageType | undefined;
  readonly ins: readonly InGetter[];
  readonly outs: readonly OutGetter[];
  readonly index: InGetter | undefined;
  readonly attributes: readonly AttributeSpec[];
  /** The input/output attribute the characteristics describe (see `CaptureOptions.characterizes`). */
  readonly characterizes: string | undefined;
  /** Tag facts added to every start event (`tags` option), compiled once. */
  readonly tags: readonly Fact[] | undefined;
  tracker: EventEmitterLike | undefined;
  /** The workflow this method belongs to (its class's), resolved on first call. */
  workflow: WorkflowPlan | undefined;
  /** `true` once className/workflow are known. */
  resolved: boolean;
  /** For workflow-run plans: the execution is the workflow execution itself. */
  readonly isRun: boolean;
  /** `design:paramtypes` names when reflect-metadata provided them (introspection only). */
  paramTypes: string[] | undefined;
  /** The class that declares the method, once known. */
  owner: object | undefined;
  /** `true` once the arguments of a first call were checked against the spec (see `checkArgs`). */
  argsChecked: boolean;
  /** The installed wrapper function (to find the declaring class from `this`). */
  wrapper: unknown;
  /** Output keys when executions can take an emitter's batch lane (see `laneBatch` in the engine). */
  readonly laneOuts: readonly (string | undefined)[] | undefined;
}

const IDENT = /^[^.\s]+$/;

/** Where a decorator is applied, for error messages. @internal */
export interface Site {
  decorator: string;
  className: string | undefined;
  method: string;
}

function siteText(s: Site): string {
  // TC39 method decorators run before their class exists: no class name, so say where it is.
  if (s.className === undefined) return `@${s.decorator} on <class at ${callerLocation()}>#${s.method}`;
  return `@${s.decorator} on ${s.className}#${s.method}`;
}

/** First stack frame outside provml's capture sources (best effort). */
function callerLocation(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  for (const line of stack) {
    if (/[\\/]capture[\\/][a-z]+\.(ts|js)|node:internal|[\\/]dist[\\/]|node_modules/.test(line)) continue;
    // Decorator helpers that compilers inject at the top of the user's file (esbuild, tsc, Babel).
    if (/\bat (?:Array\.forEach|__decorateElement|__esDecorate|__decorate|__runInitializers|_applyDecs\w*|applyDecs\w*)\b/.test(line)) continue;
    const m = /\(?([^()\s]+:\d+:\d+)\)?\s*$/.exec(line);
    if (m) return m[1]!;
  }
  return 'unknown location';
}

/** @internal */
export function configError(site: Site, option: string, msg: string): CaptureConfigError {
  return new CaptureConfigError(`${siteText(site)}: ${option} ${msg}`, site.className, site.method, option);
}

function show(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'symbol' ? v.toString() : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function parsePath(site: Site, option: string, p: string): string[] {
  const segs = p.split('.');
  for (const s of segs) if (!IDENT.test(s)) throw configError(site, option, `has an invalid path ${show(p)} (empty or blank segment)`);
  return segs;
}

/** Compile one ArgRef. @internal */
export function compileArgRef(site: Site, option: string, ref: unknown, optionsArg: number): { arg: number; path: string[] | undefined } {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0) throw configError(site, option, `must be a non-negative integer argument position, got ${show(ref)}`);
    return { arg: ref, path: undefined };
  }
  if (typeof ref !== 'string' || ref.length === 0) {
    throw configError(site, option, `must be an argument position (number) or a key/path string, got ${show(ref)}`);
  }
  const segs = parsePath(site, option, ref);
  const m = /^\$(\d+)$/.exec(segs[0]!);
  if (m) return { arg: Number(m[1]), path: segs.length > 1 ? segs.slice(1) : undefined };
  if (segs[0]!.startsWith('$')) throw configError(site, option, `has an invalid argument reference ${show(ref)} (use '$0', '$1.key', …)`);
  return { arg: optionsArg, path: segs };
}

function compileIn(site: Site, option: string, role: ValueRole, spec: unknown, optionsArg: number, out: InGetter[]): void {
  if (Array.isArray(spec)) {
    spec.forEach((ref, i) => {
      if (typeof ref !== 'string') throw configError(site, `${option}[${i}]`, `must be a key of the options argument (use the record form { name: position } for positional arguments), got ${show(ref)}`);
      const c = compileArgRef(site, `${option}[${i}]`, ref, optionsArg);
      if (c.path === undefined) throw configError(site, `${option}[${i}]`, `${show(ref)} needs a name: use the record form { name: ${show(ref)} }`);
      out.push({ role, name: c.path[c.path.length - 1]!, arg: c.arg, path: c.path });
    });
    return;
  }
  if (typeof spec !== 'object' || spec === null) throw configError(site, option, `must be an array of keys or a record { name: argRef }, got ${show(spec)}`);
  for (const [name, ref] of Object.entries(spec)) {
    const c = compileArgRef(site, `${option}.${name}`, ref as ArgRef, optionsArg);
    out.push({ role, name, arg: c.arg, path: c.path });
  }
}

function compileOutPath(site: Site, option: string, p: unknown): string[] | undefined {
  if (typeof p !== 'string' || p.length === 0) throw configError(site, option, `must be a result key/path string or '$', got ${show(p)}`);
  if (p === '$') return undefined;
  const segs = parsePath(site, option, p.startsWith('$.') ? p.slice(2) : p);
  if (segs[0]!.startsWith('$')) throw configError(site, option, `has an invalid result path ${show(p)} (use '$', '$.key' or 'key')`);
  return segs;
}

function compileOut(site: Site, option: string, role: ValueRole, spec: OutSpec | unknown, out: OutGetter[]): void {
  if (spec === '$') {
    out.push({ role, name: 'result', path: undefined });
    return;
  }
  if (Array.isArray(spec)) {
    spec.forEach((p, i) => {
      const path = compileOutPath(site, `${option}[${i}]`, p);
      if (path === undefined) throw configError(site, `${option}[${i}]`, `'$' needs a name: use { name: '$' } or ${option}: '$'`);
      out.push({ role, name: path[path.length - 1]!, path });
    });
    return;
  }
  if (typeof spec !== 'object' || spec === null) throw configError(site, option, `must be '$', an array of keys or a record { name: path }, got ${show(spec)}`);
  for (const [name, p] of Object.entries(spec)) out.push({ role, name, path: compileOutPath(site, `${option}.${name}`, p) });
}

const COMMON = ['name', 'tracker', 'optionsArg', 'characterizes', 'tags', ...Object.keys(IN_ROLES), ...Object.keys(OUT_ROLES)];

/** Most tags one execution may carry. */
const MAX_TAGS = 64;
/** Longest tag name. */
const MAX_TAG_NAME = 128;

/**
 * Validate a `tags` option into the facts every execution carries: one fact per tag, named
 * `QUALITY_FACT + 'tag:' + name` (recorded as a quality of the execution, see events.ts). Strings
 * are summarized like any captured string (cut at the configured length). Frozen: the same facts
 * go into every event. Throws {@link CaptureConfigError}.
 * @internal
 */
export function compileTags(site: Site, v: unknown): readonly Fact[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw configError(site, 'tags', `must be an object { name: value }, got ${show(v)}`);
  const out: Fact[] = [];
  for (const [name, value] of Object.entries(v as Record<string, unknown>)) {
    if (name.length === 0 || name.length > MAX_TAG_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
      throw configError(site, 'tags', `has an invalid tag name ${show(name)} (1–${MAX_TAG_NAME} characters, no control characters)`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw configError(site, `tags.${name}`, `must be a string, a finite number or a boolean, got ${show(value)}`);
    }
    out.push(Object.freeze({ role: 'attribute', name: `${QUALITY_FACT}${TAG_QUALITY}${name}`, value: typeof value === 'string' ? summarize(value) : value }));
  }
  if (out.length > MAX_TAGS) throw configError(site, 'tags', `has ${out.length} tags; at most ${MAX_TAGS} are recorded per execution`);
  return out.length > 0 ? Object.freeze(out) : undefined;
}

/**
 * Validate and compile decorator options into a plan. Throws {@link CaptureConfigError}.
 * @internal
 */
export function compilePlan(
  kind: ActivityKind,
  site: Site,
  opts: Record<string, unknown> | undefined,
  isStatic: boolean,
  isRun = false,
): Plan {
  const o = opts ?? {};
  if (typeof o !== 'object' || o === null) throw configError(site, 'options', `must be an object, got ${show(o)}`);
  const allowed = new Set(isRun ? ['tracker', 'tags'] : COMMON);
  if (kind === 'stage') allowed.add('stage');
  if (kind === 'epoch' || kind === 'batch') allowed.add('indexArg');
  if (o.index !== undefined && !isRun) {
    throw configError(site, 'index', `is now indexArg: it names the argument holding the ${kind === 'batch' ? 'batch' : 'epoch'} number (e.g. indexArg: 0); only track.epoch/track.start take index, the number itself`);
  }
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw configError(site, show(k), `is not an option of @${site.decorator} (allowed: ${[...allowed].join(', ')})`);
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw configError(site, 'name', `must be a non-empty string, got ${show(o.name)}`);
  const tracker = o.tracker as EventEmitterLike | undefined;
  if (tracker !== undefined && (typeof tracker !== 'object' || tracker === null || typeof tracker.emit !== 'function')) {
    throw configError(site, 'tracker', 'must be an object with an emit(event) method');
  }
  const optionsArg = o.optionsArg ?? 0;
  if (typeof optionsArg !== 'number' || !Number.isInteger(optionsArg) || optionsArg < 0) {
    throw configError(site, 'optionsArg', `must be a non-negative integer, got ${show(optionsArg)}`);
  }
  let stageType: StageType | undefined;
  if (kind === 'stage') {
    if (o.stage !== 'training' && o.stage !== 'validation' && o.stage !== 'testing') {
      throw configError(site, 'stage', `must be 'training', 'validation' or 'testing', got ${show(o.stage)}`);
    }
    stageType = o.stage;
  }
  const ins: InGetter[] = [];
  for (const [key, role] of Object.entries(IN_ROLES)) if (o[key] !== undefined) compileIn(site, key, role, o[key], optionsArg, ins);
  const outs: OutGetter[] = [];
  for (const [key, role] of Object.entries(OUT_ROLES)) if (o[key] !== undefined) compileOut(site, key, role, o[key], outs);
  const attributes: AttributeSpec[] = [];
  const seen = new Set<string>();
  for (const g of [...ins, ...outs]) {
    const dir = ins.includes(g as InGetter) ? 'in' : 'out';
    const key = `${dir}:${g.name}`;
    if (seen.has(key)) throw configError(site, g.name, `is declared twice on the ${dir === 'in' ? 'argument' : 'result'} side`);
    seen.add(key);
    attributes.push({ role: g.role, name: g.name, direction: dir });
  }
  const characterizes = compileCharacterizes(site, o.characterizes, attributes);
  const tags = compileTags(site, o.tags);
  let index: InGetter | undefined;
  if (o.indexArg !== undefined) {
    const c = compileArgRef(site, 'indexArg', o.indexArg, optionsArg);
    index = { role: 'attribute', name: 'indexArg', arg: c.arg, path: c.path };
  }
  const method = site.method;
  return {
    kind,
    decorator: site.decorator,
    method,
    isStatic,
    spec: site.className !== undefined ? `${site.className}#${method}` : `#${method}`,
    name: (o.name as string | undefined) ?? method,
    customName: o.name !== undefined,
    className: site.className,
    stageType,
    ins,
    outs,
    index,
    attributes,
    characterizes,
    tags,
    tracker,
    workflow: undefined,
    resolved: false,
    isRun,
    paramTypes: undefined,
    owner: undefined,
    wrapper: undefined,
    sent: new WeakSet(),
    gen: 0,
    argsChecked: false,
    laneOuts: laneOutputKeys(kind, ins, outs, tags),
  };
}

/**
 * For a batch plan whose executions can take an emitter's batch lane (no start facts, at most 16
 * outputs, each the whole result or one key of it): each output's key. Otherwise undefined.
 */
function laneOutputKeys(kind: ActivityKind, ins: readonly InGetter[], outs: readonly OutGetter[], tags: readonly Fact[] | undefined): readonly (string | undefined)[] | undefined {
  if (kind !== 'batch' || ins.length > 0 || tags !== undefined || outs.length > LANE_MAX_OUTS) return undefined;
  if (outs.some((g) => g.path !== undefined && g.path.length !== 1)) return undefined;
  return outs.map((g) => g.path?.[0]);
}

/** `characterizes` must name a declared input or output. @internal */
export function compileCharacterizes(site: Site, v: unknown, attributes: readonly AttributeSpec[]): string | undefined {
  if (v === undefined) return undefined;
  const data = attributes.filter((a) => a.role === 'input' || a.role === 'output').map((a) => a.name);
  if (typeof v !== 'string' || !data.includes(v)) {
    throw configError(site, 'characterizes', `must name one of the step's inputs or outputs (${data.length ? data.map((n) => JSON.stringify(n)).join(', ') : 'it declares none'}), got ${show(v)}`);
  }
  return v;
}

/**
 * At a plan's first call, warn once (never throw) about argument references that read nothing:
 * `inputs: '$9.x'` on a call with two arguments, `indexArg: 'x'` on a number, an `indexArg` that
 * is not a number. Specs are checked at decoration time; which arguments a call passes is known
 * only now. @internal
 */
export function checkArgs(plan: Plan, args: ArrayLike<unknown>): void {
  plan.argsChecked = true;
  const problems: string[] = [];
  const getters = plan.index ? [...plan.ins, plan.index] : plan.ins;
  for (const g of getters) {
    const what = g === plan.index ? 'indexArg' : `${g.role} "${g.name}"`;
    const ref = `$${g.arg}${g.path ? `.${g.path.join('.')}` : ''}`;
    if (g.arg >= args.length) {
      problems.push(`${what} reads ${ref}, but the call passed ${args.length} argument(s)`);
      continue;
    }
    let v: unknown = args[g.arg];
    for (const key of g.path ?? []) {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
        problems.push(`${what} reads ${ref}, but ${v === null ? 'null' : `a ${typeof v}`} has no key "${key}"`);
        v = undefined;
        break;
      }
      v = (v as Record<string, unknown>)[key];
    }
    if (g === plan.index && v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) problems.push(`indexArg ${ref} is ${typeof v === 'string' ? JSON.stringify(v) : typeof v}, not an integer: the automatic counter is used`);
  }
  if (problems.length > 0) {
    const site = plan.className !== undefined ? `${plan.className}#${plan.method}` : plan.method;
    process.emitWarning(`provml: @${plan.decorator} on ${site}: ${problems.join('; ')} (nothing is recorded for them; this is said once)`, 'ProvmlWarning');
  }
}

/** Validate `@Workflow` options into a workflow plan. @internal */
export function compileWorkflow(site: Site, opts: Record<string, unknown> | undefined, className: string): WorkflowPlan {
  const o = opts ?? {};
  if (typeof o !== 'object' || o === null) throw configError(site, 'options', `must be an object, got ${show(o)}`);
  const allowed: readonly string[] = WORKFLOW_KEYS;
  const info: WorkflowPlan['info'] = {};
  for (const [k, v] of Object.entries(o)) {
    if (!allowed.includes(k)) throw configError(site, show(k), `is not an option of @Workflow (allowed: ${allowed.join(', ')})`);
    if (k === 'tracker') {
      if (v !== undefined && (typeof v !== 'object' || v === null || typeof (v as EventEmitterLike).emit !== 'function')) {
        throw configError(site, 'tracker', 'must be an object with an emit(event) method');
      }
    } else if (k === 'tags') {
      continue; // compiled below
    } else if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw configError(site, k, `must be a non-empty string, got ${show(v)}`);
    } else if (k !== 'name' && k !== 'run' && v !== undefined) {
      info[k as keyof WorkflowPlan['info']] = v as string;
    }
  }
  return {
    spec: className,
    name: (o.name as string | undefined) ?? className,
    info,
    tracker: o.tracker as EventEmitterLike | undefined,
    tags: compileTags(site, o.tags),
    sent: new WeakSet(),
    gen: 0,
  };
}
