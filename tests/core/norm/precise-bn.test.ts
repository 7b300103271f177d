import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { Sequential } from '../../../src/core/model/sequential.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { BatchRenorm } from '../../../src/core/norm/batch-renorm.ts';
import { GhostBatchNorm } from '../../../src/core/norm/ghost-batch-norm.ts';
import { recomputePreciseStats } from '../../../src/core/model/recompute-precise.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import { copy, loadFixture, scaledError, t } from './helpers.ts';

const fx = loadFixture();
const p = fx.precise;
/** As for BatchNorm (batch-norm.test.ts): running buffers are float32, so ~1 ulp; 1e-6 of scale. */
const TOL = 1e-6;

describe('PreciseBN', () => {
  const batches = (): Tensor[] => p.xs.map((x) => t([p.batch, p.channels], x));

  it('population statistics follow Wu & Johnson (numpy): μ = E[μ_B], σ² = E[μ_B² + σ²_B] − μ², ×N/(N−1)', () => {
    const bn = new BatchNorm({ name: 'bn', channels: p.channels });
    const model = new Sequential([bn], [p.channels]);
    // Some EMA history that PreciseBN must replace, not blend with.
    bn.forward(t([p.batch, p.channels], p.xs[0]!), { mode: 'training', step: 0 });
    const [rm, rv, nbt] = bn.buffers();
    const result = recomputePreciseStats(model, batches());
    expect(result).toEqual({ batches: p.xs.length, samples: p.xs.length * p.batch });
    expect(scaledError(rm!.value, p.mean)).toBeLessThan(TOL);
    expect(scaledError(rv!.value, p.var)).toBeLessThan(TOL);
    // …which is the unbiased variance of every value seen, as the doc comment argues.
    expect(scaledError(rv!.value, p.varAllUnbiased)).toBeLessThan(TOL);
    expect(nbt!.value[0]).toBe(1);
  });

  it('collect passes normalize with batch statistics, so a later norm sees training-like inputs', () => {
    const rng = Rng.stream(3, 'precise-2');
    const bn1 = new BatchNorm({ name: 'bn1', channels: 2 });
    const bn2 = new BatchNorm({ name: 'bn2', channels: 2 });
    bn1.gamma!.value.set([2, 0.5]);
    bn1.beta!.value.set([1, -1]);
    const model = new Sequential([bn1, bn2], [2]);
    const xs = [0, 1, 2].map(() => tensor([5, 2], rng.fillNormal(new Float32Array(10), 3, 7)));
    // The expected input statistics of bn2: bn1's batch-normalized outputs, pooled.
    const ref = new BatchNorm({ name: 'ref', channels: 2 });
    ref.gamma!.value.set([2, 0.5]);
    ref.beta!.value.set([1, -1]);
    const outs = xs.map((x) => copy(ref.forward(x, { mode: 'eval-batch', step: 0 })));
    const all = outs.flatMap((o) => Array.from(o.data));
    recomputePreciseStats(model, xs);
    for (let c = 0; c < 2; c++) {
      const vals = all.filter((_, i) => i % 2 === c);
      const mu = vals.reduce((a, b) => a + b, 0) / vals.length;
      const v = vals.reduce((a, b) => a + (b - mu) ** 2, 0) / (vals.length - 1);
      expect(bn2.buffers()[0]!.value[c]).toBeCloseTo(mu, 5);
      expect(bn2.buffers()[1]!.value[c]! / v).toBeCloseTo(1, 5);
    }
  });

  it('Ghost BN pools its virtual batches; Batch Renorm stores σ = √(σ²_pop + ε)', () => {
    const ghost = new GhostBatchNorm({ name: 'g', channels: p.channels, virtualBatch: 2 });
    recomputePreciseStats(new Sequential([ghost], [p.channels]), batches());
    expect(scaledError(ghost.buffers()[1]!.value, p.var)).toBeLessThan(TOL);
    const brn = new BatchRenorm({
      name: 'r',
      channels: p.channels,
      rmax: 3,
      dmax: 5,
      warmup: 0,
      ramp: 0,
    });
    recomputePreciseStats(new Sequential([brn], [p.channels]), batches());
    expect(scaledError(brn.moving.mean.value, p.mean)).toBeLessThan(TOL);
    expect(
      scaledError(
        brn.moving.std.value,
        p.var.map((v) => Math.sqrt(v + 1e-5)),
      ),
    ).toBeLessThan(TOL);
  });

  it('leaves the EMA path alone while collecting, and refuses to finish with no data', () => {
    const bn = new BatchNorm({ name: 'bn', channels: p.channels });
    const ctx: RunContext = { mode: 'precise-collect', step: 0 };
    bn.forward(t([p.batch, p.channels], p.xs[0]!), ctx); // not collecting: nothing happens
    expect(Array.from(bn.buffers()[0]!.value)).toEqual([0, 0, 0]);
    bn.beginPrecise();
    expect(() => bn.endPrecise()).toThrow(/bn: PreciseBN collected 0 value\(s\) per channel/);
    expect(() => bn.endPrecise()).toThrow(/endPrecise without beginPrecise/);
  });
});
