/**
 * The public API contract: every name exported from a package entry point carries TSDoc with an
 * `@example` (typedoc's `notDocumented` check catches missing TSDoc, not missing examples).
 */
import { existsSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENTRIES = ['src/index.ts', 'src/query/index.ts', 'src/validate/index.ts', 'src/vocab.ts', 'src/model.ts', 'src/tfjs.ts', 'src/integrations/tfjs.ts', 'src/report.ts', 'src/export.ts'];

describe('public API documentation', () => {
  it('every exported name of every entry point has an @example', () => {
    const entries = ENTRIES.filter((e) => existsSync(e));
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const missing: string[] = [];
    let checked = 0;
    for (const entry of entries) {
      const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!);
      for (const exp of module ? checker.getExportsOfModule(module) : []) {
        const target = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
        const documented = (target.getDeclarations() ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example') || /@example/.test(d.getFullText()));
        checked++;
        if (!documented) missing.push(`${entry}: ${exp.name}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  }, 60_000);
});
