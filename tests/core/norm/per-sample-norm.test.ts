import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { GroupNorm } from '../../../src/core/norm/group-norm.ts';
import { InstanceNorm } from '../../../src/core/norm/instance-norm.ts';
import { LayerNorm } from '../../../src/core/norm/layer-norm.ts';
import type { PerSampleNorm } from '../../../src/core/norm/per-sample-norm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { loadFixture, scaledError, t } from './helpers.ts';

const fx = loadFixture();
const TRAIN: RunContext = { mode: 'training', step: 0 };
const EVAL: RunContext = { mode: 'eval-running', step: 0 };
/** As for BatchNorm (batch-norm.test.ts): float64 inside, float32 outputs, ~1 ulp measured; 1e-6 of the tensor's scale. */
const TOL = 1e-6;

function build(c: (typeof fx.perSample)[number]): PerSampleNorm {
  const channels = c.shape[1]!;
  if (c.kind === 'group') return new GroupNorm({ name: 'gn', channels, groups: c.groups });
  if (c.kind === 'layer') return new LayerNorm({ name: 'ln', channels });
  return new InstanceNorm({ name: 'in', channels, affine: true });
}

describe('GroupNorm / LayerNorm / InstanceNorm vs numpy', () => {
  for (const c of fx.perSample) {
    it(`${c.kind} G=${c.groups} [${c.shape.join(', ')}]: forward, input and γ/β gradients`, () => {
      const layer = build(c);
      layer.gamma!.value.set(c.gamma);
      layer.beta!.value.set(c.beta);
      // Per-sample statistics: every mode gives the same result.
      for (const ctx of [TRAIN, EVAL]) {
        expect(scaledError(layer.forward(t(c.shape, c.x), ctx).data, c.y)).toBeLessThan(TOL);
        expect(scaledError(layer.backward(t(c.shape, c.dy), ctx).data, c.dx)).toBeLessThan(TOL);
        expect(scaledError(layer.gamma!.grad, c.dgamma)).toBeLessThan(TOL);
        expect(scaledError(layer.beta!.grad, c.dbeta)).toBeLessThan(TOL);
      }
    });
  }
});

describe('per-sample norms: contracts and edge cases', () => {
  it('each sample is normalized alone: results do not depend on the rest of the batch', () => {
    const rng = Rng.stream(1, 'alone');
    const x = tensor([4, 4, 2, 2], rng.fillNormal(new Float32Array(64), 2, 3));
    const gn = new GroupNorm({ name: 'gn', channels: 4, groups: 2 });
    const all = Float32Array.from(gn.forward(x, TRAIN).data);
    const one = gn.forward(tensor([1, 4, 2, 2], x.data.slice(16, 32)), TRAIN);
    expect(Array.from(one.data)).toEqual(Array.from(all.slice(16, 32)));
  });

  it('an empty batch gives an empty output, zero γ/β gradients and no NaN', () => {
    for (const layer of [
      new GroupNorm({ name: 'gn', channels: 4, groups: 2 }),
      new LayerNorm({ name: 'ln', channels: 4 }),
      new InstanceNorm({ name: 'in', channels: 4, affine: true }),
    ]) {
      expect(layer.forward(tensor([0, 4, 2, 2]), TRAIN).shape).toEqual([0, 4, 2, 2]);
      expect(layer.backward(tensor([0, 4, 2, 2]), TRAIN).data.length).toBe(0);
      expect(Array.from(layer.gamma!.grad)).toEqual([0, 0, 0, 0]);
    }
  });

  it('rejects bad options and inputs with clear messages', () => {
    expect(() => new GroupNorm({ name: 'gn', channels: 6, groups: 4 })).toThrow(
      /gn: groups \(4\) must be a positive divisor of channels \(6\)/,
    );
    const inorm = new InstanceNorm({ name: 'in1', channels: 3 });
    expect(() => inorm.forward(tensor([2, 3]), TRAIN)).toThrow(
      /in1: Expected more than 1 spatial element when training, got input size \[2, 3\]/,
    );
    expect(() => new LayerNorm({ name: 'ln', channels: 3 }).forward(tensor([2, 4]), TRAIN)).toThrow(
      /expected input \[N, 3\]/,
    );
  });

  it('LayerNorm on [N, C, H, W] is GroupNorm with G = 1 (per-channel affine)', () => {
    const rng = Rng.stream(2, 'ln-gn');
    const x = tensor([2, 3, 2, 2], rng.fillNormal(new Float32Array(24)));
    const ln = new LayerNorm({ name: 'ln', channels: 3 });
    const gn = new GroupNorm({ name: 'gn', channels: 3, groups: 1 });
    for (const l of [ln, gn]) l.gamma!.value.set([0.5, 2, -1]);
    expect(ln.params().map((p) => p.shape)).toEqual([[3], [3]]);
    expect(Array.from(ln.forward(x, TRAIN).data)).toEqual(Array.from(gn.forward(x, TRAIN).data));
  });

  it('InstanceNorm defaults: no affine, no buffers; with trackRunningStats, PyTorch running semantics', () => {
    const plain = new InstanceNorm({ name: 'in', channels: 2 });
    expect(plain.params()).toEqual([]);
    expect(plain.buffers()).toEqual([]);
    const tracked = new InstanceNorm({
      name: 'in',
      channels: 2,
      trackRunningStats: true,
      momentum: 0.5,
    });
    // Two samples, two channels, 2×2 values each.
    const x = tensor(
      [2, 2, 2, 2],
      Float32Array.from([1, 2, 3, 4, 0, 0, 2, 2, 5, 5, 5, 9, -1, 1, -1, 1]),
    );
    tracked.forward(x, TRAIN);
    const [rm, rv] = tracked.buffers();
    // Per-instance means: ch0 2.5 and 6 → 4.25; ch1 1 and 0 → 0.5. Unbiased per-instance
    // variances: ch0 5/3 and 12/3 → 17/6; ch1 4/3 and 4/3 → 4/3. Then (1 − 0.5)·init + 0.5·batch.
    expect(Array.from(rm!.value)).toEqual([0.5 * 4.25, 0.5 * 0.5].map(Math.fround));
    expect(rv!.value[0]).toBeCloseTo(0.5 + 0.5 * (17 / 6), 6);
    expect(rv!.value[1]).toBeCloseTo(0.5 + 0.5 * (4 / 3), 6);
    // Eval normalizes with them: fixed statistics, gradient = dy·invstd.
    const y = tracked.forward(x, EVAL);
    expect(y.data[0]).toBeCloseTo((1 - rm!.value[0]!) / Math.sqrt(rv!.value[0]! + 1e-5), 5);
    const dx = tracked.backward(tensor([2, 2, 2, 2], new Float32Array(16).fill(1)), EVAL);
    expect(dx.data[4]).toBeCloseTo(1 / Math.sqrt(rv!.value[1]! + 1e-5), 5);
  });
});
