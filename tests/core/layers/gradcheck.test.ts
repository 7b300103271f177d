import { describe, expect, it } from 'vitest';
import type { Layer, RunContext } from '../../../src/core/layer.ts';
import { Activation } from '../../../src/core/layers/activations.ts';
import { Dense } from '../../../src/core/layers/dense.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import { checkGradients, checkLayerGradients } from '../../helpers/gradcheck.ts';

const ctx: RunContext = { mode: 'training', step: 0 };

/** Dense whose weight gradient is wrong by 2 % in one entry, to prove the checker notices. */
class SlightlyWrong extends Dense {
  override backward(dy: Tensor, c: RunContext): Tensor {
    const dx = super.backward(dy, c);
    this.weight.grad[3] = this.weight.grad[3]! * 1.02;
    return dx;
  }
}

describe('gradcheck helper', () => {
  const x = tensor([3, 5], Rng.stream(1, 'x').fillNormal(new Float32Array(15)));

  it('catches a 2 % error in one parameter entry', () => {
    const layer = new SlightlyWrong({
      name: 'fc',
      inFeatures: 5,
      outFeatures: 4,
      rng: Rng.stream(2, 'i'),
    });
    const res = checkLayerGradients(layer, x);
    expect(res.maxRelErrParams['fc.weight']).toBeGreaterThan(1e-2);
    expect(res.maxRelErrInput).toBeLessThan(1e-3);
    expect(res.ok).toBe(false);
  });

  it('the pair form checks a composite, leaves the input untouched and the params restored', () => {
    const dense = new Dense({ name: 'fc', inFeatures: 5, outFeatures: 4, rng: Rng.stream(3, 'i') });
    const act = new Activation({ name: 'act', fn: 'tanh' });
    const layers: Layer[] = [dense, act];
    const before = Float32Array.from(dense.weight.value);
    const xCopy = Float32Array.from(x.data);
    const res = checkGradients(
      {
        forward: (v) => layers.reduce((h, l) => l.forward(h, ctx), v),
        backward: (dy) => layers.reduceRight((g, l) => l.backward(g, ctx), dy),
        params: dense.params(),
      },
      x,
    );
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
    expect(res.ok).toBe(true);
    expect([...dense.weight.value]).toEqual([...before]);
    expect([...x.data]).toEqual([...xCopy]);
  });

  it('maxChecksPerTensor samples entries; skipInput skips the input', () => {
    const dense = new Dense({ name: 'fc', inFeatures: 5, outFeatures: 4, rng: Rng.stream(4, 'i') });
    const res = checkLayerGradients(dense, x, { maxChecksPerTensor: 3, skipInput: true });
    expect(res.maxRelErrInput).toBe(0);
    expect(res.summary).toMatch(/fc\.weight: .*\(3 checked\)/);
  });
});
