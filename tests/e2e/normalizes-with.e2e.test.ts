import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, ARTIFACTS, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';
import { axeViolations, violationLines } from '../../tools/axe.ts';

/*
 * Issue #11, point 4, in real Chromium with real Web Workers: after a local-vs-sync study at a
 * per-device batch of 2, "Inside the devices" shows what each device normalized with (under SyncBN
 * the devices' lines coincide on the global statistic, under local BN they scatter) and the
 * train/test mismatch as lines: the running statistics against the population ones, per run.
 */
let app: App;
let page: Page;

const study = encodeStudyHash({
  config: {
    seed: 3,
    dataset: { name: 'mnist', train: 2000, test: 200, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    devices: 8,
    perDeviceBatch: 2,
    bnSync: 'local',
    steps: 60,
    evalEvery: 20,
  },
  compare: { field: 'bnSync', values: ['local', 'sync'] },
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

/** The cells of a chart's text-equivalent table, row by row (row header first). */
const tableOf = (chart: Locator) =>
  chart
    .locator('table.latest tbody tr')
    .evaluateAll((rows) =>
      rows.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')),
    );

const panel = () => page.locator('sbl-device-panel');

/** axe-core's violations inside the device panel (the page's other parts have their own tests). */
async function panelViolations(): Promise<string[]> {
  return violationLines(await axeViolations(page)).filter((v) => v.includes('sbl-device-panel'));
}

/** Picks the device panel's run whose label matches `pattern`; returns its label. */
async function pickRun(pattern: RegExp): Promise<string> {
  const select = panel().getByTestId('device-run-select');
  const labels = await select
    .locator('option')
    .evaluateAll((os) => os.map((o) => o.textContent?.trim() ?? ''));
  const label = labels.find((l) => pattern.test(l));
  if (!label) throw new Error(`no run matching ${pattern} among ${labels.join(' | ')}`);
  await select.selectOption({ label });
  return label;
}

/** Max − min over devices of what they normalized with, read from the used-stats table. */
async function usedSpread(): Promise<number> {
  const chart = panel().locator('sbl-used-stats-chart');
  let rows: string[][] = [];
  await expect
    .poll(
      async () => {
        rows = await tableOf(chart);
        return rows.length;
      },
      { timeout: 20_000 },
    )
    .toBe(2 + 8);
  const spreadRow = rows.find((r) => /spread of what the devices normalized with/.test(r[0]!));
  return Number(spreadRow![2]);
}

describe('what each device normalizes with', () => {
  it('runs a local-vs-sync study at a per-device batch of 2 to the end', async () => {
    await page.goto(`${app.url}#${study}`);
    await page.reload();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 200_000 })
      .toMatch(/All 2 runs done/);
  }, 240_000);

  it('the new charts exist, are drawn, and have axes, legends and text equivalents', async () => {
    const group = panel().getByTestId('normalizes-with');
    await expect.poll(() => group.count(), { timeout: 20_000 }).toBe(1);
    for (const tag of ['sbl-used-stats-chart', 'sbl-population-chart', 'sbl-mismatch-chart']) {
      // The mismatch by run is shown for the variance and for the mean, whatever the picker says.
      expect(await group.locator(tag).count()).toBe(tag === 'sbl-mismatch-chart' ? 2 : 1);
      const chart = group.locator(tag).first();
      await expect
        .poll(() => pixels(chart).then((p) => p.length), { timeout: 20_000 })
        .toBeGreaterThan(0);
      // The legend follows the plot on the page's render clock.
      await expect
        .poll(() => chart.getByTestId('chart-legend').locator('li').count(), { timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(await chart.locator('.plot').getAttribute('aria-label')).toMatch(/Line chart/);
      expect(await chart.locator('table.latest caption').count()).toBe(1);
    }
    expect(await panelViolations()).toEqual([]);
    const population = await tableOf(group.locator('sbl-population-chart'));
    expect(population.map((r) => r[0])).toEqual([
      'population',
      'running (test time)',
      'mismatch |running − population|',
    ]);
  }, 60_000);

  it("under SyncBN every device's used statistic is one line; under local BN they scatter", async () => {
    const sync = await pickRun(/sync/i);
    await expect
      .poll(() => panel().locator('sbl-used-stats-chart').locator('figcaption').textContent())
      .toMatch(/What each device normalizes with/);
    // Every device of the sync run used the same global statistic: the lines coincide. (Polled:
    // the table follows the picked run on the page's render clock.)
    let syncSpread = Number.NaN;
    await expect
      .poll(
        async () => {
          syncSpread = await usedSpread();
          return syncSpread;
        },
        { timeout: 20_000 },
      )
      .toBe(0);
    const syncRows = await tableOf(panel().locator('sbl-used-stats-chart'));
    const syncUsed = new Set(syncRows.slice(2).map((r) => r[2]));
    expect(syncUsed.size).toBe(1);
    await panel()
      .getByTestId('normalizes-with')
      .screenshot({ path: join(ARTIFACTS, 'normalizes-with-sync.png') });

    const local = await pickRun(/local/i);
    let localSpread = 0;
    await expect
      .poll(async () => {
        localSpread = await usedSpread();
        return localSpread;
      })
      .toBeGreaterThan(0);
    const localRows = await tableOf(panel().locator('sbl-used-stats-chart'));
    // Under local BN each device normalized with its own batch's statistic.
    for (const row of localRows.slice(2)) expect(row[2]).toBe(row[1]);
    console.log(`used-statistic spread: ${sync} ${syncSpread}, ${local} ${localSpread}`);
    await panel()
      .getByTestId('normalizes-with')
      .screenshot({ path: join(ARTIFACTS, 'normalizes-with-local.png') });
  }, 60_000);

  it("the local run's train/test mismatch is larger than the sync run's", async () => {
    const gaps = async (which: 'var' | 'mean'): Promise<Map<string, number>> => {
      const mismatch = panel().getByTestId(`mismatch-${which}`);
      let rows: string[][] = [];
      await expect
        .poll(
          async () => {
            rows = await tableOf(mismatch);
            return rows.length;
          },
          { timeout: 20_000 },
        )
        .toBe(2);
      return new Map(rows.map((r) => [r[0]!, Number(r[2])]));
    };
    expect(
      await panel().getByTestId('mismatch-var').locator('table.latest caption').textContent(),
    ).toMatch(/variance/);
    const byMean = await gaps('mean');
    const byVar = await gaps('var');
    console.log('mismatch (mean, in σ):', [...byMean], 'mismatch (variance, |log ratio|):', [
      ...byVar,
    ]);
    const of = (m: Map<string, number>, pattern: RegExp): number =>
      [...m].find(([label]) => pattern.test(label))![1];
    expect(of(byVar, /local/i)).toBeGreaterThan(of(byVar, /sync/i));
    // The population chart's mismatch line of the local run, and a screenshot of the panel.
    await pickRun(/local/i);
    const rows = await tableOf(panel().locator('sbl-population-chart'));
    expect(Number(rows[2]![1])).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'normalizes-with-panel');
  }, 60_000);
});
