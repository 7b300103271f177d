import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { encodeMnist } from '../../src/data/mnist-format.ts';
import { loadMnistNode, writeFileAtomic } from '../../src/data/mnist-node.ts';

/** Debian's chromium; CI installs it (.ci/run). Never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface App {
  readonly url: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * Build the app as users get it, serve it with `vite preview` (COOP/COEP headers, so the page is
 * cross-origin isolated) on a free loopback port, and start Chromium.
 */
export async function startApp(): Promise<App> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `end-to-end tests need Debian's chromium at ${CHROMIUM}: run "apt-get update && apt-get install -y chromium" (CI's .ci/run does this), or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // What `npm run build`'s prebuild step does: the digits the browser fetches lazily.
  const mnistBin = join(ROOT, 'public', 'mnist.bin');
  if (!existsSync(mnistBin)) await writeFileAtomic(mnistBin, encodeMnist(await loadMnistNode()));
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: join(ROOT, 'dist') } });
  const server: PreviewServer = await preview({
    root: ROOT,
    logLevel: 'warn',
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A full-page screenshot with every section drawn: the app skips rendering sections that are off
 * screen (content-visibility: auto), so the viewport grows to the page's height first.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport) await page.setViewportSize({ width: viewport.width, height });
  await page.evaluate(
    () =>
      new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}
