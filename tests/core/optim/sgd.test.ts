import { describe, expect, it } from 'vitest';
import { Sgd } from '../../../src/core/optim/sgd.ts';
import { param, setGrad } from './helpers.ts';

// Expected values are worked by hand from torch.optim.SGD's update (dampening 0):
//   g = grad + wd·w;  buf = μ·buf + g (buf = g at step 1);  d = nesterov ? g + μ·buf : buf;  w −= lr·d
// Parameters live in float32, so a few ulps of ~2 (≈ 2.4e-7 each) separate us from the exact
// decimals: tolerance 1e-6 absolute.
const TOL = 1e-6;
const grads = [
  [0.5, 0.25],
  [-1, 0.5],
];

function expectValues(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(TOL);
  }
}

describe('Sgd', () => {
  it('plain SGD: w −= lr·grad', () => {
    const w = param('w', [1, -2]);
    const opt = new Sgd([w]);
    setGrad(w, grads[0]!);
    opt.step(0.1);
    expectValues(w.value, [0.95, -2.025]);
    expect(opt.state().buffers).toEqual({});
  });

  it('momentum 0.9 with weight decay 0.1, lr 0.1 (two steps)', () => {
    const w = param('w', [1, -2]);
    const b = param('b', [1], false);
    const opt = new Sgd([w, b], { momentum: 0.9, weightDecay: 0.1 });
    // Step 1: g = [0.5+0.1, 0.25−0.2] = [0.6, 0.05] = buf; w = [0.94, −2.005].
    // Bias (no decay): buf = 0.5, b = 0.95.
    setGrad(w, grads[0]!);
    setGrad(b, [0.5]);
    opt.step(0.1);
    expectValues(w.value, [0.94, -2.005]);
    expectValues(b.value, [0.95]);
    // Step 2: g = [−1+0.094, 0.5−0.2005] = [−0.906, 0.2995]; buf = 0.9·[0.6, 0.05] + g
    // = [−0.366, 0.3445]; w = [0.94+0.0366, −2.005−0.03445] = [0.9766, −2.03945].
    // Bias: buf = 0.45 − 1 = −0.55, b = 0.95 + 0.055 = 1.005.
    setGrad(w, grads[1]!);
    setGrad(b, [-1]);
    opt.step(0.1);
    expectValues(w.value, [0.9766, -2.03945]);
    expectValues(b.value, [1.005]);
    expect(opt.steps).toBe(2);
  });

  it('Nesterov momentum 0.9 with weight decay 0.1, lr 0.1 (two steps)', () => {
    const w = param('w', [1, -2]);
    const opt = new Sgd([w], { momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    // Step 1: g = buf = [0.6, 0.05]; d = g + 0.9·buf = [1.14, 0.095]; w = [0.886, −2.0095].
    setGrad(w, grads[0]!);
    opt.step(0.1);
    expectValues(w.value, [0.886, -2.0095]);
    // Step 2: g = [−1+0.0886, 0.5−0.20095] = [−0.9114, 0.29905];
    // buf = [0.54−0.9114, 0.045+0.29905] = [−0.3714, 0.34405];
    // d = g + 0.9·buf = [−1.24566, 0.608695]; w = [1.010566, −2.0703695].
    setGrad(w, grads[1]!);
    opt.step(0.1);
    expectValues(w.value, [1.010566, -2.0703695]);
  });

  it('rejects Nesterov without momentum, as PyTorch does', () => {
    expect(() => new Sgd([param('w', [1])], { nesterov: true })).toThrow(/momentum/);
  });

  it('state round-trips: a restored optimizer continues exactly like the original', () => {
    const make = () => [param('fc.weight', [1, -2]), param('fc.bias', [0.5], false)];
    const a = make();
    const optA = new Sgd(a, { momentum: 0.9, weightDecay: 0.01 });
    for (const g of grads) {
      setGrad(a[0]!, g);
      setGrad(a[1]!, [g[0]!]);
      optA.step(0.1);
    }
    const saved = optA.state();
    expect(Object.keys(saved.buffers).sort()).toEqual(['fc.bias.momentum', 'fc.weight.momentum']);
    expect(saved.step).toBe(2);

    const b = make();
    b[0]!.value.set(a[0]!.value);
    b[1]!.value.set(a[1]!.value);
    const optB = new Sgd(b, { momentum: 0.9, weightDecay: 0.01 });
    optB.loadState(saved);
    // The exported state is a copy: stepping A must not change it.
    for (const [p, q] of [
      [a, optA],
      [b, optB],
    ] as const) {
      setGrad(p[0]!, [0.3, -0.7]);
      setGrad(p[1]!, [0.2]);
      q.step(0.05);
    }
    expect(Array.from(b[0]!.value)).toEqual(Array.from(a[0]!.value));
    expect(Array.from(b[1]!.value)).toEqual(Array.from(a[1]!.value));
    expect(optB.steps).toBe(3);
  });

  it('loadState names what does not match', () => {
    const opt = new Sgd([param('w', [1, 2])], { momentum: 0.9 });
    expect(() => opt.loadState({ kind: 'adam', step: 0, buffers: {} })).toThrow(/adam/);
    expect(() => opt.loadState({ kind: 'sgd', step: 0, buffers: {} })).toThrow(/w\.momentum/);
    expect(() =>
      opt.loadState({ kind: 'sgd', step: 0, buffers: { 'w.momentum': new Float32Array(3) } }),
    ).toThrow(/3 values, expected 2/);
    expect(() =>
      opt.loadState({
        kind: 'sgd',
        step: 0,
        buffers: { 'w.momentum': new Float32Array(2), 'x.momentum': new Float32Array(1) },
      }),
    ).toThrow(/x\.momentum/);
  });

  it('rejects duplicate parameter names', () => {
    expect(() => new Sgd([param('w', [1]), param('w', [2])])).toThrow(/duplicate/);
  });
});
