import { describe, expect, it } from 'vitest';
import { Adam } from '../../../src/core/optim/adam.ts';
import { AdamW } from '../../../src/core/optim/adamw.ts';
import { param, setGrad } from './helpers.ts';

// Expected values follow torch.optim.Adam / AdamW (amsgrad off), worked in float64 from
//   Adam: g = grad + wd·w;  AdamW: w ← w·(1 − lr·wd)
//   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  w −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
// with lr 0.01, β = (0.9, 0.999), ε = 1e-8, grads [0.5, 0.25] then [−1, 0.5], w0 = [1, −2].
// Step 1 by hand: m̂ = g, v̂ = g², so every weight moves by lr·sign(g) (minus ε's 1e-9 share).
// Step 2, w[0] by hand: m = −0.055, v = 0.00124975, m̂ = −0.289474, v̂ = 0.625188,
// w = 0.99 + 0.01·0.289474/0.790688 = 0.993661.
// Parameters and moments are float32 (as in PyTorch): tolerance 1e-6 absolute on values ≈ 2.
const TOL = 1e-6;
const options = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const grads = [
  [0.5, 0.25],
  [-1, 0.5],
];

function run(opt: Adam, w: ReturnType<typeof param>): number[][] {
  const out: number[][] = [];
  for (const g of grads) {
    setGrad(w, g);
    opt.step(0.01);
    out.push(Array.from(w.value));
  }
  return out;
}

function expectClose(actual: number[][], expected: number[][]): void {
  for (let s = 0; s < expected.length; s++) {
    for (let i = 0; i < expected[s]!.length; i++) {
      expect(Math.abs(actual[s]![i]! - expected[s]![i]!)).toBeLessThan(TOL);
    }
  }
}

describe('Adam', () => {
  it('matches the PyTorch update for two steps', () => {
    const w = param('w', [1, -2]);
    expectClose(run(new Adam([w], options), w), [
      [0.99, -2.01],
      [0.9936610354, -2.0196518196],
    ]);
  });

  it('folds weight decay into the gradient (L2), only for decaying params', () => {
    const w = param('w', [1, -2]);
    expectClose(run(new Adam([w], { ...options, weightDecay: 0.1 }), w), [
      [0.99, -2.01],
      [0.9924819888, -2.0184441688],
    ]);
    const bias = param('b', [1, -2], false);
    expectClose(run(new Adam([bias], { ...options, weightDecay: 0.1 }), bias), [
      [0.99, -2.01],
      [0.9936610354, -2.0196518196],
    ]);
  });
});

describe('AdamW', () => {
  it('decouples weight decay: w·(1 − lr·wd) before the Adam update', () => {
    const w = param('w', [1, -2]);
    // Step 1 by hand: w = [1, −2]·0.999 − 0.01·sign(g) = [0.989, −2.008].
    expectClose(run(new AdamW([w], { ...options, weightDecay: 0.1 }), w), [
      [0.989, -2.008],
      [0.9916720354, -2.0156438196],
    ]);
  });

  it('does not decay parameters with decay = false', () => {
    const b = param('b', [1, -2], false);
    expectClose(run(new AdamW([b], { ...options, weightDecay: 0.1 }), b), [
      [0.99, -2.01],
      [0.9936610354, -2.0196518196],
    ]);
  });

  it('state round-trips, including the step count bias correction needs', () => {
    const a = param('w', [1, -2]);
    const optA = new AdamW([a], { ...options, weightDecay: 0.1 });
    run(optA, a);
    const saved = optA.state();
    expect(saved.kind).toBe('adamw');
    expect(saved.step).toBe(2);
    expect(Object.keys(saved.buffers).sort()).toEqual(['w.exp_avg', 'w.exp_avg_sq']);

    const b = param('w', Array.from(a.value));
    const optB = new AdamW([b], { ...options, weightDecay: 0.1 });
    optB.loadState(saved);
    setGrad(a, [0.1, 0.2]);
    setGrad(b, [0.1, 0.2]);
    optA.step(0.01);
    optB.step(0.01);
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(() => new Adam([param('w', [1, 2])]).loadState(saved)).toThrow(/adamw/);
  });
});
