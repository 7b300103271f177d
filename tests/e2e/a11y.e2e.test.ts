import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, libraryReady, openAppPage, startApp } from '../../tools/app-harness.ts';
import { axeViolations, describeAxeViolations } from '../../tools/axe.ts';

/*
 * Accessibility in real Chromium under the app's CSP: axe-core finds no violation on the first
 * screen, after a run, in the library with two runs compared, and in the experiments with a figure
 * shown; Run is reachable from the keyboard in a few Tabs or with Ctrl+Enter, and after Run the
 * focus lands on the training view, not on <body>.
 *
 * axe is injected through the DevTools protocol (page.evaluate is Runtime.evaluate), which the
 * page's CSP does not govern: the CSP forbids the page's own inline and eval'd script only, and
 * the harness's close() still fails on any violation the page reports.
 */

let app: App;
let page: Page;
const pageErrors: string[] = [];

const smallRun = encodeStudyHash({
  config: {
    seed: 3,
    dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
    model: { preset: 'mlp', hidden: [16], norm: 'batch' },
    devices: 2,
    perDeviceBatch: 8,
    bnSync: 'sync',
    steps: 20,
    evalEvery: 10,
  },
  compare: null,
});

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { onPageError: (m) => pageErrors.push(m) });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** No violation on a desktop's width, nor on a phone's (where tables scroll sideways). */
async function expectNoViolations(p: Page): Promise<void> {
  expect(describeAxeViolations(await axeViolations(p))).toBe('');
  await p.setViewportSize({ width: 360, height: 740 });
  try {
    expect(describeAxeViolations(await axeViolations(p)), 'at 360 px wide').toBe('');
  } finally {
    await p.setViewportSize({ width: 1280, height: 900 });
  }
}

/** The element that has the keyboard focus, through shadow roots. */
function focused(p: Page): Promise<{ tag: string; testid: string | null; text: string }> {
  return p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      testid: el?.getAttribute('data-testid') ?? null,
      text: (el?.textContent ?? '').trim().slice(0, 60),
    };
  });
}

async function runToDone(p: Page): Promise<void> {
  await expect
    .poll(() => p.getByTestId('run-status').textContent(), { timeout: 90_000 })
    .toMatch(/done/);
}

describe('accessibility', () => {
  it('the first screen has no axe violations', async () => {
    await page.goto(app.url);
    await libraryReady(page);
    await expectNoViolations(page);
  }, 60_000);

  it('Run is reachable in at most 5 Tabs from page load, and focus lands on the training view after it', async () => {
    await page.goto(`${app.url}#${smallRun}`);
    await page.reload();
    await libraryReady(page);
    // The first Tab reaches "Skip to Run"; Enter on it brings the focus to Run.
    await page.keyboard.press('Tab');
    expect((await focused(page)).testid).toBe('skip-to-run');
    await page.keyboard.press('Enter');
    expect((await focused(page)).testid).toBe('run-button');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await focused(page)).tag, { timeout: 10_000 })
      .not.toMatch(/^(body|button)$/);
    expect((await focused(page)).text).toMatch(/Training/);
    await runToDone(page);
    await expectNoViolations(page);
  }, 120_000);

  it('Ctrl+Enter in the form starts a run, and the Run button announces the shortcut', async () => {
    await page.goto(`${app.url}#${smallRun}`);
    await page.reload();
    await libraryReady(page);
    const runButton = page.getByTestId('run-button');
    expect(await runButton.getAttribute('aria-keyshortcuts')).toMatch(/Control\+Enter/);
    const rowsBefore = await page.getByTestId('run-row').count();
    await page.getByLabel('Vary one setting', { exact: true }).focus();
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => (await focused(page)).text, { timeout: 10_000 })
      .toMatch(/Training/);
    await runToDone(page);
    await expect
      .poll(() => page.getByTestId('run-row').count(), { timeout: 20_000 })
      .toBeGreaterThan(rowsBefore);
  }, 120_000);

  it('the library with two runs compared has no axe violations', async () => {
    // The two runs the tests above finished (one browser profile for the whole file).
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
    const view = page.getByTestId('compare-view');
    await expect
      .poll(() => view.locator('sbl-curves-chart').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await expectNoViolations(page);
  }, 60_000);

  it('the experiments with a figure shown have no axe violations', async () => {
    await page.goto(app.url);
    await libraryReady(page);
    await page.getByTestId('experiment-error-surface').click();
    await page.getByTestId('experiment-mode').selectOption('quick');
    await page.getByTestId('experiment-run').click();
    await expect
      .poll(() => page.getByTestId('experiment-result').getAttribute('data-status'), {
        timeout: 60_000,
      })
      .toBe('completed');
    await expect
      .poll(() =>
        page
          .getByTestId('experiment-figure')
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0);
    await expectNoViolations(page);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
