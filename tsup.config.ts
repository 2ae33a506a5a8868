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
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
  // import.meta.url in CJS output (the validator locates the packaged shapes with it).
  shims: true,
});
