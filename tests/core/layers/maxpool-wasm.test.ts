import { describe, expect, it } from 'vitest';
import { type GemmBackend, gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import type { RunContext } from '../../../src/core/layer.ts';
import { MaxPool2d } from '../../../src/core/layers/maxpool2d.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';

/**
 * MaxPool2d's 2×2 stride-2 window on the WebAssembly kernel (maxpool-wasm.ts) must give the JS
 * loop's outputs, argmax and so gradient routing, bit for bit: ties to the first maximum in
 * row-major window order, −0 and +0 equal, NaN winning its window. Backward (scatterAdd, every
 * window) must sum the gradients reaching one input as the JS loop does.
 */

const ctx: RunContext = { mode: 'training', step: 0 };
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Few distinct values (many ties), both zeros, and optionally NaNs. */
function tied(size: number, seed: number, nan: boolean): Float32Array {
  const rng = Rng.stream(seed, 'maxpool-wasm');
  const pool = [-2, -1, -0, 0, 0.5, 1, 3];
  const x = Float32Array.from({ length: size }, () => pool[rng.int(pool.length)]!);
  if (nan) for (let i = 0; i < size; i += 11) x[i] = Number.NaN;
  return x;
}

function run(backend: GemmBackend, shape: number[], x: Float32Array, kernel = 2, stride = kernel) {
  const prev = gemmBackend();
  setGemmBackend(backend);
  try {
    const pool = new MaxPool2d({ name: 'pool', kernel, stride });
    const y = pool.forward(tensor(shape, x), ctx);
    const ys = Float32Array.from(y.data);
    const dy = Rng.stream(5, 'dy').fillNormal(new Float32Array(y.data.length), 1, 0);
    for (let i = 0; i < dy.length; i += 7) dy[i] = -0;
    const dx = Float32Array.from(pool.backward(tensor(y.shape, dy), ctx).data);
    return { shape: y.shape, y: bits(ys), dx: bits(dx) };
  } finally {
    setGemmBackend(prev);
  }
}

// [label, N, C, H, W]
const SHAPES: [string, number, number, number, number][] = [
  ['the CNN first pool: 32 × 16 × 28 × 28 (14 outputs per row)', 32, 16, 28, 28],
  ['the CNN second pool: 32 × 32 × 14 × 14 (7 outputs per row)', 32, 32, 14, 14],
  ['odd sides: 3 × 2 × 7 × 7 (the last row and column unused)', 3, 2, 7, 7],
  ['5 × 6 planes, 2 × 3 outputs', 2, 3, 5, 6],
  ['exactly four outputs per row: 4 × 5 × 6 × 9', 4, 5, 6, 9],
  ['one window: 1 × 1 × 2 × 2', 1, 1, 2, 2],
  ['one output per plane from 3 × 3', 2, 1, 3, 3],
  ['an empty batch', 0, 2, 4, 4],
];

describe('MaxPool2d on WebAssembly (2×2 forward, every backward) = JS, bit for bit', () => {
  it.each(SHAPES)('%s', (_, n, c, h, w) => {
    const shape = [n, c, h, w];
    const size = n * c * h * w;
    for (const x of [
      Rng.stream(size, 'x').fillNormal(new Float32Array(size), 1, 0),
      tied(size, 2, false),
      tied(size, 3, true),
    ]) {
      const js = run('js', shape, x);
      const wasm = run('wasm-simd', shape, x);
      expect(wasm.shape).toEqual(js.shape);
      expect(wasm.y).toEqual(js.y);
      expect(wasm.dx).toEqual(js.dx);
    }
  });

  it('routes each gradient to the first maximum of its window (−0 ties +0, NaN wins)', () => {
    // Windows of the 4×4 plane: {1, 1, 0, 0} → index 0; {−0, +0, −0, +0} → index 2 (−0);
    // {−1, NaN, 2, 3} → index 9 (NaN); {5, 1, 5, 5} → index 10.
    const x = Float32Array.from([1, 1, -0, 0, 0, 0, -0, 0, -1, NaN, 5, 1, 2, 3, 5, 5]);
    for (const backend of ['wasm-simd', 'js'] as const) {
      const prev = gemmBackend();
      setGemmBackend(backend);
      try {
        const pool = new MaxPool2d({ name: 'pool', kernel: 2 });
        const y = pool.forward(tensor([1, 1, 4, 4], x), ctx);
        expect(bits(y.data)).toEqual(bits(Float32Array.from([1, -0, NaN, 5])));
        const dx = pool.backward(tensor([1, 1, 2, 2], Float32Array.of(10, 20, 30, 40)), ctx);
        const want = new Float32Array(16);
        want.set([10], 0);
        want.set([20], 2);
        want.set([30], 9);
        want.set([40], 10);
        expect(bits(dx.data)).toEqual(bits(want));
      } finally {
        setGemmBackend(prev);
      }
    }
  });

  it('leaves other windows to the JS loop (3×3, stride 3) with the same results on both', () => {
    const shape = [2, 3, 7, 8];
    const x = tied(2 * 3 * 7 * 8, 9, false);
    expect(run('wasm-simd', shape, x, 3)).toEqual(run('js', shape, x, 3));
  });

  it('overlapping windows (3×3, stride 1): gradients reaching one input are summed in output order', () => {
    const shape = [2, 3, 9, 8];
    for (const x of [tied(2 * 3 * 9 * 8, 10, false), tied(2 * 3 * 9 * 8, 11, true)]) {
      expect(run('wasm-simd', shape, x, 3, 1)).toEqual(run('js', shape, x, 3, 1));
    }
  });
});
