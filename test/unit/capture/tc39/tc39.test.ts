// Runs the shared capture suite with TC39 standard decorators (vitest project `tc39`, whose
// esbuild plugin compiles decorators per TC39, with `context.metadata`).
import * as fixtures from '../fixtures.js';
import { registerCaptureSuite } from '../capture.suite.js';

registerCaptureSuite('tc39', fixtures);
registerCaptureSuite('tc39', fixtures, 'lane');
