import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Vite 8 (oxc) only lowers *legacy* decorators. The `tc39` project compiles its TypeScript with
 * esbuild instead, which lowers TC39 standard decorators (with `context.metadata`) — the semantics
 * TypeScript 5 uses without `experimentalDecorators`.
 */
function tc39Decorators(): Plugin {
  return {
    name: 'provml:tc39-decorators',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0]!;
      if (!/\.[cm]?ts$/.test(file) || file.includes('/node_modules/')) return null;
      const out = await transform(code, {
        loader: 'ts',
        format: 'esm',
        target: 'es2022',
        sourcemap: true,
        sourcefile: file,
        tsconfigRaw: { compilerOptions: { experimentalDecorators: false, useDefineForClassFields: true } },
      });
      return { code: out.code, map: out.map };
    },
  };
}

export default defineConfig({
  test: {
    // `include` lives in the projects: `extends: true` would concatenate a root-level one.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        // Everything, with Vite's default (oxc) transform; decorators compile with legacy
        // `experimentalDecorators` semantics here.
        extends: true,
        oxc: { decorator: { legacy: true } },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/unit/capture/tc39/**', 'test/integration/tc39/**'],
        },
      },
      {
        // The shared capture suite again, with TC39 standard decorators.
        extends: true,
        oxc: false,
        plugins: [tc39Decorators()],
        test: {
          name: 'tc39',
          include: ['test/unit/capture/tc39/**/*.test.ts', 'test/integration/tc39/**/*.test.ts'],
        },
      },
    ],
  },
});
