/**
 * The generated ontology page in a real headless browser (Debian's chromium via playwright-core;
 * no browser is ever downloaded). Opens docs via file://, checks that nothing errors or is fetched
 * from the network, that every class section exists, that internal links scroll to their targets
 * and that the diagram renders; saves a screenshot to test/artifacts/ontology-page.png.
 *
 * Without /usr/bin/chromium the suite is skipped, unless PROVML_REQUIRE_BROWSER=1 (then it fails).
 * Install: `apt-get install -y chromium`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateOntologyDocs } from '../../src/docs/index.js';
import { chromiumRequirement } from '../support/chromium.js';

// The project compiles without the DOM library: the few browser-side shapes used below.
type Box = { top: number; height: number; width: number };
type BrowserElement = { offsetHeight: number; naturalWidth: number; naturalHeight: number; getBoundingClientRect(): Box; getBBox(): Box };
type BrowserGlobals = { document: { getElementById(id: string): BrowserElement | null }; innerHeight: number; location: { hash: string } };

const { path: CHROMIUM, available, artifacts } = chromiumRequirement('ontology-page');
const root = resolve(import.meta.dirname, '../..');

describe.runIf(available)('ontology page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let out: string;
  let classCount: number;
  const problems: string[] = [];

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'provml-page-'));
    const result = await generateOntologyDocs({
      out,
      ontology: [join(root, 'ontology/prov-ml.ttl')],
      imports: ['MLSchema.ttl', 'prov-o.ttl'].map((f) => join(root, 'ontology/imports', f)),
      shapes: [join(root, 'shapes/prov-ml.shapes.ttl')],
    });
    classCount = result.classes;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => void problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`));
    page.on('request', (r) => void (!r.url().startsWith('file://') && !r.url().startsWith('data:') && problems.push(`network request: ${r.url()}`)));
    await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('loads with no console errors, no failed requests and no network access', async () => {
    expect(await page.title()).toBe('PROV-ML: provenance of the machine-learning lifecycle');
    expect(problems).toEqual([]);
  });

  test('one section per class of the ontology, each with a visible heading', async () => {
    const model = JSON.parse(readFileSync(join(root, 'src/generated/model.json'), 'utf8')) as { classes: { prefix: string }[] };
    const expected = model.classes.filter((c) => c.prefix === 'provml').length;
    expect(classCount).toBe(expected);
    expect(await page.locator('article.term.class').count()).toBe(expected);
    expect(await page.locator('article.term.class h4 .label').evaluateAll((els) => els.filter((e) => (e as unknown as BrowserElement).offsetHeight > 0).length)).toBe(expected);
    expect(await page.locator('article.term.class .badge.prospective, article.term.class .badge.retrospective').count()).toBe(expected);
  });

  const inView = (id: string): Promise<boolean> =>
    page.evaluate((target) => {
      const w = globalThis as unknown as BrowserGlobals;
      const el = w.document.getElementById(target);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.top >= -1 && r.top < w.innerHeight && r.height > 0;
    }, id);

  test('internal links scroll to their targets', async () => {
    const clicks: [string, string][] = [
      ['nav.sidebar a[href="#LearningStageExecution"]', 'LearningStageExecution'],
      ['#LearningStageExecution dl.facts a[href="#DataTransformationExecution"]', 'DataTransformationExecution'],
      ['#DataTransformationExecution a[href="#shape-ExecutionShape"]', 'shape-ExecutionShape'],
      ['nav.sidebar a[href="#partOf"]', 'partOf'],
      ['figure.diagram a[href="#Workflow"]', 'Workflow'],
      ['nav.sidebar a[href="#namespaces"]', 'namespaces'],
    ];
    for (const [selector, id] of clicks) {
      await page.locator(selector).first().click();
      await page.waitForFunction((h) => (globalThis as unknown as BrowserGlobals).location.hash === `#${h}`, id);
      expect(await inView(id), `${selector} → #${id} is in view`).toBe(true);
    }
    expect(problems).toEqual([]);
  });

  test('the diagram renders: inline SVG boxes, and diagram.svg in an <img>', async () => {
    await page.locator('nav.sidebar a[href="#diagram"]').click();
    const boxes = await page.locator('figure.diagram svg g.dg-node rect').evaluateAll((els) => els.filter((e) => (e as unknown as BrowserElement).getBBox().width > 0).length);
    expect(boxes).toBeGreaterThan(classCount);
    const viewer = join(out, 'diagram-viewer.html');
    writeFileSync(viewer, '<!DOCTYPE html><html><body><img id="d" src="diagram.svg" alt="diagram"></body></html>');
    const img = await browser.newPage();
    await img.goto(pathToFileURL(viewer).href, { waitUntil: 'load' });
    const size = await img.locator('#d').evaluate((e) => ({ w: (e as unknown as BrowserElement).naturalWidth, h: (e as unknown as BrowserElement).naturalHeight }));
    expect(size.w).toBeGreaterThan(400);
    expect(size.h).toBeGreaterThan(400);
    await img.close();
  });

  test('screenshots for review (test/artifacts/)', async () => {
    mkdirSync(artifacts, { recursive: true });
    await page.goto(pathToFileURL(join(out, 'index.html')).href, { waitUntil: 'load' });
    await page.screenshot({ path: join(artifacts, 'ontology-page.png') });
    await page.locator('nav.sidebar a[href="#LearningStageExecution"]').click();
    await page.screenshot({ path: join(artifacts, 'ontology-page-class.png') });
    await page.locator('nav.sidebar a[href="#diagram"]').click();
    await page.screenshot({ path: join(artifacts, 'ontology-page-diagram.png') });
    expect(existsSync(join(artifacts, 'ontology-page.png'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
