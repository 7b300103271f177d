import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, ARTIFACTS, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';

/*
 * Issue #11, points 5 and 6, in real Chromium: a study that varies the per-device batch (2, 4, 8)
 * draws its runs' per-device noise in one chart against the batch with the c/√b reference; the
 * train curves are smoothed by a slider; legends and latest tables show every run.
 */
let app: App;
let page: Page;

const BATCHES = [2, 4, 8];
const batchStudy = encodeStudyHash({
  config: {
    seed: 5,
    dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
    model: { preset: 'mlp', hidden: [32], norm: 'batch' },
    devices: 4,
    workers: 1,
    bnSync: 'local',
    steps: 40,
    evalEvery: 10,
  },
  compare: { field: 'perDeviceBatch', values: BATCHES.map(String) },
});

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { width: 1400 });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** A canvas's pixels as a data URL (the plot is drawn when it differs from a blank one). */
const pixels = (chart: Locator) =>
  chart.evaluate((el) => el.shadowRoot?.querySelector('canvas')?.toDataURL() ?? '');

describe('readable charts and noise against batch size', () => {
  it('runs a study of 3 per-device batches to the end', async () => {
    await page.goto(`${app.url}#${batchStudy}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(async () => Number(await page.getByRole('progressbar').getAttribute('aria-valuenow')), {
        timeout: 150_000,
      })
      .toBe(100);
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 })
      .toMatch(/done/);
  }, 200_000);

  it('draws one point per run and the fitted c/√b reference against the per-device batch', async () => {
    const chart = page.locator('sbl-noise-batch-chart');
    await expect.poll(() => chart.count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => pixels(chart).then((p) => p.length), { timeout: 10_000 })
      .toBeGreaterThan(0);
    // The text equivalent says what the chart shows (polled: the chart redraws on the page's
    // render clock, so under load its first drawing may still hold fewer runs).
    const plot = chart.locator('.plot');
    await expect
      .poll(() => plot.getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/one point per run \(3\)/);
    const label = await plot.getAttribute('aria-label');
    expect(label).toMatch(/per-device batch on a log axis/);
    expect(label).toMatch(/c\/√b with c = [0-9.]+ is fitted/);
    // One table row per run, at its batch, with the reference's value beside it.
    const rows = chart.locator('table.latest tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
    expect(cells.map((c) => Number(c[0])).sort((a, b) => a - b)).toEqual(BATCHES);
    const noise = new Map(cells.map((c) => [Number(c[0]), Number(c[1])]));
    for (const c of cells) {
      expect(Number(c[1])).toBeGreaterThan(0); // 4 devices: each differs from the global batch
      expect(Number(c[2])).toBeGreaterThan(0); // the reference c/√b
    }
    // The lesson the chart is for: the smallest per-device batch has the noisiest statistics.
    expect(noise.get(2)!).toBeGreaterThan(noise.get(8)!);
    // Legend: the three runs as points and the reference.
    const legend = chart.getByTestId('chart-legend').locator('li');
    await expect.poll(() => legend.count(), { timeout: 10_000 }).toBe(4);
    expect(await legend.last().textContent()).toMatch(/reference c\/√b, c = [0-9.]+ \(fitted\)/);
    await chart.screenshot({ path: join(ARTIFACTS, 'charts-noise-vs-batch.png') });
  }, 60_000);

  it('the smoothing slider changes the drawn train curve', async () => {
    const loss = page.locator('sbl-curves-chart[metric="loss"]').first();
    const before = await pixels(loss);
    expect(before.length).toBeGreaterThan(0);
    expect(await loss.locator('.plot').getAttribute('aria-label')).toMatch(
      /exponential moving average of weight 0\.60/,
    );
    await page.getByTestId('smoothing').first().fill('0');
    await expect
      .poll(() => loss.locator('.plot').getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/train unsmoothed/);
    await expect.poll(() => pixels(loss), { timeout: 10_000 }).not.toBe(before);
    const raw = await pixels(loss);
    await page.getByTestId('smoothing').first().fill('0.9');
    await expect
      .poll(() => loss.locator('.plot').getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/weight 0\.90/);
    await expect.poll(() => pixels(loss), { timeout: 10_000 }).not.toBe(raw);
  }, 60_000);

  it('legends and latest tables show every run, nothing cut off', async () => {
    const runLabels = await page
      .getByTestId('live-results')
      .locator('tbody th')
      .evaluateAll((ths) => ths.map((th) => th.textContent?.trim() ?? ''));
    expect(runLabels.length).toBe(3);
    for (const metric of ['loss', 'acc']) {
      const chart = page.locator(`sbl-curves-chart[metric="${metric}"]`).first();
      const legend = chart.getByTestId('chart-legend');
      const texts = await legend
        .locator('li')
        .evaluateAll((lis) => lis.map((li) => li.textContent?.trim() ?? ''));
      // Train and eval of every run are entries of their own, with their own line style.
      for (const run of runLabels) {
        expect(texts).toContain(`${run} · train`);
        expect(texts).toContain(`${run} · eval`);
      }
      const fits = (l: Locator) =>
        l.evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
      const box = await fits(legend);
      expect(box.scroll).toBeLessThanOrEqual(box.client);
      const table = await fits(chart.locator('.table-wrap'));
      expect(table.scroll).toBeLessThanOrEqual(table.client);
      expect(await chart.locator('table.latest tbody tr').count()).toBe(3);
      // Every entry is laid out inside the chart (visible, not clipped to nothing).
      for (const li of await legend.locator('li').all()) expect(await li.isVisible()).toBe(true);
    }
    await screenshot(page, 'charts-readable');
  }, 60_000);

  it('per-device charts draw a band, and each device on request', async () => {
    const noise = page.locator('sbl-noise-chart');
    const legend = noise.getByTestId('chart-legend').locator('li');
    await expect.poll(() => legend.count(), { timeout: 10_000 }).toBe(1);
    expect(await legend.first().textContent()).toMatch(/min–max over devices/);
    await page.getByTestId('show-devices').check();
    await expect.poll(() => legend.count(), { timeout: 10_000 }).toBe(1 + 4);
    await page.getByTestId('band-select').selectOption('std');
    await expect
      .poll(() => legend.first().textContent(), { timeout: 10_000 })
      .toMatch(/mean ± 1 std over devices/);
  }, 60_000);

  it('the compare view overlays the saved runs with the same smoothing, legend and tables whole', async () => {
    await expect
      .poll(() => page.getByTestId('run-row').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 3; i++) {
      await page
        .getByTestId('run-row')
        .nth(i)
        .getByRole('checkbox', { name: 'Select for comparison' })
        .check();
    }
    await page.getByRole('button', { name: /^Compare selected/ }).click();
    const view = page.getByTestId('compare-view');
    const loss = view.locator('sbl-curves-chart[metric="loss"]');
    await expect
      .poll(() => loss.getByTestId('chart-legend').locator('li').count(), { timeout: 10_000 })
      .toBe(3 * 2 + 1);
    expect(await loss.locator('table.latest tbody tr').count()).toBe(3);
    expect((await pixels(loss)).length).toBeGreaterThan(0);
    await view.getByTestId('smoothing').fill('0');
    await expect
      .poll(() => loss.locator('.plot').getAttribute('aria-label'), { timeout: 10_000 })
      .toMatch(/train unsmoothed/);
    await view.screenshot({ path: join(ARTIFACTS, 'charts-compare.png') });
  }, 60_000);

  it('redraws in dark mode (screenshot of the per-device panel)', async () => {
    await page.getByRole('button', { name: 'Close' }).first().click();
    const chart = page.locator('sbl-noise-batch-chart');
    const light = await pixels(chart);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => pixels(chart), { timeout: 10_000 }).not.toBe(light);
    await page
      .locator('sbl-device-panel')
      .screenshot({ path: join(ARTIFACTS, 'charts-devices-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  }, 60_000);
});
