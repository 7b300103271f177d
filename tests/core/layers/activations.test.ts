import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import { Activation, type ActivationFn } from '../../../src/core/layers/activations.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { checkLayerGradients } from '../../helpers/gradcheck.ts';

const ctx: RunContext = { mode: 'training', step: 0 };

/** Normal values pushed at least 0.05 away from 0, so ReLU's kink is never within 2ε (ε = 1e-2). */
function awayFromZero(shape: number[], seed = 1) {
  const x = Rng.stream(seed, 'act').fillNormal(
    new Float32Array(shape.reduce((a, b) => a * b, 1)),
    1.5,
  );
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + (x[i]! >= 0 ? 0.05 : -0.05);
  return tensor(shape, x);
}

describe('Activation', () => {
  it('forward values', () => {
    const x = tensor([1, 5], Float32Array.of(-2, -0.5, 0, 0.5, 40));
    const relu = new Activation({ name: 'a', fn: 'relu' }).forward(x, ctx);
    expect([...relu.data]).toEqual([0, 0, 0, 0.5, 40]);
    const sig = new Activation({ name: 'a', fn: 'sigmoid' }).forward(x, ctx);
    for (const [i, v] of [-2, -0.5, 0, 0.5, 40].entries()) {
      expect(sig.data[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 7);
    }
    const th = new Activation({ name: 'a', fn: 'tanh' }).forward(x, ctx);
    for (const [i, v] of [-2, -0.5, 0, 0.5, 40].entries()) {
      expect(th.data[i]).toBeCloseTo(Math.tanh(v), 7);
    }
    const big = new Activation({ name: 'a', fn: 'sigmoid' }).forward(
      tensor([1, 2], Float32Array.of(-1000, 1000)),
      ctx,
    );
    expect([...big.data]).toEqual([0, 1]);
  });

  it.each<ActivationFn>(['relu', 'sigmoid', 'tanh'])(
    '%s gradients match central differences',
    (fn) => {
      const act = new Activation({ name: 'a', fn });
      const res = checkLayerGradients(act, awayFromZero([3, 2, 4, 4]));
      // Smooth (or linear between kinks): truncation ε²·f'''/6 ≤ 2e-5·|f'''| plus float32 noise; 1e-3.
      expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
    },
  );

  it('keeps the input shape and handles a batch of 0', () => {
    const act = new Activation({ name: 'a', fn: 'tanh' });
    expect(act.outputShape([3, 4, 4])).toEqual([3, 4, 4]);
    expect(act.forward(tensor([0, 3]), ctx).shape).toEqual([0, 3]);
    expect(act.backward(tensor([0, 3]), ctx).shape).toEqual([0, 3]);
  });

  it.each([1, 7, 4099])('ReLU: WebAssembly and JS paths give identical bits (%i values)', (n) => {
    const special = [-0, 0, -1e-45, 1e-45, -3e38, 3e38, Number.NaN, -Number.NaN, 1, -1];
    const rng = Rng.stream(n, 'relu-bits');
    const x = tensor(
      [1, n],
      Float32Array.from({ length: n }, (_, i) => (i < special.length ? special[i]! : rng.normal())),
    );
    const dy = tensor([1, n], rng.fillNormal(new Float32Array(n)));
    const run = (backend: 'wasm-simd' | 'js') => {
      const prev = gemmBackend();
      setGemmBackend(backend);
      try {
        const act = new Activation({ name: 'a', fn: 'relu' });
        const y = Float32Array.from(act.forward(x, ctx).data);
        const dx = Float32Array.from(act.backward(dy, ctx).data);
        return { y: new Uint32Array(y.buffer), dx: new Uint32Array(dx.buffer) };
      } finally {
        setGemmBackend(prev);
      }
    };
    const a = run('wasm-simd');
    const b = run('js');
    // NaN payloads and signs may differ between the paths (and so whether a NaN output passes
    // its gradient); compare everything else bit for bit.
    const isNaNBits = (u: number) => (u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0;
    for (let i = 0; i < n; i++) {
      if (isNaNBits(a.y[i]!) || isNaNBits(b.y[i]!)) {
        expect(isNaNBits(a.y[i]!) && isNaNBits(b.y[i]!)).toBe(true);
        continue;
      }
      expect(a.y[i], `y[${i}]`).toBe(b.y[i]);
      expect(a.dx[i], `dx[${i}]`).toBe(b.dx[i]);
    }
  });
});
