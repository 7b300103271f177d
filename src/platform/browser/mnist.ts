import { errorMessage } from '../../core/error-message.ts';
import { decodeMnist, type RawMnist } from '../../data/mnist-format.ts';

/**
 * Fetch the packed MNIST file (generated into public/ by the pack script) lazily, once per URL,
 * and decode it; works in a page or a Web Worker (the app calls it in its workers). The file
 * travels gzipped (1.6 MB instead of 7.85 MB) and is inflated here with the platform's
 * DecompressionStream: no inflater in the bundle, nothing the Content-Security-Policy forbids.
 * (Vite's dev server and `vite preview` label *.gz files Content-Encoding: gzip, so there the
 * browser inflates it on the way in; a plain static host sends the gzip bytes as they are.)
 * A failed load is forgotten so a later call can retry.
 */
export interface MnistFetchOptions {
  /** For tests or custom transports; default: the global fetch. */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
}

/** The file's name under the app's base URL (scripts/pack-mnist.ts writes it into public/). */
export const MNIST_FILE = 'mnist.bin.gz';

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
  try {
    return decodeMnist(await inflateIfGzip(new Uint8Array(await response.arrayBuffer())));
  } catch (err) {
    // A dev server falls back to index.html for a missing file, which fails the magic check.
    const reason = errorMessage(err);
    throw new Error(`MNIST: ${url} is not a packed MNIST file (${reason})`);
  }
}

/**
 * Inflate gzip bytes; anything else is returned as it is: the uncompressed packed file, or the
 * gzip file already inflated by the browser because a server sent it with Content-Encoding: gzip.
 */
export async function inflateIfGzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this browser cannot inflate gzip (no DecompressionStream); use a current one');
  }
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(inflated).arrayBuffer());
  } catch (err) {
    throw new Error(`its gzip data is corrupt (${errorMessage(err)})`);
  }
}
