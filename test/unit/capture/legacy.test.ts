// Runs the shared capture suite with legacy `experimentalDecorators` semantics (vitest project
// `unit`, whose oxc transform lowers decorators the legacy way).
import * as fixtures from './fixtures.js';
import { registerCaptureSuite } from './capture.suite.js';

registerCaptureSuite('legacy', fixtures);
registerCaptureSuite('legacy', fixtures, 'lane');
