/**
 * What the builders know about the ontology, at compile time and at run time.
 *
 * Everything comes from the generated {@link QUERY_SCHEMA}: the types below read class names,
 * field names, value types and ranges off `typeof QUERY_SCHEMA`, so a misspelt field or a string
 * compared with a number field is a compile error; the functions check the same facts at run
 * time for JavaScript callers and name the offending class or field when they fail.
 */
import { QUERY_SCHEMA, type ClassInstances } from '../../generated/query-schema.js';

/**
 * The type of {@link QUERY_SCHEMA}.
 *
 * @example
 * ```ts
 * type EpochFields = keyof QuerySchema['EpochExecution']['fields']; // 'iterationIndex' | 'partOf' | …
 * ```
 */
export type QuerySchema = typeof QUERY_SCHEMA;

/**
 * Name of a generated PROV-ML class: what {@link query} starts from.
 *
 * @example
 * ```ts
 * const start: ClassName = 'EpochExecution';
 * ```
 */
export type ClassName = keyof QuerySchema;

/**
 * One column of a field's schema row, as a type.
 *
 * @example
 * ```ts
 * type K = FieldProp<'EpochExecution', 'iterationIndex', 'kind'>; // 'literal'
 * ```
 */
export type FieldProp<C extends ClassName, F extends FieldName<C>, K extends 'kind' | 'ts' | 'range'> = QuerySchema[C]['fields'][F] extends {
  readonly [P in K]: infer V;
}
  ? V
  : never;

/**
 * Name of a field of class `C` (inherited fields included).
 *
 * @example
 * ```ts
 * const f: FieldName<'EpochExecution'> = 'iterationIndex';
 * ```
 */
export type FieldName<C extends ClassName> = keyof QuerySchema[C]['fields'] & string;

/**
 * Fields of `C` that link to other nodes (object properties): what `out()` follows.
 *
 * @example
 * ```ts
 * const f: LinkFieldName<'BatchExecution'> = 'partOf';
 * ```
 */
export type LinkFieldName<C extends ClassName> = {
  [F in FieldName<C>]: FieldProp<C, F, 'kind'> extends 'iri' ? F : never;
}[FieldName<C>];

/**
 * Link fields of `C` whose range is one generated class, so `out(field)` needs no class argument.
 *
 * @example
 * ```ts
 * const f: RangedLinkName<'BatchExecution'> = 'partOf'; // range Activity
 * ```
 */
export type RangedLinkName<C extends ClassName> = {
  [F in LinkFieldName<C>]: FieldProp<C, F, 'range'> extends ClassName ? F : never;
}[LinkFieldName<C>];

/**
 * How each `ts` tag of the schema reads back in JavaScript (`scalar`: untyped values such as
 * `mls:hasValue`).
 *
 * @example
 * ```ts
 * const t: TsTypes['Date'] = new Date();
 * ```
 */
export interface TsTypes {
  string: string;
  number: number;
  boolean: boolean;
  Date: Date;
  scalar: string | number | boolean;
}

/**
 * The JavaScript type of one value of field `F` of class `C`.
 *
 * @example
 * ```ts
 * const i: FieldValue<'EpochExecution', 'iterationIndex'> = 3;
 * const t: FieldValue<'EpochExecution', 'startedAtTime'> = new Date();
 * ```
 */
export type FieldValue<C extends ClassName, F extends FieldName<C>> = FieldProp<C, F, 'ts'> extends keyof TsTypes ? TsTypes[FieldProp<C, F, 'ts'>] : never;

/**
 * `C` or any generated subclass of it.
 *
 * @example
 * ```ts
 * const c: SubclassOf<'IterationExecution'> = 'EpochExecution';
 * ```
 */
export type SubclassOf<C extends ClassName> = {
  [K in ClassName]: C extends QuerySchema[K]['supers'][number] ? K : never;
}[ClassName];

/**
 * The generated class a link field points to (`never` when the schema names none).
 *
 * @example
 * ```ts
 * const c: RangeClass<'BatchExecution', 'partOf'> = 'Activity';
 * ```
 */
export type RangeClass<C extends ClassName, F extends FieldName<C>> = Extract<FieldProp<C, F, 'range'>, ClassName>;

/**
 * Classes `out(field, cls)` may name: the range and its subclasses, or any class when the field
 * has no single range class.
 *
 * @example
 * ```ts
 * const c: OutTarget<'BatchExecution', 'partOf'> = 'EpochExecution';
 * ```
 */
export type OutTarget<C extends ClassName, F extends FieldName<C>> = FieldProp<C, F, 'range'> extends ClassName ? SubclassOf<FieldProp<C, F, 'range'>> : ClassName;

/**
 * Link fields of class `S` that can point at a node of class `C`: their range is a superclass or a
 * subclass of `C`, or unknown. What `node.in(S, field)` accepts.
 *
 * @example
 * ```ts
 * const f: InverseFieldName<'ModelEvaluation', 'EpochExecution'> = 'wasGeneratedBy';
 * ```
 */
export type InverseFieldName<S extends ClassName, C extends ClassName> = {
  [F in LinkFieldName<S>]: FieldProp<S, F, 'range'> extends ClassName
    ? FieldProp<S, F, 'range'> extends QuerySchema[C]['supers'][number]
      ? F
      : C extends QuerySchema[FieldProp<S, F, 'range'>]['supers'][number]
        ? F
        : never
    : F;
}[LinkFieldName<S>];

/**
 * The generated class instance (`provml/model`) for a class name.
 *
 * @example
 * ```ts
 * const epochs: Instance<'EpochExecution'>[] = await query('EpochExecution').instances(store);
 * epochs[0]?.iterationIndex;
 * ```
 */
export type Instance<C extends ClassName> = ClassInstances[C];

/** One field row of the schema, as the runtime reads it. */
export interface FieldSpec {
  readonly iri: string;
  readonly kind: 'iri' | 'literal';
  readonly datatype: string | null;
  readonly ts: keyof TsTypes;
  readonly single: boolean;
  readonly range: string | null;
}

/** One class entry of the schema, as the runtime reads it. */
export interface ClassSpec {
  readonly iri: string;
  readonly acceptedTypes: readonly string[];
  readonly supers: readonly string[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const SCHEMA = QUERY_SCHEMA as unknown as Readonly<Record<string, ClassSpec>>;

/** The schema entry of a class; a TypeError naming it when there is none. */
export function classSpec(name: string): ClassSpec {
  const spec = typeof name === 'string' && Object.hasOwn(SCHEMA, name) ? SCHEMA[name] : undefined;
  if (spec === undefined) throw new TypeError(`provml query: unknown class ${JSON.stringify(name)} (expected a generated class name such as 'EpochExecution')`);
  return spec;
}

/** The schema row of a field; a TypeError naming the class and field when there is none. */
export function fieldSpec(className: string, field: string): FieldSpec {
  const fields = classSpec(className).fields;
  const spec = typeof field === 'string' && Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (spec === undefined) throw new TypeError(`provml query: ${className} has no field ${JSON.stringify(field)}`);
  return spec;
}

/** Whether `sub` is `sup` or one of its generated subclasses. */
export function isSubclass(sub: string, sup: string): boolean {
  return classSpec(sub).supers.includes(sup);
}
