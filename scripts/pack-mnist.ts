/**
 * Decode the `mnist` package's JSON digits once into the packed binary (src/data/mnist-format.ts):
 * .cache/mnist.bin for Node and public/mnist.bin for the browser (Vite serves public/ as-is).
 * Deterministic: the same bytes on every machine. Files already identical are left untouched.
 *
 *   npx tsx scripts/pack-mnist.ts [--out <path> …] [--check]
 *
 * --out replaces the default outputs; --check writes nothing and exits 1 if an output is stale.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMnist } from '../src/data/mnist-format.ts';
import {
  decodeMnistPackage,
  MNIST_CACHE_PATH,
  writeFileAtomic,
} from '../src/platform/node/mnist.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
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
if (outs.length === 0) outs.push(MNIST_CACHE_PATH, join(root, 'public', 'mnist.bin'));

const started = performance.now();
const raw = await decodeMnistPackage();
const packed = encodeMnist(raw);
const decodedMs = performance.now() - started;
const checksum = new DataView(packed.buffer, packed.byteOffset).getUint32(12, true);
console.log(
  `pack-mnist: ${raw.count} digits, ${packed.length} bytes, checksum ${checksum.toString(16).padStart(8, '0')}, decoded in ${decodedMs.toFixed(0)} ms`,
);

let stale = 0;
for (const out of outs) {
  const name = relative(process.cwd(), out) || out;
  const existing = await readFile(out).catch(() => null);
  if (existing && Buffer.compare(existing, packed) === 0) {
    console.log(`  ${name}: up to date`);
    continue;
  }
  stale++;
  if (check) {
    console.log(`  ${name}: stale`);
    continue;
  }
  await writeFileAtomic(out, packed);
  console.log(`  ${name}: written`);
}
if (check && stale > 0) process.exit(1);
