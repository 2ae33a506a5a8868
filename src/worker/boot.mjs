// Runs the worker from the TypeScript sources (tests, `tsx` users of the repository): the built
// package starts dist/worker.js directly instead. tsx is a devDependency, so this path exists
// only where the sources do.
import { workerData } from 'node:worker_threads';

const { tsImport } = await import('tsx/esm/api');
await tsImport(workerData.entry, import.meta.url);
