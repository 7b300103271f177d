import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type App, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';

/*
 * The setup form in real Chromium: every cross-field rule is shown at the fields it concerns, in
 * the form's words, with aria-invalid and a message tied by aria-describedby; Run is disabled and
 * says why; the URL hash always holds what the form shows; what runs and is saved is what the form
 * showed; and no form state throws.
 */
let app: App;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { onPageError: (m) => pageErrors.push(m) });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** A fresh form on the default study, with no side-by-side comparison (one run). */
beforeEach(async () => {
  await page.goto(app.url);
  await page.evaluate(() => history.replaceState(null, '', location.pathname));
  await page.reload();
  await field('Vary one setting').selectOption('');
  await expect.poll(() => runButton().isEnabled()).toBe(true);
});

const field = (label: string): Locator => page.getByLabel(label, { exact: true });
const runButton = (): Locator => page.getByTestId('run-button');
const runWhy = (): Locator => page.getByTestId('run-why');

/** Open "All settings", where every field but the few on the first screen sits. */
async function openAllSettings(): Promise<void> {
  const details = page.getByTestId('all-settings');
  if ((await details.getAttribute('open')) === null)
    await details.locator('summary').first().click();
}

/** The field is marked invalid, and the message its aria-describedby points to matches `words`. */
async function expectProblemAt(label: string, words: RegExp): Promise<string> {
  const input = field(label);
  await expect.poll(() => input.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/);
  const errId = ids.find((id) => id.endsWith('-err'));
  expect(errId, `${label} has no error message in aria-describedby`).toBeDefined();
  const message = (await page.locator(`#${errId}`).textContent()) ?? '';
  expect(message).toMatch(words);
  // The form's words: labels, not config keys or the schema's raw text.
  expect(message).not.toMatch(
    /Too small|Too big|Invalid input|perDeviceBatch|globalBatch|dataset\.|normOptions|bnSync/,
  );
  return message;
}

async function expectNoProblemAt(label: string): Promise<void> {
  await expect.poll(() => field(label).getAttribute('aria-invalid')).not.toBe('true');
}

/** Run is disabled and the line beside it says why, naming the field by its label. */
async function expectRunBlocked(why: RegExp): Promise<void> {
  await expect.poll(() => runButton().isDisabled()).toBe(true);
  expect(await runWhy().textContent()).toMatch(/Run is off until/);
  expect(await runWhy().textContent()).toMatch(why);
}

/** The config the URL hash holds (decoded as the app does, without validating it). */
async function hashConfig(): Promise<Record<string, unknown>> {
  const hash = await page.evaluate(() => location.hash);
  expect(hash.startsWith('#x=')).toBe(true);
  const b64 = hash.slice(3).replace(/-/g, '+').replace(/_/g, '/');
  const json = Buffer.from(b64, 'base64').toString('utf8');
  return (JSON.parse(json) as { config: Record<string, unknown> }).config;
}

describe('the setup form in Chromium', () => {
  it('Devices × Per-device batch larger than the training set: shown at the fields, Run off, the link holds it, nothing runs', async () => {
    await field('Devices (K)').fill('2');
    await field('Per-device batch').fill('1500');
    const message = await expectProblemAt(
      'Per-device batch',
      /“Devices \(K\)” 2 × “Per-device batch” 1500 = 3000\) is more than the 2000 “Training examples”/,
    );
    expect(await expectProblemAt('Devices (K)', /1500 = 3000/)).toBe(message);
    await expectProblemAt('Training examples', /1500 = 3000/);
    await expectRunBlocked(/Per-device batch, Devices \(K\), Training examples: the global batch/);
    // The link holds what the form shows, not the last valid batch size.
    const linked = await hashConfig();
    expect(linked.perDeviceBatch).toBe(1500);
    expect(linked.devices).toBe(2);
    await screenshot(page, 'form-batch-larger-than-train');

    // Enter in the box submits the form: still nothing runs.
    await field('Per-device batch').press('Enter');
    await page.waitForTimeout(500);
    expect(await page.getByTestId('run-status').textContent()).toMatch(/Nothing has trained yet/);

    for (const [devices, batch] of [
      ['64', '40'],
      ['64', '4096'],
    ] as const) {
      await field('Devices (K)').fill(devices);
      await field('Per-device batch').fill(batch);
      await expectProblemAt('Per-device batch', new RegExp(`${devices} × .* ${batch} = `));
      await expectRunBlocked(/Per-device batch/);
      expect((await hashConfig()).perDeviceBatch).toBe(Number(batch));
    }

    // Fixed: Run is on, and what runs and is saved is what the form shows.
    await field('Devices (K)').fill('2');
    await field('Per-device batch').fill('6');
    await field('Training steps').fill('15');
    await expectNoProblemAt('Per-device batch');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
    expect(await runWhy().textContent()).toMatch(/1 run · 15 steps in all/);
    expect((await hashConfig()).perDeviceBatch).toBe(6);
    await runButton().click();
    await expect
      .poll(async () => Number(await page.getByRole('progressbar').getAttribute('aria-valuenow')), {
        timeout: 90_000,
      })
      .toBe(100);
    const saved = await page.evaluate(
      () =>
        new Promise<{ devices: number; perDeviceBatch: number; steps: number }[]>((done, fail) => {
          const open = indexedDB.open('syncbn-lab');
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('runs').objectStore('runs').getAll();
            all.onsuccess = () =>
              done(
                (
                  all.result as {
                    config: { devices: number; perDeviceBatch: number; steps: number };
                  }[]
                ).map((r) => r.config),
              );
            all.onerror = () => fail(all.error);
          };
        }),
    );
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ devices: 2, perDeviceBatch: 6, steps: 15 });
  }, 150_000);

  it('a BN group larger than the devices', async () => {
    await field('BN statistics').selectOption('group');
    await field('Devices per BN group').fill('16');
    await expectProblemAt(
      'BN statistics',
      /group of 16 devices is more than the 8 “Devices \(K\)”/,
    );
    await expectProblemAt('Devices per BN group', /group of 16 devices/);
    await expectProblemAt('Devices (K)', /group of 16 devices/);
    await expectRunBlocked(/BN statistics, Devices \(K\): a BN group of 16/);
    expect((await hashConfig()).bnSync).toBe('group:16');
    await field('Devices per BN group').fill('4');
    await expectNoProblemAt('BN statistics');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('gradient averaging "ddp" with a device left without samples', async () => {
    await openAllSettings();
    await field('BN statistics').selectOption('sync');
    await field('Per-device batch').fill('');
    await field('Global batch (instead of per-device)').fill('6');
    await expectProblemAt(
      'Global batch (instead of per-device)',
      /global batch of 6 over 8 “Devices \(K\)” leaves 2 device\(s\) with no samples.*“Gradient averaging” “ddp”/,
    );
    await expectProblemAt('Gradient averaging', /undefined for 0 samples/);
    await expectProblemAt('Devices (K)', /leaves 2 device/);
    await expectRunBlocked(/Global batch \(instead of per-device\)[^:]*: a global batch of 6/);
    expect((await hashConfig()).globalBatch).toBe(6);
    // Averaging over the global batch defines the step without those devices.
    await field('Gradient averaging').selectOption('global');
    await expectNoProblemAt('Global batch (instead of per-device)');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('BN of a single sample: local BN with one example per device', async () => {
    await field('Per-device batch').fill('1');
    await expectProblemAt(
      'Per-device batch',
      /device 0 gets a batch of 1 sample.*“BN statistics” "local".*more than 1 value per channel/,
    );
    await expectProblemAt('BN statistics', /1 sample/);
    await expectRunBlocked(/Per-device batch, [^:]*: /);
    await screenshot(page, 'form-bn-single-sample');
    // Synchronized over all devices, one example each is fine.
    await field('BN statistics').selectOption('sync');
    await expectNoProblemAt('Per-device batch');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('ghost BN: a virtual batch larger than the batch, and a leftover virtual batch of one', async () => {
    await openAllSettings();
    await field('Normalization').selectOption('ghost');
    await field('Ghost BN virtual batch').fill('8');
    await expectProblemAt(
      'Ghost BN virtual batch',
      /“Ghost BN virtual batch” 8 is larger than any device's batch \(2\).*plain BN/,
    );
    await expectProblemAt('Per-device batch', /virtual batch/);
    await expectRunBlocked(/Ghost BN virtual batch, Per-device batch: /);
    await field('Per-device batch').fill('5');
    await field('Ghost BN virtual batch').fill('2');
    await expectProblemAt(
      'Ghost BN virtual batch',
      /device 0's virtual batch 3 \(“Ghost BN virtual batch” 2\) holds 1 sample/,
    );
    await expectRunBlocked(/Per-device batch, [^:]*: /);
    await field('Ghost BN virtual batch').fill('5');
    await expectNoProblemAt('Ghost BN virtual batch');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('PreciseBN: no more samples than the training set, and running statistics on', async () => {
    await openAllSettings();
    await field('BN statistics at test time').selectOption('precise');
    await field('PreciseBN samples').fill('5000');
    await expectProblemAt(
      'PreciseBN samples',
      /“PreciseBN samples” 5000 is more than the 2000 “Training examples”; ask for at most 2000/,
    );
    await expectProblemAt('Training examples', /5000/);
    await expectRunBlocked(/PreciseBN samples, Training examples: /);
    await field('PreciseBN samples').fill('9000000000000000');
    await expectProblemAt('PreciseBN samples', /must be at most 100,000/);
    await field('PreciseBN samples').fill('');
    await expectNoProblemAt('PreciseBN samples');

    await field('Track running statistics').uncheck();
    await expectProblemAt(
      'BN statistics at test time',
      /PreciseBN.*needs “Track running statistics” on/,
    );
    await expectProblemAt('Track running statistics', /PreciseBN/);
    await expectRunBlocked(/BN statistics at test time, Track running statistics: /);
    await screenshot(page, 'form-precise-needs-running-stats');
    await field('Track running statistics').check();
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('batch evaluation: no test batch of a single sample', async () => {
    await openAllSettings();
    await field('BN statistics at test time').selectOption('batch');
    await field('Test batch size').fill('1');
    await expectProblemAt(
      'Test batch size',
      /“BN statistics at test time” "batch".*“Test batch size” 1 each test batch holds 1 sample/,
    );
    await expectProblemAt('BN statistics at test time', /1 sample/);
    await expectRunBlocked(/Test batch size, BN statistics at test time: /);
    await field('Test batch size').fill('2');
    await expectNoProblemAt('Test batch size');
    await expect.poll(() => runButton().isEnabled()).toBe(true);
  });

  it('feature scale: one value per feature of a 2-D set', async () => {
    await openAllSettings();
    await field('Dataset').selectOption('spiral');
    await field('Feature scale (per feature, comma-separated)').fill('1, 2, 3');
    await expectProblemAt(
      'Feature scale (per feature, comma-separated)',
      /has 3 values, but spiral has 2 features/,
    );
    await expectRunBlocked(/Feature scale/);
    await field('Feature scale (per feature, comma-separated)').fill('1, 100');
    await expectNoProblemAt('Feature scale (per feature, comma-separated)');
  });

  it('both a per-device and a global batch; single-field problems in words', async () => {
    await openAllSettings();
    await field('Global batch (instead of per-device)').fill('32');
    await expectProblemAt('Per-device batch', /either “Per-device batch” or “Global batch/);
    await expectProblemAt('Global batch (instead of per-device)', /not both/);
    await field('Global batch (instead of per-device)').fill('');
    await field('Devices (K)').fill('0');
    await expectProblemAt('Devices (K)', /^must be at least 1$/);
    await field('Devices (K)').fill('eight');
    await expectProblemAt('Devices (K)', /^enter a whole number$/);
    await expectRunBlocked(/Devices \(K\): enter a whole number/);
    // The link holds the text as typed (and a link with a problem opens with it explained).
    expect((await hashConfig()).devices).toBe('eight');
  });

  it('a preset picked in the form stays picked when the page renders again', async () => {
    await openAllSettings();
    await page.getByRole('button', { name: 'Non-IID shards' }).click();
    const preset = page.getByRole('button', { name: 'Non-IID shards' });
    await expect.poll(() => preset.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('preset-look-at').count()).toBe(1);
    // Another edit makes the page render again; the preset's settings are still there.
    await field('Training steps').fill('40');
    await expect.poll(async () => (await hashConfig()).sharding).toBe('label-sorted');
    expect(await field('How data is split over devices').inputValue()).toBe('label-sorted');
    await page.getByRole('button', { name: 'No normalization' }).click();
    await expect
      .poll(() =>
        page.getByRole('button', { name: 'No normalization' }).getAttribute('aria-pressed'),
      )
      .toBe('true');
    expect(await field('How data is split over devices').inputValue()).toBe('iid');
  });

  it('no form state threw', () => {
    expect(pageErrors).toEqual([]);
  });
});
