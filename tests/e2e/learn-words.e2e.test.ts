import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, openAppPage, startApp } from '../../tools/app-harness.ts';

/*
 * Issue #12: each Learn step is short, "≤ ~120 words of text in each language". Counted on the
 * rendered steps in Chromium: the step's prose (its explanation and its "try this"), not the
 * widget's labels, readouts and figures. English in words; Chinese in characters, at two
 * characters a word (so ~120 words ≈ 240 characters). The bound allows the "~": 130 words.
 */
const STEPS = 7;
const MAX_WORDS = 130;
const MAX_HAN = 2 * MAX_WORDS;

let app: App;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { width: 1280, height: 900 });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** The prose paragraphs of the step shown: outside figures, controls, readouts and live regions. */
function prose(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const view = document.querySelector('sbl-app')?.shadowRoot?.querySelector('sbl-learn-view');
    const body = view?.shadowRoot?.querySelector('[data-testid="learn-step-body"]');
    const root = body?.shadowRoot;
    if (!root) throw new Error('no Learn step shown');
    return Array.from(root.querySelectorAll('p'))
      .filter(
        (el) =>
          !el.closest(
            'svg, [data-testid], [aria-live], [role="alert"], .readout, .check, .controls, fieldset, label',
          ),
      )
      .map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
  });
}

async function open(lang: string, step: number): Promise<string[]> {
  await page.goto(`${app.url}?lang=${lang}#learn/${step}`);
  await page
    .locator(`[data-testid="learn-view"][data-step="${step}"]`)
    .waitFor({ timeout: 30_000 });
  await page.getByTestId('learn-step-body').locator('.try').waitFor({ timeout: 30_000 });
  return prose(page);
}

describe('each Learn step is short', () => {
  it(`in English: at most ${MAX_WORDS} words of prose`, async () => {
    const counts: number[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const paragraphs = await open('en', step);
      expect(paragraphs.length, `step ${step} has prose`).toBeGreaterThan(0);
      counts.push(
        paragraphs
          .join(' ')
          .split(/\s+/)
          .filter((w) => /[A-Za-z0-9]/.test(w)).length,
      );
    }
    console.log(`Learn steps 1–${STEPS}, English words of prose: ${counts.join(', ')}`);
    for (const [i, n] of counts.entries())
      expect(n, `step ${i + 1}`).toBeLessThanOrEqual(MAX_WORDS);
  }, 120_000);

  it(`in Chinese: at most ${MAX_HAN} characters of prose`, async () => {
    const counts: number[] = [];
    for (let step = 1; step <= STEPS; step++) {
      const paragraphs = await open('zh-CN', step);
      expect(paragraphs.length, `step ${step} has prose`).toBeGreaterThan(0);
      counts.push((paragraphs.join('').match(/[\u4e00-\u9fff]/g) ?? []).length);
    }
    console.log(`Learn steps 1–${STEPS}, Chinese characters of prose: ${counts.join(', ')}`);
    for (const [i, n] of counts.entries()) expect(n, `step ${i + 1}`).toBeLessThanOrEqual(MAX_HAN);
  }, 120_000);
});
