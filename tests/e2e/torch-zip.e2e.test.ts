import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { runExportTorch } from '../../src/cli/export-torch-cli.ts';
import { decodeNpz, type NpyArray } from '../../src/export/npz.ts';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import {
  type App,
  ARTIFACTS,
  libraryReady,
  openAppPage,
  screenshot,
  startApp,
} from '../../tools/app-harness.ts';
import { axeViolations, describeAxeViolations } from '../../tools/axe.ts';
import { englishRuns, untranslatedTexts } from '../../tools/untranslated.ts';

/*
 * Issue #13, the app's download in real Chromium: a finished run's "Download .zip" (live view)
 * and "PyTorch .zip" (its library row) download the bundle `npm run export:torch` writes for the
 * run's config, zipped in one folder (built in a worker: MNIST digits, initial model, every
 * step's batch); the files equal the CLI's (text byte for byte, .npz arrays exactly). A ghost-BN
 * run (a norm PyTorch has no module for: the bundle carries its own) downloads too. In Chinese the
 * button and the messages have no English left; axe finds no violation.
 */

let app: App;
let page: Page;
const pageErrors: string[] = [];
let dir: string;

const config = (norm: string) => ({
  seed: 7,
  dataset: { name: 'mnist', train: 300, test: 100, downsample: true },
  model: { preset: 'mlp', hidden: [16], norm },
  devices: 2,
  perDeviceBatch: 8,
  bnSync: 'sync',
  steps: 20,
  evalEvery: 10,
});

const rows = () => page.getByTestId('run-row');
const liveView = () => page.locator('sbl-live-view');

async function train(norm: string, lang = 'en'): Promise<void> {
  const hash = encodeStudyHash({ config: config(norm), compare: null });
  await page.goto(`${app.url}?lang=${lang}#${hash}`);
  await page.reload();
  await libraryReady(page);
  const before = await rows().count();
  await page.getByTestId('run-button').click();
  await expect.poll(() => rows().count(), { timeout: 120_000 }).toBe(before + 1);
  await expect
    .poll(
      () =>
        rows()
          .getByTestId('run-status-cell')
          .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status'))),
      { timeout: 120_000 },
    )
    .toEqual(Array.from({ length: before + 1 }, () => 'completed'));
}

/** Click `button`, wait for the download and save it under the artifacts; its bytes. */
async function download(click: () => Promise<void>, name: string): Promise<Uint8Array> {
  const file = page.waitForEvent('download', { timeout: 120_000 });
  await click();
  const d = await file;
  const path = join(ARTIFACTS, name);
  await d.saveAs(path);
  expect(d.suggestedFilename()).toMatch(/-pytorch\.zip$/);
  return new Uint8Array(readFileSync(path));
}

function unzipBundle(zip: Uint8Array): { folder: string; files: Map<string, Uint8Array> } {
  const entries = Object.entries(unzipSync(zip));
  const folder = entries[0]![0].split('/')[0]!;
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of entries) {
    expect(path.startsWith(`${folder}/`), path).toBe(true);
    files.set(path.slice(folder.length + 1), bytes);
  }
  return { folder, files };
}

const bytesOf = (a: NpyArray) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
const npz = (b: Uint8Array) => decodeNpz(b, (x) => inflateRawSync(x));
const quiet: CliIo = { stdout: async () => {}, stderr: () => {}, stderrIsTTY: false };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'torch-zip-e2e-'));
  app = await startApp();
  page = await openAppPage(app, { onPageError: (m) => pageErrors.push(m) });
}, 180_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await app?.close();
});

describe('Download for PyTorch (.zip)', () => {
  it('downloads the CLI’s bundle for a finished run, from the live view and from the library', async () => {
    await train('batch');
    const fromLive = await download(
      () => liveView().getByTestId('torch-download').click(),
      'torch-live.zip',
    );
    await expect
      .poll(() => liveView().getByTestId('torch-note').getAttribute('data-kind'))
      .toBe('ok');
    expect(await liveView().getByTestId('torch-note').textContent()).toMatch(
      /torchrun --nproc_per_node=2 train\.py --out metrics\.json/,
    );
    const { folder, files } = unzipBundle(fromLive);
    expect(folder).toMatch(/-pytorch$/);
    expect([...files.keys()].sort()).toEqual([
      'README.md',
      'data.npz',
      'init.npz',
      'plan.npz',
      'train.py',
    ]);

    // The CLI, given the run exported from the library (the same config the app trained).
    const exportFile = page.waitForEvent('download');
    await rows()
      .first()
      .getByRole('button', { name: /^Export/ })
      .click();
    const exported = join(dir, 'run.syncbn-run.json');
    await (await exportFile).saveAs(exported);
    const out = join(dir, 'bundle');
    expect(await runExportTorch([exported, '--out', out], quiet)).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...files.keys()].sort());
    for (const name of ['train.py', 'README.md']) {
      expect(Buffer.from(files.get(name)!).equals(readFileSync(join(out, name))), name).toBe(true);
    }
    for (const name of ['init.npz', 'data.npz', 'plan.npz']) {
      const zipped = npz(files.get(name)!);
      const cli = npz(new Uint8Array(readFileSync(join(out, name))));
      expect([...zipped.keys()], name).toEqual([...cli.keys()]);
      for (const [key, array] of zipped) {
        const other = cli.get(key)!;
        expect([array.dtype, array.shape], `${name}:${key}`).toEqual([other.dtype, other.shape]);
        expect(bytesOf(array).equals(bytesOf(other)), `${name}:${key}`).toBe(true);
      }
    }
    // data.npz holds the MNIST digits the run used (300 training samples of 14×14).
    expect(npz(files.get('data.npz')!).get('x_train')!.shape).toEqual([300, 1, 14, 14]);

    // The library row's button downloads the same bytes.
    const fromLibrary = await download(
      () => rows().first().getByTestId('torch-download').click(),
      'torch-library.zip',
    );
    expect(Buffer.from(fromLibrary).equals(Buffer.from(fromLive))).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('downloads a ghost-BN run (its own module in train.py); in Chinese with no English left', async () => {
    await train('ghost', 'zh-CN');
    const note = page.locator('sbl-runs-library').getByTestId('torch-note');
    const zip = await download(
      () => rows().first().getByTestId('torch-download').click(),
      'torch-ghost.zip',
    );
    await expect.poll(() => note.getAttribute('data-kind')).toBe('ok');
    const trainPy = new TextDecoder().decode(unzipBundle(zip).files.get('train.py')!);
    expect(trainPy).toMatch(/^class GhostBatchNorm\(/m);
    const chinese = (await note.textContent()) ?? '';
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(chinese).toMatch(/torchrun --nproc_per_node=2 train\.py/);

    // No English left in the library's and the live view's new parts (run names and labels are
    // the user's data, kept as saved: they are taken out of each text before it is checked).
    const names = [
      ...(await rows().locator('td:nth-child(2) > span').allTextContents()),
      ...(await liveView().locator('[data-testid="live-results"] tbody th').allTextContents()),
    ].map((n) => n.trim());
    for (const tag of ['sbl-runs-library', 'sbl-live-view']) {
      const left = (await untranslatedTexts(page, undefined, tag))
        .map((t) => ({ ...t, text: names.reduce((text, n) => text.split(n).join(' '), t.text) }))
        .filter((t) => englishRuns(t.text).length > 0);
      expect(
        left.map((t) => `${t.where}: ${t.text}`),
        tag,
      ).toEqual([]);
    }
    expect(await liveView().getByTestId('torch-download').textContent()).toMatch(/下载/);
    await screenshot(page, 'torch-zip-zh-CN');
    expect(describeAxeViolations(await axeViolations(page))).toBe('');

    // Back to English without a reload: the message follows.
    await page.getByTestId('locale-switch').getByRole('button', { name: 'English' }).click();
    await expect.poll(() => note.textContent()).toMatch(/^Downloaded .+-pytorch\.zip\. Unzip it/);
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
