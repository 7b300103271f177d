import { describe, expect, it } from 'vitest';
import {
  type GemmBackend,
  gemmBackend,
  matmulTN,
  setGemmBackend,
} from '../../../src/core/kernels/gemm.ts';
import { segmentSums } from '../../../src/core/kernels/segment-sums.ts';
import { Rng } from '../../../src/core/rng.ts';

const random = (n: number, seed: number) =>
  Rng.stream(seed, 'segment-sums-test').fillUniform(new Float32Array(n), -1, 1);
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/**
 * What a run spread over workers computes: each device's dW with its own GEMM (float32), then the
 * all-reduce's float64 sum in device order, rounded once.
 */
function perDeviceThenAllReduce(
  rows: number,
  cols: number,
  dy: Float32Array,
  x: Float32Array,
  offsets: readonly number[],
): Float32Array {
  const acc = new Float64Array(rows * cols);
  for (let k = 0; k + 1 < offsets.length; k++) {
    const [a, b] = [offsets[k]!, offsets[k + 1]!];
    const part = new Float32Array(rows * cols);
    if (b > a)
      matmulTN(
        part,
        dy.subarray(a * rows, b * rows),
        x.subarray(a * cols, b * cols),
        rows,
        cols,
        b - a,
      );
    for (let i = 0; i < part.length; i++) acc[i] = k === 0 ? part[i]! : acc[i]! + part[i]!;
  }
  return Float32Array.from(acc);
}

const CASES: [string, number, number, number[]][] = [
  ['784 → 256, 16 devices × 2', 256, 784, Array.from({ length: 17 }, (_, k) => 2 * k)],
  ['256 → 10, 4 devices × 8', 10, 256, [0, 8, 16, 24, 32]],
  ['odd sizes, an empty device in the middle', 7, 13, [0, 3, 3, 4, 9]],
  ['an empty first device', 5, 6, [0, 0, 2, 5]],
  ['uneven devices', 64, 100, [0, 11, 22, 32]],
];

describe.each<GemmBackend>(['wasm-simd', 'js'])('segmentSums (%s)', (backend) => {
  it.each(CASES)(
    'has the bits of per-device products summed by the all-reduce: %s',
    (_, rows, cols, offsets) => {
      const prev = gemmBackend();
      try {
        setGemmBackend('js');
        const n = offsets[offsets.length - 1]!;
        const dy = random(n * rows, rows + n);
        const x = random(n * cols, cols + 1);
        const want = perDeviceThenAllReduce(rows, cols, dy, x, offsets);
        setGemmBackend(backend);
        const got = new Float32Array(rows * cols).fill(Number.NaN);
        segmentSums(rows, cols, dy, x, offsets, got);
        expect(bits(got)).toEqual(bits(want));
      } finally {
        setGemmBackend(prev);
      }
    },
  );

  it('gives +0 where the per-device path gives +0 (zero products, devices without samples)', () => {
    const prev = gemmBackend();
    try {
      setGemmBackend(backend);
      // A device's sum starts from +0, so products of −0 leave it +0; so does a device with no
      // samples. The total must be that +0, not the −0 its float64 sum starts from.
      const dy = new Float32Array([-1, -1]);
      const x = new Float32Array([0, 0]);
      const out = new Float32Array(1).fill(Number.NaN);
      segmentSums(1, 1, dy, x, [0, 1, 2], out);
      expect(Object.is(out[0], 0)).toBe(true);
      segmentSums(1, 1, dy, x, [0, 0, 0], out);
      expect(Object.is(out[0], 0)).toBe(true);
    } finally {
      setGemmBackend(prev);
    }
  });
});

describe('segmentSums input checks', () => {
  it('names the sizes when a buffer is too short', () => {
    expect(() =>
      segmentSums(2, 3, new Float32Array(3), new Float32Array(6), [0, 1, 2], new Float32Array(6)),
    ).toThrow(/2 samples need dy ≥ 4/);
  });
  it('refuses offsets that do not start at 0', () => {
    expect(() =>
      segmentSums(1, 1, new Float32Array(2), new Float32Array(2), [1, 2], new Float32Array(1)),
    ).toThrow(/offsets must start at 0/);
  });
});
