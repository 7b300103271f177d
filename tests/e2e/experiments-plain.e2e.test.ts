import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../../src/experiments/index.ts';
import { type App, ARTIFACTS, startApp } from '../../tools/app-harness.ts';

let app: App;

beforeAll(async () => {
  app = await startApp();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

const errorSurface = EXPERIMENTS['error-surface'];

/** The colour of the figure's top-left pixel (its background), read from the decoded image. */
function figureBackground(page: Page): Promise<readonly number[]> {
  return page.getByTestId('experiment-figure').evaluate((el) => {
    const img = el as HTMLImageElement;
    if (!img.complete || img.naturalWidth === 0) return [];
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    if (!context) return [];
    context.drawImage(img, 0, 0);
    return [...context.getImageData(2, 2, 1, 1).data.slice(0, 3)];
  });
}

async function runErrorSurface(page: Page): Promise<void> {
  await page.getByTestId('experiment-error-surface').click();
  await page.getByTestId('experiment-mode').selectOption('quick');
  await page.getByTestId('experiment-run').click();
  await expect
    .poll(() => page.getByTestId('experiment-result').getAttribute('data-status'), {
      timeout: 90_000,
    })
    .toBe('completed');
}

describe('Experiments in plain language, light and dark', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: question and answer first, checks in words and units, figure on the scheme's background`, async () => {
      const context = await app.browser.newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: scheme,
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      try {
        await page.goto(app.url);
        // The catalog: each experiment starts with its question, then its one-sentence answer.
        const entry = page.getByTestId('experiment-error-surface');
        expect(await entry.getByTestId('experiment-question').textContent()).toBe(
          errorSurface.question,
        );
        expect(await entry.getByTestId('experiment-answer').textContent()).toBe(
          errorSurface.answer,
        );
        const entryText = (await entry.textContent()) ?? '';
        expect(entryText.indexOf(errorSurface.question)).toBeLessThan(
          entryText.indexOf(errorSurface.reference),
        );

        await runErrorSurface(page);
        const result = page.getByTestId('experiment-result');
        expect(await result.locator('h3').textContent()).toContain(errorSurface.question);
        expect(await result.getByTestId('experiment-result-answer').textContent()).toBe(
          errorSurface.answer,
        );
        // Checks: what was measured, in words, with the figure's numbers (seed 1's 23,373 steps,
        // the count in the figure's heading); no variable names.
        const measured = await result.getByTestId('experiment-check-measured').allTextContents();
        expect(measured.join('\n')).toContain(
          'On data seed 1 (the figure), gradient descent needs 23,373 steps on raw features',
        );
        expect(measured.join('\n')).not.toMatch(/rawSteps|standardizedSteps|\w{2,} = \d/);

        const expected = scheme === 'dark' ? [0x1c, 0x21, 0x28] : [255, 255, 255];
        await expect.poll(() => figureBackground(page), { timeout: 20_000 }).toEqual(expected);
        const section = page.getByTestId('experiments');
        await section.scrollIntoViewIfNeeded();
        await section.screenshot({ path: join(ARTIFACTS, `experiments-plain-${scheme}.png`) });

        if (scheme === 'light') {
          // Switching the page to dark redraws the figure on the dark background.
          await page.emulateMedia({ colorScheme: 'dark' });
          await expect
            .poll(() => figureBackground(page), { timeout: 30_000 })
            .toEqual([0x1c, 0x21, 0x28]);
        }
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
