import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, ARTIFACTS, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';
import {
  englishRuns,
  KEPT_IN_CHINESE,
  type PageText,
  pageTexts,
} from '../../tools/untranslated.ts';

/*
 * Issue #12, point 1 for the live training view in real Chromium with real Web Workers: the
 * default study (8 devices × 2, local BN vs SyncBN) run to the end with `?lang=zh-CN` leaves no
 * English in the live view, its takeaway, the cost panel (issue #14), the device panel with its
 * charts; the switch brings the headline, the takeaway and a chart's axis titles and legend
 * back in English without a reload (the axis titles are drawn on the plot's canvas: the chart
 * rebuilds its plot for the new language).
 */
let app: App;
let page: Page;

/** The chart elements of the live view and its device panel (each renders in its own shadow root). */
const CHARTS = [
  'sbl-curves-chart',
  'sbl-device-stats-chart',
  'sbl-noise-chart',
  'sbl-used-stats-chart',
  'sbl-population-chart',
  'sbl-mismatch-chart',
  'sbl-cost-scaling-chart',
] as const;

const CJK = /[\u4e00-\u9fff]/;

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { width: 1280, height: 900 });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const switchGroup = () => page.getByTestId('locale-switch');
const status = () => page.getByTestId('run-status').textContent();
const headline = () => page.getByTestId('takeaway-headline').textContent();
/** The first curves chart (loss): its axis titles and its legend. */
const lossAxes = () =>
  page
    .locator('sbl-curves-chart')
    .first()
    .evaluate((el) => (el as HTMLElement & { axisTitles(): string[] }).axisTitles());
const lossLegend = () =>
  page.locator('sbl-curves-chart').first().getByTestId('chart-legend').textContent();

/**
 * The English left inside `tag`, as "where: text" lines (an empty list when all is Chinese). Run
 * names ("2 per device") are left out: they are named by the setup form when the study starts
 * and stored with the run, not words of the live view.
 */
async function left(tag: string): Promise<string[]> {
  const names = new Set(
    (await page.getByTestId('live-results').locator('tbody th').allTextContents()).map((n) =>
      n.trim(),
    ),
  );
  const withoutNames = (text: string) =>
    [...names].reduce((rest, name) => (name ? rest.split(name).join(' ') : rest), text);
  const texts: PageText[] = await pageTexts(page, tag);
  return texts
    .filter((t) => englishRuns(withoutNames(t.text), KEPT_IN_CHINESE).length > 0)
    .map((t) => `${t.where}: ${t.text}`);
}

describe('the live view in Chinese', () => {
  it('runs the default study to the end with no English left, then switches back to English without a reload', async () => {
    await page.goto(`${app.url}?lang=zh-CN`);
    await switchGroup().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('run-button').click();
    await expect.poll(status, { timeout: 180_000 }).toMatch(/全部 2 次运行已完成/);
    await expect
      .poll(() => page.getByTestId('takeaway-headline').count(), { timeout: 30_000 })
      .toBe(1);
    expect(await headline()).toMatch(CJK);

    for (const tag of CHARTS) {
      await page.locator(tag).first().scrollIntoViewIfNeeded();
    }
    // Every chart has drawn (its table comes a frame after the plot) before the text is read.
    for (const tag of CHARTS) {
      await expect
        .poll(() => page.locator(tag).first().locator('table caption').count(), { timeout: 30_000 })
        .toBeGreaterThan(0);
    }
    await expect.poll(() => left('sbl-live-view'), { timeout: 15_000 }).toEqual([]);
    expect(await left('sbl-takeaway')).toEqual([]);
    expect(await left('sbl-cost-panel')).toEqual([]);
    expect(await left('sbl-device-panel')).toEqual([]);
    for (const tag of CHARTS) expect(await left(tag), tag).toEqual([]);
    expect(await lossAxes()).toEqual(['优化器步数', '损失（交叉熵，nats）']);
    expect(await lossLegend()).toMatch(/本地 BN · 训练|local BN · 训练/);

    await screenshot(page, 'live-zh-CN');
    await page
      .locator('sbl-device-panel')
      .screenshot({ path: `${ARTIFACTS}/device-panel-zh-CN.png` });

    // The switch: English back without a reload (a marker on this document survives).
    await page.evaluate(() => {
      (globalThis as { sblMarker?: number }).sblMarker = 7;
    });
    await switchGroup().getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(status, { timeout: 10_000 }).toMatch(/^All 2 runs done: /);
    await expect
      .poll(headline, { timeout: 10_000 })
      .toMatch(/did best: \d+\.\d% test accuracy|Too close to call/);
    expect(await page.getByTestId('takeaway').textContent()).toMatch(/Under local BN each device/);
    await expect
      .poll(lossAxes, { timeout: 10_000 })
      .toEqual(['optimizer step', 'loss (cross-entropy, nats)']);
    await expect.poll(lossLegend, { timeout: 10_000 }).toMatch(/local BN · train/);
    expect(await page.locator('sbl-cost-scaling-chart').locator('figcaption').textContent()).toBe(
      'SyncBN overhead against the number of GPUs (modelled)',
    );
    expect(await page.evaluate(() => (globalThis as { sblMarker?: number }).sblMarker)).toBe(7);
  }, 300_000);

  it('the noise against per-device batch chart, drawn for runs that differ in it, is in Chinese too', async () => {
    const batches = encodeStudyHash({
      config: {
        seed: 3,
        dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
        model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
        devices: 4,
        perDeviceBatch: 2,
        bnSync: 'local',
        steps: 30,
        evalEvery: 15,
      },
      compare: { field: 'perDeviceBatch', values: ['2', '8'] },
    });
    await page.goto(`${app.url}?lang=zh-CN#${batches}`);
    await page.reload();
    await switchGroup().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('run-button').click();
    await expect.poll(status, { timeout: 180_000 }).toMatch(/全部 2 次运行已完成/);
    const chart = page.locator('sbl-noise-batch-chart');
    await chart.scrollIntoViewIfNeeded();
    await expect
      .poll(() => chart.locator('table caption').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(await left('sbl-noise-batch-chart')).toEqual([]);
    expect(await left('sbl-live-view')).toEqual([]);
    expect(
      await chart.evaluate((el) => (el as HTMLElement & { axisTitles(): string[] }).axisTitles()),
    ).toEqual(['每设备批量 b（对数尺度）', '平均噪声（以 σ 计）']);
  }, 240_000);
});
