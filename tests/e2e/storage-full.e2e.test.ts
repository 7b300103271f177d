import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import {
  type App,
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  libraryReady,
  screenshot,
  startApp,
} from '../../tools/app-harness.ts';

/*
 * A full disk in real Chromium: the site's quota is lowered over CDP
 * (Storage.overrideQuotaForOrigin). The profile is a real one on disk (a persistent context):
 * an incognito context keeps IndexedDB in memory and never counts what it stores, so its quota
 * is never reached and a delete frees nothing. Chromium applies an override when the site's
 * storage is opened again, so each change of quota is followed by leaving the page and coming
 * back, as a user reloading would.
 */
let app: App;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;
let origin: string;
let profile: string;

const hash = (steps: number, hidden: number[], seed: number) =>
  encodeStudyHash({
    config: {
      seed,
      dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
      model: { preset: 'mlp', hidden, norm: 'batch' },
      devices: 4,
      perDeviceBatch: 8,
      bnSync: 'sync',
      optimizer: { name: 'adam', lr: 0.003 },
      steps,
      evalEvery: Math.min(steps, 100),
    },
    compare: null,
  });
/** Small: a few kilobytes saved. */
const tiny = hash(20, [16], 3);
/** Long, with checkpoints of a few hundred kilobytes (Adam keeps two moments per parameter). */
const long = hash(4000, [128, 128], 5);

beforeAll(async () => {
  app = await startApp();
  profile = mkdtempSync(join(tmpdir(), 'syncbn-storage-full-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  cdp = await context.newCDPSession(page);
  origin = new URL(app.url).origin;
}, 180_000);

afterAll(async () => {
  await context?.close();
  await app?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function usage(): Promise<number> {
  return (await cdp.send('Storage.getUsageAndQuota', { origin })).usage;
}

/** Set the site's quota (undefined: back to the browser's own) and open the app again under it. */
async function reopenWithQuota(quotaSize: number | undefined, appHash: string): Promise<void> {
  await cdp.send(
    'Storage.overrideQuotaForOrigin',
    quotaSize === undefined ? { origin } : { origin, quotaSize },
  );
  await page.goto('about:blank');
  // The site's storage closes a moment after its last page goes.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await page.goto(`${app.url}#${appHash}`);
}

const rows = () => page.getByTestId('run-row');
const statusCells = () => page.getByTestId('run-status-cell').allTextContents();
const progress = async () =>
  Number(await page.getByRole('progressbar').getAttribute('aria-valuenow'));

async function run(): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
}

describe('a full disk in Chromium', () => {
  it('stops a run cleanly and shows it stopped, not running', async () => {
    await page.goto(`${app.url}#${tiny}`);
    await libraryReady(page);
    await run();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toMatch(/done/);
    // "done" waits for the record's last write; the library shows it saved before the page goes.
    await expect.poll(statusCells, { timeout: 20_000 }).toEqual(['completed']);

    // Room for the run's record and its first metrics, not for its checkpoints (≈ 0.5 MB each:
    // Adam keeps two moments per parameter). Usage is read once the finished run's writes settled.
    await page.goto('about:blank');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await reopenWithQuota((await usage()) + 200_000, long);
    await libraryReady(page);
    await run();
    await expect
      .poll(() => page.getByTestId('save-notice').textContent(), { timeout: 120_000 })
      .toMatch(/storage for this site is full/);
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toMatch(/stopped/i);
    expect(await progress()).toBeLessThan(100);
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(statusCells, { timeout: 20_000 }).toEqual(['stopped', 'completed']);
    await screenshot(page, 'storage-full-stopped');
  }, 300_000);

  it('opens with the disk full: lists, exports and deletes runs; deleting makes room for a new run', async () => {
    // A run the page leaves while it trains: its record says `running` until the library opens.
    await reopenWithQuota(undefined, long);
    await libraryReady(page);
    await run();
    await expect.poll(progress, { timeout: 120_000 }).toBeGreaterThan(2);
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(3);

    // Full: less room than is used, so every write is refused (marking that run interrupted too).
    const full = Math.floor((await usage()) * 0.8);
    await reopenWithQuota(full, tiny);
    await libraryReady(page);
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(3);
    expect(await statusCells()).toEqual(['interrupted', 'stopped', 'completed']);
    expect(await page.getByTestId('library-banner').textContent()).toMatch(/storage.*full/);
    await screenshot(page, 'storage-full-opened');

    // Export reads only.
    const download = page.waitForEvent('download');
    await rows()
      .first()
      .getByRole('button', { name: /^Export/ })
      .click();
    const path = join(ARTIFACTS, 'storage-full-export.json');
    await (await download).saveAs(path);
    const exported = JSON.parse(readFileSync(path, 'utf8')) as {
      run: { status: string };
      metrics: { train: unknown[] };
    };
    expect(exported.run.status).toBe('interrupted');
    expect(exported.metrics.train.length).toBeGreaterThan(0);

    // Nothing can be saved yet: a new run is stopped at once and says why.
    await run();
    await expect
      .poll(() => page.getByTestId('save-notice').textContent(), { timeout: 60_000 })
      .toMatch(/storage for this site is full/);
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toMatch(/stopped|done/i);
    expect(await rows().count()).toBe(3);

    // Deleting the two long runs frees their checkpoints.
    for (const name of ['interrupted', 'stopped']) {
      const row = rows().filter({
        has: page.getByTestId('run-status-cell').filter({ hasText: name }),
      });
      await row.getByRole('button', { name: /^Delete/ }).click();
      await page.getByRole('button', { name: 'Delete', exact: true }).last().click();
      await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    }
    // Chromium's usage figure follows a delete a moment later (its quota manager updates it
    // asynchronously): polled. The new run below is the real proof that room was made.
    await expect.poll(usage, { timeout: 30_000 }).toBeLessThan(full);

    await run();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toMatch(/done/);
    await expect.poll(statusCells, { timeout: 20_000 }).toEqual(['completed', 'completed']);
    // Saved for real: it is still there after the page is opened again under the same quota.
    await reopenWithQuota(full, tiny);
    await libraryReady(page);
    await expect.poll(statusCells, { timeout: 20_000 }).toEqual(['completed', 'completed']);
    await screenshot(page, 'storage-full-room-made');
  }, 300_000);
});
