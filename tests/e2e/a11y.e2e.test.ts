import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, libraryReady, openAppPage, startApp } from '../../tools/app-harness.ts';

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
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

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

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown; html: string }[];
}

/** axe-core's violations on the page as it is now (WCAG 2.x A/AA and best practice rules). */
async function axeViolations(p: Page): Promise<AxeViolation[]> {
  const loaded = await p.evaluate(() => 'axe' in window);
  if (!loaded) await p.evaluate(axeSource);
  return p.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
    }));
  });
}

function describeViolations(vs: AxeViolation[]): string {
  return vs
    .map(
      (v) =>
        `${v.id} (${v.nodes.length}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)} ${n.html}`).join('\n')}`,
    )
    .join('\n');
}

/** No violation on a desktop's width, nor on a phone's (where tables scroll sideways). */
async function expectNoViolations(p: Page): Promise<void> {
  expect(describeViolations(await axeViolations(p))).toBe('');
  await p.setViewportSize({ width: 360, height: 740 });
  try {
    expect(describeViolations(await axeViolations(p)), 'at 360 px wide').toBe('');
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
