/**
 * The lifecycle queries Q1–Q6 of shared/QUERIES.md as typed functions over any SparqlEndpoint.
 */
export { q1, q2, trainingDatasets, type Q1Params, type Q2Params } from './backward.js';
export { q3, q4, type Q3Params, type Q4Params } from './forward.js';
export { q5, q6, type Q5Params, type Q6Params } from './by-parameters.js';
export { explainEmpty } from './explain.js';
export { describeFilter, type ParameterCondition, type ParameterFilter, type ParameterRange } from './parameters.js';
export type { DomainSource, EvaluatedModel, Q1Row, Q2Row, Q3Result, Q4Row, Q5Row, Q6Row, Scalar, SourceFileFacts } from './types.js';
