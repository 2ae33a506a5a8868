// Compiled by the `tc39` vitest project: TC39 standard decorators (esbuild transform).
import { SeismicTraining, flavourSeen } from '../training/fixture.js';
import { trainingSuite } from '../training/suite.js';

trainingSuite('tc39', SeismicTraining, flavourSeen);
