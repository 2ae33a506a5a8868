/**
 * Typed query builders generated from the ontology: see `query()`.
 */
export { QUERY_SCHEMA, type ClassInstances } from '../../generated/query-schema.js';
export { Aggregate, avg, count, countDistinct, max, min, sum, type NumericField } from './aggregate.js';
export type { Selectable } from './compile.js';
export { Condition, and, not, or, type RequiredBy } from './condition.js';
export { Field, LinkField, ValueField } from './field.js';
export { QueryNode, type AnyNode, type FieldOf } from './node.js';
export { Query, query, type Row, type RowCell, type Selection } from './query.js';
export type {
  ClassName,
  FieldName,
  FieldProp,
  FieldValue,
  Instance,
  InverseFieldName,
  LinkFieldName,
  OutTarget,
  QuerySchema,
  RangeClass,
  RangedLinkName,
  SubclassOf,
  TsTypes,
} from './schema.js';
