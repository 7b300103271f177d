import { describe, expect, it } from 'vitest';
import { Conv2d } from '../../../src/core/layers/conv2d.ts';
import { Dense } from '../../../src/core/layers/dense.ts';
import type { Layer, RunContext } from '../../../src/core/layer.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { BatchRenorm } from '../../../src/core/norm/batch-renorm.ts';
import { GhostBatchNorm } from '../../../src/core/norm/ghost-batch-norm.ts';
import { GroupNorm } from '../../../src/core/norm/group-norm.ts';
import { InstanceNorm } from '../../../src/core/norm/instance-norm.ts';
import { LayerNorm } from '../../../src/core/norm/layer-norm.ts';
import { SpectralNorm } from '../../../src/core/norm/spectral-norm.ts';
import { WeightNorm } from '../../../src/core/norm/weight-norm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import {
  checkGradients,
  checkLayerGradients,
  type DifferentiableFn,
  type GradCheckResult,
} from '../../helpers/gradcheck.ts';
import { concat, slice, syncStep } from './helpers.ts';

/**
 * Central differences with the shared checker (tests/helpers/gradcheck.ts: ε = 1e-2, error per
 * element relative to max(|a|, |n|, 1 % of the tensor's largest gradient)).
 * Tolerance 5e-3. Two error sources, both measured (worst cases are printed): the ε² truncation
 * term, ~1e-4 for these smooth functions at unit-scale inputs, and float32 noise of the loss
 * (~1e-5 of the tensor's largest gradient), which for an element near the checker's floor (1 %
 * of that largest gradient) reaches a few 1e-3 relative — the worst seen is 2.8e-3 (WN conv v).
 * Any missing term of a norm backward (the mean or variance path, a wrong N, r not applied)
 * shows up as an O(1e-1..1) error.
 */
const TOL = 5e-3;
const TRAIN: RunContext = { mode: 'training', step: 0 };

function randn(shape: number[], seed: number, std = 1, mean = 0): Tensor {
  const x = tensor(shape);
  Rng.stream(seed, 'gradcheck-input').fillNormal(x.data, std, mean);
  return x;
}

/** Give γ and β non-trivial values so their gradients and the γ path are exercised. */
function randomizeAffine(layer: Layer, seed: number): void {
  const rng = Rng.stream(seed, 'affine');
  for (const p of layer.params())
    for (let i = 0; i < p.value.length; i++) p.value[i] = 0.5 + rng.uniform();
}

function report(label: string, r: GradCheckResult): void {
  console.info(`${label}: max rel err ${r.maxRelErr.toExponential(2)} — ${r.summary}`);
  expect(r.maxRelErr, r.summary).toBeLessThan(TOL);
}

/** A batch-statistic layer driven through its phases with a merge of one and running: null. */
function phasesFn(layer: BatchRenorm | BatchNorm, ctx: RunContext): DifferentiableFn {
  return {
    forward: (x) => {
      const m = layer.localMoments(x, ctx);
      return layer.normalize({ normalize: m, running: null }, ctx);
    },
    backward: (dy) => layer.inputGradient(layer.localReductions(dy, ctx), ctx),
    params: layer.params(),
  };
}

describe('gradient checks (central differences)', () => {
  for (const affine of [true, false]) {
    for (const shape of [
      [6, 3],
      [3, 2, 3, 2],
    ]) {
      it(`BatchNorm training, affine ${affine}, [${shape.join(', ')}]`, () => {
        const bn = new BatchNorm({ name: 'bn', channels: shape[1]!, affine });
        randomizeAffine(bn, 1);
        report(
          `BN affine=${affine} [${shape}]`,
          checkLayerGradients(bn, randn(shape, 2, 1.5, 0.3)),
        );
      });
    }
  }

  it('BatchNorm eval with running statistics', () => {
    const bn = new BatchNorm({ name: 'bn', channels: 3 });
    randomizeAffine(bn, 3);
    bn.buffers()[0]!.value.set([0.2, -0.1, 0.4]);
    bn.buffers()[1]!.value.set([0.5, 2, 1.3]);
    report(
      'BN eval-running',
      checkLayerGradients(bn, randn([5, 3], 4), { ctx: { mode: 'eval-running', step: 0 } }),
    );
  });

  it('SyncBN across 4 devices (shards 2, 0, 1, 3): input grads of the joint function, γ/β per device', () => {
    const bounds = [0, 2, 2, 3, 6];
    // Replicas hold the same γ/β (as under data parallelism; the reductions rely on it).
    const layers = [0, 1, 2, 3].map(() => new BatchNorm({ name: 'bn', channels: 2 }));
    for (const l of layers) randomizeAffine(l, 10);
    let cachedDys: Tensor[] = [];
    let xsCached: Tensor[] = [];
    const fn: DifferentiableFn = {
      forward: (x) => {
        xsCached = layers.map((_, i) => slice(x, bounds[i]!, bounds[i + 1]!));
        return concat(syncStep(layers, xsCached, null, TRAIN).ys);
      },
      backward: (dy) => {
        cachedDys = layers.map((_, i) => slice(dy, bounds[i]!, bounds[i + 1]!));
        return concat(syncStep(layers, xsCached, cachedDys, TRAIN).dxs);
      },
      params: [layers[0]!.gamma!, layers[3]!.beta!, layers[2]!.gamma!],
    };
    report('SyncBN 4 devices', checkGradients(fn, randn([6, 2, 2, 1], 5)));
  });

  it('GhostBatchNorm: [8, 3] in virtual batches 3, 3, 2 and [7, 2, 2, 2] in 3, 3, 1', () => {
    const g1 = new GhostBatchNorm({ name: 'gbn', channels: 3, virtualBatch: 3 });
    randomizeAffine(g1, 6);
    // The last virtual batch has 2 samples: x̂ = ±(x₁ − x₂)/√((x₁ − x₂)² + 4ε_bn) is nearly a sign
    // function, curved on the scale |x₁ − x₂|, so the central difference's truncation error grows
    // as (ε/|x₁ − x₂|)² (measured 1.2e-2 at |x₁ − x₂| = 0.126, 1.1e-1 with ε = 3e-2). Those two
    // samples are set well apart (|x₁ − x₂| ≥ 1.4) so the check measures the layer, not ε.
    const x8 = randn([8, 3], 7);
    x8.data.set([-0.8, 0.5, 1.1, 0.6, -0.9, -0.7], 18);
    report('GhostBN [8,3] vb3', checkLayerGradients(g1, x8));
    const g2 = new GhostBatchNorm({ name: 'gbn', channels: 2, virtualBatch: 3 });
    randomizeAffine(g2, 8);
    report('GhostBN [7,2,2,2] vb3', checkLayerGradients(g2, randn([7, 2, 2, 2], 9)));
  });

  it('BatchRenorm with r and d clipped (constant near x, so the true function is checked)', () => {
    const brn = new BatchRenorm({
      name: 'brn',
      channels: 3,
      rmax: 1.5,
      dmax: 0.5,
      warmup: 0,
      ramp: 0,
    });
    randomizeAffine(brn, 11);
    // Moving σ far from σ_B (ratio 10 and 0.1 → r = rmax, 1/rmax) and μ far from μ_B (d = ±dmax).
    brn.moving.std.value.set([0.1, 10, 0.1]);
    brn.moving.mean.value.set([5, -5, -5]);
    const fn = phasesFn(brn, TRAIN);
    fn.forward(randn([6, 3], 12));
    expect(Array.from(brn.r).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1.5, 0.666667, 1.5]);
    expect(Array.from(brn.d)).toEqual([-0.5, 0.5, 0.5]);
    report('BRN clipped', checkGradients(fn, randn([6, 3], 12)));
  });

  it('BatchRenorm with r and d inside their bounds: gradient of the function with r, d frozen', () => {
    const brn = new BatchRenorm({ name: 'brn', channels: 3, rmax: 3, dmax: 5, warmup: 0, ramp: 0 });
    randomizeAffine(brn, 13);
    const x0 = randn([6, 3], 14);
    const live = phasesFn(brn, TRAIN);
    live.forward(x0);
    // Place the moving statistics so that r = 0.7, 1.3, 1/0.9 and d = 0.3, −0.2, 0.5 exactly.
    const sigmaB = Array.from(brn.r, (_, c) => 1 / brn['statInvstd'][c]!);
    const muB = Array.from(brn.r, (_, c) => brn['statMean'][c]!);
    const ratio = [0.7, 1.3, 1 / 0.9];
    const shiftD = [0.3, -0.2, 0.5];
    brn.moving.std.value.set(sigmaB.map((s, c) => s / ratio[c]!));
    brn.moving.mean.value.set(muB.map((m, c) => m - shiftD[c]! * brn.moving.std.value[c]!));
    live.forward(x0);
    const r = Float64Array.from(brn.r);
    const d = Float64Array.from(brn.d);
    for (let c = 0; c < 3; c++) {
      expect(r[c]).toBeGreaterThan(1 / 3);
      expect(r[c]).toBeLessThan(3);
      expect(r[c]).not.toBeCloseTo(1, 2);
      expect(Math.abs(d[c]!)).toBeGreaterThan(0.01);
      expect(Math.abs(d[c]!)).toBeLessThan(5);
    }
    // The frozen function: y = γ·(r·x̂_B + d) + β with x̂_B from a plain non-affine BN.
    const plain = new BatchNorm({ name: 'plain', channels: 3, affine: false });
    const out = tensor([6, 3]);
    const frozen: DifferentiableFn = {
      forward: (x) => {
        const h = plain.forward(x, TRAIN);
        for (let i = 0; i < h.data.length; i++) {
          const c = i % 3;
          out.data[i] = brn.gamma!.value[c]! * (r[c]! * h.data[i]! + d[c]!) + brn.beta!.value[c]!;
        }
        return out;
      },
      // Analytic side: the layer itself at the unperturbed point (same r, d: running is null).
      backward: (dy) => {
        live.forward(x0);
        return live.backward(dy);
      },
      params: brn.params(),
    };
    report('BRN unclipped (r, d frozen)', checkGradients(frozen, x0));
  });

  for (const groups of [1, 2, 4]) {
    it(`GroupNorm G=${groups} on [3, 4, 2, 3]`, () => {
      const gn = new GroupNorm({ name: 'gn', channels: 4, groups });
      randomizeAffine(gn, 20 + groups);
      report(`GN G=${groups}`, checkLayerGradients(gn, randn([3, 4, 2, 3], 30 + groups, 2, 1)));
    });
  }

  it('LayerNorm on [4, 6] and [2, 3, 2, 2]', () => {
    const a = new LayerNorm({ name: 'ln', channels: 6 });
    randomizeAffine(a, 40);
    report('LN [4,6]', checkLayerGradients(a, randn([4, 6], 41)));
    const b = new LayerNorm({ name: 'ln', channels: 3 });
    randomizeAffine(b, 42);
    report('LN [2,3,2,2]', checkLayerGradients(b, randn([2, 3, 2, 2], 43)));
  });

  it('InstanceNorm, affine and not, on [2, 3, 3, 3]', () => {
    const a = new InstanceNorm({ name: 'in', channels: 3, affine: true });
    randomizeAffine(a, 50);
    report('IN affine', checkLayerGradients(a, randn([2, 3, 3, 3], 51)));
    const b = new InstanceNorm({ name: 'in', channels: 3 });
    report('IN plain', checkLayerGradients(b, randn([2, 3, 3, 3], 52)));
  });

  it('WeightNorm on Dense and on Conv2d (g, v, bias and input)', () => {
    const rng = Rng.stream(60, 'wn');
    const dense = new WeightNorm({
      name: 'fc',
      inner: new Dense({ name: 'fc', inFeatures: 5, outFeatures: 4, rng }),
    });
    for (let o = 0; o < 4; o++) dense.g.value[o] = 0.5 + o * 0.3;
    report('WN Dense', checkLayerGradients(dense, randn([3, 5], 61)));
    const conv = new WeightNorm({
      name: 'conv',
      inner: new Conv2d({
        name: 'conv',
        inChannels: 2,
        outChannels: 3,
        kernel: 3,
        padding: 1,
        rng,
      }),
    });
    report('WN Conv2d', checkLayerGradients(conv, randn([2, 2, 4, 4], 62)));
  });

  it('SpectralNorm on Dense and Conv2d with u, v frozen (no power iteration outside training)', () => {
    const rng = Rng.stream(70, 'sn');
    const frozen: RunContext = { mode: 'eval-running', step: 0 };
    const dense = new SpectralNorm({
      name: 'fc',
      inner: new Dense({ name: 'fc', inFeatures: 5, outFeatures: 4, rng }),
      rng: rng.fork('u'),
    });
    dense.forward(randn([3, 5], 71), TRAIN); // one iteration so u, v are not just random
    const u = Float32Array.from(dense.u.value);
    report('SN Dense', checkLayerGradients(dense, randn([3, 5], 72), { ctx: frozen }));
    expect(Array.from(dense.u.value)).toEqual(Array.from(u));
    const conv = new SpectralNorm({
      name: 'conv',
      inner: new Conv2d({
        name: 'conv',
        inChannels: 2,
        outChannels: 3,
        kernel: 3,
        padding: 1,
        rng,
      }),
      rng: rng.fork('u2'),
    });
    conv.forward(randn([2, 2, 4, 4], 73), TRAIN);
    report('SN Conv2d', checkLayerGradients(conv, randn([2, 2, 4, 4], 74), { ctx: frozen }));
  });
});
