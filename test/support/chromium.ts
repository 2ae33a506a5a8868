/**
 * Debian's chromium for the real-browser tests (via playwright-core; no browser is ever
 * downloaded). Without it a suite is skipped with a line saying so, unless
 * PROVML_REQUIRE_BROWSER=1 (CI), which turns the skip into a failing test.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';

/** Where chromium is, whether it is there, and where screenshots go. */
export interface Chromium {
  path: string;
  available: boolean;
  artifacts: string;
}

/**
 * Check for chromium on behalf of `suite`: warn when it is skipped, or register a failing test
 * when a browser is required.
 *
 * @example
 * ```ts
 * const chromium = chromiumRequirement('report-page');
 * describe.runIf(chromium.available)('report page', () => { … });
 * ```
 */
export function chromiumRequirement(suite: string): Chromium {
  const path = process.env.PROVML_CHROMIUM ?? '/usr/bin/chromium';
  const required = process.env.PROVML_REQUIRE_BROWSER === '1';
  const available = existsSync(path);
  if (!available && !required) {
    console.warn(`${suite}: SKIPPED — no Chromium at ${path} (apt-get install -y chromium; set PROVML_REQUIRE_BROWSER=1 to make this a failure)`);
  }
  test.runIf(!available && required)('a browser is required (PROVML_REQUIRE_BROWSER=1)', () => {
    expect.fail(`PROVML_REQUIRE_BROWSER=1 but no Chromium at ${path}: run \`apt-get install -y chromium\``);
  });
  return { path, available, artifacts: join(resolve(import.meta.dirname, '../..'), 'test/artifacts') };
}
