import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { Flatten } from '../../../src/core/layers/flatten.ts';
import { GlobalAvgPool } from '../../../src/core/layers/global-avg-pool.ts';
import { MaxPool2d } from '../../../src/core/layers/maxpool2d.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import { checkLayerGradients } from '../../helpers/gradcheck.ts';

const ctx: RunContext = { mode: 'training', step: 0 };

/** Distinct values 0.05 apart in random order: no ties, and no window's max is within 2ε of a rival. */
function distinct(shape: number[], seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = Array.from({ length: n }, (_, i) => i);
  Rng.stream(seed, 'perm').shuffle(idx);
  return tensor(
    shape,
    Float32Array.from(idx, (i) => (i - n / 2) * 0.05),
  );
}

function naiveMaxPool(x: Tensor, k: number, s: number): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const ho = Math.floor((h - k) / s) + 1;
  const wo = Math.floor((w - k) / s) + 1;
  const y: number[] = [];
  for (let p = 0; p < n * c; p++)
    for (let oh = 0; oh < ho; oh++)
      for (let ow = 0; ow < wo; ow++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++)
            m = Math.max(m, x.data[p * h * w + (oh * s + i) * w + ow * s + j]!);
        y.push(m);
      }
  return y;
}

describe('MaxPool2d', () => {
  it('hand example: 2×2 windows of a 4×4 plane', () => {
    const pool = new MaxPool2d({ name: 'pool', kernel: 2 });
    const x = tensor(
      [1, 1, 4, 4],
      Float32Array.from([1, 2, 5, 0, 3, 4, 1, 1, 0, 0, 9, 8, -1, 7, 6, 2]),
    );
    const y = pool.forward(x, ctx);
    expect(y.shape).toEqual([1, 1, 2, 2]);
    expect([...y.data]).toEqual([4, 5, 7, 9]);
    const dx = pool.backward(tensor([1, 1, 2, 2], Float32Array.of(10, 20, 30, 40)), ctx);
    expect([...dx.data]).toEqual([0, 0, 20, 0, 0, 10, 0, 0, 0, 0, 40, 0, 0, 30, 0, 0]);
  });

  it.each([
    [2, 2, 6, 6],
    [2, 2, 7, 5],
    [3, 2, 7, 7],
    [3, 3, 9, 8],
    [2, 1, 4, 4],
  ])('matches the naive pool and central differences (k=%i s=%i %i×%i)', (k, s, h, w) => {
    const pool = new MaxPool2d({ name: 'pool', kernel: k, stride: s });
    const x = distinct([2, 3, h, w]);
    expect([...pool.forward(x, ctx).data]).toEqual(naiveMaxPool(x, k, s));
    const res = checkLayerGradients(pool, x);
    // Piecewise linear and ε stays inside each piece: exact up to float32 noise.
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-4);
  });

  it.each([2, 3])('orders negatives, extremes, subnormals and ±0 as floats do (k=%i)', (k) => {
    const special = [-3e38, -1, -1e-30, -1e-45, -0, 0, 1e-45, 1e-30, 1, 3e38, -2.5, 7];
    const rng = Rng.stream(5, 'special');
    const x = tensor(
      [1, 2, 6, 6],
      Float32Array.from({ length: 72 }, () => special[rng.int(special.length)]!),
    );
    const pool = new MaxPool2d({ name: 'pool', kernel: k, stride: 1 });
    const y = pool.forward(x, ctx);
    // Object.is tells −0 from +0: the kept value is the first maximum's own.
    const ref = naiveMaxPool(x, k, 1);
    expect([...y.data].map((v, i) => v === ref[i])).not.toContain(false);
  });

  it('−0 and +0 tie (first wins); NaN wins its window', () => {
    const pool = new MaxPool2d({ name: 'pool', kernel: 2 });
    const y = pool.forward(
      tensor([1, 1, 2, 4], Float32Array.of(-0, 0, 1, Number.NaN, 0, 0, 2, 3)),
      ctx,
    );
    expect(Object.is(y.data[0], -0)).toBe(true);
    expect(Number.isNaN(y.data[1])).toBe(true);
    const dx = pool.backward(tensor([1, 1, 1, 2], Float32Array.of(5, 6)), ctx);
    expect([...dx.data]).toEqual([5, 0, 0, 6, 0, 0, 0, 0]);
  });

  it('ties go to the first maximum; a batch of 0 works', () => {
    const pool = new MaxPool2d({ name: 'pool', kernel: 2 });
    pool.forward(tensor([1, 1, 2, 2], Float32Array.of(3, 3, 3, 3)), ctx);
    expect([...pool.backward(tensor([1, 1, 1, 1], Float32Array.of(1)), ctx).data]).toEqual([
      1, 0, 0, 0,
    ]);
    expect(pool.forward(tensor([0, 4, 6, 6]), ctx).shape).toEqual([0, 4, 3, 3]);
    expect(pool.backward(tensor([0, 4, 3, 3]), ctx).shape).toEqual([0, 4, 6, 6]);
  });
});

describe('GlobalAvgPool', () => {
  it('averages each plane and spreads the gradient evenly', () => {
    const gap = new GlobalAvgPool({ name: 'gap' });
    const x = tensor([1, 2, 1, 2], Float32Array.of(1, 3, 10, 20));
    const y = gap.forward(x, ctx);
    expect(y.shape).toEqual([1, 2]);
    expect([...y.data]).toEqual([2, 15]);
    expect([...gap.backward(tensor([1, 2], Float32Array.of(2, 4)), ctx).data]).toEqual([
      1, 1, 2, 2,
    ]);
    expect(gap.outputShape([5, 3, 3])).toEqual([5]);
  });

  it('matches central differences; a batch of 0 works', () => {
    const gap = new GlobalAvgPool({ name: 'gap' });
    const res = checkLayerGradients(gap, distinct([2, 3, 4, 5], 2));
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-4);
    expect(gap.forward(tensor([0, 3, 4, 4]), ctx).shape).toEqual([0, 3]);
    expect(gap.backward(tensor([0, 3]), ctx).shape).toEqual([0, 3, 4, 4]);
  });
});

describe('Flatten', () => {
  it('reshapes without copying and restores the input shape in backward', () => {
    const flat = new Flatten({ name: 'flat' });
    const x = distinct([2, 3, 2, 2]);
    const y = flat.forward(x, ctx);
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toBe(x.data);
    expect(flat.outputShape([3, 2, 2])).toEqual([12]);
    const dy = distinct([2, 12], 3);
    const dx = flat.backward(dy, ctx);
    expect(dx.shape).toEqual([2, 3, 2, 2]);
    expect([...dx.data]).toEqual([...dy.data]);
    const res = checkLayerGradients(flat, x);
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-5);
  });

  it('a batch of 0 works', () => {
    const flat = new Flatten({ name: 'flat' });
    expect(flat.forward(tensor([0, 3, 2, 2]), ctx).shape).toEqual([0, 12]);
    expect(flat.backward(tensor([0, 12]), ctx).shape).toEqual([0, 3, 2, 2]);
  });
});
