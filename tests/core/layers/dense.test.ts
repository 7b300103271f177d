import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { Dense } from '../../../src/core/layers/dense.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { checkLayerGradients } from '../../helpers/gradcheck.ts';
import { maxScaledDiff, naiveDense } from './naive.ts';

const ctx: RunContext = { mode: 'training', step: 0 };
const input = (shape: number[], seed = 7) =>
  tensor(
    shape,
    Rng.stream(seed, 'x').fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))),
  );

describe('Dense', () => {
  it('forward matches x·Wᵀ + b (float32 sums of 300 terms: ≤ 1e-5 relative)', () => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 300,
      outFeatures: 13,
      rng: Rng.stream(1, 'init'),
    });
    const x = input([6, 300]);
    const y = layer.forward(x, ctx);
    expect(y.shape).toEqual([6, 13]);
    const ref = naiveDense(x.data, layer.weight.value, layer.bias!.value, 6, 300, 13);
    expect(maxScaledDiff(y.data, ref)).toBeLessThan(1e-5);
  });

  it.each([
    [true, 'torch'],
    [false, 'he'],
  ] as const)('gradients match central differences (bias %s, init %s)', (bias, init) => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 7,
      outFeatures: 5,
      bias,
      init,
      rng: Rng.stream(2, 'init'),
    });
    const res = checkLayerGradients(layer, input([4, 7]));
    // Linear in x and W: only float32 rounding noise remains (see gradcheck.ts), so 1e-3 is loose.
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
    expect(Object.keys(res.maxRelErrParams)).toEqual(
      bias ? ['fc.weight', 'fc.bias'] : ['fc.weight'],
    );
  });

  it('gradients at MLP width (sampled entries)', () => {
    // Each output is a float32 sum of 784 terms whose rounding shifts when one input moves, which
    // is ~4e-5 of noise at ε = 1e-2. The layer is affine, so central differences have no truncation
    // error at any ε: ε = 0.25 shrinks that noise 25× with no bias.
    const layer = new Dense({
      name: 'fc',
      inFeatures: 784,
      outFeatures: 64,
      rng: Rng.stream(3, 'init'),
    });
    const res = checkLayerGradients(layer, input([8, 784]), { maxChecksPerTensor: 200, eps: 0.25 });
    expect(res.maxRelErr, res.summary).toBeLessThan(1e-3);
  });

  it('backward overwrites parameter gradients instead of accumulating', () => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 4,
      outFeatures: 3,
      rng: Rng.stream(4, 'init'),
    });
    const x = input([5, 4]);
    const dy = input([5, 3], 9);
    layer.forward(x, ctx);
    layer.backward(dy, ctx);
    const first = Float32Array.from(layer.weight.grad);
    layer.forward(x, ctx);
    layer.backward(dy, ctx);
    expect([...layer.weight.grad]).toEqual([...first]);
  });

  it('reads weight.value on every forward (weight-norm wrappers write it)', () => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 3,
      outFeatures: 2,
      rng: Rng.stream(5, 'init'),
    });
    const x = tensor([1, 3], Float32Array.of(1, 2, 3));
    layer.weight.value.set([1, 0, 0, 0, 1, 1]);
    layer.bias!.value.set([0.5, -1]);
    expect([...layer.forward(x, ctx).data]).toEqual([1.5, 4]);
    layer.weight.value.set([0, 0, 1, 1, 1, 1]);
    expect([...layer.forward(x, ctx).data]).toEqual([3.5, 5]);
  });

  it('a batch of 0 gives an empty output and zero parameter gradients', () => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 4,
      outFeatures: 3,
      rng: Rng.stream(6, 'init'),
    });
    layer.forward(input([2, 4]), ctx);
    layer.backward(input([2, 3]), ctx);
    const y = layer.forward(tensor([0, 4]), ctx);
    expect(y.shape).toEqual([0, 3]);
    const dx = layer.backward(tensor([0, 3]), ctx);
    expect(dx.shape).toEqual([0, 4]);
    expect(layer.weight.grad.every((v) => v === 0)).toBe(true);
    expect(layer.bias!.grad.every((v) => v === 0)).toBe(true);
  });

  it('rejects image-shaped input (Flatten first) and wrong widths', () => {
    const layer = new Dense({
      name: 'fc',
      inFeatures: 4,
      outFeatures: 3,
      rng: Rng.stream(7, 'init'),
    });
    expect(() => layer.forward(tensor([2, 1, 2, 2]), ctx)).toThrow(/fc/);
    expect(() => layer.forward(tensor([2, 5]), ctx)).toThrow(/fc/);
    expect(layer.outputShape([4])).toEqual([3]);
  });

  it('inputGradient: false keeps parameter gradients and returns a zero input gradient', () => {
    const make = (inputGradient: boolean) =>
      new Dense({
        name: 'fc',
        inFeatures: 6,
        outFeatures: 4,
        rng: Rng.stream(8, 'init'),
        inputGradient,
      });
    const [a, b] = [make(true), make(false)];
    const x = input([3, 6]);
    const dy = input([3, 4], 10);
    a.forward(x, ctx);
    const dxa = a.backward(dy, ctx);
    b.forward(x, ctx);
    const dxb = b.backward(dy, ctx);
    expect([...b.weight.grad]).toEqual([...a.weight.grad]);
    expect([...b.bias!.grad]).toEqual([...a.bias!.grad]);
    expect(dxa.data.some((v) => v !== 0)).toBe(true);
    expect(dxb.data.every((v) => v === 0)).toBe(true);
  });
});
