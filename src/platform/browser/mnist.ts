import { errorMessage } from '../../core/error-message.ts';
import { decodeMnist, type RawMnist } from '../../data/mnist-format.ts';

/**
 * Fetch the packed MNIST file (generated into public/ by the pack script) lazily, once per URL;
 * works in a page or a Web Worker. A failed load is forgotten so a later call can retry.
 */
export interface MnistFetchOptions {
  /** For tests or custom transports; default: the global fetch. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
}

const loaded = new Map<string, Promise<RawMnist>>();

export function loadMnistBrowser(url: string, opts: MnistFetchOptions = {}): Promise<RawMnist> {
  let pending = loaded.get(url);
  if (!pending) {
    pending = fetchMnist(url, opts);
    loaded.set(url, pending);
    pending.catch(() => loaded.delete(url));
  }
  return pending;
}

async function fetchMnist(url: string, opts: MnistFetchOptions): Promise<RawMnist> {
  const doFetch = opts.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
  const response = await doFetch(url, opts.signal ? { signal: opts.signal } : undefined);
  if (!response.ok) {
    throw new Error(
      `MNIST: ${url} answered ${response.status}; generate it with \`npx tsx scripts/pack-mnist.ts\``,
    );
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  try {
    return decodeMnist(bytes);
  } catch (err) {
    // A dev server falls back to index.html for a missing file, which fails the magic check.
    const reason = errorMessage(err);
    throw new Error(`MNIST: ${url} is not a packed MNIST file (${reason})`);
  }
}
