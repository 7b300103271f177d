import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistBrowser } from '../../src/platform/browser/mnist.ts';
import {
  decodeMnist,
  encodeMnist,
  MNIST_PIXELS,
  mnistPoolSizes,
  mnistPools,
  mnistSplit,
  type RawMnist,
} from '../../src/data/mnist.ts';
import { loadMnistNode } from '../../src/platform/node/mnist.ts';
import { expectSameArray, sameArray } from './same-array.ts';

let dir = '';
let raw: RawMnist;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnist-test-'));
  // A private cache path: the first load decodes the JSON files like a fresh clone does.
  const loaded = await loadMnistNode({ cachePath: join(dir, 'mnist.bin') });
  expect(loaded.source).toBe('json');
  raw = loaded;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sumOf(ds: { x: Float32Array }): number {
  let s = 0;
  for (const v of ds.x) s += v;
  return s;
}

describe('MNIST decode', () => {
  it('has the package’s 10,000 digits with about 1,000 per class', () => {
    expect(raw.count).toBe(10_000);
    expect(raw.images.length).toBe(10_000 * 784);
    const hist = new Array(10).fill(0);
    for (const label of raw.labels) hist[label]++;
    // The package ships 863 (fives) to 1,127 (ones) per digit.
    expect(hist).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('matches JSON.parse + round(v·255) exactly (the fast scanner is faithful)', async () => {
    const require = createRequire(import.meta.url);
    const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const data = (JSON.parse(await readFile(join(digits, '7.json'), 'utf8')) as { data: number[] })
      .data;
    let start = 0;
    while (raw.labels[start] !== 7) start++;
    const images = raw.images.subarray(start * MNIST_PIXELS, start * MNIST_PIXELS + data.length);
    const expected = Uint8Array.from(data, (v) => Math.round(v * 255));
    expectSameArray(images, expected);
    expect(raw.labels[start + data.length / MNIST_PIXELS - 1]).toBe(7);
  });

  it('round-trips through the packed format and reloads it from the cache', async () => {
    const packed = encodeMnist(raw);
    expect(packed.length).toBe(16 + 10_000 + 10_000 * 784);
    const back = decodeMnist(packed);
    expect(back.count).toBe(raw.count);
    expectSameArray(back.labels, raw.labels);
    expectSameArray(back.images, raw.images);
    // The file the loader wrote is the same bytes; a copy of it loads as a cache hit.
    const written = new Uint8Array(await readFile(join(dir, 'mnist.bin')));
    expectSameArray(written, packed);
    await copyFile(join(dir, 'mnist.bin'), join(dir, 'copy.bin'));
    const cached = await loadMnistNode({ cachePath: join(dir, 'copy.bin') });
    expect(cached.source).toBe('cache');
    expectSameArray(cached.images, raw.images);
  });

  it('rejects corrupted or foreign files', () => {
    const packed = encodeMnist(raw);
    const flipped = packed.slice();
    flipped[5000]! ^= 1;
    expect(() => decodeMnist(flipped)).toThrow(/checksum/);
    expect(() => decodeMnist(packed.subarray(0, packed.length - 1))).toThrow(/bytes/);
    expect(() => decodeMnist(new TextEncoder().encode('<!doctype html>'))).toThrow(/magic/);
  });

  it('loads in the browser path through fetch, once per URL', async () => {
    const packed = encodeMnist(raw);
    let calls = 0;
    const fakeFetch = async (): Promise<Response> => {
      calls++;
      return new Response(packed.slice().buffer);
    };
    const a = await loadMnistBrowser('/test/mnist.bin', { fetch: fakeFetch });
    const b = await loadMnistBrowser('/test/mnist.bin', { fetch: fakeFetch });
    expect(b).toBe(a);
    expect(calls).toBe(1);
    expectSameArray(a.labels, raw.labels);
    const missing = async (): Promise<Response> => new Response('nope', { status: 404 });
    await expect(loadMnistBrowser('/test/missing.bin', { fetch: missing })).rejects.toThrow(/404/);
  });
});

describe('MNIST fixed split', () => {
  it('has disjoint, class-stratified 8,000 / 2,000 pools', () => {
    expect(mnistPoolSizes(raw)).toEqual({ train: 8000, test: 2000 });
    const { train, test } = mnistSplit(raw, { train: 8000, test: 2000, downsample: false });
    const hist = (y: Int32Array) => {
      const h = new Array(10).fill(0);
      for (const label of y) h[label]++;
      return h;
    };
    const all = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    // Each class is split 80/20 to within one digit (largest-remainder apportionment).
    hist(test.y).forEach((n, c) => {
      expect(Math.abs(n - all[c]! / 5)).toBeLessThan(1);
    });
    // Disjoint and complete: every digit is in exactly one pool.
    const pools = mnistPools(raw);
    const seen = new Uint8Array(raw.count);
    for (const i of pools.train) seen[i]!++;
    for (const i of pools.test) seen[i]!++;
    expect(seen.every((n) => n === 1)).toBe(true);
    // The datasets are those digits, in pool order.
    expectSameArray(train.x.subarray(0, 784), pixelsOf(pools.train[0]!));
    expectSameArray(test.x.subarray(784 * 1999), pixelsOf(pools.test[1999]!));
  });

  it('takes prefixes of the pools: sizes never move a test digit into train', () => {
    const small = mnistSplit(raw, { train: 100, test: 50, downsample: false });
    const large = mnistSplit(raw, { train: 3000, test: 500, downsample: false });
    expectSameArray(small.train.x, large.train.x.subarray(0, 100 * 784));
    expectSameArray(small.test.x, large.test.x.subarray(0, 50 * 784));
    expect(small.train.sampleShape).toEqual([1, 28, 28]);
    expect(small.train.classes).toBe(10);
    // Prefixes are class-balanced: 100 training digits hold 10 ± 2 of each.
    const h = new Array(10).fill(0);
    for (const label of small.train.y) h[label]++;
    for (const n of h) expect(Math.abs(n - 10)).toBeLessThanOrEqual(2);
  });

  it('scales pixels to [0, 1] and rejects sizes beyond the pools', () => {
    const { train } = mnistSplit(raw, { train: 200, test: 1, downsample: false });
    let max = 0;
    let min = 1;
    for (const v of train.x) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(() => mnistSplit(raw, { train: 8001, test: 10, downsample: false })).toThrow(RangeError);
    expect(() => mnistSplit(raw, { train: 10, test: 2001, downsample: false })).toThrow(RangeError);
  });

  it('a seed picks another training subset but never touches the test set', () => {
    const fixed = mnistSplit(raw, { train: 500, test: 300, downsample: false });
    const seeded = mnistSplit(raw, { train: 500, test: 300, downsample: false, seed: 3 });
    const again = mnistSplit(raw, { train: 500, test: 300, downsample: false, seed: 3 });
    expectSameArray(seeded.test.x, fixed.test.x);
    expect(sameArray(seeded.train.x, fixed.train.x)).toBe(false);
    expectSameArray(again.train.x, seeded.train.x);
    // Still drawn from the training pool: the full pool as a set is the same.
    const pool = mnistSplit(raw, { train: 8000, test: 1, downsample: false });
    const poolSum = sumOf(pool.train);
    const seededPool = mnistSplit(raw, { train: 8000, test: 1, downsample: false, seed: 3 });
    expect(sumOf(seededPool.train)).toBeCloseTo(poolSum, 0);
  });

  it('downsamples by 2×2 averaging to [1, 14, 14]', () => {
    const full = mnistSplit(raw, { train: 20, test: 5, downsample: false });
    const half = mnistSplit(raw, { train: 20, test: 5, downsample: true });
    expect(half.train.sampleShape).toEqual([1, 14, 14]);
    expect(half.train.x.length).toBe(20 * 196);
    expectSameArray(half.train.y, full.train.y);
    for (let i = 0; i < 20; i++) {
      for (let r = 0; r < 14; r++) {
        for (let c = 0; c < 14; c++) {
          const at = i * 784 + 2 * r * 28 + 2 * c;
          const f = full.train.x;
          const mean = (f[at]! + f[at + 1]! + f[at + 28]! + f[at + 29]!) / 4;
          // Both sides are float32 roundings of the same quotient: within 1e-7 of each other.
          expect(Math.abs(half.train.x[i * 196 + r * 14 + c]! - mean)).toBeLessThan(1e-7);
        }
      }
    }
  });
});

function pixelsOf(digit: number): Float32Array {
  return Float32Array.from(raw.images.subarray(digit * 784, (digit + 1) * 784), (v) => v / 255);
}
