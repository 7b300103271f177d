import { ConfigError } from '../config-error.ts';
import type { WeightInit } from '../init.ts';
import { Activation } from '../layers/activations.ts';
import { Conv2d } from '../layers/conv2d.ts';
import { Dense } from '../layers/dense.ts';
import { Flatten } from '../layers/flatten.ts';
import { MaxPool2d } from '../layers/maxpool2d.ts';
import type { Layer } from '../layer.ts';
import type { WeightedLayer } from '../norm/weighted-layer.ts';
import type { Rng } from '../rng.ts';
import { sizeOf } from '../tensor.ts';
import { makeNormLayer, wrapLayer } from './norm-factory.ts';
import type { ModelOptions } from './options.ts';
import { Sequential } from './sequential.ts';

type ModelConfig = ModelOptions;

export interface ModelInput {
  /** Per-sample shape: [features] for the 2-D sets, [channels, height, width] for images. */
  readonly sampleShape: readonly number[];
  readonly classes: number;
}

/**
 * Ioffe & Szegedy (2015) say only "small random Gaussian values"; N(0, 0.1²) keeps the first
 * layer's pre-activations at unit scale for MNIST pixels in [0, 1], so the network without BN
 * still trains and the comparison is about normalization, not a broken init.
 */
export const BN_PAPER_INIT_STD = 0.1;
export const BN_PAPER_HIDDEN = [100, 100, 100] as const;

/**
 * The network a run config describes, for samples of `input.sampleShape`. Layers are named
 * "fc1", "bn1", "act1", …, "fc_out"; parameters are drawn from `rng` in layer order, so the same
 * seed gives the same weights on every host. Config problems (a CNN on 2-D points, groups that do
 * not divide a width, instance norm on plain features) throw ConfigError naming the field.
 *
 * - mlp: Flatten → [Dense → norm → activation] per hidden width → Dense(classes). PyTorch's
 *   default init ('torch': U(±1/√fan_in) for weights and biases).
 * - cnn: 2 × [Conv 3×3, pad 1 → norm → activation → MaxPool 2] with model.channels, then
 *   Flatten → Dense(classes). Needs [C, H, W] samples with H, W ≥ 4.
 * - bn-paper-mlp: Ioffe & Szegedy's MNIST net: 3 × [Dense(100) → norm → sigmoid] → Dense(classes),
 *   all weights N(0, BN_PAPER_INIT_STD²); model.hidden and model.activation are ignored.
 *
 * Norms follow each hidden Dense/Conv2d (before the activation); 'weight' and 'spectral' wrap it
 * instead; the output layer is never normalized. The first Dense/Conv2d skips its input gradient
 * (nothing reads the gradient of the data).
 */
export function buildModel(model: ModelConfig, input: ModelInput, rng: Rng): Sequential {
  checkInput(input);
  const b = new Builder(model, input, rng);
  switch (model.preset) {
    case 'mlp':
      b.mlp(model.hidden, model.activation, 'torch');
      break;
    case 'bn-paper-mlp':
      b.mlp(BN_PAPER_HIDDEN, 'sigmoid', { normalStd: BN_PAPER_INIT_STD });
      break;
    case 'cnn':
      b.cnn(model.channels, model.activation);
      break;
  }
  return new Sequential(b.layers, input.sampleShape);
}

type ActivationFn = ModelConfig['activation'];

class Builder {
  readonly layers: Layer[] = [];
  private shape: number[];

  constructor(
    private readonly model: ModelConfig,
    private readonly input: ModelInput,
    private readonly rng: Rng,
  ) {
    this.shape = [...input.sampleShape];
  }

  mlp(hidden: readonly number[], activation: ActivationFn, init: WeightInit): void {
    this.add(new Flatten({ name: 'flatten' }));
    hidden.forEach((width, i) => {
      const index = i + 1;
      const name = `fc${index}`;
      const fc = new Dense({
        name,
        inFeatures: this.width(),
        outFeatures: width,
        rng: this.rng,
        init,
        inputGradient: i > 0,
      });
      this.addNormalized(fc, index, false);
      this.add(new Activation({ name: `act${index}`, fn: activation }));
    });
    this.add(
      new Dense({
        name: 'fc_out',
        inFeatures: this.width(),
        outFeatures: this.input.classes,
        rng: this.rng,
        init,
        inputGradient: hidden.length > 0,
      }),
    );
  }

  cnn(channels: readonly number[], activation: ActivationFn): void {
    const [c, h, w] = this.shape;
    if (this.shape.length !== 3 || c === undefined || h === undefined || w === undefined) {
      throw new ConfigError(
        `model.preset: "cnn" needs image samples [channels, height, width], but the dataset gives [${this.shape.join(', ')}]; ` +
          'use "mlp" (or "bn-paper-mlp") for the 2-D sets, or dataset "mnist"',
        { code: 'cnn-needs-images', path: 'model.preset', shape: [...this.shape] },
      );
    }
    if (h < 4 || w < 4) {
      throw new ConfigError(
        `model.preset: "cnn" pools twice by 2, so images must be at least 4 × 4, got ${h} × ${w}`,
        { code: 'cnn-images-too-small', path: 'model.preset', height: h, width: w },
      );
    }
    channels.forEach((outChannels, i) => {
      const index = i + 1;
      const conv = new Conv2d({
        name: `conv${index}`,
        inChannels: this.shape[0]!,
        outChannels,
        kernel: 3,
        padding: 1,
        rng: this.rng,
        init: 'torch',
        inputGradient: i > 0,
      });
      this.addNormalized(conv, index, true);
      this.add(new Activation({ name: `act${index}`, fn: activation }));
      this.add(new MaxPool2d({ name: `pool${index}`, kernel: 2, stride: 2 }));
    });
    this.add(new Flatten({ name: 'flatten' }));
    this.add(
      new Dense({
        name: 'fc_out',
        inFeatures: this.width(),
        outFeatures: this.input.classes,
        rng: this.rng,
        init: 'torch',
      }),
    );
  }

  /** A hidden Dense/Conv2d with the configured norm after it (or wrapped around it). */
  private addNormalized(layer: WeightedLayer, index: number, spatial: boolean): void {
    const { norm, normOptions } = this.model;
    this.add(wrapLayer(norm, layer, this.rng));
    const normLayer = makeNormLayer(norm, normOptions, {
      index,
      channels: this.shape[0]!,
      spatial,
      after: layer.name,
    });
    if (normLayer) this.add(normLayer);
  }

  private add(layer: Layer): void {
    this.shape = layer.outputShape(this.shape);
    this.layers.push(layer);
  }

  private width(): number {
    return sizeOf(this.shape);
  }
}

function checkInput(input: ModelInput): void {
  const { sampleShape, classes } = input;
  if (sampleShape.length === 0 || sampleShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(
      `buildModel: sample shape must be positive integers, got [${sampleShape.join(', ')}]`,
    );
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw new Error(`buildModel: need at least 2 classes, got ${classes}`);
  }
}
