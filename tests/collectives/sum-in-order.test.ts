import { describe, expect, it } from 'vitest';
import { sumInOrder } from '../../src/collectives/collective.ts';
import { gemmBackend, setGemmBackend } from '../../src/core/kernels/gemm.ts';
import { Rng } from '../../src/core/rng.ts';

const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** The definition: each element ((v₀ + v₁) + v₂) + … in float64 in device order, rounded once. */
function reference(parts: readonly Float32Array[], from: number, to: number, out: Float32Array) {
  for (let i = from; i < to; i++) {
    let acc = parts[0]![i]!;
    for (let k = 1; k < parts.length; k++) acc += parts[k]![i]!;
    out[i] = acc;
  }
}

describe.each(['wasm-simd', 'js'] as const)('sumInOrder (%s)', (backend) => {
  it.each([
    [2, 1, 0, 1],
    [3, 10, 0, 10],
    [4, 70_001, 0, 70_001],
    [4, 70_001, 35_001, 70_001],
    [16, 20_003, 7, 19_000],
    [5, 33, 3, 30],
  ])('%i parts of %i values, elements %i…%i: the bits of the definition', (count, n, from, to) => {
    const prev = gemmBackend();
    setGemmBackend(backend);
    try {
      const rng = Rng.stream(count * n, 'sum-in-order');
      // Magnitudes over many orders so the order of the additions shows in the last bits.
      const parts = Array.from({ length: count }, () =>
        rng.fillUniform(new Float32Array(n), -1, 1).map((v, i) => v * 10 ** ((i % 13) - 6)),
      );
      // Every device −0 at one element: the sum is −0 (it starts from the first device, not +0).
      for (const p of parts) p[to - 1] = -0;
      const got = new Float32Array(n).fill(Number.NaN);
      const want = new Float32Array(n).fill(Number.NaN);
      sumInOrder(parts, got, from, to);
      reference(parts, from, to, want);
      expect(bits(got)).toEqual(bits(want));
    } finally {
      setGemmBackend(prev);
    }
  });
});
