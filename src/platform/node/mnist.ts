/**
 * Node-only MNIST loading (file system). Reads the packed cache if it is present and valid, else
 * decodes the `mnist` package's JSON digit files and writes the cache, so a fresh clone works
 * without running the pack script first. Also the gzip copy the browser fetches.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMnist, encodeMnist, type RawMnist } from '../../data/mnist-format.ts';
import { mnistFromDigitJson } from '../../data/mnist-json.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The gitignored cache the Node loader reads and writes. */
export const MNIST_CACHE_PATH = join(PROJECT_ROOT, '.cache', 'mnist.bin');

/**
 * The browser's copy, gzipped (1.59 MB instead of 7.85 MB); its worker inflates it
 * (src/platform/browser/mnist.ts). Vite serves public/ as-is. Gitignored.
 */
export const MNIST_PUBLIC_GZ_PATH = join(PROJECT_ROOT, 'public', 'mnist.bin.gz');

/** The gzip header's OS byte (RFC 1952): 255 = unknown. */
const GZIP_OS_UNKNOWN = 0xff;

/**
 * Gzip a packed file the same way on every machine: level 9, no file name, modification time 0
 * (zlib's defaults), and the header's OS byte set to "unknown" (zlib writes the OS it was built
 * for). The deflate stream itself can differ between zlib versions; what it inflates to never does.
 */
export function gzipMnist(packed: Uint8Array): Uint8Array {
  const gz = new Uint8Array(gzipSync(packed, { level: constants.Z_BEST_COMPRESSION }));
  gz[9] = GZIP_OS_UNKNOWN; // not covered by any checksum (zlib sets no header CRC)
  return gz;
}

/** Inflate a gzip file; null if it is not valid gzip. */
export function gunzipOrNull(gz: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(gunzipSync(gz));
  } catch {
    return null;
  }
}

export interface MnistNodeOptions {
  /** Default: MNIST_CACHE_PATH. */
  cachePath?: string;
  /** Write the cache after decoding the JSON files (default true). */
  writeCache?: boolean;
}

export interface LoadedMnist extends RawMnist {
  source: 'cache' | 'json';
}

const loaded = new Map<string, Promise<LoadedMnist>>();

/** Load once per process and cache path; concurrent callers share the same promise. */
export function loadMnistNode(opts: MnistNodeOptions = {}): Promise<LoadedMnist> {
  const cachePath = opts.cachePath ?? MNIST_CACHE_PATH;
  let pending = loaded.get(cachePath);
  if (!pending) {
    pending = load(cachePath, opts.writeCache ?? true);
    loaded.set(cachePath, pending);
    pending.catch(() => loaded.delete(cachePath));
  }
  return pending;
}

async function load(cachePath: string, writeCache: boolean): Promise<LoadedMnist> {
  const cached = await readPacked(cachePath);
  if (cached) return { ...cached, source: 'cache' };
  const raw = await decodeMnistPackage();
  if (writeCache) await writeFileAtomic(cachePath, encodeMnist(raw));
  return { ...raw, source: 'json' };
}

async function readPacked(path: string): Promise<RawMnist | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
  try {
    return decodeMnist(bytes);
  } catch {
    return null; // stale or corrupt: rebuild from the JSON files
  }
}

/** The `mnist` package's digits/<d>.json files, decoded. */
export async function decodeMnistPackage(): Promise<RawMnist> {
  const require = createRequire(import.meta.url);
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const texts = await Promise.all(
    Array.from({ length: 10 }, (_, d) => readFile(join(digitsDir, `${d}.json`), 'utf8')),
  );
  return mnistFromDigitJson(texts);
}

/** Write via a temporary file and rename, so parallel test workers never read a half-written file. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
