import type { IncomingMessage } from 'node:http';
import type { Browser, ConsoleMessage } from 'playwright-core';
import type { Connect, Plugin } from 'vite';

/** Where the served policy (with `report-uri`) sends violation reports during the E2E tests. */
export const CSP_REPORT_PATH = '/__csp-report';

/** One Content-Security-Policy violation, as the browser reported it or logged it. */
export interface CspViolation {
  /** `report` (POSTed to report-uri by a page or a worker) or `console` (a message the browser logged). */
  readonly via: 'report' | 'console';
  /** The directive that blocked something (`script-src-elem`, `style-src-attr`, …); '' for console. */
  readonly directive: string;
  /** What was blocked: a URL, `inline`, `eval`, `wasm-eval`…; '' for console. */
  readonly blocked: string;
  /** The document or worker script it happened in. */
  readonly where: string;
  /** The browser's own words (the console message, or the report's JSON). */
  readonly text: string;
}

/** A readable line per violation, for a failing test's message. */
export function describeViolations(violations: readonly CspViolation[]): string {
  return violations
    .map((v) =>
      v.via === 'report'
        ? `${v.directive} blocked ${v.blocked} in ${v.where}`
        : `${v.where}: ${v.text}`,
    )
    .join('\n');
}

/**
 * A plugin for `vite preview` or the dev server that receives the browser's violation reports
 * (`report-uri`, sent by the page and by every worker, whose policy comes from its own script's
 * response) into `into`.
 */
export function cspReportCollector(into: CspViolation[]): Plugin {
  const collect: Connect.NextHandleFunction = (req, res) => {
    void readBody(req).then((body) => {
      into.push(...parseReports(body));
      res.statusCode = 204;
      res.end();
    });
  };
  return {
    name: 'syncbn-lab:csp-report-collector',
    configureServer: (server) => void server.middlewares.use(CSP_REPORT_PATH, collect),
    configurePreviewServer: (server) => void server.middlewares.use(CSP_REPORT_PATH, collect),
  };
}

/** Also count the browser's console lines about the policy, from pages and their workers. */
export function watchCspConsole(browser: Browser, into: CspViolation[]): void {
  const watch = (where: () => string) => (message: ConsoleMessage) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) {
      into.push({
        via: 'console',
        directive: '',
        blocked: '',
        where: where(),
        text: message.text(),
      });
    }
  };
  browser.on('context', (context) => {
    context.on('page', (page) => {
      page.on(
        'console',
        watch(() => page.url()),
      );
      page.on('worker', (worker) =>
        worker.on(
          'console',
          watch(() => worker.url()),
        ),
      );
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A `report-uri` body: `{"csp-report": {...}}` (Chromium sends one report a request). */
function parseReports(body: string): CspViolation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [{ via: 'report', directive: '?', blocked: '?', where: '?', text: body }];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((entry) => {
    const r = ((entry as Record<string, unknown>)['csp-report'] ?? entry) as Record<
      string,
      unknown
    >;
    return {
      via: 'report',
      directive: String(r['effective-directive'] ?? r['violated-directive'] ?? '?'),
      blocked: String(r['blocked-uri'] ?? '?'),
      where: String(r['source-file'] ?? r['document-uri'] ?? '?'),
      text: JSON.stringify(r),
    };
  });
}
