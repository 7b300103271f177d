import { describe, expect, it } from 'vitest';
import { ConfigError, modelSchema, NORMS } from '../../../src/config/schema.ts';
import type { NormMode } from '../../../src/core/layer.ts';
import { BN_PAPER_INIT_STD, buildModel, type ModelInput } from '../../../src/core/model/build.ts';
import type { Sequential } from '../../../src/core/model/sequential.ts';
import { runPass } from '../../../src/core/model/sync.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';

const model = (input: Record<string, unknown>) => modelSchema.parse(input);
const POINTS: ModelInput = { sampleShape: [2], classes: 3 };
const MNIST: ModelInput = { sampleShape: [1, 28, 28], classes: 10 };
const MNIST14: ModelInput = { sampleShape: [1, 14, 14], classes: 10 };

function build(cfg: Record<string, unknown>, input: ModelInput, seed = 1): Sequential {
  return buildModel(model(cfg), input, Rng.stream(seed, 'init'));
}

/** A forward pass on a random batch, driven as a single device; returns the logits shape. */
function forwardShape(net: Sequential, batch: number, mode: NormMode = 'training'): number[] {
  const x = tensor([batch, ...net.inputShape]);
  Rng.stream(7, 'x').fillNormal(x.data);
  const y = runPass(net.forward(x, { mode, step: 0 }));
  for (const v of y.data) expect(Number.isFinite(v)).toBe(true);
  return [...y.shape];
}

const names = (net: Sequential) => net.layers.map((l) => l.name);
const kinds = (net: Sequential) => net.layers.map((l) => l.kind);

describe('buildModel: mlp', () => {
  it('names layers readably and in order', () => {
    const net = build({ preset: 'mlp', hidden: [64, 64], norm: 'batch' }, MNIST);
    expect(names(net)).toEqual(['flatten', 'fc1', 'bn1', 'act1', 'fc2', 'bn2', 'act2', 'fc_out']);
    expect(net.params().map((p) => p.name)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'bn1.weight',
      'bn1.bias',
      'fc2.weight',
      'fc2.bias',
      'bn2.weight',
      'bn2.bias',
      'fc_out.weight',
      'fc_out.bias',
    ]);
    expect(net.outputShape()).toEqual([10]);
  });

  const dense = NORMS.filter((n) => n !== 'instance');
  it.each(dense)('norm %s on 2-D points and on MNIST gives logits of the right shape', (norm) => {
    const net = build({ preset: 'mlp', hidden: [16, 8], norm, normOptions: { groups: 4 } }, POINTS);
    expect(net.outputShape()).toEqual([3]);
    expect(forwardShape(net, 8)).toEqual([8, 3]);
    expect(forwardShape(net, 8, 'eval-running')).toEqual([8, 3]);
    const big = build({ preset: 'mlp', hidden: [32], norm }, MNIST);
    expect(forwardShape(big, 4)).toEqual([4, 10]);
  });

  it("'weight' and 'spectral' wrap each hidden Dense (not the output layer) under its name", () => {
    const wn = build({ preset: 'mlp', hidden: [8, 8], norm: 'weight' }, POINTS);
    expect(names(wn)).toEqual(['flatten', 'fc1', 'act1', 'fc2', 'act2', 'fc_out']);
    expect(kinds(wn).slice(1, 4)).toEqual(['weight-norm', 'activation', 'weight-norm']);
    expect(wn.layers.at(-1)!.kind).toBe('dense');
    expect(wn.params().map((p) => p.name)).toContain('fc1.weight_g');
    const sn = build({ preset: 'mlp', hidden: [8, 8], norm: 'spectral' }, POINTS);
    expect(kinds(sn)).toEqual([
      'flatten',
      'spectral-norm',
      'activation',
      'spectral-norm',
      'activation',
      'dense',
    ]);
    const none = build({ preset: 'mlp', hidden: [8], norm: 'none' }, POINTS);
    expect(names(none)).toEqual(['flatten', 'fc1', 'act1', 'fc_out']);
  });

  it('passes normOptions through to the norm layers', () => {
    const opts = { eps: 1e-3, momentum: 0.3, affine: false, virtualBatch: 2, rmax: 2, dmax: 1 };
    const bn = build({ preset: 'mlp', hidden: [8], norm: 'batch', normOptions: opts }, POINTS);
    const layer = bn.layers[2] as unknown as { eps: number; momentum: number; affine: boolean };
    expect([layer.eps, layer.momentum, layer.affine]).toEqual([1e-3, 0.3, false]);
    expect(bn.layers[2]!.params()).toEqual([]);
    const ghost = build({ preset: 'mlp', hidden: [8], norm: 'ghost', normOptions: opts }, POINTS);
    expect((ghost.layers[2] as unknown as { virtualBatch: number }).virtualBatch).toBe(2);
    expect(ghost.layers[2]!.name).toBe('gbn1');
    const renorm = build({ preset: 'mlp', hidden: [8], norm: 'renorm' }, POINTS);
    expect(renorm.layers[2]!.name).toBe('brn1');
    expect(build({ preset: 'mlp', hidden: [8], norm: 'layer' }, POINTS).layers[2]!.name).toBe(
      'ln1',
    );
    expect(build({ preset: 'mlp', hidden: [8], norm: 'group' }, POINTS).layers[2]!.name).toBe(
      'gn1',
    );
  });

  it('an empty hidden list is logistic regression', () => {
    const net = build({ preset: 'mlp', hidden: [] }, POINTS);
    expect(names(net)).toEqual(['flatten', 'fc_out']);
    expect(forwardShape(net, 5)).toEqual([5, 3]);
  });
});

describe('buildModel: cnn', () => {
  it.each(NORMS)('norm %s on 28×28 and 14×14 images', (norm) => {
    const net = build({ preset: 'cnn', norm, channels: [4, 8] }, MNIST);
    expect(net.outputShape()).toEqual([10]);
    expect(forwardShape(net, 4)).toEqual([4, 10]);
    const small = build({ preset: 'cnn', norm, channels: [4, 8] }, MNIST14);
    expect(forwardShape(small, 4)).toEqual([4, 10]);
  });

  it('two conv blocks then the classifier, 28 → 14 → 7', () => {
    const net = build({ preset: 'cnn', norm: 'batch' }, MNIST);
    expect(names(net)).toEqual([
      'conv1',
      'bn1',
      'act1',
      'pool1',
      'conv2',
      'bn2',
      'act2',
      'pool2',
      'flatten',
      'fc_out',
    ]);
    const fcOut = net.params().find((p) => p.name === 'fc_out.weight')!;
    expect(fcOut.shape).toEqual([10, 32 * 7 * 7]);
    const small = build({ preset: 'cnn', norm: 'batch' }, MNIST14);
    expect(small.params().find((p) => p.name === 'fc_out.weight')!.shape).toEqual([10, 32 * 3 * 3]);
  });

  it('instance norm is fine on images (the name is in1)', () => {
    expect(build({ preset: 'cnn', norm: 'instance' }, MNIST).layers[1]!.name).toBe('in1');
  });
});

describe('buildModel: bn-paper-mlp', () => {
  it("is Ioffe & Szegedy's 3 × 100 sigmoid net with BN before each sigmoid", () => {
    const net = build(
      { preset: 'bn-paper-mlp', hidden: [7], activation: 'relu', norm: 'batch' },
      MNIST,
    );
    expect(names(net)).toEqual([
      'flatten',
      'fc1',
      'bn1',
      'act1',
      'fc2',
      'bn2',
      'act2',
      'fc3',
      'bn3',
      'act3',
      'fc_out',
    ]);
    for (const i of [3, 6, 9])
      expect((net.layers[i] as unknown as { fn: string }).fn).toBe('sigmoid');
    expect(net.params().find((p) => p.name === 'fc2.weight')!.shape).toEqual([100, 100]);
    expect(forwardShape(net, 6)).toEqual([6, 10]);
  });

  it('draws weights from N(0, 0.1²) and zero biases', () => {
    const net = build({ preset: 'bn-paper-mlp', norm: 'none' }, MNIST);
    const w = net.params().find((p) => p.name === 'fc1.weight')!.value;
    let sum = 0;
    let sq = 0;
    for (const v of w) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / w.length;
    const std = Math.sqrt(sq / w.length - mean * mean);
    // 78,400 draws: the sample std's standard error is 0.1/√(2·78400) ≈ 2.5e-4, the mean's 3.6e-4;
    // 1e-3 is four standard errors.
    expect(Math.abs(std - BN_PAPER_INIT_STD)).toBeLessThan(1e-3);
    expect(Math.abs(mean)).toBeLessThan(1.5e-3);
    expect(
      net
        .params()
        .find((p) => p.name === 'fc1.bias')!
        .value.every((v) => v === 0),
    ).toBe(true);
  });
});

describe('buildModel: determinism', () => {
  const snapshot = (net: Sequential) => net.params().map((p) => Array.from(p.value));
  it.each([
    ['mlp', 'batch'],
    ['mlp', 'spectral'],
    ['cnn', 'weight'],
    ['bn-paper-mlp', 'batch'],
  ])('%s/%s: same seed, same weights; another seed, other weights', (preset, norm) => {
    const input = preset === 'mlp' ? POINTS : MNIST14;
    const cfg = { preset, norm, hidden: [8, 8], channels: [4, 4] };
    const a = snapshot(build(cfg, input, 5));
    expect(snapshot(build(cfg, input, 5))).toEqual(a);
    expect(snapshot(build(cfg, input, 6))).not.toEqual(a);
    const spectral = build(cfg, input, 5)
      .buffers()
      .map((b) => Array.from(b.value));
    expect(
      build(cfg, input, 5)
        .buffers()
        .map((b) => Array.from(b.value)),
    ).toEqual(spectral);
  });
});

describe('buildModel: clear errors', () => {
  function configError(cfg: Record<string, unknown>, input: ModelInput): string {
    try {
      build(cfg, input);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('expected a ConfigError');
  }

  it('cnn needs images', () => {
    expect(configError({ preset: 'cnn' }, POINTS)).toBe(
      'model.preset: "cnn" needs image samples [channels, height, width], but the dataset gives [2]; use "mlp" (or "bn-paper-mlp") for the 2-D sets, or dataset "mnist"',
    );
    expect(configError({ preset: 'cnn' }, { sampleShape: [1, 3, 3], classes: 2 })).toMatch(
      /^model\.preset: .*at least 4 × 4, got 3 × 3/,
    );
  });

  it('group count must divide the width, naming the layer and the choices', () => {
    expect(
      configError(
        { preset: 'mlp', hidden: [64, 30], norm: 'group', normOptions: { groups: 4 } },
        POINTS,
      ),
    ).toBe(
      'model.normOptions.groups: 4 groups do not divide the 30 features of fc2; use a divisor of 30 (e.g. 1, 2, 3, 5, 6, 10)',
    );
    expect(
      configError(
        { preset: 'cnn', channels: [6, 8], norm: 'group', normOptions: { groups: 4 } },
        MNIST,
      ),
    ).toMatch(/^model\.normOptions\.groups: 4 groups do not divide the 6 channels of conv1/);
  });

  it('instance norm needs spatial dimensions', () => {
    expect(configError({ preset: 'mlp', norm: 'instance' }, POINTS)).toMatch(
      /^model\.norm: "instance" needs spatial dimensions .* but fc1 outputs plain features/,
    );
    expect(configError({ preset: 'bn-paper-mlp', norm: 'instance' }, MNIST)).toMatch(
      /^model\.norm: /,
    );
  });
});
