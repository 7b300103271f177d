import * as tf from '@tensorflow/tfjs';
import { type ConvGradPath, conv2dSame } from './tfjs-conv.ts';

export type TfjsModelName = 'mlp' | 'cnn';

/** Same default as normOptionsSchema.eps in src/config/schema.ts. */
const BN_EPS = 1e-5;
const CLASSES = 10;

export interface TfjsModel {
  /** Shape of one input sample (without the batch axis). */
  sampleShape: number[];
  variables: tf.Variable[];
  /** Mean softmax cross-entropy over the batch; x is [N, ...sampleShape], yOneHot is [N, 10]. */
  loss(x: tf.Tensor, yOneHot: tf.Tensor): tf.Scalar;
}

/**
 * Training-mode BN written in ops, as our layers do it: biased per-channel batch moments over
 * every axis but the last (channels-last), then (x − μ)/√(σ² + ε)·γ + β. No running statistics:
 * they do not enter the gradient and would only add work the benchmark does not time in ours.
 */
function batchNormTrain(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes, true);
  const xHat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, BN_EPS)));
  return tf.add(tf.mul(xHat, gamma), beta);
}

class Params {
  readonly all: tf.Variable[] = [];
  private seed: number;

  constructor(seed: number) {
    this.seed = seed;
  }

  /** He-normal weights (std √(2/fanIn)), seeded so every run starts from the same point. */
  weight(shape: number[], fanIn: number): tf.Variable {
    const init = tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', this.seed++);
    return this.keep(init);
  }

  constant(shape: number[], value: number): tf.Variable {
    return this.keep(tf.fill(shape, value));
  }

  private keep(init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.all.push(v);
    return v;
  }
}

function crossEntropy(yOneHot: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(yOneHot, logits) as tf.Scalar;
}

/** 784-256-BN-ReLU-256-BN-ReLU-10 (dense layers with bias, as a default Linear has). */
export function buildMlp(seed: number): TfjsModel {
  const p = new Params(seed);
  const w1 = p.weight([784, 256], 784);
  const b1 = p.constant([256], 0);
  const g1 = p.constant([256], 1);
  const be1 = p.constant([256], 0);
  const w2 = p.weight([256, 256], 256);
  const b2 = p.constant([256], 0);
  const g2 = p.constant([256], 1);
  const be2 = p.constant([256], 0);
  const w3 = p.weight([256, CLASSES], 256);
  const b3 = p.constant([CLASSES], 0);
  return {
    sampleShape: [784],
    variables: p.all,
    loss(x, yOneHot) {
      const h1 = tf.relu(batchNormTrain(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1), g1, be1));
      const h2 = tf.relu(batchNormTrain(tf.add(tf.matMul(h1 as tf.Tensor2D, w2), b2), g2, be2));
      return crossEntropy(yOneHot, tf.add(tf.matMul(h2 as tf.Tensor2D, w3), b3));
    },
  };
}

/**
 * 28×28×1 → conv3×3 16 (same) → BN → ReLU → maxpool 2 → conv3×3 32 → BN → ReLU → maxpool 2 →
 * Dense(32·7·7 → 10). Channels-last (tfjs's layout; ours is NCHW — same arithmetic).
 */
export function buildCnn(seed: number, convGrad: ConvGradPath): TfjsModel {
  const p = new Params(seed);
  const k1 = p.weight([3, 3, 1, 16], 9 * 1);
  const c1 = p.constant([16], 0);
  const g1 = p.constant([16], 1);
  const be1 = p.constant([16], 0);
  const k2 = p.weight([3, 3, 16, 32], 9 * 16);
  const c2 = p.constant([32], 0);
  const g2 = p.constant([32], 1);
  const be2 = p.constant([32], 0);
  const w3 = p.weight([32 * 7 * 7, CLASSES], 32 * 7 * 7);
  const b3 = p.constant([CLASSES], 0);
  const block = (
    x: tf.Tensor4D,
    k: tf.Variable,
    c: tf.Variable,
    g: tf.Variable,
    b: tf.Variable,
    inputIsData: boolean,
  ): tf.Tensor4D => {
    const z = tf.add(conv2dSame(x, k as tf.Tensor4D, convGrad, inputIsData), c);
    return tf.maxPool(tf.relu(batchNormTrain(z, g, b)) as tf.Tensor4D, 2, 2, 'valid');
  };
  return {
    sampleShape: [28, 28, 1],
    variables: p.all,
    loss(x, yOneHot) {
      const h1 = block(x as tf.Tensor4D, k1, c1, g1, be1, true);
      const h2 = block(h1, k2, c2, g2, be2, false);
      const flat = tf.reshape(h2, [h2.shape[0], 32 * 7 * 7]) as tf.Tensor2D;
      return crossEntropy(yOneHot, tf.add(tf.matMul(flat, w3), b3));
    },
  };
}
