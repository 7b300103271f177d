import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page, type Worker } from 'playwright-core';
import { createServer, loadConfigFromFile, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/csp.ts';
import { encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type App, CHROMIUM, openAppPage, screenshot, startApp } from '../../tools/app-harness.ts';
import {
  CSP_REPORT_PATH,
  type CspViolation,
  cspReportCollector,
  describeViolations,
  watchCspConsole,
} from '../../tools/csp-reports.ts';

/*
 * The Content-Security-Policy (src/csp.ts) in real Chromium: served by `vite preview` (header on
 * the page and on every worker script), written into the built page's meta tag, and served by the
 * dev server. The policy is really on (inline script, eval and inline style are blocked and
 * reported, in the page and in workers), and the app still works under it: workers with shared
 * memory and WebAssembly kernels, a named experiment's Vega figure. Any violation the app itself
 * causes fails the suite (the harness's close(), and the dev server's check below).
 */
const ROOT = join(import.meta.dirname, '..', '..');

const shortRun = encodeStudyHash({
  config: {
    seed: 3,
    dataset: { name: 'mnist', train: 400, test: 200, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    devices: 4,
    workers: 2,
    perDeviceBatch: 8,
    bnSync: 'sync',
    steps: 40,
    evalEvery: 20,
  },
  compare: null,
});

/** The policy the harness serves: the app's header plus where to report. */
const servedHeader = contentSecurityPolicy({ delivery: 'header', reportUri: CSP_REPORT_PATH });

/**
 * Runs `code` in the page or a worker on a later task and returns what it gave. Later, because
 * Playwright's own evaluation is DevTools', which the browser lets eval whatever the policy says;
 * a timer's callback is the page's (or worker's) own code, under its policy.
 */
async function runLater(target: Page | Worker, code: 'eval' | 'wasm'): Promise<string> {
  const slot = `__csp_${code}_${Math.random().toString(36).slice(2)}`;
  // Strings, so one call serves a page and a worker (their evaluate() overloads do not unite).
  const evaluate = (expression: string): Promise<unknown> =>
    'mainFrame' in target ? target.evaluate(expression) : target.evaluate(expression);
  const attempt =
    code === 'eval'
      ? `(0, eval)('1 + 1')`
      : // The smallest valid module: the magic number and version 1.
        'new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))';
  await evaluate(`setTimeout(() => {
    try { ${attempt}; globalThis.${slot} = 'ran'; } catch (e) { globalThis.${slot} = e.name; }
  }, 0)`);
  let result: unknown;
  await expect
    .poll(
      async () => {
        result = await evaluate(`globalThis.${slot}`);
        return result;
      },
      { timeout: 10_000 },
    )
    .toBeDefined();
  return String(result);
}

/** Collects violations until each of `wanted` has matched one; returns all collected. */
async function reportsMatching(
  take: () => CspViolation[],
  wanted: readonly ((v: CspViolation) => boolean)[],
): Promise<CspViolation[]> {
  const seen: CspViolation[] = [];
  const allSeen = () => wanted.every((w) => seen.some(w));
  await expect
    .poll(
      () => {
        seen.push(...take());
        // What was collected, so a failure shows it.
        return seen.map((v) => `${v.via} ${v.directive} ${v.blocked} ${v.where} ${v.text}`);
      },
      { timeout: 15_000 },
    )
    .toSatisfy(allSeen);
  return seen;
}

describe('the Content-Security-Policy of the built app (vite preview)', () => {
  let app: App;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    page = await openAppPage(app);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('is served as a header on the page and on every worker script, and in the built page as a meta tag before any script', async () => {
    const response = await page.goto(app.url);
    expect(response?.headers()['content-security-policy']).toBe(servedHeader);
    // Cross-origin isolation is still there beside it.
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

    const html = (await response?.text()) ?? '';
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy({ delivery: 'meta' }));
    expect(meta?.index).toBeLessThan(html.indexOf('<script'));
    // Browsers ignore (and warn about) these in a meta tag; the header carries frame-ancestors.
    expect(meta?.[1]).not.toMatch(/frame-ancestors|report-uri/);
    expect(servedHeader).toMatch(/frame-ancestors 'none'/);
    // What the policy allows, and what it must never.
    expect(servedHeader).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(servedHeader).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*/);

    const workers = readdirSync(join(app.distDir, 'assets')).filter((f) =>
      /^(coordinator|device|experiment)-worker-.*\.js$/.test(f),
    );
    expect(workers.length).toBe(3);
    for (const file of workers) {
      const headers = (await page.request.get(`${app.url}assets/${file}`)).headers();
      expect(headers['content-security-policy'], file).toBe(servedHeader);
    }
  });

  it('blocks and reports an inline script, an inline style and eval in the page', async () => {
    await page.goto(app.url);
    await page.evaluate(() => {
      const w = window as unknown as { cspEvents: string[] };
      w.cspEvents = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspEvents.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true';
      document.head.append(script);
      document.body.setAttribute('style', 'outline: 3px solid red');
    });
    expect(await page.evaluate(() => 'inlineScriptRan' in window)).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).outlineStyle)).toBe('none');
    expect(await runLater(page, 'eval')).toBe('EvalError');
    expect(await runLater(page, 'wasm')).toBe('ran');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { cspEvents: string[] }).cspEvents))
      .toEqual(
        expect.arrayContaining([
          'script-src-elem inline',
          'style-src-attr inline',
          'script-src eval',
        ]),
      );
    const reports = await reportsMatching(
      () => app.takeCspViolations(),
      [
        (v) => v.via === 'report' && v.directive === 'script-src-elem' && v.blocked === 'inline',
        (v) => v.via === 'report' && v.directive === 'style-src-attr' && v.blocked === 'inline',
        (v) => v.via === 'report' && v.directive === 'script-src' && v.blocked === 'eval',
      ],
    );
    // Nothing else was reported: no WebAssembly refused, nothing of the app's own.
    expect(
      reports.filter((v) => v.via === 'report' && v.blocked !== 'inline' && v.blocked !== 'eval'),
    ).toEqual([]);
  });

  it('runs a study on workers with shared memory and WebAssembly kernels; eval is blocked in the workers too', async () => {
    // From another document, so the page loads afresh with the study in its hash.
    await page.goto('about:blank');
    await page.goto(`${app.url}#${shortRun}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 120_000 })
      .toMatch(/done/);
    expect((await page.getByTestId('transport').textContent())?.trim()).toBe('shared-memory');
    // The device workers built and compiled the WebAssembly kernels during the run: refused, that
    // would have been a `wasm-eval` report (the kernels fall back to JS silently).
    expect(describeViolations(app.takeCspViolations())).toBe('');

    const workers = page.workers();
    const device = workers.find((w) => /device-worker/.test(w.url()));
    const coordinator = workers.find((w) => /coordinator-worker/.test(w.url()));
    expect(device, 'a device worker').toBeDefined();
    expect(coordinator, 'the coordinator worker').toBeDefined();
    for (const worker of [device, coordinator] as Worker[]) {
      expect(await runLater(worker, 'wasm'), worker.url()).toBe('ran');
      expect(await runLater(worker, 'eval'), worker.url()).toBe('EvalError');
    }
    // Each worker reported its own refusal under its own policy.
    const reports = await reportsMatching(
      () => app.takeCspViolations(),
      [
        (v) => v.blocked === 'eval' && /device-worker/.test(v.where),
        (v) => v.blocked === 'eval' && /coordinator-worker/.test(v.where),
      ],
    );
    expect(reports.filter((v) => v.blocked !== 'eval')).toEqual([]);
  }, 180_000);

  it('renders a named experiment figure with Vega in its worker (no eval)', async () => {
    await page.goto(app.url);
    await page.getByTestId('experiment-error-surface').click();
    await page.getByTestId('experiment-mode').selectOption('quick');
    await page.getByTestId('experiment-run').click();
    await expect
      .poll(() => page.getByTestId('experiment-result').getAttribute('data-status'), {
        timeout: 90_000,
      })
      .toBe('completed');
    const figure = page.getByTestId('experiment-figure');
    expect(await figure.getAttribute('src')).toMatch(/^blob:/);
    await expect
      .poll(
        () =>
          figure.evaluate(
            (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth,
          ),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    await screenshot(page, 'csp-experiment-figure');
    // Any violation (Vega's Function constructor, an inline style) fails close(); say it here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(describeViolations(app.takeCspViolations())).toBe('');
  }, 150_000);

  it("holds from the built page's meta tag alone (a host that serves dist/ without our headers)", async () => {
    const context = await app.browser.newContext();
    const bare = await context.newPage();
    try {
      await bare.route(app.url, async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['content-security-policy'];
        await route.fulfill({ response, headers });
      });
      const response = await bare.goto(app.url);
      expect(response?.headers()['content-security-policy']).toBeUndefined();
      await bare.getByRole('button', { name: 'Run', exact: true }).waitFor();
      await bare.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineScriptRan = true';
        document.head.append(script);
      });
      expect(await bare.evaluate(() => 'inlineScriptRan' in window)).toBe(false);
      expect(await runLater(bare, 'eval')).toBe('EvalError');
      // Without report-uri the browser only logs them; the harness counts those lines.
      const logged = await reportsMatching(
        () => app.takeCspViolations(),
        [
          (v) => v.via === 'console' && /inline script/i.test(v.text),
          (v) => v.via === 'console' && /eval/i.test(v.text),
        ],
      );
      // No other complaint about the policy (e.g. a directive the meta tag cannot carry).
      expect(logged.filter((v) => !/inline script|eval/i.test(v.text)).map((v) => v.text)).toEqual(
        [],
      );
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('the Content-Security-Policy under the dev server (npm start)', () => {
  const violations: CspViolation[] = [];
  let server: ViteDevServer;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    server = await createServer({
      root: ROOT,
      logLevel: 'warn',
      plugins: [cspReportCollector(violations)],
      // The config's own policy (checked below) plus where to report; port 0: a free one.
      server: {
        port: 0,
        strictPort: false,
        headers: { 'Content-Security-Policy': servedHeader },
      },
    });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('the dev server is not on a port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    watchCspConsole(browser, violations);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('vite.config.ts serves the policy from the dev server and from vite preview', async () => {
    const loaded = await loadConfigFromFile(
      { command: 'serve', mode: 'development' },
      undefined,
      ROOT,
    );
    const header = contentSecurityPolicy({ delivery: 'header' });
    const headers = (h: unknown) => (h ?? {}) as Record<string, string>;
    expect(headers(loaded?.config.server?.headers)['Content-Security-Policy']).toBe(header);
    expect(headers(loaded?.config.preview?.headers)['Content-Security-Policy']).toBe(header);
  });

  it('runs a study and a named experiment with hot reload connected, and nothing is blocked', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    try {
      const response = await page.goto(`${url}#${shortRun}`);
      expect(response?.headers()['content-security-policy']).toBe(servedHeader);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('run-status').textContent(), { timeout: 150_000 })
        .toMatch(/done/);
      // Vite's hot-reload WebSocket got through connect-src 'self'.
      expect(logged.join('\n')).toMatch(/\[vite\] connected/);

      await page.getByTestId('experiment-error-surface').click();
      await page.getByTestId('experiment-mode').selectOption('quick');
      await page.getByTestId('experiment-run').click();
      await expect
        .poll(() => page.getByTestId('experiment-result').getAttribute('data-status'), {
          timeout: 150_000,
        })
        .toBe('completed');
      await expect
        .poll(
          () =>
            page
              .getByTestId('experiment-figure')
              .evaluate((img) => (img as HTMLImageElement).naturalWidth),
          { timeout: 20_000 },
        )
        .toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(describeViolations(violations)).toBe('');
    } finally {
      await context.close();
    }
  }, 360_000);
});
