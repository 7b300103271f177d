import { describe, expect, it } from 'vitest';
import { Conv2d } from '../../../src/core/layers/conv2d.ts';
import { Dense } from '../../../src/core/layers/dense.ts';
import type { RunContext } from '../../../src/core/layer.ts';
import { SpectralNorm } from '../../../src/core/norm/spectral-norm.ts';
import { WeightNorm } from '../../../src/core/norm/weight-norm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { copy, loadFixture } from './helpers.ts';

const TRAIN: RunContext = { mode: 'training', step: 0 };
const EVAL: RunContext = { mode: 'eval-running', step: 0 };

describe('WeightNorm', () => {
  it('starts as the wrapped layer (g = ‖v‖), trains g, v and the bias, keeps ‖w_o‖ = g_o', () => {
    const rng = Rng.stream(1, 'wn');
    const x = tensor([2, 2, 5, 5], rng.fillNormal(new Float32Array(100)));
    const inner = new Conv2d({ name: 'c1', inChannels: 2, outChannels: 3, kernel: 3, rng });
    const before = copy(inner.forward(x, TRAIN));
    const wn = new WeightNorm({ name: 'c1', inner });
    const after = wn.forward(x, TRAIN);
    for (let i = 0; i < before.data.length; i++)
      expect(after.data[i]).toBeCloseTo(before.data[i]!, 5);
    expect(wn.params().map((q) => [q.name, q.decay])).toEqual([
      ['c1.weight_g', false],
      ['c1.weight_v', true],
      ['c1.bias', false],
    ]);
    wn.g.value.set([2, 0.5, 3]);
    wn.forward(x, TRAIN);
    for (let o = 0; o < 3; o++) {
      let s = 0;
      for (let i = o * 18; i < (o + 1) * 18; i++) s += inner.weight.value[i]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(wn.g.value[o]!, 5);
    }
  });
});

describe('SpectralNorm', () => {
  const fx = loadFixture().spectral;

  function build(seed: number): { sn: SpectralNorm; inner: Dense } {
    const inner = new Dense({
      name: 'fc',
      inFeatures: fx.shape[1]!,
      outFeatures: fx.shape[0]!,
      rng: Rng.stream(0, 'w'),
    });
    inner.weight.value.set(fx.w);
    return { sn: new SpectralNorm({ name: 'fc', inner, rng: Rng.stream(seed, 'sn-u') }), inner };
  }

  it('one power iteration per training forward converges to σ_max (numpy SVD); eval does not iterate', () => {
    const { sn, inner } = build(1);
    const x = tensor([2, fx.shape[1]!], new Float32Array(2 * fx.shape[1]!).fill(0.1));
    const u0 = Array.from(sn.u.value);
    sn.forward(x, EVAL);
    expect(Array.from(sn.u.value)).toEqual(u0);
    sn.forward(x, TRAIN);
    expect(Array.from(sn.u.value)).not.toEqual(u0);
    for (let i = 0; i < 60; i++) sn.forward(x, TRAIN);
    const rel = Math.abs(sn.sigma - fx.sigmaMax) / fx.sigmaMax;
    console.info(
      `SpectralNorm σ after 61 iterations ${sn.sigma.toFixed(6)}, SVD ${fx.sigmaMax.toFixed(6)} (rel ${rel.toExponential(1)})`,
    );
    expect(rel).toBeLessThan(1e-5);
    // The weight the inner layer uses has spectral norm 1: ‖W_sn v‖ = σ(W_sn) for the top v.
    let norm2 = 0;
    for (let o = 0; o < fx.shape[0]!; o++) {
      let s = 0;
      for (let j = 0; j < fx.shape[1]!; j++)
        s += inner.weight.value[o * fx.shape[1]! + j]! * sn.v.value[j]!;
      norm2 += s * s;
    }
    expect(Math.sqrt(norm2)).toBeCloseTo(1, 5);
  });

  it('u, v are drawn from the given rng: same stream, same vectors; parameters and buffers named', () => {
    const a = build(7).sn;
    const b = build(7).sn;
    const c = build(8).sn;
    expect(Array.from(a.u.value)).toEqual(Array.from(b.u.value));
    expect(Array.from(a.u.value)).not.toEqual(Array.from(c.u.value));
    expect(a.params().map((q) => q.name)).toEqual(['fc.weight_orig', 'fc.bias']);
    expect(a.buffers().map((q) => q.name)).toEqual(['fc.weight_u', 'fc.weight_v']);
  });
});
