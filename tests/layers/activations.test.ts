import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/core/layer.ts';
import { Activation, type ActivationFn } from '../../src/core/layers/activations.ts';
import { Rng } from '../../src/core/rng.ts';
import { tensor } from '../../src/core/tensor.ts';
import { checkLayerGradients } from '../helpers/gradcheck.ts';

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
});
