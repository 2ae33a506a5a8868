/**
 * The report page (src/report) in a real headless browser (Debian's chromium via playwright-core;
 * no browser is ever downloaded). A lifecycle is captured through the public `track` API, the
 * report written and opened via file://. Every request that is not file: or data: is blocked and
 * fails the test; console errors fail it too (a Content-Security-Policy violation is one). The
 * curves must have one marker per recorded epoch in the DOM, and the lineage diagram must be
 * rendered with a non-zero size. Screenshots go to test/artifacts/report-*.png.
 *
 * Without /usr/bin/chromium the suite is skipped, unless PROVML_REQUIRE_BROWSER=1 (then it fails).
 * Install: `apt-get install -y chromium`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { report, type ReportResult } from '../../src/report.js';
import { BATCHES, captureLifecycle, TRAININGS, type Lifecycle } from '../unit/report/fixture.js';
import { chromiumRequirement } from '../support/chromium.js';

// The project compiles without the DOM library: the few browser-side shapes used below.
type Box = { x: number; y: number; width: number; height: number };
type BrowserElement = { getBBox(): Box; getBoundingClientRect(): Box; querySelector(s: string): BrowserElement | null; textContent: string | null };

const { path: CHROMIUM, available, artifacts } = chromiumRequirement('report-page');

describe.runIf(available)('report page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  let life: Lifecycle;
  let result: ReportResult;
  const problems: string[] = [];
  const network: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-report-page-'));
    life = await captureLifecycle(join(dir, 'work'));
    result = await report(life.prov.store!, { out: join(dir, 'site'), title: 'Seismic U-Net — provml report' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Block the network: anything but the page itself (file:) and inline data (data:) is aborted and recorded.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
      network.push(url);
      return route.abort('blockedbyclient');
    });
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => void (!network.includes(r.url()) && problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`)));
    await page.goto(pathToFileURL(result.file).href, { waitUntil: 'load' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await life?.prov.shutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('loads with no console errors and no network request at all', async () => {
    expect(await page.title()).toBe('Seismic U-Net — provml report');
    expect(result.problems).toEqual([]);
    expect(network).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('every run is listed', async () => {
    const table = (await page.locator('table.runs').textContent()) ?? '';
    for (const iri of Object.values(life.runs)) expect(table).toContain(iri);
    expect(await page.locator('table.runs tbody tr').count()).toBe(4);
  });

  test('epoch curves: one visible marker per recorded epoch, per training and measure', async () => {
    for (const measure of ['loss', 'accuracy']) {
      const chart = page.locator(`svg[data-chart="epoch-${measure}"]`);
      expect(await chart.count()).toBe(1);
      const markers = chart.locator('circle[data-epoch]');
      expect(await markers.count()).toBe(TRAININGS.T1.epochs + TRAININGS.T2.epochs);
      for (const [run, t] of [['R3', TRAININGS.T1], ['R4', TRAININGS.T2]] as const) {
        const epochs = await chart.locator(`circle[data-run="${run}"]`).evaluateAll((els) => els.map((e) => Number((e as unknown as { dataset: { epoch: string } }).dataset.epoch)));
        expect(epochs).toEqual([...Array(t.epochs).keys()]);
      }
      const sizes = await markers.evaluateAll((els) => els.map((e) => (e as unknown as BrowserElement).getBBox().width));
      expect(sizes.every((w) => w > 0)).toBe(true);
      const tips = await markers.evaluateAll((els) => els.map((e) => (e as unknown as BrowserElement).querySelector('title')?.textContent ?? ''));
      expect(tips.every((t) => t.includes(`${measure} = `))).toBe(true);
    }
    expect(await page.locator('svg[data-chart="batch-loss"] circle').count()).toBe(BATCHES * (TRAININGS.T1.epochs + TRAININGS.T2.epochs));
    expect(await page.locator('svg[data-chart^="batch-time-"]').count()).toBe(2);
  });

  test('the lineage diagram is drawn, from the raw file to the models, with a non-zero size', async () => {
    const svg = page.locator('svg[data-chart="lineage"]');
    expect(await svg.count()).toBe(1);
    // DOMRect and SVGRect do not cross into Node as they are: copy the numbers.
    const box = await svg.evaluate((e) => {
      const r = (e as unknown as BrowserElement).getBoundingClientRect();
      return { width: r.width, height: r.height };
    });
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(50);
    const drawn = await svg.locator('g.nodes').evaluate((e) => ({ width: (e as unknown as BrowserElement).getBBox().width }));
    expect(drawn.width).toBeGreaterThan(300);
    expect(await svg.locator('g.node[data-role="raw"] text').allTextContents()).toEqual(['netherlands.sgy']);
    expect((await svg.locator('g.node[data-role="model"] text').allTextContents()).sort()).toEqual([`model-T1-e${TRAININGS.T1.epochs - 1}.json`, `model-T2-e${TRAININGS.T2.epochs - 1}.json`]);
    const nodeBoxes = await svg.locator('g.node').evaluateAll((els) =>
      els.map((e) => {
        const b = (e as unknown as BrowserElement).getBBox();
        return { width: b.width, height: b.height };
      }),
    );
    expect(nodeBoxes.every((b) => b.width > 0 && b.height > 0)).toBe(true);
    // Raw file left of the models.
    const x = async (role: string) => svg.locator(`g.node[data-role="${role}"]`).first().evaluate((e) => (e as unknown as BrowserElement).getBBox().x);
    expect(await x('raw')).toBeLessThan(await x('model'));
  });

  test('table-of-contents links reach their sections', async () => {
    for (const id of ['lineage', 'queries', 'validation']) {
      await page.locator(`nav.toc a[href="#${id}"]`).click();
      await page.waitForFunction((h) => (globalThis as unknown as { location: { hash: string } }).location.hash === `#${h}`, id);
      const top = await page.locator(`#${id}`).evaluate((e) => (e as unknown as BrowserElement).getBoundingClientRect().y);
      expect(top).toBeLessThan(1000);
    }
    expect(problems).toEqual([]);
  });

  test('screenshots for review (test/artifacts/report-*.png)', async () => {
    mkdirSync(artifacts, { recursive: true });
    await page.goto(pathToFileURL(result.file).href, { waitUntil: 'load' });
    await page.screenshot({ path: join(artifacts, 'report-top.png') });
    await page.locator('#curves').screenshot({ path: join(artifacts, 'report-curves.png') });
    await page.locator('#batch-times').screenshot({ path: join(artifacts, 'report-batch-times.png') });
    await page.locator('#hyperparameters').screenshot({ path: join(artifacts, 'report-hyperparameters.png') });
    await page.locator('#lineage').screenshot({ path: join(artifacts, 'report-lineage.png') });
    await page.locator('#queries').screenshot({ path: join(artifacts, 'report-queries.png') });
    await page.locator('#validation').screenshot({ path: join(artifacts, 'report-validation.png') });
    for (const f of ['top', 'curves', 'batch-times', 'hyperparameters', 'lineage', 'queries', 'validation']) expect(existsSync(join(artifacts, `report-${f}.png`))).toBe(true);
    expect(network).toEqual([]);
    expect(problems).toEqual([]);
  });
});
