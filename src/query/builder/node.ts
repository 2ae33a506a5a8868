/**
 * Node handles: the places of a query's graph pattern.
 *
 * A query starts with one node (`q.root`, the class it asks about); `out()` follows a link field
 * to the node it points at, `in()` goes the other way (nodes of some class whose field points
 * here). Each handle stands for one SPARQL variable. Following the same field to the same class
 * twice gives the same handle, so its identity — and the types that track which fields are
 * required — is its path from the root. A handle takes part in the query only when something
 * uses it (a condition, a selection, a group, a pin) or a node beyond it; then its link is an
 * inner join: results have a node there.
 */
import type { NamedNode, Variable } from '@rdfjs/types';
import { iriTerm, varTerm } from '../sparql.js';
import { describe } from './condition.js';
import { LinkField, ValueField, type Field } from './field.js';
import {
  type ClassName,
  type FieldName,
  type FieldSpec,
  type FieldProp,
  type FieldValue,
  type InverseFieldName,
  type LinkFieldName,
  type OutTarget,
  type RangeClass,
  type RangedLinkName,
  classSpec,
  fieldSpec,
  isSubclass,
} from './schema.js';

/**
 * The handle `node.get(field)` returns: a {@link LinkField} for links, else a {@link ValueField}
 * of the field's value type.
 *
 * @example
 * ```ts
 * const i: FieldOf<'EpochExecution', 'iterationIndex', '$.iterationIndex'> = query('EpochExecution').root.get('iterationIndex');
 * ```
 */
export type FieldOf<C extends ClassName, F extends FieldName<C>, Id extends string> = FieldProp<C, F, 'kind'> extends 'iri'
  ? LinkField<Id>
  : ValueField<FieldValue<C, F>, Id>;

/**
 * Any node handle, whatever its class and path.
 *
 * @example
 * ```ts
 * const nodes: AnyNode[] = [query('EpochExecution').root];
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNode = QueryNode<any, any>;

/** How a node hangs off its parent: `out` — parent --field--> node; `in` — node --field--> parent. */
export interface NodeLink {
  readonly parent: AnyNode;
  readonly field: string;
  readonly spec: FieldSpec;
  readonly direction: 'out' | 'in';
}

/** The nodes of one query, in creation order (parents before children). */
export class Scope {
  readonly nodes: AnyNode[] = [];
}

/**
 * A node of a query: an instance of class `C` reached from the root along path `P`. Follow
 * links with {@link QueryNode.out} and {@link QueryNode.in}, read fields with {@link QueryNode.get}, pin it to
 * known IRIs with {@link QueryNode.is}; in `select()` a node reads back as its IRI.
 *
 * @example
 * ```ts
 * const q = query('BatchExecution');
 * const epoch = q.root.out('partOf', 'EpochExecution');
 * const losses = epoch.in('ModelEvaluation', 'wasGeneratedBy');
 * q.select({ batch: q.root, epoch: epoch.get('iterationIndex'), loss: losses.get('hasValue') });
 * ```
 */
export class QueryNode<C extends ClassName, P extends string = string> {
  /** @internal Phantom: the node's path from the root. */
  declare readonly path?: P;
  /** @internal */
  readonly variable: Variable;
  /** @internal IRIs the node is pinned to (any of them). */
  readonly pins: NamedNode[] = [];
  readonly #children = new Map<string, AnyNode>();
  readonly #fields = new Map<string, Field<unknown>>();

  /** @internal */
  constructor(
    /** @internal */ readonly scope: Scope,
    /** @internal */ readonly className: C,
    /** @internal */ readonly link: NodeLink | undefined,
  ) {
    classSpec(className);
    this.variable = varTerm(`_n${scope.nodes.length}`);
    scope.nodes.push(this);
  }

  /**
   * A field of this node: compare it in `where()`, group by it, select it.
   *
   * @example
   * ```ts
   * q.where(q.root.get('durationMs').lt(100)).select({ ms: q.root.get('durationMs') });
   * ```
   */
  get<F extends FieldName<C>>(field: F): FieldOf<C, F, `${P}.${F}`> {
    let f = this.#fields.get(field);
    if (f === undefined) {
      const spec = fieldSpec(this.className, field);
      f = spec.kind === 'iri' ? new LinkField(this, field, spec) : new ValueField(this, field, spec);
      this.#fields.set(field, f);
    }
    return f as FieldOf<C, F, `${P}.${F}`>;
  }

  /**
   * Follow a link field to the node it points at. The class defaults to the field's range; name a
   * subclass to narrow (only nodes of that class or its subclasses match). Fields with no single
   * range class (e.g. `wasInfluencedBy`) need the class.
   *
   * @example
   * ```ts
   * const epoch = query('BatchExecution').root.out('partOf', 'EpochExecution');
   * const env = query('WorkflowExecution').root.out('executedIn'); // Environment
   * ```
   */
  out<F extends RangedLinkName<C>>(field: F): QueryNode<RangeClass<C, F>, `${P}.${F}>${RangeClass<C, F>}`>;
  out<F extends LinkFieldName<C>, S extends OutTarget<C, F>>(field: F, cls: S): QueryNode<S, `${P}.${F}>${S}`>;
  out(field: string, cls?: string): AnyNode {
    const spec = this.linkSpec(this.className, field);
    const target = cls ?? spec.range;
    if (target === null) {
      throw new TypeError(`provml query: ${this.className}.${field} has no single range class; name the class to follow it to, e.g. out('${field}', 'Entity')`);
    }
    classSpec(target);
    if (spec.range !== null && !isSubclass(target, spec.range)) {
      throw new TypeError(`provml query: ${this.className}.${field} points at ${spec.range}; ${target} is not ${spec.range} or a subclass of it`);
    }
    return this.child(`${field}>${target}`, () => new QueryNode(this.scope, target as ClassName, { parent: this, field, spec, direction: 'out' }));
  }

  /**
   * Go against a link: nodes of class `cls` whose field `field` points at this node (e.g. the
   * evaluations an epoch generated).
   *
   * @example
   * ```ts
   * const epoch = query('EpochExecution').root;
   * const evals = epoch.in('ModelEvaluation', 'wasGeneratedBy');
   * ```
   */
  in<S extends ClassName, F extends InverseFieldName<S, C>>(cls: S, field: F): QueryNode<S, `${P}<${S}.${F & string}`> {
    classSpec(cls);
    const spec = this.linkSpec(cls, field);
    if (spec.range !== null && !isSubclass(this.className, spec.range) && !isSubclass(spec.range, this.className)) {
      throw new TypeError(`provml query: ${cls}.${field} points at ${spec.range}, which a ${this.className} can never be`);
    }
    return this.child(`${cls}.${field}<`, () => new QueryNode(this.scope, cls, { parent: this, field, spec, direction: 'in' })) as QueryNode<S, `${P}<${S}.${F & string}`>;
  }

  /**
   * Pin this node to one IRI (or any of several): e.g. start from a given run or model. Each IRI
   * is checked; an invalid one is a TypeError naming it. Returns the node.
   *
   * @example
   * ```ts
   * const q = query('EpochExecution');
   * q.root.out('partOf', 'LearningStageExecution').is('urn:provml:run:42:train');
   * ```
   */
  is(...iris: string[]): this {
    if (iris.length === 0) throw new TypeError('provml query: is() needs at least one IRI');
    for (const iri of iris) {
      if (typeof iri !== 'string') throw new TypeError(`provml query: is() takes IRI strings, got ${describe(iri)}`);
      const term = iriTerm(iri, `IRI for ${this.className} node`);
      if (!this.pins.some((p) => p.value === iri)) this.pins.push(term);
    }
    return this;
  }

  private linkSpec(className: string, field: string): FieldSpec {
    const spec = fieldSpec(className, field);
    if (spec.kind !== 'iri') throw new TypeError(`provml query: ${className}.${field} holds values, not links to nodes; use get('${field}')`);
    return spec;
  }

  private child(key: string, make: () => AnyNode): AnyNode {
    let node = this.#children.get(key);
    if (node === undefined) {
      node = make();
      this.#children.set(key, node);
    }
    return node;
  }
}
