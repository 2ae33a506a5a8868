/** The lifecycle queries on the tracker's own embedded Oxigraph store. */
import { lifecycleSuite } from './suite.js';

lifecycleSuite({ name: 'the embedded store', setup: async () => ({ options: {} }) });
