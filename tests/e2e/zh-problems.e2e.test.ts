import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, openAppPage, startApp } from '../../tools/app-harness.ts';
import { englishRuns, KEPT_IN_CHINESE } from '../../tools/untranslated.ts';

/*
 * Issue #12, point 1, for the rare texts in real Chromium: a shared link whose config has an
 * unknown key and a value of the wrong type (explainProblem's words), one whose model cannot be
 * built (core's problem, as data), and a run stopped by the reader (the coordinator's warning, as
 * data) show no English on a `?lang=zh-CN` page; the switch brings their English back without a
 * reload.
 */
let app: App;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  page = await openAppPage(app, { width: 1280, height: 900 });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

/** Config keys stay as written in Chinese text (they are names, like the kept words). */
const KEPT = new Set(
  [
    ...KEPT_IN_CHINESE,
    ...['seed', 'dataset', 'model', 'devices', 'workers', 'perDeviceBatch', 'globalBatch'],
    ...['gradientAveraging', 'bnSync', 'runningStats', 'sharding', 'optimizer', 'schedule'],
    ...['steps', 'evalEvery', 'evalMode', 'preciseSamples', 'evalBatch', 'checksumEvery'],
    ...['transport', 'collectiveTimeoutMs', 'telemetryEvery', 'devics'],
  ].map((w) => w.toLowerCase()),
);

const banner = () => page.getByTestId('hash-error');
const english = (text: string | null) => englishRuns(text ?? '', KEPT);

async function openChinese(hash: string): Promise<void> {
  await page.goto(`${app.url}?lang=zh-CN#${hash}`);
  await page.reload();
  await page.getByTestId('locale-switch').waitFor({ timeout: 30_000 });
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
}

async function toEnglish(): Promise<void> {
  await page.getByTestId('locale-switch').getByRole('button', { name: 'English' }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
}

const spiral = { dataset: { name: 'spiral' }, model: { preset: 'mlp' } };

describe('rare problems and warnings in Chinese', () => {
  it('a link with an unknown key and a value of the wrong type', async () => {
    const hash = encodeStudyHash({
      config: { ...spiral, dataset: { name: 'spiral', standardize: 'yes' }, devics: 3 },
      compare: null,
    } as never);
    await openChinese(hash);
    await expect.poll(() => banner().textContent(), { timeout: 30_000 }).toContain('无法读取');
    const text = await banner().textContent();
    expect(text).toContain('配置的顶层有未知的键 "devics"（是不是想写 "devices"？）');
    expect(text).toContain('输入无效：应为布尔值，实际为字符串');
    expect(english(text), text ?? '').toEqual([]);

    await toEnglish();
    await expect
      .poll(() => banner().textContent())
      .toMatch(/unknown key "devics" \(did you mean "devices"\?\) in the top level/);
    expect(await banner().textContent()).toContain(
      'Invalid input: expected boolean, received string',
    );
  }, 120_000);

  it('a link whose model cannot be built (the builder’s problem, worded by the page)', async () => {
    const hash = encodeStudyHash({
      config: {
        ...spiral,
        model: { preset: 'mlp', hidden: [6], norm: 'group', normOptions: { groups: 4 } },
      },
      compare: null,
    } as never);
    await openChinese(hash);
    await expect.poll(() => banner().textContent(), { timeout: 30_000 }).toContain('无法读取');
    const text = await banner().textContent();
    expect(text).toContain('fc1 的 6 个特征不能被 4 个组整除；请使用 6 的约数（例如 1, 2, 3, 6）');
    expect(english(text), text ?? '').toEqual([]);

    await toEnglish();
    await expect
      .poll(() => banner().textContent())
      .toContain(
        '4 groups do not divide the 6 features of fc1; use a divisor of 6 (e.g. 1, 2, 3, 6)',
      );
  }, 120_000);

  it('a run the reader stops says so in Chinese', async () => {
    const hash = encodeStudyHash({
      config: { ...spiral, devices: 2, perDeviceBatch: 8, steps: 20_000, evalEvery: 5_000 },
      compare: null,
    } as never);
    await openChinese(hash);
    await page.getByTestId('run-button').click();
    // Stopped once it is under way (a step or more trained).
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 60_000 })
      .toMatch(/\d/);
    await page.getByRole('button', { name: '停止', exact: true }).click();
    const warnings = page.getByTestId('run-warnings');
    await expect
      .poll(() => warnings.textContent(), { timeout: 60_000 })
      .toMatch(/在第 \d+ 步停止（共 20000 步）/);
    expect(english(await warnings.textContent())).toEqual([]);

    await toEnglish();
    await expect.poll(() => warnings.textContent()).toMatch(/stopped at step \d+ of 20000/);
  }, 180_000);
});
