import { describe, expect, it } from 'vitest';
import { gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { sgdUpdate } from '../../../src/core/optim/sgd-update.ts';

const random = (n: number, seed: number) =>
  Rng.stream(seed, 'sgd-update-test').fillUniform(new Float32Array(n), -1, 1);
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/** Three updates of fresh random values on one backend: the weights and momentum after them. */
function updated(
  backend: 'js' | 'wasm-simd',
  n: number,
  rule: { mu: number; wd: number; nesterov: boolean },
) {
  const prev = gemmBackend();
  setGemmBackend(backend);
  try {
    const w = random(n, 1);
    const g = random(n, 2);
    const b = rule.mu > 0 ? random(n, 3) : null;
    // Signed zeros and a NaN-free extreme: the rounding and sign rules must match too.
    w[0] = -0;
    g[0] = -0;
    if (b) b[0] = -0;
    if (n > 1) g[1] = 3.4e38;
    for (let s = 0; s < 3; s++) sgdUpdate(w, g, b, 0.05, rule.mu, rule.wd, rule.nesterov);
    return { w: bits(w), b: b ? bits(b) : [] };
  } finally {
    setGemmBackend(prev);
  }
}

describe('sgdUpdate: WebAssembly SIMD and JS give the same bits', () => {
  const rules = [
    { mu: 0.9, wd: 0, nesterov: false },
    { mu: 0.9, wd: 1e-4, nesterov: false },
    { mu: 0.9, wd: 0, nesterov: true },
    { mu: 0.5, wd: 5e-4, nesterov: true },
    { mu: 0, wd: 1e-4, nesterov: false },
    { mu: 0, wd: 0, nesterov: false },
  ];
  for (const rule of rules) {
    it.each([1, 3, 10, 257, 200_704])(
      `μ ${rule.mu}, wd ${rule.wd}, nesterov ${rule.nesterov}: %i values`,
      (n) => {
        expect(updated('wasm-simd', n, rule)).toEqual(updated('js', n, rule));
      },
    );
  }

  it('is the rule PyTorch documents (momentum, decay): w − lr·(μ·buf + g + wd·w)', () => {
    const w = new Float32Array([1, -2]);
    const g = new Float32Array([0.5, 0.25]);
    const buf = new Float32Array([0.1, -0.1]);
    sgdUpdate(w, g, buf, 0.1, 0.9, 0.01, false);
    const b0 = 0.9 * Math.fround(0.1) + (0.5 + 0.01 * 1);
    expect(buf[0]).toBe(Math.fround(b0));
    expect(w[0]).toBe(Math.fround(1 - 0.1 * b0));
  });
});
