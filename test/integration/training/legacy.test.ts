// Compiled by the `unit` vitest project: legacy `experimentalDecorators` semantics.
import { SeismicTraining, flavourSeen } from './fixture.js';
import { trainingSuite } from './suite.js';

trainingSuite('legacy', SeismicTraining, flavourSeen);
