import { defineConfig } from 'tsup';

// One entry per public subpath export (see package.json "exports"); heavy engines (SHACL, the
// TF.js integration) sit behind their own subpaths so `import 'provml'` stays light.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vocab: 'src/vocab.ts',
    model: 'src/model.ts',
    query: 'src/query/index.ts',
    validate: 'src/validate/index.ts',
    tfjs: 'src/tfjs.ts',
    cli: 'src/cli.ts',
    // The provenance worker (src/worker/client.ts starts it next to the chunk that imports it).
    worker: 'src/worker/entry.ts',
    report: 'src/report.ts',
    export: 'src/export.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Shared chunks, in ESM and CJS alike: capture keeps process-wide state (the activity context,
  // the default tracker), so `provml` and `provml/tfjs` must load one copy of it, not one each.
  splitting: true,
  // import.meta.url in CJS output (the validator locates the packaged shapes with it).
  shims: true,
});
