import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/ui/model/presets.ts';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';

/*
 * The takeaway in the built app, in real Chromium with real Web Workers: a short local-vs-sync
 * study opened from the URL hash says, once it is over, which run did better by how much and why.
 */
let app: App;
let page: Page;

const localVsSync = encodeStudyHash({
  config: {
    seed: 3,
    dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    devices: 4,
    perDeviceBatch: 2,
    bnSync: 'local',
    steps: 40,
    evalEvery: 20,
  },
  compare: { field: 'bnSync', values: ['local', 'sync'] },
});

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app);
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('the takeaway', () => {
  it('a preset opened from its link says what to look at', async () => {
    const noNorm = PRESETS.find((p) => p.id === 'no-norm')!;
    await page.goto(`${app.url}#${encodeStudyHash(noNorm.study)}`);
    await page.reload();
    const lookAt = page.getByTestId('preset-look-at');
    await expect.poll(() => lookAt.count(), { timeout: 20_000 }).toBe(1);
    expect(await lookAt.textContent()).toMatch(/What to look at:.*beats local BN.*noisy/);
  }, 60_000);

  it('after a local-vs-sync study: the winner (or too close to call), a margin and the reasons', async () => {
    await page.goto(`${app.url}#${localVsSync}`);
    await page.reload();
    // Nothing to say before the study has run.
    expect(await page.getByTestId('takeaway').count()).toBe(0);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 150_000 })
      .toMatch(/All 2 runs done/);
    const headline = page.getByTestId('takeaway-headline');
    await expect.poll(() => headline.count(), { timeout: 20_000 }).toBe(1);
    const text = (await headline.textContent()) ?? '';
    console.log(`takeaway: ${text.trim()}`);
    // A winner and its margin in points, or the two results and why they cannot be told apart.
    expect(text).toMatch(
      /(“(local BN|SyncBN)” did best: \d+\.\d% test accuracy, \d+\.\d percentage points? ahead)|(Too close to call: .*\d+\.\d%.*\d+\.\d percentage points? apart)/,
    );
    const reasons = (await page.getByTestId('takeaway').textContent()) ?? '';
    expect(reasons).toMatch(
      /Under local BN .* own 2 examples: .* \d\.\d\d σ from the global batch’s/,
    );
    expect(reasons).toMatch(/SyncBN normalized every device with the statistics of all 8 examples/);
    expect(reasons).toMatch(/running mean, which the test uses, ended \d\.\d\d σ/);
    await screenshot(page, 'takeaway-local-vs-sync');
  }, 240_000);
});
