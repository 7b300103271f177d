import { describe, expect, it } from 'vitest';
import {
  type GemmBackend,
  gemmBackend,
  gemmStrided,
  matmul,
  matmulNT,
  matmulTN,
  setGemmBackend,
} from '../../../src/core/kernels/gemm.ts';
import { Rng } from '../../../src/core/rng.ts';

/** Sequential float32 accumulation, the numerics both kernels promise bit for bit. */
function reference(
  M: number,
  N: number,
  K: number,
  a: (i: number, k: number) => number,
  b: (k: number, j: number) => number,
): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(a(i, k) * b(k, j)));
      c[i * N + j] = s;
    }
  }
  return c;
}

const random = (n: number, seed: number) =>
  Rng.stream(seed, 'gemm-test').fillUniform(new Float32Array(n), -1, 1);

function firstMismatch(x: Float32Array, y: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

// Edges of the 4×8 tile, K blocks of 256 (K = 257, 600), degenerate sizes.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 2],
  [4, 8, 16],
  [7, 9, 33],
  [13, 10, 257],
  [64, 24, 600],
  [10, 9, 300],
];

describe.each<GemmBackend>(['wasm-simd', 'js'])('gemm (%s)', (backend) => {
  const withBackend = (fn: () => void) => {
    const prev = gemmBackend();
    setGemmBackend(backend);
    try {
      fn();
    } finally {
      setGemmBackend(prev);
    }
  };

  it.each(SHAPES)(
    'A·B, Aᵀ·B and A·Bᵀ match sequential float32 sums bit for bit (%i×%i×%i)',
    (M, N, K) => {
      withBackend(() => {
        const A = random(M * K, M * 1000 + K);
        const B = random(K * N, N * 1000 + K + 1);
        const c = new Float32Array(M * N).fill(Number.NaN);

        matmul(c, A, B, M, N, K);
        const nn = reference(
          M,
          N,
          K,
          (i, k) => A[i * K + k]!,
          (k, j) => B[k * N + j]!,
        );
        expect(firstMismatch(c, nn)).toBe(-1);

        // A stored [K×M], B stored [N×K]: the same buffers read as the transposed operands.
        matmulTN(c, A, B, M, N, K);
        const tn = reference(
          M,
          N,
          K,
          (i, k) => A[k * M + i]!,
          (k, j) => B[k * N + j]!,
        );
        expect(firstMismatch(c, tn)).toBe(-1);

        matmulNT(c, A, B, M, N, K);
        const nt = reference(
          M,
          N,
          K,
          (i, k) => A[i * K + k]!,
          (k, j) => B[j * K + k]!,
        );
        expect(firstMismatch(c, nt)).toBe(-1);
      });
    },
  );

  it.each(SHAPES)(
    'accumulating over a split of K gives the bits of one product (%i×%i×%i)',
    (M, N, K) => {
      withBackend(() => {
        const A = random(M * K, M * 1000 + K);
        const B = random(N * K, N * 1000 + K + 1);
        const whole = new Float32Array(M * N);
        matmulNT(whole, A, B, M, N, K);
        // Split K = k1 + k2: A·Bᵀ over the first k1 columns, then += over the rest.
        const k1 = Math.max(1, Math.floor(K / 3));
        const k2 = K - k1;
        const cols = (src: Float32Array, rows: number, from: number, n: number) => {
          const out = new Float32Array(rows * n);
          for (let r = 0; r < rows; r++)
            out.set(src.subarray(r * K + from, r * K + from + n), r * n);
          return out;
        };
        const c = new Float32Array(M * N).fill(Number.NaN);
        matmulNT(c, cols(A, M, 0, k1), cols(B, N, 0, k1), M, N, k1);
        matmulNT(c, cols(A, M, k1, k2), cols(B, N, k1, k2), M, N, k2, true);
        expect(firstMismatch(c, whole)).toBe(-1);
      });
    },
  );

  // A block of rows of a larger matrix read through its strides, as Dense reads rows o0… of dyᵀ
  // over one device's samples: the operand spans more than M·K values, and every value it reaches
  // must be the caller's (a kernel that copied only M·K values read its neighbour's data).
  it.each([
    [20, 784, 2, 256, 40],
    [3, 9, 5, 10, 7],
    [64, 256, 4, 256, 192],
  ])(
    'a block of a larger matrix through strides (%i rows of %i×%i, pitch %i, from row %i)',
    (M, N, K, pitch, o0) => {
      withBackend(() => {
        const dy = random(K * pitch + 5, M + K);
        const x = random(K * N, N + 1);
        const c = new Float32Array(M * N).fill(Number.NaN);
        gemmStrided(M, N, K, dy.subarray(o0), 1, pitch, x, N, 1, c, false);
        const ref = reference(
          M,
          N,
          K,
          (i, k) => dy[o0 + i + k * pitch]!,
          (k, j) => x[k * N + j]!,
        );
        expect(firstMismatch(c, ref)).toBe(-1);
      });
    },
  );

  it('K = 0 gives zeros and M = 0 or N = 0 is a no-op', () => {
    withBackend(() => {
      const c = new Float32Array(6).fill(7);
      matmul(c, new Float32Array(0), new Float32Array(0), 2, 3, 0, true);
      expect([...c]).toEqual([7, 7, 7, 7, 7, 7]);
      matmul(c, new Float32Array(0), new Float32Array(0), 2, 3, 0);
      expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
      const d = new Float32Array(0);
      matmulNT(d, new Float32Array(0), random(12, 3), 0, 3, 4);
      matmulTN(d, random(8, 4), new Float32Array(0), 2, 0, 4);
    });
  });

  it('accepts buffers longer than needed (slot backings) and leaves the tail of C alone', () => {
    withBackend(() => {
      const [M, N, K] = [5, 6, 7];
      const A = random(M * K + 10, 11);
      const B = random(K * N + 3, 12);
      const c = new Float32Array(M * N + 4).fill(-3);
      matmul(c, A, B, M, N, K);
      const nn = reference(
        M,
        N,
        K,
        (i, k) => A[i * K + k]!,
        (k, j) => B[k * N + j]!,
      );
      expect(firstMismatch(c.subarray(0, M * N), nn)).toBe(-1);
      expect([...c.subarray(M * N)]).toEqual([-3, -3, -3, -3]);
    });
  });
});

describe('gemm backend', () => {
  it('uses WebAssembly SIMD in Node', () => {
    expect(gemmBackend()).toBe('wasm-simd');
  });

  it('rejects undersized buffers', () => {
    expect(() =>
      matmul(new Float32Array(3), new Float32Array(4), new Float32Array(4), 2, 2, 2),
    ).toThrow(/C has 3/);
    // A block through strides must span its last element, not just M·K values.
    expect(() =>
      gemmStrided(
        2,
        2,
        2,
        new Float32Array(4),
        1,
        3,
        new Float32Array(4),
        2,
        1,
        new Float32Array(4),
        false,
      ),
    ).toThrow(/A has 4 values, needs 5/);
  });

  it('is deterministic across repeated calls at a benchmark shape', () => {
    const [M, N, K] = [64, 256, 784];
    const A = random(M * K, 5);
    const B = random(N * K, 6);
    const c1 = new Float32Array(M * N);
    const c2 = new Float32Array(M * N);
    matmulNT(c1, A, B, M, N, K);
    matmulNT(c2, A, B, M, N, K);
    expect(firstMismatch(c1, c2)).toBe(-1);
    setGemmBackend('js');
    try {
      matmulNT(c2, A, B, M, N, K);
    } finally {
      setGemmBackend('wasm-simd');
    }
    expect(firstMismatch(c1, c2)).toBe(-1);
  });
});
