import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { contentSecurityPolicy } from '../src/csp.ts';
import { encodeMnist } from '../src/data/mnist-format.ts';
import {
  gzipMnist,
  loadMnistNode,
  MNIST_PUBLIC_GZ_PATH,
  writeFileAtomic,
} from '../src/platform/node/mnist.ts';
import {
  CSP_REPORT_PATH,
  type CspViolation,
  cspReportCollector,
  describeViolations,
  watchCspConsole,
} from './csp-reports.ts';

export type { CspViolation } from './csp-reports.ts';

/** Debian's chromium; CI installs it (.ci/run). Never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..');
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
  /** The build this app serves (its own folder: E2E files run in parallel, each with its build). */
  readonly distDir: string;
  /**
   * Content-Security-Policy violations so far, reported by pages and workers (report-uri) or logged
   * by the browser, and removes them from the list: for a test that provokes one on purpose.
   * Whatever is left when the app closes fails close().
   */
  takeCspViolations(): CspViolation[];
  /** Closes Chromium and the server; throws if any CSP violation was reported and not taken. */
  close(): Promise<void>;
}

/** Builds started by this process, for their folders' names. */
let builds = 0;

/** Time for a violation report the browser has just queued to reach the server. */
const REPORT_GRACE_MS = 500;

/**
 * Build the app as users get it, serve it with `vite preview` (COOP/COEP headers, so the page is
 * cross-origin isolated, and the Content-Security-Policy) on a free loopback port, and start
 * Chromium. The policy is served with a report-uri, so every violation, in the page or in a
 * worker, is collected; close() fails if there was any.
 */
export async function startApp(): Promise<App> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `end-to-end tests need Debian's chromium at ${CHROMIUM}: run "apt-get update && apt-get install -y chromium" (CI's .ci/run does this), or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // What `npm run build`'s prebuild step does: the digits the browser fetches lazily, gzipped.
  if (!existsSync(MNIST_PUBLIC_GZ_PATH)) {
    await writeFileAtomic(MNIST_PUBLIC_GZ_PATH, gzipMnist(encodeMnist(await loadMnistNode())));
  }
  // A folder of its own: vitest runs E2E files in parallel, and a build empties its folder first,
  // which would pull the files from under another file's server.
  const distDir = join(ARTIFACTS, `dist-${process.pid}-${++builds}`);
  await buildForProduction(distDir);
  const violations: CspViolation[] = [];
  const server: PreviewServer = await preview({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: distDir },
    plugins: [cspReportCollector(violations)],
    preview: {
      port: 0,
      host: '127.0.0.1',
      strictPort: false,
      // The app's own policy (vite.config.ts serves it), plus where to report violations.
      headers: {
        'Content-Security-Policy': contentSecurityPolicy({
          delivery: 'header',
          reportUri: CSP_REPORT_PATH,
        }),
      },
    },
  });
  const address = server.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  watchCspConsole(browser, violations);
  return {
    url,
    browser,
    distDir,
    takeCspViolations: () => violations.splice(0),
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, REPORT_GRACE_MS));
      await browser.close();
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
      if (violations.length > 0) {
        throw new Error(
          `Content-Security-Policy violations while the app ran (fix them at their cause, or loosen src/csp.ts with a reason):\n${describeViolations(violations)}`,
        );
      }
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

/**
 * A page of the app in a fresh browser context (one profile: the library persists across its
 * reloads) at a desktop size. Page errors go to `onPageError` (default: the test's stderr).
 */
export async function openAppPage(
  app: App,
  options: {
    readonly width?: number;
    readonly height?: number;
    readonly onPageError?: (message: string) => void;
  } = {},
): Promise<Page> {
  const context = await app.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
  });
  const page = await context.newPage();
  const report = options.onPageError ?? ((m: string) => console.error('page error:', m));
  page.on('pageerror', (e) => report(e.message));
  return page;
}

/**
 * Wait until the run library has read IndexedDB (its element says data-state="ready"): rows
 * counted before that would be none.
 */
export async function libraryReady(page: Page, timeout = 20_000): Promise<void> {
  await page.locator('[data-testid="library"][data-state="ready"]').waitFor({ timeout });
}

/**
 * Wait until `count` runs in training show a checkpoint saved in the library (their row's "steps
 * done / steps" past 0). E2E tests that reload mid-run wait for this: a reload before a run's
 * first save leaves it interrupted at step 0, and under load the saves lag the training (the
 * progress bar) by more than a hundred steps.
 */
export async function checkpointsSaved(page: Page, count = 1, timeout = 60_000): Promise<void> {
  const saved = () =>
    page.getByTestId('run-row').evaluateAll(
      (trs) =>
        trs.filter((tr) => {
          // data-status: the status's own word, whatever language the page shows.
          const status =
            tr.querySelector('[data-testid="run-status-cell"]')?.getAttribute('data-status') ?? '';
          const steps = tr.querySelector('td.num')?.textContent ?? '';
          return status === 'training' && Number(/^\s*(\d+)\s*\//.exec(steps)?.[1] ?? 0) > 0;
        }).length,
    );
  // A loop of its own, not vitest's expect.poll: the benchmarks share this file.
  const deadline = Date.now() + timeout;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await saved();
    if (seen >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `${count} run(s) in training with a checkpoint saved expected, ${seen} after ${timeout} ms`,
  );
}

/**
 * The app built as `npm run build` builds it. Vitest sets NODE_ENV to "test", and Vite then
 * resolves packages' "development" exports (Lit's dev mode: larger, slower, and warning in the
 * console), so the E2E tests would measure and drive another bundle than users get.
 */
async function buildForProduction(outDir: string): Promise<void> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}
