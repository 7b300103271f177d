import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { torchMissing } from '../helpers/torch.ts';
import { parseConfig } from '../../src/config/schema.ts';
import { runExperimentNode } from '../../src/platform/node/platform.ts';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import {
  type App,
  libraryReady,
  openAppPage,
  screenshot,
  startApp,
} from '../../tools/app-harness.ts';
import { axeViolations, describeAxeViolations } from '../../tools/axe.ts';
import { englishRuns, untranslatedTexts } from '../../tools/untranslated.ts';

/*
 * Issue #13, the way back in real Chromium: a run trained in the page, downloaded as the PyTorch
 * .zip, unzipped and launched for real (python3 -m torch.distributed.run --standalone
 * --nproc_per_node=2 train.py --out metrics.json, CPU and gloo), and its metrics.json imported in
 * the library: listed "from PyTorch" with its device and processes, compared with the simulated
 * run it came from (overlaid curves, the per-step difference, its largest value, evaluations side
 * by side). A damaged file is refused with the field named and nothing added. In Chinese with no
 * English left, and back in English without a reload; axe finds no violation.
 *
 * Without torch (python3 -c "import torch" fails) the metrics file is a stand-in built from the
 * simulator's own run in Node (its losses nudged by 1e-7 relative) and the test's name says so.
 */

const run = promisify(execFile);

let app: App;
let page: Page;
let dir: string;
const pageErrors: string[] = [];

const input = {
  seed: 11,
  dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
  model: { preset: 'mlp', hidden: [16], norm: 'batch' },
  devices: 2,
  perDeviceBatch: 8,
  bnSync: 'sync',
  optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  steps: 20,
  evalEvery: 10,
};

const rows = () => page.getByTestId('run-row');
const difference = () => page.locator('sbl-torch-difference');
const importMessage = () => page.getByTestId('import-message');

async function trainInPage(): Promise<void> {
  const hash = encodeStudyHash({ config: input, compare: null });
  await page.goto(`${app.url}?lang=en#${hash}`);
  await page.reload();
  await libraryReady(page);
  await page.getByTestId('run-button').click();
  await expect
    .poll(
      () =>
        rows()
          .getByTestId('run-status-cell')
          .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status'))),
      { timeout: 120_000 },
    )
    .toEqual(['completed']);
}

/** The .zip the live view's button downloads, unzipped into `dir`: the path of its train.py. */
async function downloadBundle(): Promise<string> {
  const file = page.waitForEvent('download', { timeout: 120_000 });
  await page.locator('sbl-live-view').getByTestId('torch-download').click();
  const zip = new Uint8Array(readFileSync(await (await file).path()));
  let trainPy = '';
  for (const [path, bytes] of Object.entries(unzipSync(zip))) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    if (path.endsWith('/train.py')) trainPy = target;
  }
  return trainPy;
}

/** metrics.json from torchrun, or (torch missing) a stand-in from the simulator in Node. */
async function pytorchMetrics(trainPy: string): Promise<string> {
  const out = join(dir, 'metrics.json');
  if (!torchMissing) {
    await run(
      'python3',
      ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', trainPy, '--out', out],
      { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 600_000 },
    );
    return out;
  }
  const config = parseConfig(input);
  const sim = await runExperimentNode(config);
  const nudge = (r: { step: number; loss: number; acc: number }) => ({
    ...r,
    loss: r.loss * (1 + 1e-7),
  });
  writeFileSync(
    out,
    JSON.stringify({
      config,
      train: sim.train.map(nudge),
      eval: sim.eval.map(({ step, loss, acc }) => nudge({ step, loss, acc })),
      final: sim.final,
      warnings: [],
      status: 'completed',
      source: 'pytorch',
      torch: 'stand-in (torch not installed)',
      device: 'cpu',
      backend: 'gloo',
      processes: 2,
      nodes: 1,
    }),
  );
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'torch-import-e2e-'));
  app = await startApp();
  page = await openAppPage(app, { onPageError: (m) => pageErrors.push(m) });
}, 180_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

describe('a PyTorch run imported back into the library', () => {
  let metricsPath = '';

  it(torchMissing
    ? 'button → stand-in metrics (torch not importable: pip install torch for the real torchrun) → import → compare'
    : 'button → torchrun (CPU, gloo, 2 processes) → import metrics.json → listed from PyTorch, compared step by step', async () => {
    await trainInPage();
    const simName = (
      (await rows().first().locator('td:nth-child(2) > span').textContent()) ?? ''
    ).trim();
    metricsPath = await pytorchMetrics(await downloadBundle());
    const metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as { source: string };
    expect(metrics.source).toBe('pytorch');

    await page.getByTestId('import-file').setInputFiles(metricsPath);
    await expect.poll(() => rows().count(), { timeout: 20_000 }).toBe(2);
    expect(await importMessage().textContent()).toContain(
      `from PyTorch; it is compared with “${simName}” above.`,
    );
    // Listed "from PyTorch" with its device and processes; no Resume, no second download.
    const torchRow = rows().filter({ has: page.getByTestId('torch-badge') });
    expect(await torchRow.count()).toBe(1);
    expect(await torchRow.getByTestId('torch-badge').textContent()).toBe(
      'from PyTorch · cpu · 2 processes',
    );
    expect(await torchRow.getByTestId('torch-download').count()).toBe(0);
    expect(await torchRow.getByRole('button', { name: /^Resume/ }).count()).toBe(0);

    // The comparison: both runs' curves overlaid, the difference at every step and its largest.
    const compare = page.locator('sbl-compare-view');
    await compare.getByTestId('compare-view').waitFor();
    expect(await compare.locator('sbl-curves-chart').count()).toBe(2);
    expect(await difference().getByTestId('torch-origin').textContent()).toMatch(
      /was trained by PyTorch .+ on cpu \(gloo\), 2 processes on one node\./,
    );
    const max = (await difference().getByTestId('torch-max').textContent()) ?? '';
    const found =
      /Compared with “(.+)” at 20 steps: the largest \|Δ loss\| is (\S+) \(step \d+\), the largest relative difference (\S+) \(step \d+\)\./.exec(
        max,
      );
    expect(found, max).not.toBeNull();
    expect(found![1]).toBe(simName);
    // The exported run reproduces the simulation: the bound the torch-run test holds it to.
    expect(Number(found![3])).toBeLessThan(1e-4);
    expect(Number(found![2])).toBeLessThan(1e-3);
    const chart = difference().locator('sbl-step-diff-chart');
    await expect.poll(() => chart.locator('table tbody tr').count(), { timeout: 20_000 }).toBe(2);
    expect(await difference().getByTestId('torch-evals').locator('tbody tr').count()).toBe(2);
    expect(await difference().getByTestId('torch-steps').locator('tbody tr').count()).toBe(20);

    // A damaged file (processes other than the run's devices) is refused; nothing is added.
    const bad = join(dir, 'bad-metrics.json');
    writeFileSync(
      bad,
      JSON.stringify({ ...JSON.parse(readFileSync(metricsPath, 'utf8')), processes: 3 }),
    );
    await page.getByTestId('import-file').setInputFiles(bad);
    await expect
      .poll(() => importMessage().textContent())
      .toMatch(
        /bad-metrics\.json: This PyTorch metrics file contradicts its own config: processes is 3 but config\.devices is 2/,
      );
    expect(await rows().count()).toBe(2);
    // The same file again is refused as already there.
    await page.getByTestId('import-file').setInputFiles(metricsPath);
    await expect.poll(() => importMessage().textContent()).toMatch(/already in the library/);
    expect(await rows().count()).toBe(2);
    await screenshot(page, 'torch-import-en');
    expect(pageErrors).toEqual([]);
  }, 900_000);

  it('reads in Chinese with no English left, and back in English without a reload', async () => {
    await page.getByTestId('locale-switch').getByRole('button', { name: '中文' }).click();
    await expect
      .poll(() => difference().getByTestId('torch-max').textContent())
      .toMatch(/^与“.+”在 20 步上比较：最大 \|Δ 损失\| 为/);
    const names = (await rows().locator('td:nth-child(2) > span').allTextContents()).map((n) =>
      n.trim(),
    );
    const strip = (text: string) => names.reduce((t, n) => t.split(n).join(' '), text);
    // The chart redraws its words on the page's render clock: polled until it has.
    for (const tag of ['sbl-torch-difference', 'sbl-step-diff-chart', 'sbl-runs-library']) {
      const englishLeft = async () =>
        (await untranslatedTexts(page, undefined, tag))
          .map((t) => ({ ...t, text: strip(t.text) }))
          .filter((t) => englishRuns(t.text).length > 0)
          .map((t) => `${t.where}: ${t.text}`);
      await expect.poll(englishLeft, { timeout: 20_000, message: tag }).toEqual([]);
    }
    const badge = rows().getByTestId('torch-badge');
    expect(await badge.textContent()).toBe('来自 PyTorch · cpu · 2 个进程');
    // The bad file's message in Chinese.
    await page.getByTestId('import-file').setInputFiles(join(dir, 'bad-metrics.json'));
    await expect
      .poll(() => importMessage().textContent())
      .toMatch(
        /这个 PyTorch 指标文件与它自己的配置相矛盾：processes 为 3，但 config\.devices 为 2/,
      );
    // A file of the wrong shape: Zod's own words in Chinese too.
    const shapeless = join(dir, 'shapeless.json');
    writeFileSync(
      shapeless,
      JSON.stringify({
        ...JSON.parse(readFileSync(join(dir, 'bad-metrics.json'), 'utf8')),
        torch: 5,
      }),
    );
    await page.getByTestId('import-file').setInputFiles(shapeless);
    await expect
      .poll(() => importMessage().textContent())
      .toMatch(/^shapeless\.json: 这个 PyTorch 指标文件已损坏或不完整：torch: /);
    const said = ((await importMessage().textContent()) ?? '').replace('shapeless.json', '');
    expect(englishRuns(said), said).toEqual([]);
    expect(await rows().count()).toBe(2);
    await difference().getByTestId('torch-steps').locator('summary').click();
    await screenshot(page, 'torch-import-zh-CN');

    // The live view's trained run and the compare view side by side: their curves' tables are
    // regions named apart (the compare view's name says where it is), so axe finds them clean.
    expect(describeAxeViolations(await axeViolations(page))).toBe('');

    // After a reload, Show on the PyTorch run brings back the pair and its difference.
    await page.reload();
    await libraryReady(page);
    await rows()
      .filter({ has: page.getByTestId('torch-badge') })
      .getByRole('button', { name: /^显示/ })
      .click();
    await expect
      .poll(() => difference().getByTestId('torch-max').textContent(), { timeout: 20_000 })
      .toMatch(/^与“.+”在 20 步上比较/);
    expect(describeAxeViolations(await axeViolations(page))).toBe('');

    await page.getByTestId('locale-switch').getByRole('button', { name: 'English' }).click();
    await expect
      .poll(() => difference().getByTestId('torch-max').textContent())
      .toMatch(/^Compared with “.+” at 20 steps/);
    expect(await badge.textContent()).toBe('from PyTorch · cpu · 2 processes');
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
