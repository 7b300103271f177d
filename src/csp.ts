/**
 * The app's Content-Security-Policy, in one place: `vite.config.ts` serves it as a header from the
 * dev server (`npm start`) and `vite preview`, and writes it into the built page's meta tag; the
 * end-to-end tests serve it too and fail on any violation it reports.
 *
 * Only the page's own origin; no inline script, no eval. What each source below is for:
 * - 'wasm-unsafe-eval': the numeric kernels are a WebAssembly module built at run time
 *   (src/core/kernels), compiled in every device worker. It allows compiling WebAssembly only,
 *   not `eval` or `new Function`.
 * - worker-src 'self': the coordinator, device and experiment workers are module scripts of this
 *   origin (no blob: workers).
 * - img-src blob:: experiment figures are PNG blobs drawn in a worker, shown through object URLs.
 * - connect-src 'self': the digits (mnist.bin.gz) are fetched from this origin. It also covers the dev
 *   server's hot-reload WebSocket (CSP Level 3 lets 'self' match ws: on the same host and port).
 * - style-src 'self' and no 'unsafe-inline': the page's stylesheet is a file, Lit's component
 *   styles are constructed stylesheets and styles set from script go through the CSSOM
 *   (`element.style`, src/ui/css-props.ts), none of which the policy restricts. A `style="…"`
 *   attribute would be blocked (Lit's styleMap writes one on its first render): use cssProps() or
 *   a class.
 * - 'report-sample': a violation's report quotes the start of what was blocked.
 */
const DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'", "'report-sample'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'"],
  'img-src': ["'self'", 'blob:'],
  'style-src': ["'self'", "'report-sample'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  // Browsers ignore (and warn about) this one in a meta tag: only the served header carries it.
  'frame-ancestors': ["'none'"],
};

/** Directives that only count in a response header (a meta tag's copy is ignored with a warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

export interface PolicyOptions {
  /** `header` (dev server, preview) or `meta` (the built page's tag, without header-only directives). */
  readonly delivery: 'header' | 'meta';
  /** Where the browser POSTs violation reports (header only); the end-to-end tests collect them. */
  readonly reportUri?: string;
}

/** The policy as the value of a Content-Security-Policy header or meta tag. */
export function contentSecurityPolicy(options: PolicyOptions): string {
  const directives = Object.entries(DIRECTIVES).filter(
    ([name]) => options.delivery === 'header' || !HEADER_ONLY.has(name),
  );
  if (options.reportUri !== undefined && options.delivery === 'header') {
    directives.push(['report-uri', [options.reportUri]]);
  }
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}
