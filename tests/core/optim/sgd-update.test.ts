import { describe, expect, it } from 'vitest';
import { gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { ParamArena } from '../../../src/core/optim/param-arena.ts';
import { sgdUpdate } from '../../../src/core/optim/sgd-update.ts';

const random = (n: number, seed: number) =>
  Rng.stream(seed, 'sgd-update-test').fillUniform(new Float32Array(n), -1, 1);
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];

/**
 * Three updates of fresh random values on one backend: the weights and momentum after them.
 * `arena`: the arrays are views of a ParamArena, at an odd offset after another parameter, so the
 * kernel updates them in place and must stop short of the next parameter.
 */
function updated(
  backend: 'js' | 'wasm-simd' | 'arena',
  n: number,
  rule: { mu: number; wd: number; nesterov: boolean },
) {
  const prev = gemmBackend();
  setGemmBackend(backend === 'arena' ? 'wasm-simd' : backend);
  try {
    let w = random(n, 1);
    let g = random(n, 2);
    let b = rule.mu > 0 ? random(n, 3) : null;
    let after: Float32Array | null = null;
    if (backend === 'arena') {
      const arena = ParamArena.create(3 + n + 5, 1)!;
      const at = (v: Float32Array) => v.subarray(3, 3 + n);
      at(arena.params).set(w);
      at(arena.grads).set(g);
      if (b) at(arena.state[0]!).set(b);
      [w, g, b] = [at(arena.params), at(arena.grads), b ? at(arena.state[0]!) : null];
      after = arena.params.subarray(3 + n).fill(7);
    }
    // Signed zeros and a NaN-free extreme: the rounding and sign rules must match too.
    w[0] = -0;
    g[0] = -0;
    if (b) b[0] = -0;
    if (n > 1) g[1] = 3.4e38;
    for (let s = 0; s < 3; s++) sgdUpdate(w, g, b, 0.05, rule.mu, rule.wd, rule.nesterov);
    // The next parameter's values are untouched.
    if (after) expect([...after]).toEqual([7, 7, 7, 7, 7]);
    return { w: bits(w), b: b ? bits(b) : [] };
  } finally {
    setGemmBackend(prev);
  }
}

describe('sgdUpdate: WebAssembly SIMD (copied or in place in an arena) and JS give the same bits', () => {
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
        const js = updated('js', n, rule);
        expect(updated('wasm-simd', n, rule)).toEqual(js);
        expect(updated('arena', n, rule)).toEqual(js);
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
