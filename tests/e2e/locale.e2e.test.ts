import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, screenshot, startApp } from '../../tools/app-harness.ts';

/*
 * Issue #12, point 1 in real Chromium: the language follows the browser on a first visit, the
 * switch changes it without a reload and is remembered, `?lang=` wins (a teacher's link), an
 * unknown `?lang=` is reported, and <html lang> follows.
 */
let app: App;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await app?.close();
});

async function visitor(locale: string): Promise<Page> {
  const context = await app.browser.newContext({
    locale,
    viewport: { width: 1280, height: 900 },
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return page;
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const switchGroup = (page: Page) => page.getByTestId('locale-switch');
const pressed = (page: Page) =>
  switchGroup(page).locator('button[aria-pressed="true"]').getAttribute('data-locale');

async function ready(page: Page): Promise<void> {
  await switchGroup(page).waitFor({ timeout: 30_000 });
}

describe('the page’s language', () => {
  it('follows a Chinese browser on the first visit, and the switch changes it without a reload', async () => {
    const page = await visitor('zh-CN');
    await page.goto(app.url);
    await ready(page);
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await pressed(page)).toBe('zh-CN');
    expect(await switchGroup(page).getAttribute('aria-label')).toBe('语言');
    await screenshot(page, 'locale-zh-CN-first-visit');
    // No reload: a marker set on this document survives the switch.
    await page.evaluate(() => {
      (globalThis as { sblMarker?: number }).sblMarker = 42;
    });
    await switchGroup(page).getByRole('button', { name: 'English' }).click();
    await expect.poll(() => htmlLang(page)).toBe('en');
    expect(await switchGroup(page).getAttribute('aria-label')).toBe('Language');
    expect(await page.evaluate(() => (globalThis as { sblMarker?: number }).sblMarker)).toBe(42);
    // Remembered: the next visit opens in English although the browser says Chinese.
    await page.reload();
    await ready(page);
    expect(await htmlLang(page)).toBe('en');
    expect(await pressed(page)).toBe('en');
  }, 120_000);

  it('opens in English for an English browser', async () => {
    const page = await visitor('en-US');
    await page.goto(app.url);
    await ready(page);
    expect(await htmlLang(page)).toBe('en');
  }, 60_000);

  it('lets ?lang= win over the remembered choice, and keeps the address in step with the switch', async () => {
    const page = await visitor('en-US');
    await page.goto(app.url);
    await ready(page);
    await page.evaluate(() => localStorage.setItem('syncbn-lab:locale', 'en'));
    await page.goto(`${app.url}?lang=zh-CN`);
    await ready(page);
    expect(await htmlLang(page)).toBe('zh-CN');
    expect(await pressed(page)).toBe('zh-CN');
    // Switching with ?lang= in the address updates it, so a reload keeps the reader's choice.
    await switchGroup(page).getByRole('button', { name: 'English' }).click();
    await expect.poll(() => htmlLang(page)).toBe('en');
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
    await page.reload();
    await ready(page);
    expect(await htmlLang(page)).toBe('en');
  }, 120_000);

  it('says so when ?lang= names a language it does not have', async () => {
    const page = await visitor('zh-CN');
    await page.goto(`${app.url}?lang=fr`);
    await ready(page);
    // The browser's Chinese is next in line; the note is in the language shown.
    expect(await htmlLang(page)).toBe('zh-CN');
    const note = page.getByTestId('language-note');
    await expect.poll(() => note.textContent()).toMatch(/“fr”.*\?lang=en.*\?lang=zh-CN/);
    expect(await note.textContent()).toMatch(/syncbn-lab 没有这种语言/);
  }, 60_000);
});
