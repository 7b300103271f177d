/**
 * Decode the `mnist` package's JSON digits once into the packed binary (src/data/mnist-format.ts):
 * .cache/mnist.bin for Node, and public/mnist.bin.gz for the browser (Vite serves public/ as-is;
 * the browser's worker inflates it, so a first visit downloads 1.6 MB instead of 7.85 MB).
 * Deterministic: the same digits on every machine. Files already holding them are left untouched.
 *
 *   npx tsx scripts/pack-mnist.ts [--out <path> …] [--check]
 *
 * --out replaces the default outputs (a path ending in .gz is written gzipped); --check writes
 * nothing and exits 1 if an output is stale.
 */
import { readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMnist } from '../src/data/mnist-format.ts';
import {
  decodeMnistPackage,
  gunzipOrNull,
  gzipMnist,
  MNIST_CACHE_PATH,
  MNIST_PUBLIC_GZ_PATH,
  writeFileAtomic,
} from '../src/platform/node/mnist.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
/** The uncompressed copy the browser fetched before it read the gzip one. */
const LEGACY_PUBLIC_BIN = join(root, 'public', 'mnist.bin');
const args = process.argv.slice(2);
const check = args.includes('--check');
const outs: string[] = [];
for (let i = 0; i < args.length; i++) {
  const next = args[i + 1];
  if (args[i] === '--out' && next) {
    outs.push(next);
    i++;
  } else if (args[i] !== '--check') {
    console.error(`pack-mnist: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
const defaults = outs.length === 0;
if (defaults) outs.push(MNIST_CACHE_PATH, MNIST_PUBLIC_GZ_PATH);

const started = performance.now();
const raw = await decodeMnistPackage();
const packed = encodeMnist(raw);
const decodedMs = performance.now() - started;
const checksum = new DataView(packed.buffer, packed.byteOffset).getUint32(12, true);
console.log(
  `pack-mnist: ${raw.count} digits, ${packed.length} bytes, checksum ${checksum.toString(16).padStart(8, '0')}, decoded in ${decodedMs.toFixed(0)} ms`,
);

const gzipped = (path: string): boolean => path.endsWith('.gz');

/** The file already holds these digits (a gzip one compared by what it inflates to). */
async function upToDate(path: string): Promise<boolean> {
  const existing = await readFile(path).catch(() => null);
  if (!existing) return false;
  const bytes = gzipped(path) ? gunzipOrNull(existing) : existing;
  return bytes !== null && Buffer.compare(bytes, packed) === 0;
}

let stale = 0;
for (const out of outs) {
  const name = relative(process.cwd(), out) || out;
  if (await upToDate(out)) {
    console.log(`  ${name}: up to date`);
    continue;
  }
  stale++;
  if (check) {
    console.log(`  ${name}: stale`);
    continue;
  }
  const bytes = gzipped(out) ? gzipMnist(packed) : packed;
  await writeFileAtomic(out, bytes);
  console.log(`  ${name}: written (${bytes.length} bytes)`);
}
// Left in public/, Vite would still copy the old 7.85 MB file into every build.
if (
  defaults &&
  (await readFile(LEGACY_PUBLIC_BIN).then(
    () => true,
    () => false,
  ))
) {
  const name = relative(process.cwd(), LEGACY_PUBLIC_BIN);
  if (check) {
    stale++;
    console.log(`  ${name}: left over (the browser reads mnist.bin.gz)`);
  } else {
    await rm(LEGACY_PUBLIC_BIN, { force: true });
    console.log(`  ${name}: removed (the browser reads mnist.bin.gz)`);
  }
}
if (check && stale > 0) process.exit(1);
