import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicy } from './src/csp.ts';

const headers = {
  // Cross-origin isolation lets the device workers share memory (SharedArrayBuffer + Atomics).
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // On every response, so the workers' scripts carry the policy too (a worker takes its policy
  // from its own script's response, not from the page).
  'Content-Security-Policy': contentSecurityPolicy({ delivery: 'header' }),
};

/**
 * The built page carries the policy in a meta tag too, for hosts that serve dist/ without our
 * headers. It applies to the document only (workers take theirs from their response headers) and
 * sits right after <meta charset>, before any script.
 */
function cspMetaTag(): Plugin {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy({ delivery: 'meta' }).replaceAll('"', '&quot;')}" />`;
  return {
    name: 'syncbn-lab:csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      const charset = /<meta charset="[^"]*" \/>/i.exec(html);
      if (!charset)
        throw new Error('index.html needs <meta charset="UTF-8" /> for the CSP meta tag to follow');
      const at = charset.index + charset[0].length;
      return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`;
    },
  };
}

export default defineConfig({
  plugins: [cspMetaTag()],
  server: { headers, host: '127.0.0.1', port: 5173 },
  preview: { headers, host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  // The dev server pre-bundles dependencies it finds from index.html; the experiment worker's
  // (Vega) it would only find when a named experiment first starts, and re-bundling then reloads
  // the page, which loses the experiment. Named here, they are bundled when the server starts.
  optimizeDeps: { include: ['vega', 'vega-lite', 'vega-interpreter'] },
  build: { target: 'es2022', sourcemap: true },
});
