import { Rng } from '../core/rng.ts';
import type { Dataset, SplitDataset } from './dataset.ts';
import { MNIST_COLS, MNIST_PIXELS, MNIST_ROWS, type RawMnist } from './mnist-format.ts';

/**
 * The fixed MNIST split. Each class's digits are shuffled with a FIXED stream (seed 0,
 * 'data/mnist-split', never the run's seed); the first ⌊n_c·T/N⌋ (+1 for the largest remainders)
 * of class c go to the test pool, with T = ⌊N/5⌋ test digits in all, the rest to the training pool:
 * with the package's N = 10,000 digits, 8,000 / 2,000, class-stratified and disjoint. Each pool is
 * stored in a "balanced order": classes interleaved by fractional rank, (j + ½) / n_c ascending, so
 * every prefix holds each class in proportion to within one digit. A run asking for `train` / `test`
 * digits takes prefixes of the pools, so test digits are never trained on, whatever the sizes, and a
 * larger test set contains the smaller one.
 */
/** Sizes of the fixed split (8,000 training and 2,000 test digits of the package's 10,000). */
export const MNIST_TRAIN_POOL = 8000;
export const MNIST_TEST_POOL = 2000;
const SPLIT_SEED = 0;
const SPLIT_STREAM = 'data/mnist-split';
const TEST_POOL_DIVISOR = 5;
const CLASSES = 10;

export interface MnistSplitOptions {
  train: number;
  test: number;
  /** 2×2 average pooling to [1, 14, 14]. */
  downsample: boolean;
  /**
   * Omitted: the training set is the first `train` digits of the fixed pool (the same for every run).
   * Given: a class-balanced subset of the training pool chosen with Rng.stream(seed,
   * 'data/mnist-subset'). The test set never depends on it.
   */
  seed?: number;
}

interface Pools {
  train: Int32Array;
  test: Int32Array;
}

const poolCache = new WeakMap<Uint8Array, Pools>();

export function mnistPoolSizes(raw: RawMnist): { train: number; test: number } {
  const pools = fixedPools(raw);
  return { train: pools.train.length, test: pools.test.length };
}

/** The fixed pools' digit indices into `raw`, in balanced order (copies). */
export function mnistPools(raw: RawMnist): { train: Int32Array; test: Int32Array } {
  const pools = fixedPools(raw);
  return { train: pools.train.slice(), test: pools.test.slice() };
}

/** Training and test sets from the fixed split, pixels scaled to [0, 1]. */
export function mnistSplit(raw: RawMnist, opts: MnistSplitOptions): SplitDataset {
  const pools = fixedPools(raw);
  checkSize('train', opts.train, pools.train.length);
  checkSize('test', opts.test, pools.test.length);
  const trainOrder =
    opts.seed === undefined
      ? pools.train
      : interleave(
          groupByClass(pools.train, raw.labels, Rng.stream(opts.seed, 'data/mnist-subset')),
        );
  return {
    train: toDataset(raw, trainOrder.subarray(0, opts.train), opts.downsample),
    test: toDataset(raw, pools.test.subarray(0, opts.test), opts.downsample),
  };
}

function checkSize(split: string, wanted: number, available: number): void {
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > available) {
    throw new RangeError(
      `mnistSplit: asked for ${wanted} ${split} digits; the fixed split has ${available}`,
    );
  }
}

function fixedPools(raw: RawMnist): Pools {
  const cached = poolCache.get(raw.labels);
  if (cached) return cached;
  const all = new Int32Array(raw.count);
  for (let i = 0; i < raw.count; i++) all[i] = i;
  const byClass = groupByClass(all, raw.labels, Rng.stream(SPLIT_SEED, SPLIT_STREAM));
  const quota = apportion(
    byClass.map((members) => members.length),
    Math.floor(raw.count / TEST_POOL_DIVISOR),
  );
  const pools = {
    train: interleave(byClass.map((members, c) => members.slice(quota[c]))),
    test: interleave(byClass.map((members, c) => members.slice(0, quota[c]))),
  };
  poolCache.set(raw.labels, pools);
  return pools;
}

/** Largest-remainder split of `total` in proportion to `sizes` (ties: lower class). */
function apportion(sizes: number[], total: number): number[] {
  const all = sizes.reduce((a, b) => a + b, 0);
  const quota = sizes.map((n) => Math.floor((n * total) / all));
  const remainder = sizes.map((n, c) => ({ c, r: (n * total) % all }));
  remainder.sort((a, b) => b.r - a.r || a.c - b.c);
  let left = total - quota.reduce((a, b) => a + b, 0);
  for (const { c } of remainder) {
    if (left-- <= 0) break;
    quota[c]!++; // c is one of sizes' indices
  }
  return quota;
}

/** The indices of each class, each list shuffled with `rng` (class 0 first). */
function groupByClass(indices: Int32Array, labels: Uint8Array, rng: Rng): number[][] {
  const byClass: number[][] = Array.from({ length: CLASSES }, () => []);
  for (const index of indices) {
    const label = labels[index];
    const members = label === undefined ? undefined : byClass[label];
    if (members === undefined) {
      throw new RangeError(
        `mnist: image ${index} has label ${label}, not a digit 0–${CLASSES - 1}`,
      );
    }
    members.push(index);
  }
  for (const members of byClass) rng.shuffle(members);
  return byClass;
}

/** Merge the classes by fractional rank (j + ½) / n, so every prefix is class-balanced. */
function interleave(byClass: number[][]): Int32Array {
  let total = 0;
  for (const members of byClass) total += members.length;
  const next = new Int32Array(byClass.length);
  const out = new Int32Array(total);
  // Every c below is < byClass.length = next.length; best ≥ 0 once p < total (a class has members
  // left).
  for (let p = 0; p < total; p++) {
    // Smallest (2j + 1) / n over classes with members left; integer cross-multiplication keeps ties
    // exact, and they go to the lower class.
    let best = -1;
    for (let c = 0; c < byClass.length; c++) {
      const n = byClass[c]!.length;
      if (next[c]! >= n) continue;
      if (best < 0) {
        best = c;
        continue;
      }
      const nb = byClass[best]!.length;
      if ((2 * next[c]! + 1) * nb < (2 * next[best]! + 1) * n) best = c;
    }
    out[p] = byClass[best]![next[best]!++]!;
  }
  return out;
}

const PIXEL_VALUE = (() => {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v / 255;
  return lut;
})();

function toDataset(raw: RawMnist, indices: Int32Array, downsample: boolean): Dataset {
  const n = indices.length;
  const rows = downsample ? MNIST_ROWS / 2 : MNIST_ROWS;
  const cols = downsample ? MNIST_COLS / 2 : MNIST_COLS;
  const size = rows * cols;
  const x = new Float32Array(n * size);
  const y = new Int32Array(n);
  const img = raw.images;
  // The indices come from splitPools over this raw set (each < raw.count, whose images and labels
  // decodeMnist checked), and a byte indexes the 256-entry PIXEL_VALUE: every read below is in range.
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    const src = index * MNIST_PIXELS;
    const dst = i * size;
    y[i] = raw.labels[index]!;
    if (!downsample) {
      for (let j = 0; j < MNIST_PIXELS; j++) x[dst + j] = PIXEL_VALUE[img[src + j]!]!;
      continue;
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const a = src + 2 * r * MNIST_COLS + 2 * c;
        const sum = img[a]! + img[a + 1]! + img[a + MNIST_COLS]! + img[a + MNIST_COLS + 1]!;
        x[dst + r * cols + c] = sum / (4 * 255);
      }
    }
  }
  return { name: 'mnist', x, y, count: n, sampleShape: [1, rows, cols], classes: CLASSES };
}
