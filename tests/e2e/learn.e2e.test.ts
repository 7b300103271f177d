import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, screenshot, startApp } from '../../tools/app-harness.ts';
import { axeViolations, describeAxeViolations } from '../../tools/axe.ts';
import { LEARN_STEPS } from '../../src/ui/learn/learn-steps.ts';
import { longestTask } from '../../tools/long-tasks.ts';

/*
 * Issue #12, point 2 (steps 1–3) in real Chromium under the app's CSP: the Learn view's route
 * (`#learn/N`, `#learn` = where the reader stopped, remembered across a reload), its way in from
 * the first screen and back, keyboard navigation, each step's widget answering its control, in
 * English and in Chinese (no English left in the Chinese steps), at 390 px without sideways
 * scrolling, axe-core with no violation on every step, and a screenshot per step and language.
 */

let app: App;
/** The path's length: steps are added after 3 (their own E2E files), so the last is looked up. */
const LAST = LEARN_STEPS.length;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await app?.close();
});

async function reader(locale: string, width = 1280, height = 900): Promise<Page> {
  const context = await app.browser.newContext({ locale, viewport: { width, height } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const view = (page: Page) => page.getByTestId('learn-view');

async function atStep(page: Page, step: number): Promise<void> {
  await page
    .locator(`[data-testid="learn-view"][data-step="${step}"]`)
    .waitFor({ timeout: 30_000 });
  // The step's own element renders once its lazily loaded code has arrived.
  await page.getByTestId('learn-step-body').locator('.try').waitFor({ timeout: 30_000 });
}

const text = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** The integers in a text, grouping separators removed (21,834 → 21834). */
const integers = (s: string) =>
  (s.match(/\d[\d,]*/g) ?? []).map((d) => Number(d.replace(/,/g, '')));

/** Everything the Learn view shows as text or gives as an accessible name, through shadow roots. */
function learnText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Node) => {
      for (const n of Array.from(root.childNodes)) {
        if (n.nodeType === Node.TEXT_NODE) out.push(n.textContent ?? '');
        else if (n instanceof Element) {
          if (n.tagName === 'STYLE') continue;
          const label = n.getAttribute('aria-label');
          if (label) out.push(label);
          if (n.shadowRoot) walk(n.shadowRoot);
          walk(n);
        }
      }
    };
    const host = document.querySelector('sbl-app')?.shadowRoot?.querySelector('sbl-learn-view');
    if (host?.shadowRoot) walk(host.shadowRoot);
    return out.join(' ');
  });
}

/** Latin words a Chinese page may show: the English switch's own name, and λmax/λmin's indices. */
const ALLOWED_LATIN = new Set(['English', 'max', 'min']);

async function expectNoEnglish(page: Page): Promise<void> {
  const words = ((await learnText(page)).match(/[A-Za-z]{3,}/g) ?? []).filter(
    (w) => !ALLOWED_LATIN.has(w),
  );
  expect(words, 'English words left on a zh-CN step').toEqual([]);
}

async function fitsWidth(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, 'page wider than the screen (horizontal scroll)').toBeLessThanOrEqual(inner);
}

/** Step 1: the step count answers the standardize toggle and the scale slider. */
async function exerciseStep1(page: Page): Promise<void> {
  const rawAt100 = integers(await text(page, 'steps-raw'))[1]!;
  const stdAt100 = integers(await text(page, 'steps-standardized'))[0]!;
  expect(rawAt100).toBeGreaterThan(100 * stdAt100);
  const shownRaw = await text(page, 'steps-shown');
  const surface = await page.getByTestId('error-surface').innerHTML();
  await page.getByTestId('standardize').check();
  await expect.poll(() => text(page, 'steps-shown')).not.toBe(shownRaw);
  expect(integers(await text(page, 'steps-shown'))).toContain(stdAt100);
  expect(await page.getByTestId('error-surface').innerHTML()).not.toBe(surface);
  await page.getByTestId('standardize').uncheck();
  // Scale 1 (Home): the raw valley is short, far fewer steps; the standardized count is unchanged.
  const slider = page.getByTestId('scale');
  const longest = await longestTask(page, async () => {
    await slider.focus();
    await page.keyboard.press('Home');
  });
  console.log(
    `learn step 1: longest main-thread task ≥ 50 ms during a scale move: ${longest > 0 ? `${longest.toFixed(0)} ms` : 'none'}`,
  );
  await expect
    .poll(async () => integers(await text(page, 'steps-raw'))[1])
    .toBeLessThan(rawAt100 / 10);
  expect(integers(await text(page, 'steps-standardized'))[0]).toBe(stdAt100);
  await page.keyboard.press('End');
}

/** Step 2: the before-statistics and histograms answer the scale; after z-scoring, 0 and 1. */
async function exerciseStep2(page: Page): Promise<void> {
  const varBefore = await text(page, 'var-before-1');
  const hist = await page.getByTestId('hist-before-1').innerHTML();
  expect(await text(page, 'mean-after-1')).toBe('0.000000');
  expect(await text(page, 'var-after-1')).toBe('1.000000');
  await page.getByTestId('scale').focus();
  await page.keyboard.press('Home');
  await expect.poll(() => text(page, 'var-before-1')).not.toBe(varBefore);
  expect(await page.getByTestId('hist-before-1').innerHTML()).not.toBe(hist);
  expect(await text(page, 'var-after-1')).toBe('1.000000');
  await page.keyboard.press('End');
}

/** Step 3: "New batch" moves μ_B; the batch-size slider reaches 128; γ changes y. */
async function exerciseStep3(page: Page): Promise<void> {
  const before = await text(page, 'mu-b-0');
  const strip = await page.getByTestId('bn-wobble').innerHTML();
  // Two batches could agree to 3 digits by chance: a few presses, one must move it.
  for (let i = 0; i < 3 && (await text(page, 'mu-b-0')) === before; i++) {
    await page.getByTestId('new-batch').click();
  }
  expect(await text(page, 'mu-b-0')).not.toBe(before);
  expect(await page.getByTestId('bn-wobble').innerHTML()).not.toBe(strip);
  const dots = await page.getByTestId('bn-dots').innerHTML();
  await page.getByTestId('gamma').focus();
  await page.keyboard.press('End');
  await expect.poll(() => page.getByTestId('bn-dots').innerHTML()).not.toBe(dots);
  const longest = await longestTask(page, async () => {
    await page.getByTestId('batch-size').focus();
    await page.keyboard.press('End');
  });
  console.log(
    `learn step 3: longest main-thread task ≥ 50 ms during a batch-size move: ${longest > 0 ? `${longest.toFixed(0)} ms` : 'none'}`,
  );
  await expect.poll(() => page.getByTestId('bn-dots').locator('circle').count()).toBe(3 * 128);
}

const EXERCISE = [exerciseStep1, exerciseStep2, exerciseStep3];

async function walk(page: Page, locale: 'en' | 'zh-CN'): Promise<void> {
  for (let step = 1; step <= EXERCISE.length; step++) {
    await atStep(page, step);
    await EXERCISE[step - 1]!(page);
    if (locale === 'zh-CN') await expectNoEnglish(page);
    await fitsWidth(page);
    expect(
      describeAxeViolations(await axeViolations(page)),
      `axe on step ${step} (${locale})`,
    ).toBe('');
    await screenshot(page, `learn-step-${step}-${locale}`);
    if (step < EXERCISE.length) await page.getByTestId('learn-next').click();
  }
}

describe('the Learn view', () => {
  it('walks steps 1–3 in English from the first screen’s link, each widget answering its control', async () => {
    const page = await reader('en-US');
    await page.goto(app.url);
    await page.getByTestId('learn-link').click();
    await atStep(page, 1);
    expect(new URL(page.url()).hash).toBe('#learn/1');
    expect(await text(page, 'learn-position')).toBe(`Step 1 of ${LAST}`);
    await walk(page, 'en');
    // Previous goes back; "Back to the lab" shows the first screen again.
    await page.getByTestId('learn-prev').click();
    await atStep(page, 2);
    await page.getByTestId('learn-back').click();
    await page.getByTestId('skip-to-run').waitFor({ state: 'attached', timeout: 30_000 });
    expect(await view(page).count()).toBe(0);
  }, 240_000);

  it('walks steps 1–3 in Chinese at 390 × 844, with no English left and no sideways scroll', async () => {
    const page = await reader('zh-CN', 390, 844);
    await page.goto(`${app.url}#learn/1`);
    await atStep(page, 1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await text(page, 'learn-position')).toBe(`第 1 步，共 ${LAST} 步`);
    await walk(page, 'zh-CN');
  }, 240_000);

  it('?lang=zh-CN opens a linked step in Chinese', async () => {
    const page = await reader('en-US');
    await page.goto(`${app.url}?lang=zh-CN#learn/2`);
    await atStep(page, 2);
    expect(await text(page, 'learn-position')).toBe(`第 2 步，共 ${LAST} 步`);
    await expectNoEnglish(page);
  }, 60_000);

  it('opens #learn/2 at step 2, remembers the last step across a reload, and clamps a stale link', async () => {
    const page = await reader('en-US');
    await page.goto(`${app.url}#learn/2`);
    await atStep(page, 2);
    expect(await text(page, 'learn-position')).toBe(`Step 2 of ${LAST}`);
    await page.getByTestId('learn-next').click();
    await atStep(page, 3);
    // #learn alone opens where the reader stopped, after a reload too.
    await page.goto(`${app.url}#learn`);
    await page.reload();
    await atStep(page, 3);
    expect(new URL(page.url()).hash).toBe('#learn/3');
    await page.goto(`${app.url}#learn/99`);
    await atStep(page, LAST);
    expect(new URL(page.url()).hash).toBe(`#learn/${LAST}`);
  }, 90_000);

  it('is operable by keyboard: Tab reaches Next, Enter opens the next step', async () => {
    const page = await reader('en-US');
    await page.goto(`${app.url}#learn/1`);
    await atStep(page, 1);
    const focusedTestId = () =>
      page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.getAttribute('data-testid') ?? null;
      });
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focusedTestId()) === 'learn-next';
    }
    expect(reached, 'Tab never reached Next').toBe(true);
    await page.keyboard.press('Enter');
    await atStep(page, 2);
    // Focus stays on Next, so Enter again goes on; on the last step (no Next) it lands on the
    // step's heading, never back at the top of the page.
    for (let step = 3; step <= LAST; step++) {
      expect(await focusedTestId()).toBe('learn-next');
      await page.keyboard.press('Enter');
      await atStep(page, step);
    }
    await expect
      .poll(() =>
        page.evaluate(() => {
          let el: Element | null = document.activeElement;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
          return el?.id ?? null;
        }),
      )
      .toBe('step-title');
  }, 90_000);

  it('fits 390 px in English too, on every step', async () => {
    const page = await reader('en-US', 390, 844);
    for (let step = 1; step <= EXERCISE.length; step++) {
      await page.goto(`${app.url}#learn/${step}`);
      await atStep(page, step);
      await fitsWidth(page);
    }
  }, 90_000);

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
