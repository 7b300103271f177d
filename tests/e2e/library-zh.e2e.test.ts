import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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
import { englishRuns, type PageText, untranslatedTexts } from '../../tools/untranslated.ts';

/*
 * Issue #12, point 1 for the run library in real Chromium: opened with ?lang=zh-CN, two short
 * runs trained and saved, the library (rows, status words, dates, storage line, filter), the
 * compare view of the two, the rename field, the delete confirmation and a corrupt file's import
 * error are all Chinese, with no English left; the switch to English brings English back without
 * a reload (the import error included: store messages are worded when read).
 */
let app: App;
let page: Page;

const config = (sharding: string, steps: number) => ({
  seed: 5,
  dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
  model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
  devices: 4,
  perDeviceBatch: 8,
  bnSync: 'local',
  sharding,
  optimizer: { name: 'sgd', lr: 0.1 },
  steps,
  evalEvery: steps,
});

const CJK = /[\u4e00-\u9fff]/;
/** Intl's zh-CN medium date: "2026年11月29日 14:05". */
const ZH_DATE = /^\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}$/;

const rows = () => page.getByTestId('run-row');
const library = () => page.locator('sbl-runs-library');
const statuses = () =>
  rows()
    .getByTestId('run-status-cell')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status')));

/** The run's names are the user's data (kept as saved): not English left by the app. */
async function runNames(): Promise<Set<string>> {
  const names = await rows().locator('td:nth-child(2) > span').allTextContents();
  return new Set(names.map((n) => n.trim()));
}

function described(texts: readonly PageText[]): string[] {
  return texts.map((t) => `${t.where}: ${t.text} [${englishRuns(t.text).join(' | ')}]`);
}

/** English left inside `tag`, run names aside. */
async function englishIn(tag: string): Promise<string[]> {
  const names = await runNames();
  const left = await untranslatedTexts(page, undefined, tag);
  return described(left.filter((t) => !names.has(t.text)));
}

/**
 * English left in the compare view's own words: the curves charts and the smoothing control
 * inside it are other elements (the live view's charts, localized on their own), so their shadow
 * roots are skipped; run names aside.
 */
async function englishInCompareView(): Promise<string[]> {
  const names = await runNames();
  const texts: PageText[] = await page.evaluate(() => {
    const found: { text: string; where: string }[] = [];
    const host = document
      .querySelector('sbl-app')
      ?.shadowRoot?.querySelector('sbl-compare-view')?.shadowRoot;
    if (!host) throw new Error('no <sbl-compare-view> on the page');
    const visit = (root: ShadowRoot | Element) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) {
          const text = node.textContent?.trim();
          const parent = node.parentElement;
          if (text && parent && !['STYLE', 'SCRIPT'].includes(parent.tagName))
            found.push({ text, where: parent.tagName.toLowerCase() });
        } else if (node instanceof Element) {
          for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
            const value = node.getAttribute(attr)?.trim();
            if (value) found.push({ text: value, where: `${node.tagName.toLowerCase()}@${attr}` });
          }
          // Other engineers' elements (charts, smoothing control) are checked in their tests.
          if (!node.tagName.toLowerCase().startsWith('sbl-')) visit(node);
        }
      }
    };
    visit(host);
    return found;
  });
  return described(texts.filter((t) => !names.has(t.text) && englishRuns(t.text).length > 0));
}

async function train(sharding: string): Promise<void> {
  const hash = encodeStudyHash({ config: config(sharding, 30), compare: null });
  await page.goto(`${app.url}?lang=zh-CN#${hash}`);
  await page.reload();
  await libraryReady(page);
  const before = await rows().count();
  await page.getByTestId('run-button').click();
  await expect.poll(() => rows().count(), { timeout: 120_000 }).toBe(before + 1);
  await expect
    .poll(statuses, { timeout: 120_000 })
    .toEqual(Array.from({ length: before + 1 }, () => 'completed'));
}

async function switchTo(name: 'English' | '中文'): Promise<void> {
  await page.getByTestId('locale-switch').getByRole('button', { name }).click();
}

const rowButton = (row: Locator, name: string) =>
  row.getByRole('button', { name: new RegExp(`^${name}`) });

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('the run library in Chinese', () => {
  it('shows rows, filter, compare, rename, delete and a refused import in zh-CN with no English left; English comes back without a reload', async () => {
    await train('iid');
    await train('label-sorted');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // The table: headings, status words, dates in Chinese; the stored status stays 'completed'.
    const lib = library();
    expect(await lib.locator('#lib-title').textContent()).toBe('已保存的运行');
    expect(await rows().getByTestId('run-status-cell').allTextContents()).toEqual([
      '已完成',
      '已完成',
    ]);
    for (const date of await rows().locator('time').allTextContents())
      expect(date.trim()).toMatch(ZH_DATE);
    expect(await lib.getByTestId('storage').textContent()).toMatch(CJK);

    // The filter: its status choices in Chinese, and it filters.
    const search = lib.locator('input[type="search"]');
    expect(await search.getAttribute('placeholder')).toBe('例如 sync mnist');
    await search.fill('label-sorted');
    await expect.poll(() => rows().count()).toBe(1);
    await search.fill('');
    await expect.poll(() => rows().count()).toBe(2);
    const options = await lib.locator('select option').allTextContents();
    expect(options).toContain('全部');
    expect(options).toContain('已中断');
    expect(await englishIn('sbl-runs-library')).toEqual([]);
    await lib.scrollIntoViewIfNeeded();
    await lib.screenshot({ path: join(ARTIFACTS, 'library-zh-CN.png') });

    // Compare the two runs.
    for (const box of await rows().getByRole('checkbox').all()) await box.check();
    await lib.getByRole('button', { name: '比较所选（2）' }).click();
    const compare = page.getByTestId('compare-view');
    await compare.waitFor({ timeout: 30_000 });
    expect(await compare.locator('#cmp-title').textContent()).toBe('比较 2 个已保存的运行');
    // The settings that differ (the cost panel below has a heading of its own).
    expect(await compare.getByRole('heading', { name: '不同的设置' }).count()).toBe(1);
    expect(await englishInCompareView()).toEqual([]);
    await compare.scrollIntoViewIfNeeded();
    await compare.screenshot({ path: join(ARTIFACTS, 'compare-zh-CN.png') });

    // Rename: the field and its buttons in Chinese; a Chinese name is saved.
    const first = rows().first();
    await rowButton(first, '重命名').click();
    const field = first.getByRole('textbox', { name: '新名称' });
    await field.waitFor();
    expect(await first.getByRole('button', { name: '保存' }).count()).toBe(1);
    expect(await first.getByRole('button', { name: '取消' }).count()).toBe(1);
    expect(await englishIn('sbl-runs-library')).toEqual([]);
    await field.fill('我的第一次运行');
    await field.press('Enter');
    await expect.poll(() => runNames(), { timeout: 20_000 }).toContain('我的第一次运行');

    // Delete: the confirmation asks in Chinese; cancelled, nothing is deleted.
    await rowButton(first, '删除').click();
    const dialog = lib.locator('sbl-confirm-dialog dialog');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    expect(await dialog.locator('h2').textContent()).toBe('删除这个已保存的运行？');
    expect(await dialog.locator('p').textContent()).toMatch(
      /^“.+”及其指标和检查点将从此浏览器中删除/,
    );
    expect(await englishIn('sbl-confirm-dialog')).toEqual([]);
    expect(await englishIn('sbl-runs-library')).toEqual([]);
    await screenshot(page, 'library-delete-zh-CN');
    await dialog.getByRole('button', { name: '取消' }).click();
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(await rows().count()).toBe(2);

    // A corrupt file (cut short): refused, in Chinese, the library unchanged.
    const corrupt = join(ARTIFACTS, 'corrupt-run-zh.json');
    writeFileSync(
      corrupt,
      '{"format": "syncbn-lab/run", "version": 1, "run": {"config": {"model": "oops"}}',
    );
    await lib.getByTestId('import-file').setInputFiles(corrupt);
    const message = lib.getByTestId('import-message');
    await expect
      .poll(() => message.textContent(), { timeout: 10_000 })
      .toBe(
        'corrupt-run-zh.json: 此文件不是 syncbn-lab 的运行导出文件：它不是有效的 JSON（文本过早结束）。文件可能被截断，或者根本不是导出文件。',
      );
    expect(await rows().count()).toBe(2);
    expect(await englishIn('sbl-runs-library')).toEqual([]);

    // A damaged export (valid JSON, wrong fields): Zod's own messages in Chinese too.
    const damaged = join(ARTIFACTS, 'damaged-run-zh.json');
    writeFileSync(damaged, '{"format": "syncbn-lab/run", "version": 1, "run": {"name": 5}}');
    await lib.getByTestId('import-file').setInputFiles(damaged);
    await expect
      .poll(() => message.textContent(), { timeout: 10_000 })
      .toMatch(/^damaged-run-zh\.json: 此运行导出文件已损坏或不完整：.*run\.name: 无效输入/);
    expect(await englishIn('sbl-runs-library')).toEqual([]);
    await switchTo('English');
    await expect
      .poll(() => message.textContent(), { timeout: 10_000 })
      .toMatch(
        /^damaged-run-zh\.json: This run export is damaged or incomplete: .*run\.name: Invalid input/,
      );
    await switchTo('中文');
    await expect.poll(() => message.textContent()).toMatch(/此运行导出文件已损坏或不完整/);
    await lib.getByTestId('import-file').setInputFiles(corrupt);
    await expect.poll(() => message.textContent()).toMatch(/^corrupt-run-zh\.json: /);

    // English again, without a reload: a marker on this document survives the switch.
    await page.evaluate(() => {
      (globalThis as { sblMarker?: number }).sblMarker = 12;
    });
    await switchTo('English');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => lib.locator('#lib-title').textContent()).toBe('Saved runs');
    expect(await rows().getByTestId('run-status-cell').allTextContents()).toEqual([
      'completed',
      'completed',
    ]);
    for (const date of await rows().locator('time').allTextContents())
      expect(date).not.toMatch(CJK);
    expect(await message.textContent()).toBe(
      'corrupt-run-zh.json: This file is not a syncbn-lab run export: it is not valid JSON (the text ends too early). The file may be cut short or not be an export at all.',
    );
    expect(await compare.locator('#cmp-title').textContent()).toBe('Comparing 2 saved runs');
    expect(await lib.getByTestId('storage').textContent()).not.toMatch(CJK);
    const shown = await lib.evaluate((el) => el.shadowRoot?.textContent ?? '');
    expect(shown.replace('我的第一次运行', '')).not.toMatch(CJK);
    expect(await page.evaluate(() => (globalThis as { sblMarker?: number }).sblMarker)).toBe(12);
  }, 600_000);
});
