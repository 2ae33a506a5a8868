import type { Literal, NamedNode, Quad, Term } from '@rdfjs/types';
import { DataFactory, type Store } from 'n3';
import type { Validator } from 'shacl-engine';
import type { IndexedDataset } from './dataset.js';
import { readList } from './paths.js';
import { RDF, renderIri, SH } from './report.js';
import type { TermResult } from './results.js';

/**
 * The fast path of SHACL Core. Shapes made only of value checks (`sh:minCount`, `sh:datatype`,
 * `sh:class`, `sh:in`, ranges, patterns…) on plain predicate paths — and `sh:or`/`sh:and`/
 * `sh:not`/`sh:xone` over such shapes — are evaluated here, focus node by focus node, with
 * shacl-engine's own compiled validations: the very functions shacl-engine runs, so the same
 * semantics and messages, without its per-value pointer, term-set and context machinery, which
 * dominated validation time. Everything else (sh:node, qualified shapes, complex paths, closed
 * shapes, property shapes shared by several shapes) stays with shacl-engine, and every
 * fast-path answer is tested against shacl-engine's (test/unit/validate/fast.test.ts).
 */

const { literal, namedNode } = DataFactory;
const sh = (l: string) => namedNode(SH + l);

/** Constraint parameters whose engine validations only read the value, its types, or the focus node's values. */
const VALUE_CHECKS = new Set(
  [
    'minCount', 'maxCount', 'datatype', 'nodeKind', 'class', 'in', 'hasValue', 'minInclusive', 'minExclusive', 'maxInclusive',
    'maxExclusive', 'lessThan', 'lessThanOrEquals', 'minLength', 'maxLength', 'pattern', 'flags', 'languageIn', 'uniqueLang',
  ].map((l) => SH + l),
);
const LOGICAL = new Set(['or', 'and', 'not', 'xone'].map((l) => SH + l));
/** Other properties a fast shape may have (no effect on validation, or handled here). */
const INERT = new Set(['path', 'message', 'severity', 'name', 'description', 'order', 'group', 'defaultValue', 'property'].map((l) => SH + l));
const TARGETS = new Set(['targetClass', 'targetNode', 'targetSubjectsOf', 'targetObjectsOf', 'target'].map((l) => SH + l));
const STANDARD = new Set(['Violation', 'Warning', 'Info'].map((l) => SH + l));

type Check = (context: Context) => unknown;

/**
 * A shape on the fast path: a property shape (its parent's focus nodes, the path's values) or a
 * node shape (its own constraints on the focus node itself, and its fast property shapes).
 *
 * @example
 * ```ts
 * const results = evaluateFast(shapes, data, focusNodes);
 * ```
 */
export interface FastShape {
  shape: Term;
  /** The property path (a predicate), absent for a node shape. */
  predicate?: NamedNode;
  /** The path as reports render it. */
  path?: string;
  /** Validations on all values (`sh:minCount`…), on each value (or the node), and logical ones. */
  property: Check[];
  generic: Check[];
  severity: Term;
  /** The shape's own `sh:message`s (they replace the validations' default messages). */
  messages: Literal[];
  /** Messages of the constraint components in the shapes graph, by component IRI (the engine's last resort). */
  componentMessages: Map<string, Literal[]>;
  /** Property shapes of a member shape of sh:or/sh:and/sh:not/sh:xone (for its conformance). */
  properties: FastShape[];
}

interface ResultArgs {
  args?: Record<string, unknown>;
  message?: Literal[];
  value?: { term: Term };
}

const ntLiteral = (t: Literal) => {
  const v = t.value.replace(/["\\\n\r]/g, (c) => ({ '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r' })[c]!);
  if (t.datatype.value === 'http://www.w3.org/2001/XMLSchema#string') return `"${v}"`;
  if (t.datatype.value === `${RDF}langString`) return `"${v}"@${t.language}`;
  return `"${v}"^^<${t.datatype.value}>`;
};
/** @rdfjs/to-ntriples, as shacl-engine renders terms into messages. */
const toNT = (t: Term) => (t.termType === 'NamedNode' ? `<${t.value}>` : t.termType === 'BlankNode' ? `_:${t.value}` : t.termType === 'Literal' ? ntLiteral(t) : t.value);

/** shacl-engine's Result message: `{$name}` / `{?name}` replaced once each by the argument. */
function resolveVariables(message: string, args: Record<string, unknown>): string {
  return Object.entries(args).reduce((m, [name, value]) => {
    const text = String(value !== null && typeof value === 'object' && 'termType' in value ? toNT(value as Term) : value);
    return m.replace(`{$${name}}`, text).replace(`{?${name}}`, text);
  }, message);
}

/** A term as the engine's grapoi pointer, for what its value checks read. */
class TermPointer {
  constructor(
    readonly term: Term,
    readonly data: IndexedDataset,
  ) {}
  get terms(): Term[] {
    return [this.term];
  }
  get value(): string {
    return this.term.value;
  }
  out(predicates: Term[]): { term: Term | undefined; terms: Term[] } {
    const terms: Term[] = [];
    for (const p of predicates) for (const q of this.data.find(this.term, p)) terms.push(q.object);
    return { term: terms[0], terms };
  }
}

const FACTORY = { literal: (value: string, lang?: string) => literal(value, lang) };

/** The value nodes of a property shape, as the engine's pointer list. */
class Values {
  constructor(
    readonly terms: readonly Term[],
    private readonly data: IndexedDataset,
  ) {}
  [Symbol.iterator](): Iterator<TermPointer> {
    return this.terms.map((t) => new TermPointer(t, this.data))[Symbol.iterator]();
  }
}

/** The engine's validation context for one (focus node, shape[, value]). */
class Context {
  readonly factory = FACTORY;
  constructor(
    readonly s: FastShape,
    readonly focusNode: TermPointer,
    readonly values: Values | undefined,
    readonly value: TermPointer | undefined,
    readonly valueOrNode: TermPointer | undefined,
    readonly out: TermResult[],
  ) {}
  test(success: boolean, component: NamedNode, args?: ResultArgs): void {
    if (!success) this.violation(component, args);
  }
  violation(component: NamedNode, args: ResultArgs = {}): void {
    const s = this.s;
    const templates = s.messages.length > 0 ? s.messages : (args.message ?? s.componentMessages.get(component.value) ?? []);
    const v = args.value ?? this.value;
    const result: TermResult = {
      severity: s.severity,
      focusNode: this.focusNode.term,
      messages: templates.map((m) => literal(resolveVariables(m.value, args.args ?? {}), m.language || undefined)),
      sourceShape: s.shape,
      constraint: component,
    };
    if (s.predicate) {
      result.path = s.path!;
      result.pathNode = s.predicate;
    }
    if (v) result.value = v.term;
    this.out.push(result);
  }
  debug(): void {}
  trace(): void {}
}

/** The fast path only takes validations that run synchronously. */
function settled(r: unknown): void {
  if (r !== undefined && r !== null && typeof (r as { then?: unknown }).then === 'function') {
    throw new Error('provml: an asynchronous shacl-engine validation on the fast path');
  }
}

/** Does `node` conform to a member shape (shacl-engine: no result of a standard severity)? */
function conforms(member: FastShape, node: TermPointer): boolean {
  const out: TermResult[] = [];
  evaluateNode(member, node, out);
  for (const p of member.properties) evaluateProperty(p, node, out);
  return !out.some((r) => STANDARD.has(r.severity.value));
}

function evaluateNode(s: FastShape, focus: TermPointer, out: TermResult[]): void {
  if (s.generic.length === 0) return;
  const c = new Context(s, focus, undefined, undefined, focus, out);
  for (const check of s.generic) settled(check(c));
}

function evaluateProperty(p: FastShape, focus: TermPointer, out: TermResult[]): void {
  const found = focus.data.find(focus.term, p.predicate!);
  if (found.length === 0 && p.property.length === 0) return;
  const terms = found.map((q) => q.object);
  const values = new Values(terms, focus.data);
  if (p.property.length > 0) {
    const all = new Context(p, focus, values, undefined, undefined, out);
    for (const check of p.property) settled(check(all));
  }
  if (p.generic.length === 0) return;
  for (const value of terms) {
    const v = new TermPointer(value, focus.data);
    const c = new Context(p, focus, values, v, v, out);
    for (const check of p.generic) settled(check(c));
  }
}

/**
 * Evaluates fast shapes on focus nodes, as shacl-engine's `validateNode`/`validateProperty`
 * would: a node shape's checks on the node, a property shape's property-level checks on the set
 * of values, then its checks on each value.
 *
 * @example
 * ```ts
 * results.push(...evaluateFast(fast, data, focus));
 * ```
 */
export function evaluateFast(shapes: readonly FastShape[], data: IndexedDataset, focusNodes: readonly Term[]): TermResult[] {
  const results: TermResult[] = [];
  for (const focus of focusNodes) {
    const pointer = new TermPointer(focus, data);
    for (const s of shapes) {
      if (s.predicate) evaluateProperty(s, pointer, results);
      else evaluateNode(s, pointer, results);
    }
  }
  return results;
}

/** The logical constraints, natively, over member shapes that are themselves fast. */
function logical(kind: string, members: FastShape[]): Check {
  const component = sh(`${kind[0]!.toUpperCase()}${kind.slice(1)}ConstraintComponent`);
  return (c) => {
    const node = c.valueOrNode!;
    if (kind === 'not') {
      c.test(!conforms(members[0]!, node), component, {
        args: { not: members[0]!.shape },
        message: [literal('Value does have shape {$not}')],
        value: node,
      });
      return;
    }
    const ok =
      kind === 'or'
        ? members.some((m) => conforms(m, node))
        : kind === 'and'
          ? members.every((m) => conforms(m, node))
          : members.filter((m) => conforms(m, node)).length === 1;
    c.test(ok, component, { value: node });
  };
}

interface EngineShape {
  severity: Term | undefined;
  message: Literal[];
}
interface Engine {
  shape(ptr: unknown): EngineShape;
  shapesPtr: { node(terms: Term[]): unknown };
  registry: { validations: { get(t: Term): ((shape: EngineShape) => { property?: Check; generic?: Check; node?: unknown } | null) | undefined } };
}

/**
 * Compiles shapes for the fast path, or tells that a shape cannot take it.
 *
 * @example
 * ```ts
 * const fast = new FastCompiler(validator, shapesStore).property(propertyShape);
 * ```
 */
export class FastCompiler {
  readonly #engine: Engine;
  readonly #componentMessages = new Map<string, Literal[]>();
  readonly #members = new Map<string, FastShape | null>();

  constructor(
    validator: Validator,
    private readonly store: Store,
  ) {
    this.#engine = validator as unknown as Engine;
    for (const q of store.getQuads(null, sh('message'), null, null)) {
      if (q.subject.termType === 'NamedNode' && q.object.termType === 'Literal') {
        this.#componentMessages.get(q.subject.value)?.push(q.object) ?? this.#componentMessages.set(q.subject.value, [q.object]);
      }
    }
  }

  /**
   * A property shape with a predicate path, value checks and logical constraints over fast
   * members; `undefined` when shacl-engine must evaluate it.
   */
  property(shape: Term): FastShape | undefined {
    const path = this.store.getObjects(shape, sh('path'), null);
    if (path.length !== 1 || path[0]!.termType !== 'NamedNode') return undefined;
    return this.#compile(shape, path[0] as NamedNode, false);
  }

  /** A node shape's own constraints (not its sh:property); `undefined` when shacl-engine must evaluate them. */
  node(shape: Term): FastShape | undefined {
    if (this.store.getObjects(shape, sh('path'), null).length > 0) return undefined;
    return this.#compile(shape, undefined, true);
  }

  /** A member shape of a logical constraint: its own checks and its property shapes, all fast. */
  #member(shape: Term): FastShape | undefined {
    const known = this.#members.get(`${shape.termType}:${shape.value}`);
    if (known !== undefined) return known ?? undefined;
    this.#members.set(`${shape.termType}:${shape.value}`, null); // cycles stay with the engine
    const own = this.node(shape);
    const properties = this.store.getObjects(shape, sh('property'), null).map((p) => this.property(p));
    const member = own && properties.every((p) => p !== undefined) ? { ...own, properties: properties as FastShape[] } : undefined;
    this.#members.set(`${shape.termType}:${shape.value}`, member ?? null);
    return member;
  }

  #compile(shape: Term, predicate: NamedNode | undefined, ignoreProperties: boolean): FastShape | undefined {
    const property: Check[] = [];
    const generic: Check[] = [];
    const compiled = new Set<unknown>();
    const engineShape = this.#engine.shape(this.#engine.shapesPtr.node([shape]));
    for (const q of this.store.getQuads(shape, null, null, null)) {
      const p = q.predicate.value;
      if (p === `${SH}deactivated`) return undefined;
      if (p === `${SH}property` && !ignoreProperties) return undefined;
      if (INERT.has(p) || TARGETS.has(p) || !p.startsWith(SH)) continue;
      if (LOGICAL.has(p)) {
        const kind = p.slice(SH.length);
        const memberTerms = kind === 'not' ? [q.object] : readList(this.store, q.object);
        const members = memberTerms.map((m) => this.#member(m));
        if (!members.every((m) => m !== undefined)) return undefined;
        generic.push(logical(kind, members as FastShape[]));
        continue;
      }
      if (!VALUE_CHECKS.has(p)) return undefined;
      const compile = this.#engine.registry.validations.get(q.predicate);
      if (!compile || compiled.has(compile)) continue;
      compiled.add(compile);
      const v = compile(engineShape);
      if (!v) continue;
      if (v.node) return undefined;
      if (v.property) property.push(v.property);
      if (v.generic) generic.push(v.generic);
    }
    if (!predicate && property.length > 0) return undefined; // cardinality on a node shape: leave it to the engine
    return {
      shape,
      ...(predicate ? { predicate, path: renderIri(predicate.value) } : {}),
      property,
      generic,
      severity: engineShape.severity ?? sh('Violation'),
      messages: engineShape.message,
      componentMessages: this.#componentMessages,
      properties: [],
    };
  }
}

/** Predicates by which a shape is evaluated as part of another (list members: any list). */
const NESTING = new Set([...['node', 'property', 'qualifiedValueShape', 'not', 'and', 'or', 'xone'].map((l) => SH + l), `${RDF}first`]);

/** How many times a shape is used inside other shapes. */
function references(store: Store, shape: Term): number {
  return store.getQuads(null, null, shape, null).filter((q) => NESTING.has(q.predicate.value)).length;
}

/**
 * Splits a targeted node shape between the fast path and shacl-engine: its fast property shapes
 * (each referenced only as this shape's `sh:property`), its own constraints when all are fast,
 * and the `sh:property` links to remove from the graph shacl-engine validates.
 *
 * @example
 * ```ts
 * const plan = planFast(compiler, store, shape);
 * ```
 */
export function planFast(compiler: FastCompiler, store: Store, parent: Term): { fast: FastShape[]; strip: Quad[]; ownFast: boolean } {
  const none = { fast: [], strip: [], ownFast: false };
  // Not nested in another shape (the engine would evaluate it there, without what moved here), not closed, active.
  if (references(store, parent) > 0) return none;
  if (store.getQuads(parent, sh('closed'), null, null).some((q) => q.object.value === 'true')) return none;
  if (store.getQuads(parent, sh('deactivated'), null, null).length > 0) return none;
  const fast: FastShape[] = [];
  const strip: Quad[] = [];
  const links = store.getQuads(parent, sh('property'), null, null);
  for (const link of links) {
    if (references(store, link.object) !== 1) continue;
    const p = compiler.property(link.object);
    if (!p) continue;
    fast.push(p);
    strip.push(link);
  }
  // The node shape's own constraints move too only when nothing is left for the engine: else
  // the engine, validating the shape for its other properties, would check them again.
  const own = strip.length === links.length ? compiler.node(parent) : undefined;
  if (own && (own.generic.length > 0 || own.property.length > 0)) fast.unshift(own);
  return { fast, strip, ownFast: own !== undefined };
}
