import { defineConfig } from 'tsup';

// One entry per public subpath export (see package.json "exports").
// Entries are added here as the capabilities land; each must exist in src/.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    vocab: 'src/vocab.ts',
    model: 'src/model.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: false,
});
