import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/core/layer.ts';
import { answerLocally, runPass } from '../../../src/core/model/sync.ts';
import { Sequential } from '../../../src/core/model/sequential.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { tensor } from '../../../src/core/tensor.ts';
import { Rng } from '../../../src/core/rng.ts';
import { concat, copy, loadFixture, scaledError, slice, syncStep, t } from './helpers.ts';

const fx = loadFixture();
const TRAIN: RunContext = { mode: 'training', step: 0 };
const EVAL: RunContext = { mode: 'eval-running', step: 0 };

/**
 * Tolerance against numpy (float64 on the same float32 inputs): 1e-6 of the tensor's scale.
 * The layers accumulate in float64 and round outputs and the stored x̂ to float32 (6e-8
 * relative), so about one ulp separates them: measured ≤ 4e-8 for every BN, GN, LN and IN
 * tensor. 1e-6 leaves a 25× margin, while any formula slip (N vs N − 1 at N = 7 is 17 %, a
 * missing mean term is O(1)) is orders of magnitude larger.
 */
const TOL = 1e-6;

function bnFrom(c: (typeof fx.bn)[number], affine = true): BatchNorm {
  const bn = new BatchNorm({ name: 'bn', channels: c.shape[1]!, affine });
  if (affine) {
    bn.gamma!.value.set(c.gamma);
    bn.beta!.value.set(c.beta);
  }
  return bn;
}

describe('BatchNorm vs numpy', () => {
  for (const c of fx.bn) {
    it(`${c.name}: training forward, input and γ/β gradients, running stats after one step`, () => {
      const bn = bnFrom(c);
      const y = bn.forward(t(c.shape, c.x), TRAIN);
      expect(scaledError(y.data, c.y)).toBeLessThan(TOL);
      const dx = bn.backward(t(c.shape, c.dy), TRAIN);
      expect(scaledError(dx.data, c.dx)).toBeLessThan(TOL);
      expect(scaledError(bn.gamma!.grad, c.dgamma)).toBeLessThan(TOL);
      expect(scaledError(bn.beta!.grad, c.dbeta)).toBeLessThan(TOL);
      const [rm, rv, nbt] = bn.buffers();
      expect(scaledError(rm!.value, c.runningMean1)).toBeLessThan(TOL);
      expect(scaledError(rv!.value, c.runningVar1)).toBeLessThan(TOL);
      expect(nbt!.value[0]).toBe(1);
    });

    it(`${c.name}: training without affine`, () => {
      const bn = bnFrom(c, false);
      expect(bn.params()).toEqual([]);
      expect(scaledError(bn.forward(t(c.shape, c.x), TRAIN).data, c.yNoAffine)).toBeLessThan(TOL);
      expect(scaledError(bn.backward(t(c.shape, c.dy), TRAIN).data, c.dxNoAffine)).toBeLessThan(
        TOL,
      );
    });

    it(`${c.name}: eval with running statistics (forward, input and γ gradients)`, () => {
      const bn = bnFrom(c);
      const [rm, rv] = bn.buffers();
      rm!.value.set(c.evalRunningMean);
      rv!.value.set(c.evalRunningVar);
      expect(bn.needsSync(EVAL)).toBe(false);
      expect(scaledError(bn.forward(t(c.shape, c.x), EVAL).data, c.yEval)).toBeLessThan(TOL);
      expect(scaledError(bn.backward(t(c.shape, c.dy), EVAL).data, c.dxEval)).toBeLessThan(TOL);
      expect(scaledError(bn.gamma!.grad, c.dgammaEval)).toBeLessThan(TOL);
      // Eval leaves the running statistics alone.
      expect(Array.from(rm!.value)).toEqual(Array.from(Float32Array.from(c.evalRunningMean)));
    });
  }

  for (const r of fx.running) {
    it(`running statistics over ${r.xs.length} steps, [${r.shape.join(', ')}], momentum ${r.momentum}`, () => {
      const bn = new BatchNorm({ name: 'bn', channels: r.shape[1]!, momentum: r.momentum });
      const [rm, rv, nbt] = bn.buffers();
      r.xs.forEach((x, k) => {
        bn.forward(t(r.shape, x), TRAIN);
        expect(scaledError(rm!.value, r.runningMean[k]!)).toBeLessThan(TOL);
        expect(scaledError(rv!.value, r.runningVar[k]!)).toBeLessThan(TOL);
        expect(nbt!.value[0]).toBe(k + 1);
      });
    });
  }
});

describe('BatchNorm phases and devices', () => {
  const c = fx.bn[1]!; // [3, 2, 3, 4]
  const x = t(c.shape, c.x);
  const dy = t(c.shape, c.dy);

  it('plain forward/backward equal the phases with a merge of one (bit for bit)', () => {
    const plain = bnFrom(c);
    const phased = bnFrom(c);
    const y1 = copy(plain.forward(x, TRAIN));
    const dx1 = copy(plain.backward(dy, TRAIN));
    const m = phased.localMoments(x, TRAIN);
    const reply = answerLocally({ phase: 'moments', layer: 'bn', moments: m });
    if (reply.phase !== 'moments') throw new Error('unexpected reply');
    const y2 = phased.normalize(reply.merged, TRAIN);
    const red = phased.localReductions(dy, TRAIN);
    const dx2 = phased.inputGradient(red, TRAIN);
    expect(Array.from(y2.data)).toEqual(Array.from(y1.data));
    expect(Array.from(dx2.data)).toEqual(Array.from(dx1.data));
    expect(Array.from(phased.gamma!.grad)).toEqual(Array.from(plain.gamma!.grad));
    expect(Array.from(phased.buffers()[1]!.value)).toEqual(Array.from(plain.buffers()[1]!.value));
    // And through a Sequential pass driven by runPass (the engine's path).
    const model = new Sequential([bnFrom(c)], c.shape.slice(1));
    const y3 = runPass(model.forward(x, TRAIN));
    expect(Array.from(y3.data)).toEqual(Array.from(y1.data));
    const dx3 = runPass(model.backward(dy, TRAIN));
    expect(Array.from(dx3.data)).toEqual(Array.from(dx1.data));
  });

  it('sync over shards (sizes 1, 0, 2) equals BN on the whole batch: outputs, input grads, summed γ/β grads, running stats', () => {
    const whole = bnFrom(c);
    const yWhole = copy(whole.forward(x, TRAIN));
    const dxWhole = copy(whole.backward(dy, TRAIN));
    const bounds = [0, 1, 1, 3];
    const layers = [bnFrom(c), bnFrom(c), bnFrom(c)];
    const xs = layers.map((_, i) => slice(x, bounds[i]!, bounds[i + 1]!));
    const dys = layers.map((_, i) => slice(dy, bounds[i]!, bounds[i + 1]!));
    const { ys, dxs } = syncStep(layers, xs, dys, TRAIN);
    expect(scaledError(concat(ys).data, yWhole.data)).toBeLessThan(1e-6);
    expect(scaledError(concat(dxs).data, dxWhole.data)).toBeLessThan(1e-6);
    const gSum = new Float64Array(2);
    const bSum = new Float64Array(2);
    for (const l of layers) {
      for (let ch = 0; ch < 2; ch++) {
        gSum[ch] = gSum[ch]! + l.gamma!.grad[ch]!;
        bSum[ch] = bSum[ch]! + l.beta!.grad[ch]!;
      }
    }
    expect(scaledError(gSum, whole.gamma!.grad)).toBeLessThan(1e-6);
    expect(scaledError(bSum, whole.beta!.grad)).toBeLessThan(1e-6);
    for (const l of layers) {
      expect(scaledError(l.buffers()[0]!.value, whole.buffers()[0]!.value)).toBeLessThan(1e-6);
      expect(scaledError(l.buffers()[1]!.value, whole.buffers()[1]!.value)).toBeLessThan(1e-6);
    }
    // The empty device: empty output and gradient, zero γ/β gradients, no NaN anywhere.
    expect(ys[1]!.shape).toEqual([0, 2, 3, 4]);
    expect(dxs[1]!.data.length).toBe(0);
    expect(Array.from(layers[1]!.gamma!.grad)).toEqual([0, 0]);
    expect(Array.from(layers[1]!.beta!.grad)).toEqual([0, 0]);
    for (const l of layers)
      for (const b of l.buffers()) expect(b.value.every(Number.isFinite)).toBe(true);
  });

  it('one value per channel in training throws the clear error; under sync the merged count decides', () => {
    const bn = new BatchNorm({ name: 'bn1', channels: 3 });
    const one = tensor([1, 3], Float32Array.from([1, 2, 3]));
    expect(() => bn.forward(one, TRAIN)).toThrow(
      /^bn1: Expected more than 1 value per channel when training, got input size \[1, 3\] \(the merged batch has 1 value per channel\); use a larger batch or sync BN across devices$/,
    );
    // One sample on each of two devices: the merged batch has 2 values, which is fine.
    const pair = [
      new BatchNorm({ name: 'bn1', channels: 3 }),
      new BatchNorm({ name: 'bn1', channels: 3 }),
    ];
    const { ys } = syncStep(pair, [one, tensor([1, 3], Float32Array.from([3, 2, 1]))], null, TRAIN);
    expect(Array.from(ys[0]!.data).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-1, 0, 1]);
    // [1, C, H, W] with H·W > 1 has enough values per channel.
    expect(() => bn.forward(tensor([1, 3, 2, 1]), TRAIN)).not.toThrow();
    // eval-batch with one value is degenerate (output β) but allowed: no NaN.
    const nb = new BatchNorm({ name: 'nb', channels: 3, trackRunningStats: false });
    expect(nb.needsSync(EVAL)).toBe(true);
    expect(Array.from(nb.forward(one, EVAL).data)).toEqual([0, 0, 0]);
  });

  it('a device with count 0 alone (every device empty): empty output, no NaN, running stats untouched', () => {
    const bn = new BatchNorm({ name: 'bn', channels: 3 });
    const empty = tensor([0, 3]);
    const m = bn.localMoments(empty, TRAIN);
    expect(Array.from(m.count)).toEqual([0]);
    const y = bn.normalize({ normalize: m, running: m }, TRAIN);
    expect(y.shape).toEqual([0, 3]);
    const red = bn.localReductions(tensor([0, 3]), TRAIN);
    expect(Array.from(red.sumDy)).toEqual([0, 0, 0]);
    expect(Array.from(red.sumDyXhat)).toEqual([0, 0, 0]);
    expect(bn.inputGradient(red, TRAIN).data.length).toBe(0);
    expect(Array.from(bn.gamma!.grad)).toEqual([0, 0, 0]);
    const [rm, rv, nbt] = bn.buffers();
    expect(Array.from(rm!.value)).toEqual([0, 0, 0]);
    expect(Array.from(rv!.value)).toEqual([1, 1, 1]);
    expect(nbt!.value[0]).toBe(0);
    // Eval with running statistics on an empty batch, too.
    expect(bn.forward(tensor([0, 3, 2, 2]), EVAL).shape).toEqual([0, 3, 2, 2]);
  });

  it('modes: eval-batch and running=null leave running stats alone; precise-collect uses batch stats', () => {
    const bn = bnFrom(c);
    const [rm] = bn.buffers();
    const before = Array.from(rm!.value);
    const yb = copy(bn.forward(x, { mode: 'eval-batch', step: 0 }));
    expect(Array.from(rm!.value)).toEqual(before);
    const m = bn.localMoments(x, TRAIN);
    const yt = bn.normalize({ normalize: m, running: null }, TRAIN);
    expect(Array.from(rm!.value)).toEqual(before);
    expect(Array.from(yt.data)).toEqual(Array.from(yb.data));
    expect(scaledError(yb.data, c.y)).toBeLessThan(TOL);
    const yp = bn.forward(x, { mode: 'precise-collect', step: 0 });
    expect(Array.from(yp.data)).toEqual(Array.from(yb.data));
    expect(Array.from(rm!.value)).toEqual(before);
  });

  it('random shapes: phases of a merge of one equal forward/backward; sync of many shards equals whole', () => {
    const rng = Rng.stream(7, 'bn-random');
    for (let trial = 0; trial < 5; trial++) {
      const n = 2 + rng.int(9);
      const shape = rng.uniform() < 0.5 ? [n, 3] : [n, 3, 2, 3];
      const xx = tensor(
        shape,
        rng.fillNormal(new Float32Array(n * (shape.length === 2 ? 3 : 18)), 2, 1),
      );
      const dd = tensor(shape, rng.fillNormal(new Float32Array(xx.data.length)));
      const whole = new BatchNorm({ name: 'bn', channels: 3 });
      const yW = copy(whole.forward(xx, TRAIN));
      const dxW = copy(whole.backward(dd, TRAIN));
      const cuts = [0];
      while (cuts[cuts.length - 1]! < n)
        cuts.push(Math.min(n, cuts[cuts.length - 1]! + rng.int(4)));
      const layers = cuts.slice(1).map(() => new BatchNorm({ name: 'bn', channels: 3 }));
      const xs = layers.map((_, i) => slice(xx, cuts[i]!, cuts[i + 1]!));
      const ds = layers.map((_, i) => slice(dd, cuts[i]!, cuts[i + 1]!));
      const { ys, dxs } = syncStep(layers, xs, ds, TRAIN);
      expect(scaledError(concat(ys).data, yW.data)).toBeLessThan(1e-6);
      expect(scaledError(concat(dxs).data, dxW.data)).toBeLessThan(1e-6);
    }
  });
});
