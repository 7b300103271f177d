import { Dense } from '../../../core/layers/dense.ts';
import { channelLayout } from '../../../core/norm/channel-layout.ts';
import { computeLocalMoments } from '../../../core/norm/local-moments.ts';
import { emptyMoments } from '../../../core/norm/moments.ts';
import { applyNormalization, normalizingStats } from '../../../core/norm/normalize.ts';
import { Rng } from '../../../core/rng.ts';
import { tensor } from '../../../core/tensor.ts';

/**
 * Step 3's numbers: a small seeded layer (a core Dense 2 → 3) applied once to a population of
 * inputs; a mini-batch is b of its output rows drawn without replacement, and BN's phases from
 * src/core (local moments, normalizing statistics, normalization) give μ_B, σ_B, x̂ and y = γx̂ + β.
 */
export const LAYER_FEATURES = 3;
const INPUTS = 2;
export const POPULATION = 2048;
/** PyTorch's default ε: σ_B below is the √(σ² + ε) BN divides by. */
export const BN_EPS = 1e-5;

export interface Population {
  readonly count: number;
  readonly features: number;
  /** The layer's outputs, count × features row-major. */
  readonly outputs: Float32Array;
  /** Per-feature mean and standard deviation over the whole population. */
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export function makePopulation(seed = 1, count = POPULATION): Population {
  const rng = Rng.stream(seed, 'learn/bn-population');
  const layer = new Dense({
    name: 'fc1',
    inFeatures: INPUTS,
    outFeatures: LAYER_FEATURES,
    rng: rng.fork('init'),
  });
  // Inputs off-centre, as a hidden layer's inputs usually are: the outputs' means are not 0.
  const x = tensor([count, INPUTS]);
  for (let i = 0; i < count; i++) {
    x.data[i * INPUTS] = 1.5 + rng.normal();
    x.data[i * INPUTS + 1] = -1 + 2 * rng.normal();
  }
  const y = layer.forward(x, { mode: 'training', step: 0 });
  const outputs = Float32Array.from(y.data);
  const layout = channelLayout(y, LAYER_FEATURES, 'fc1');
  const m = computeLocalMoments(outputs, layout, count, emptyMoments(1, LAYER_FEATURES));
  const std = new Float64Array(LAYER_FEATURES);
  for (let c = 0; c < LAYER_FEATURES; c++) std[c] = Math.sqrt(m.m2[c]! / count);
  return { count, features: LAYER_FEATURES, outputs, mean: Float64Array.from(m.mean), std };
}

export interface NormalizedBatch {
  readonly size: number;
  /** The batch's layer outputs, size × features. */
  readonly x: Float32Array;
  /** Per-feature batch mean μ_B and √(σ_B² + ε). */
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** x̂ = (x − μ_B)/√(σ_B² + ε) and y = γx̂ + β, size × features. */
  readonly xhat: Float32Array;
  readonly y: Float32Array;
}

/** b distinct rows of the population (partial Fisher–Yates with the given generator). */
export function drawBatch(pop: Population, size: number, rng: Rng): Float32Array {
  const b = Math.min(Math.max(1, Math.floor(size)), pop.count);
  const order = new Int32Array(pop.count);
  for (let i = 0; i < pop.count; i++) order[i] = i;
  const f = pop.features;
  const x = new Float32Array(b * f);
  for (let i = 0; i < b; i++) {
    const j = i + rng.int(pop.count - i);
    const pick = order[j]!;
    order[j] = order[i]!;
    order[i] = pick;
    x.set(pop.outputs.subarray(pick * f, (pick + 1) * f), i * f);
  }
  return x;
}

/** BN in training mode over one batch (its own statistics), with per-feature γ and β. */
export function normalizeBatch(
  x: Float32Array,
  features: number,
  gamma: number,
  beta: number,
): NormalizedBatch {
  const t = tensor([x.length / features, features], x);
  const layout = channelLayout(t, features, 'bn');
  const size = layout.batch;
  const moments = computeLocalMoments(x, layout, size, emptyMoments(1, features));
  const mean = new Float64Array(features);
  const invstd = new Float64Array(features);
  normalizingStats(moments, BN_EPS, mean, invstd);
  const xhat = new Float32Array(x.length);
  const y = new Float32Array(x.length);
  applyNormalization(
    x,
    layout,
    size,
    mean,
    invstd,
    new Float64Array(features).fill(gamma),
    new Float64Array(features).fill(beta),
    xhat,
    y,
  );
  return { size, x, mean, std: invstd.map((v) => 1 / v), xhat, y };
}

/** μ_B of `feature` for `batches` fresh batches of `size` (the wobble strip). */
export function batchMeans(
  pop: Population,
  size: number,
  batches: number,
  feature: number,
  rng: Rng,
): number[] {
  const out: number[] = [];
  for (let k = 0; k < batches; k++) {
    const x = drawBatch(pop, size, rng);
    let sum = 0;
    for (let i = 0; i < x.length / pop.features; i++) sum += x[i * pop.features + feature]!;
    out.push(sum / (x.length / pop.features));
  }
  return out;
}
