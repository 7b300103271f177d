import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, ARTIFACTS, startApp } from '../../tools/app-harness.ts';
import { englishRuns, untranslatedTexts } from '../../tools/untranslated.ts';

/*
 * Issue #12, point 1 for the literature experiments in real Chromium: opened with ?lang=zh-CN,
 * the Experiments section is Chinese (catalog, controls, a quick experiment's question, answer,
 * checks and figure, drawn in the experiments' worker), no English is left in it, and switching
 * to English redraws the figure and rewrites the checks in English.
 */
let app: App;
let context: BrowserContext;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await app?.close();
});

const CJK = /[\u4e00-\u9fff]/;

const figureSrc = (page: Page) =>
  page.getByTestId('experiment-figure').evaluate((el) => {
    const img = el as HTMLImageElement;
    return img.complete && img.naturalWidth > 0 ? img.src : null;
  });

describe('the experiments in Chinese', () => {
  it('runs a quick experiment in zh-CN, with no English left, then redraws it in English', async () => {
    context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${app.url}?lang=zh-CN`);
    const section = page.getByTestId('experiments');
    await section.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    // The catalog: every question and answer in Chinese.
    const entry = page.getByTestId('experiment-error-surface');
    const question = (await entry.getByTestId('experiment-question').textContent()) ?? '';
    expect(question).toMatch(CJK);
    expect(question).toContain('梯度下降');
    for (const q of await section.getByTestId('experiment-question').allTextContents())
      expect(q).toMatch(CJK);
    for (const a of await section.getByTestId('experiment-answer').allTextContents())
      expect(a).toMatch(CJK);
    await expect
      .poll(() => section.getByTestId('experiment-run').textContent())
      .toContain('运行实验');

    // The quickest experiment, run in its worker: figure and checks in Chinese.
    await entry.click();
    await page.getByTestId('experiment-mode').selectOption('quick');
    await page.getByTestId('experiment-run').click();
    const result = page.getByTestId('experiment-result');
    await expect
      .poll(() => result.getAttribute('data-status'), { timeout: 120_000 })
      .toBe('completed');
    expect(await result.locator('h3').textContent()).toContain(question);
    expect(await result.getByTestId('experiment-result-answer').textContent()).toMatch(CJK);
    const checks = result.getByTestId('experiment-checks').locator('li');
    expect(await checks.count()).toBe(2);
    const zhChecks = await checks.allTextContents();
    for (const text of zhChecks) {
      expect(text).toMatch(CJK);
      expect(text).toContain('✓ 成立');
    }
    // The same numbers as the English sentence (seed 1's 23,373 steps, as in the figure's heading).
    expect(zhChecks.join('\n')).toContain(
      '在数据种子 1（图中所示）上，梯度下降在原始特征上需要 23,373 步',
    );
    await expect.poll(() => figureSrc(page), { timeout: 30_000 }).not.toBeNull();
    const zhFigure = await figureSrc(page);
    expect(await page.getByTestId('experiment-figure').getAttribute('alt')).toMatch(/^图：/);

    // Nothing left in English inside the section (names, units and symbols aside).
    const left = await untranslatedTexts(page, undefined, 'sbl-experiments');
    expect(
      left.map((t) => `${t.where}: ${t.text} [${englishRuns(t.text).join(' | ')}]`),
      'English inside the experiments section shown in Chinese',
    ).toEqual([]);

    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(ARTIFACTS, 'experiments-zh-CN.png') });
    await page
      .getByTestId('experiment-figure')
      .screenshot({ path: join(ARTIFACTS, 'experiments-figure-zh-CN.png') });

    // Switch to English: the figure is drawn again (a new image) and the checks read in English.
    await page.getByTestId('locale-switch').getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect
      .poll(
        async () => {
          const src = await figureSrc(page);
          return src !== null && src !== zhFigure;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const enChecks = await checks.allTextContents();
    expect(enChecks.join('\n')).not.toMatch(CJK);
    expect(enChecks.join('\n')).toContain(
      'On data seed 1 (the figure), gradient descent needs 23,373 steps on raw features',
    );
    expect(enChecks[0]).toContain('✓ holds');
    expect(await result.getByTestId('experiment-result-answer').textContent()).not.toMatch(CJK);
    expect(await page.getByTestId('experiment-figure').getAttribute('alt')).toMatch(/^Figure: /);
    await page
      .getByTestId('experiment-figure')
      .screenshot({ path: join(ARTIFACTS, 'experiments-figure-en.png') });
  }, 300_000);
});
