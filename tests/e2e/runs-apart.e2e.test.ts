import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import {
  type App,
  checkpointsSaved,
  libraryReady,
  openAppPage,
  screenshot,
  startApp,
} from '../../tools/app-harness.ts';

/*
 * Issue #11, points 7 and 8 in real Chromium: runs that differ only in sharding get different
 * names; no per-device timing of this computer's workers is shown (not a cluster's cost: the
 * cost panel models one); after a reload mid-run the interrupted run is offered at the top of the
 * page and Resume there continues it to the end.
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

/*
 * The run a reload interrupts. Long enough that it is still training when the reload lands: a
 * 400-step run (about 0.4 s of training here) finished in the moment between the progress poll
 * and the reload when CI starved the test process, leaving nothing to offer. 10,000 steps leave
 * about ten seconds of training after the poll; resuming it to the end takes as long.
 */
const INTERRUPTED_STEPS = 10_000;

const status = () => page.getByTestId('run-status');
const rows = () => page.getByTestId('run-row');

async function runAndWait(hash: string): Promise<void> {
  await page.goto(`${app.url}#${hash}`);
  await page.reload();
  await libraryReady(page);
  const before = await rows().count();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => status().textContent(), { timeout: 120_000 }).toMatch(/done/);
  await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(before + 1);
}

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('runs you can tell apart, and no cluster cost read off this computer', () => {
  it('two runs differing only in sharding get different names', async () => {
    await runAndWait(encodeStudyHash({ config: config('iid', 30), compare: null }));
    await runAndWait(encodeStudyHash({ config: config('label-sorted', 30), compare: null }));
    const names = await rows().locator('td:nth-child(2) > span').allTextContents();
    const trimmed = names.map((n) => n.trim());
    expect(trimmed.some((n) => /label-sorted/.test(n))).toBe(true);
    expect(trimmed.some((n) => /\biid\b/.test(n))).toBe(true);
    expect(new Set(trimmed).size).toBe(trimmed.length);
  }, 300_000);

  it('no compute-vs-waiting of this computer: the cost panel, a model of a cluster, answers what SyncBN costs', async () => {
    // Issue #14 replaced "About this computer" (this browser's workers computing and waiting).
    expect(await page.getByTestId('about-computer').count()).toBe(0);
    expect(await page.locator('sbl-timeline-chart').count()).toBe(0);
    const panel = page.locator('sbl-cost-panel');
    expect(await panel.count()).toBe(1);
    // The panel renders in its shadow root: read its text through a locator.
    const intro = panel.locator('section > p').first();
    expect(await intro.textContent()).toMatch(/modelled, not measured/);
    // Platform facts sit in "About this run", once.
    const aboutRun = page.getByTestId('about-run');
    expect(await aboutRun.evaluate((d) => d.tagName.toLowerCase())).toBe('details');
    expect(await aboutRun.getByTestId('transport').count()).toBe(1);
    expect(await panel.locator('section').textContent()).not.toMatch(/Transport/);
    await panel.scrollIntoViewIfNeeded();
    await expect
      .poll(
        () =>
          panel
            .locator('sbl-cost-scaling-chart')
            .evaluate((c) => Boolean(c.shadowRoot?.querySelector('canvas'))),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    await screenshot(page, 'cost-panel-after-run');
  }, 60_000);

  it('after a reload mid-run the interrupted run is offered at the top, and Resume there continues it', async () => {
    await page.goto(
      `${app.url}#${encodeStudyHash({ config: config('iid', INTERRUPTED_STEPS), compare: null })}`,
    );
    await page.reload();
    await libraryReady(page);
    const before = await rows().count();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await checkpointsSaved(page);
    await page.reload();
    await libraryReady(page);
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(before + 1);
    const offer = page.getByTestId('interrupted-offer');
    await expect
      .poll(() => offer.textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(`‘.*lr 0\\.1’ was interrupted at step [1-9]\\d* of ${INTERRUPTED_STEPS}\\.`),
      );
    // It sits above the training view, at the top of the page, not only in the library below.
    const offerTop = await offer.evaluate((e) => e.getBoundingClientRect().top);
    const libraryTop = await page
      .getByTestId('library')
      .evaluate((e) => e.getBoundingClientRect().top);
    expect(offerTop).toBeLessThan(libraryTop);
    await screenshot(page, 'interrupted-offer');
    await offer.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => status().textContent(), { timeout: 150_000 }).toMatch(/done/);
    await expect.poll(() => offer.count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => rows().nth(0).textContent(), { timeout: 20_000 })
      .toMatch(`${INTERRUPTED_STEPS} / ${INTERRUPTED_STEPS}`);
    expect(
      await rows()
        .filter({ hasText: /interrupted/i })
        .count(),
    ).toBe(0);
    // The same run continued, not a new one.
    expect(await rows().count()).toBe(before + 1);
  }, 400_000);

  it('Dismiss hides the offer', async () => {
    // Interrupt another run, then dismiss its offer.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await checkpointsSaved(page);
    await page.reload();
    await libraryReady(page);
    const offer = page.getByTestId('interrupted-offer');
    await expect.poll(() => offer.count(), { timeout: 30_000 }).toBe(1);
    await offer.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => offer.count(), { timeout: 5_000 }).toBe(0);
  }, 120_000);
});
