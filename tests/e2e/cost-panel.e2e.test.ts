import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import {
  type App,
  ARTIFACTS,
  libraryReady,
  openAppPage,
  screenshot,
  startApp,
} from '../../tools/app-harness.ts';
import { axeViolations, describeAxeViolations } from '../../tools/axe.ts';
import { englishRuns, KEPT_IN_CHINESE, pageTexts } from '../../tools/untranslated.ts';
import { takeLongTasks, watchLongTasks } from '../../tools/long-tasks.ts';

/*
 * Issue #14, the app's "Cost on a cluster" panel in real Chromium: a tiny local BN vs SyncBN study
 * (8 devices × 2) trained to the end on a Chinese page; the panel beside it shows each run's
 * measured accuracy and modelled step time; changing the cluster preset and K changes the numbers
 * and the overhead chart; a bad K gets its message at the field and nothing else on the page goes;
 * no English left in the panel, then English back through the switch without a reload; axe-core
 * finds no violation; screenshots in both languages.
 */
let app: App;
let page: Page;

const study = encodeStudyHash({
  config: {
    seed: 4,
    dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    devices: 8,
    perDeviceBatch: 2,
    bnSync: 'local',
    steps: 40,
    evalEvery: 20,
  },
  compare: { field: 'bnSync', values: ['local', 'sync'] },
});

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { width: 1280, height: 900 });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const panel = () => page.locator('sbl-cost-panel');
const rows = () => panel().getByTestId('cost-row');
const gpus = () => panel().getByTestId('cost-gpus');
const gpusError = () => panel().getByTestId('cost-gpus-error');
/** The chart's table of overheads at each K (its rows: K = 1, 2, 4 … 1024). */
const chartRows = () => panel().locator('sbl-cost-scaling-chart table.latest tbody tr');
const chartText = () => panel().locator('sbl-cost-scaling-chart table.latest tbody').textContent();
const cells = (row: number) => rows().nth(row).locator('td').allTextContents();
const status = () => page.getByTestId('run-status').textContent();

/** The page's tasks over 50 ms since the last call (the observer is set up in the English test). */
async function drainLongTasks(): Promise<number[]> {
  return (await takeLongTasks(page)).map((t) => t.duration);
}

/** The run names of the study (named by the setup form, not words of the panel). */
async function runNames(): Promise<string[]> {
  const names = await page.getByTestId('live-results').locator('tbody th').allTextContents();
  return names.map((n) => n.trim()).filter(Boolean);
}

/** The English left in the panel, as "where: text" lines (run names left out). */
async function englishLeft(): Promise<string[]> {
  const names = await runNames();
  const withoutNames = (text: string) =>
    names.reduce((rest, name) => rest.split(name).join(' '), text);
  return (await pageTexts(page, 'sbl-cost-panel'))
    .filter((t) => englishRuns(withoutNames(t.text), KEPT_IN_CHINESE).length > 0)
    .map((t) => `${t.where}: ${t.text}`);
}

describe('the cost panel beside a study', () => {
  it('trains local BN vs SyncBN on a Chinese page and shows the panel in Chinese with measured and modelled numbers', async () => {
    await page.goto(`${app.url}?lang=zh-CN#${study}`);
    await page.reload();
    await page.getByTestId('locale-switch').waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.getByTestId('run-button').click();
    await expect.poll(status, { timeout: 180_000 }).toMatch(/全部 2 次运行已完成/);
    await panel().scrollIntoViewIfNeeded();
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
    // The measured accuracy is the results table's; the step time is modelled (ms).
    const measured = await page
      .getByTestId('live-results')
      .locator('tbody tr td:nth-child(5)')
      .allTextContents();
    const local = await cells(0);
    const sync = await cells(1);
    expect(local[1]).toBe(measured[0]);
    expect(sync[1]).toBe(measured[1]);
    expect(local[3]).toMatch(/^\d+(\.\d+)? ms$/);
    expect(sync[3]).toMatch(/^\d+(\.\d+)? ms$/);
    expect(sync[2]).toMatch(/^[+−±]\d+\.\d pp$/);
    expect(sync[4]).toMatch(/^\+\d+(\.\d+)? ms \(\+\d+\.\d%\)$/);
    expect(local[4]).toBe('基准');
    // The simulated MLP computes in microseconds on a GPU: the panel says its step is all communication.
    expect(await panel().getByTestId('cost-tiny-compute').count()).toBe(1);
    // The chart: K = 1 … 1024, drawn.
    await expect.poll(() => chartRows().count(), { timeout: 20_000 }).toBe(11);
    expect(
      await panel()
        .locator('sbl-cost-scaling-chart')
        .evaluate((c) => Boolean(c.shadowRoot?.querySelector('canvas'))),
    ).toBe(true);
    // A bad K in Chinese too: the message at the field, in Chinese.
    await gpus().fill('12');
    await expect.poll(() => gpusError().textContent(), { timeout: 10_000 }).toMatch(/K = 12/);
    expect(await gpusError().textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await englishLeft()).toEqual([]);
    await gpus().fill('64');
    await expect.poll(() => gpusError().count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => chartRows().count(), { timeout: 20_000 }).toBe(11);
    await expect.poll(englishLeft, { timeout: 10_000 }).toEqual([]);
    expect(
      await panel()
        .locator('sbl-cost-scaling-chart')
        .evaluate((el) => (el as HTMLElement & { axisTitles(): string[] }).axisTitles()),
    ).toEqual(['GPU 数量 K（对数尺度）', '相对本地 BN 的开销（%）']);
    await screenshot(page, 'cost-panel-page-zh-CN');
    await panel().screenshot({ path: `${ARTIFACTS}/cost-panel-zh-CN.png` });
  }, 300_000);

  it('in English, the preset and K change the numbers and the chart; a bad K gets its message and nothing else is lost', async () => {
    await page.getByTestId('locale-switch').getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect
      .poll(() => panel().locator('h3').textContent(), { timeout: 10_000 })
      .toBe('Cost on a cluster');
    await expect.poll(async () => (await cells(0))[4], { timeout: 10_000 }).toBe('baseline');
    // Tasks over 50 ms on the page's thread while the panel recomputes: reported, not asserted.
    await watchLongTasks(page);

    await gpus().fill('8');
    await expect
      .poll(() => panel().locator('h4').first().textContent(), { timeout: 10_000 })
      .toBe('Measured here, modelled at K = 8');
    const syncAt8 = (await cells(1))[4];
    const chartNdr = await chartText();
    // ResNet-50 at the runs' per-device batch: a different (larger) step time.
    await panel().getByTestId('cost-model').selectOption('resnet50');
    await expect.poll(async () => (await cells(1))[4], { timeout: 10_000 }).not.toBe(syncAt8);
    const resnetAt8 = (await cells(1))[4];
    expect(await panel().getByTestId('cost-tiny-compute').count()).toBe(0);
    await expect.poll(chartText, { timeout: 10_000 }).not.toBe(chartNdr);
    // K = 64 over the network: SyncBN costs more than inside one node; every group:g is listed.
    await gpus().fill('64');
    await expect
      .poll(() => panel().locator('h4').first().textContent(), { timeout: 10_000 })
      .toBe('Measured here, modelled at K = 64');
    await expect.poll(async () => (await cells(1))[4], { timeout: 10_000 }).not.toBe(resnetAt8);
    await expect
      .poll(() => panel().getByTestId('cost-modes').locator('tbody th').allTextContents(), {
        timeout: 10_000,
      })
      .toEqual(['local BN', 'SyncBN', 'group:2', 'group:4', 'group:8', 'group:16', 'group:32']);
    const syncNdr = (await cells(1))[4];
    const chartResnetNdr = await chartText();
    // The Ethernet cluster: slower between nodes, so SyncBN at 64 and the chart's overheads change.
    await panel().getByTestId('cost-preset').selectOption('ethernet');
    await expect.poll(async () => (await cells(1))[4], { timeout: 10_000 }).not.toBe(syncNdr);
    await expect.poll(chartText, { timeout: 10_000 }).not.toBe(chartResnetNdr);
    expect(await chartRows().count()).toBe(11);
    // Screenshots resize the page to its full height (every chart redraws): not the panel's tasks.
    const panelTasks = await drainLongTasks();
    await screenshot(page, 'cost-panel-page-en');
    await panel().screenshot({ path: `${ARTIFACTS}/cost-panel-en.png` });
    await drainLongTasks();

    // A bad K: its message at the field, tied to it; the rest of the page stays.
    await gpus().fill('12');
    await expect
      .poll(() => gpusError().textContent(), { timeout: 10_000 })
      .toBe(
        'K = 12 does not fill whole nodes of 8 GPUs: choose a multiple of 8 (such as 8 or 16), or at most 8.',
      );
    expect(await gpus().getAttribute('aria-invalid')).toBe('true');
    expect(await gpus().getAttribute('aria-describedby')).toBe('cost-gpus-error');
    expect(await rows().count()).toBe(0);
    expect(await page.getByTestId('live-results').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('takeaway').count()).toBe(1);
    expect(await page.locator('sbl-curves-chart').count()).toBe(2);
    expect(await page.locator('sbl-device-panel').count()).toBe(1);
    await gpus().fill('abc');
    await expect
      .poll(() => gpusError().textContent(), { timeout: 10_000 })
      .toBe('GPUs (K) must be a whole number from 1 to 1024; “abc” is not.');
    await panel().getByTestId('cost-preset').selectOption('pcie-workstation');
    await gpus().fill('16');
    await expect
      .poll(() => gpusError().textContent(), { timeout: 10_000 })
      .toBe(
        'A workstation holds at most 8 GPUs: choose K from 1 to 8, or a cluster preset for K = 16.',
      );
    panelTasks.push(...(await drainLongTasks()));
    await screenshot(page, 'cost-panel-bad-k-en');
    await drainLongTasks();
    await gpus().fill('4');
    await expect.poll(() => gpusError().count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(2);
    // A workstation's chart stops at its 8 GPUs.
    await expect.poll(() => chartRows().count(), { timeout: 20_000 }).toBe(4);
    panelTasks.push(...(await drainLongTasks()));
    console.log(
      `page tasks over 50 ms while the panel recomputed: ${panelTasks.length ? panelTasks.map((d) => d.toFixed(0)).join(', ') : 'none'}`,
    );

    const violations = await axeViolations(page);
    expect(describeAxeViolations(violations)).toBe('');

    // On a phone the panel fits the screen: long preset names wrap or shrink, tables scroll.
    await page.setViewportSize({ width: 390, height: 844 });
    await panel().scrollIntoViewIfNeeded();
    const right = await panel().evaluate((el) => {
      let max = 0;
      const visit = (root: ShadowRoot | null) => {
        for (const e of Array.from(root?.querySelectorAll('select, input, h3, h4, p') ?? []))
          max = Math.max(max, e.getBoundingClientRect().right);
      };
      visit(el.shadowRoot);
      return max;
    });
    expect(right).toBeLessThanOrEqual(390);
    await panel().screenshot({ path: `${ARTIFACTS}/cost-panel-390-en.png` });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  it("the library's comparison of the two saved runs has the panel too, with their accuracies", async () => {
    await page.goto(app.url);
    await libraryReady(page);
    await expect
      .poll(() => page.getByTestId('run-row').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 2; i++) {
      await page
        .getByTestId('run-row')
        .nth(i)
        .getByRole('checkbox', { name: 'Select for comparison' })
        .check();
    }
    await page.getByRole('button', { name: /^Compare selected/ }).click();
    const compared = page.getByTestId('compare-view').locator('sbl-cost-panel');
    await expect.poll(() => compared.getByTestId('cost-row').count(), { timeout: 20_000 }).toBe(2);
    const accuracies = await compared
      .getByTestId('cost-row')
      .locator('td:nth-child(3)')
      .allTextContents();
    for (const a of accuracies) expect(a).toMatch(/^\d+\.\d%$/);
    expect(describeAxeViolations(await axeViolations(page))).toBe('');
  }, 60_000);
});
