/**
 * Node-only MNIST loading (file system). Reads the packed cache if it is present and valid, else
 * decodes the `mnist` package's JSON digit files and writes the cache, so a fresh clone works
 * without running the pack script first.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMnist, encodeMnist, type RawMnist } from '../../data/mnist-format.ts';
import { mnistFromDigitJson } from '../../data/mnist-json.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The gitignored cache the Node loader reads and writes. */
export const MNIST_CACHE_PATH = join(PROJECT_ROOT, '.cache', 'mnist.bin');

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
