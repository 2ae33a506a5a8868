/**
 * provml capture layer: decorators, the `track` API, execution context, value summaries.
 * Importing it installs the `Symbol.metadata` polyfill first.
 *
 * @module
 */

export { metadataPolyfilled } from './polyfill.js';
export type {
  ActivityKind,
  AttributeSpec,
  CaptureEvent,
  DataRefSummary,
  DescribeEvent,
  EndEvent,
  Fact,
  SpecEvent,
  StageType,
  StartEvent,
  ValueRole,
  ValueSummary,
} from './events.js';
export { getDefaultEmitter, noopEmitter, setDefaultEmitter, type EventEmitterLike } from './emitter.js';
export { now } from './clock.js';
export { uuidv7, uuidv7Time } from './ids.js';
export { currentExecution, currentRun, type ExecutionInfo } from './context.js';
export { DEFAULT_LIMITS, summarize, type SummarizeLimits } from './summarize.js';
export { isRef, ref, type RefOptions } from './ref.js';
export type { ArgRef, ArgSpec, CaptureOptions, IterationOptions, OutSpec, StageOptions, WorkflowOptions } from './options.js';
export { CaptureConfigError } from './plan.js';
export { endOpenWorkflows, endWorkflow } from './engine.js';
export {
  Batch,
  Epoch,
  FeatureExtraction,
  getCaptureMetadata,
  LearningStage,
  Transformation,
  Workflow,
  WorkflowRun,
  type CaptureClassDecorator,
  type CaptureMetadata,
  type CaptureMethodDecorator,
  type AnyMethod,
} from './decorators.js';
export { track, tracked, type Execution, type StartOptions, type TrackOptions } from './api.js';
