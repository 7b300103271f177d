import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { BatchRenorm, renormBounds } from '../../../src/core/norm/batch-renorm.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { concat, copy, loadFixture, scaledError, slice, syncStep, t } from './helpers.ts';

const fx = loadFixture();
const b = fx.brn;
/** As for BatchNorm (batch-norm.test.ts): float64 inside, float32 outputs, ~1 ulp measured; 1e-6 of the tensor's scale. */
const TOL = 1e-6;

function build(): BatchRenorm {
  const brn = new BatchRenorm({
    name: 'brn',
    channels: b.shape[1]!,
    momentum: b.momentum,
    rmax: b.rmax,
    dmax: b.dmax,
    warmup: b.warmup,
    ramp: b.ramp,
  });
  brn.gamma!.value.set(b.gamma);
  brn.beta!.value.set(b.beta);
  return brn;
}

describe('BatchRenorm vs numpy (Ioffe 2017, Algorithm 1)', () => {
  it(`${b.steps.length} steps through warm-up and ramp: y, r, d, input and γ/β grads, moving μ and σ; then eval`, () => {
    const brn = build();
    let clippedR = 0;
    let clippedD = 0;
    let freeR = 0;
    for (const s of b.steps) {
      const ctx: RunContext = { mode: 'training', step: s.step };
      const y = brn.forward(t(b.shape, s.x), ctx);
      expect(scaledError(brn.r, s.r), `r at step ${s.step}`).toBeLessThan(TOL);
      expect(scaledError(brn.d, s.d), `d at step ${s.step}`).toBeLessThan(TOL);
      expect(scaledError(y.data, s.y), `y at step ${s.step}`).toBeLessThan(TOL);
      const dx = brn.backward(t(b.shape, s.dy), ctx);
      expect(scaledError(dx.data, s.dx), `dx at step ${s.step}`).toBeLessThan(TOL);
      expect(scaledError(brn.gamma!.grad, s.dgamma)).toBeLessThan(TOL);
      expect(scaledError(brn.beta!.grad, s.dbeta)).toBeLessThan(TOL);
      expect(scaledError(brn.moving.mean.value, s.movingMean)).toBeLessThan(TOL);
      expect(scaledError(brn.moving.std.value, s.movingStd)).toBeLessThan(TOL);
      if (s.step > b.warmup) {
        clippedR += s.rClipped;
        clippedD += s.dClipped;
        freeR += b.shape[1]! - s.rClipped;
      }
    }
    // The fixture exercises both sides of each clip once the bounds open (after step = warmup).
    expect(clippedR).toBeGreaterThan(0);
    expect(clippedD).toBeGreaterThan(0);
    expect(freeR).toBeGreaterThan(0);
    const ye = brn.forward(t([5, b.shape[1]!], b.evalX), { mode: 'eval-running', step: 99 });
    expect(scaledError(ye.data, b.evalY)).toBeLessThan(TOL);
  });

  it('schedule: rmax = 1, dmax = 0 during warm-up, then linear to the final values', () => {
    const o = { rmax: 3, dmax: 5, warmup: 10, ramp: 20 };
    expect(renormBounds(0, o)).toEqual({ rmax: 1, dmax: 0 });
    expect(renormBounds(9, o)).toEqual({ rmax: 1, dmax: 0 });
    expect(renormBounds(10, o)).toEqual({ rmax: 1, dmax: 0 });
    expect(renormBounds(20, o)).toEqual({ rmax: 2, dmax: 2.5 });
    expect(renormBounds(30, o)).toEqual({ rmax: 3, dmax: 5 });
    expect(renormBounds(1000, o)).toEqual({ rmax: 3, dmax: 5 });
    expect(renormBounds(0, { ...o, warmup: 0, ramp: 0 })).toEqual({ rmax: 3, dmax: 5 });
  });

  it('during warm-up it is exactly BatchNorm (forward and backward)', () => {
    const rng = Rng.stream(4, 'brn-warm');
    const x = tensor([6, 3], rng.fillNormal(new Float32Array(18), 2, 1));
    const dy = tensor([6, 3], rng.fillNormal(new Float32Array(18)));
    const brn = new BatchRenorm({ name: 'n', channels: 3, rmax: 3, dmax: 5, warmup: 5, ramp: 5 });
    const bn = new BatchNorm({ name: 'n', channels: 3 });
    const ctx: RunContext = { mode: 'training', step: 4 };
    expect(Array.from(brn.forward(x, ctx).data)).toEqual(Array.from(bn.forward(x, ctx).data));
    expect(Array.from(brn.backward(dy, ctx).data)).toEqual(Array.from(bn.backward(dy, ctx).data));
  });

  it('under sync (shards 3, 0, 1, 4) equals one device on the whole batch, r and d included', () => {
    const rng = Rng.stream(5, 'brn-sync');
    const x = tensor([8, 4], rng.fillNormal(new Float32Array(32), 3, 2));
    const dy = tensor([8, 4], rng.fillNormal(new Float32Array(32)));
    const ctx: RunContext = { mode: 'training', step: 100 };
    const opts = { name: 'n', channels: 4, rmax: 1.2, dmax: 0.3, warmup: 0, ramp: 0 };
    const whole = new BatchRenorm(opts);
    whole.moving.mean.value.set([1, 2, 3, 4]);
    const yW = copy(whole.forward(x, ctx));
    const dxW = copy(whole.backward(dy, ctx));
    const cuts = [0, 3, 3, 4, 8];
    const layers = [0, 1, 2, 3].map(() => {
      const l = new BatchRenorm(opts);
      l.moving.mean.value.set([1, 2, 3, 4]);
      return l;
    });
    const xs = layers.map((_, i) => slice(x, cuts[i]!, cuts[i + 1]!));
    const ds = layers.map((_, i) => slice(dy, cuts[i]!, cuts[i + 1]!));
    const { ys, dxs } = syncStep(layers, xs, ds, ctx);
    expect(scaledError(concat(ys).data, yW.data)).toBeLessThan(1e-6);
    expect(scaledError(concat(dxs).data, dxW.data)).toBeLessThan(1e-6);
    for (const l of layers) {
      expect(scaledError(l.r, whole.r)).toBeLessThan(1e-12);
      expect(scaledError(l.moving.std.value, whole.moving.std.value)).toBeLessThan(1e-6);
    }
  });

  it('buffers are running_mean, running_std, num_batches_tracked; trackRunningStats false is refused', () => {
    expect(
      build()
        .buffers()
        .map((x) => x.name),
    ).toEqual(['brn.running_mean', 'brn.running_std', 'brn.num_batches_tracked']);
    expect(
      () =>
        new BatchRenorm({
          name: 'x',
          channels: 2,
          rmax: 3,
          dmax: 5,
          warmup: 0,
          ramp: 0,
          trackRunningStats: false,
        }),
    ).toThrow(/Batch Renorm needs its moving statistics/);
  });
});
