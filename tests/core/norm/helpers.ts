import { readFileSync } from 'node:fs';
import type { RunContext } from '../../../src/core/layer.ts';
import type { BatchStatLayer } from '../../../src/core/norm/batch-stat-layer.ts';
import { mergeMoments, sumReductions } from '../../../src/core/norm/merge.ts';
import type { Moments, Reductions } from '../../../src/core/norm/moments.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';

type Vec = number[];

export interface BnCase {
  name: string;
  shape: number[];
  x: Vec;
  gamma: Vec;
  beta: Vec;
  dy: Vec;
  y: Vec;
  dx: Vec;
  dgamma: Vec;
  dbeta: Vec;
  yNoAffine: Vec;
  dxNoAffine: Vec;
  runningMean1: Vec;
  runningVar1: Vec;
  evalRunningMean: Vec;
  evalRunningVar: Vec;
  yEval: Vec;
  dxEval: Vec;
  dgammaEval: Vec;
}

export interface RunningCase {
  shape: number[];
  momentum: number | null;
  xs: Vec[];
  runningMean: Vec[];
  runningVar: Vec[];
}

export interface PerSampleCase {
  kind: 'group' | 'layer' | 'instance';
  groups: number;
  shape: number[];
  x: Vec;
  gamma: Vec;
  beta: Vec;
  dy: Vec;
  y: Vec;
  dx: Vec;
  dgamma: Vec;
  dbeta: Vec;
}

export interface BrnStep {
  step: number;
  x: Vec;
  dy: Vec;
  y: Vec;
  dx: Vec;
  dgamma: Vec;
  dbeta: Vec;
  r: Vec;
  d: Vec;
  rClipped: number;
  dClipped: number;
  movingMean: Vec;
  movingStd: Vec;
}

export interface BrnCase {
  shape: number[];
  gamma: Vec;
  beta: Vec;
  momentum: number;
  rmax: number;
  dmax: number;
  warmup: number;
  ramp: number;
  steps: BrnStep[];
  evalX: Vec;
  evalY: Vec;
}

export interface PreciseCase {
  batch: number;
  channels: number;
  xs: Vec[];
  mean: Vec;
  var: Vec;
  varAllUnbiased: Vec;
}

/** The numpy fixtures written by scripts/reference/make_fixtures.py. */
export interface NormFixture {
  eps: number;
  bn: BnCase[];
  running: RunningCase[];
  perSample: PerSampleCase[];
  brn: BrnCase;
  precise: PreciseCase;
  spectral: { shape: number[]; w: Vec; sigmaMax: number };
}

export function loadFixture(): NormFixture {
  const url = new URL('./fixtures/norm-reference.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as NormFixture;
}

export function t(shape: readonly number[], values: readonly number[]): Tensor {
  return tensor(shape, Float32Array.from(values));
}

/**
 * max_i |a_i − e_i| / max_j |e_j|: the error relative to the tensor's scale, so entries near 0
 * are judged against the tensor and not against themselves.
 */
export function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= worst)) worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
  }
  return worst / Math.max(scale, 1e-30);
}

/** Copy a tensor (layers reuse their output buffers). */
export function copy(x: Tensor): Tensor {
  return tensor(x.shape, Float32Array.from(x.data));
}

/** Samples [from, to) of x as a new tensor. */
export function slice(x: Tensor, from: number, to: number): Tensor {
  const per = x.data.length / x.shape[0]!;
  return tensor([to - from, ...x.shape.slice(1)], x.data.slice(from * per, to * per));
}

export function concat(parts: readonly Tensor[]): Tensor {
  const rest = parts[0]!.shape.slice(1);
  const n = parts.reduce((s, p) => s + p.shape[0]!, 0);
  const out = tensor([n, ...rest]);
  let off = 0;
  for (const p of parts) {
    out.data.set(p.data, off);
    off += p.data.length;
  }
  return out;
}

/**
 * One forward + backward of K simulated devices whose statistics are merged across all of them
 * (SyncBN), with each device's layer a replica. Returns copies of outputs and input gradients.
 */
export function syncStep(
  layers: readonly BatchStatLayer[],
  xs: readonly Tensor[],
  dys: readonly Tensor[] | null,
  ctx: RunContext,
): { ys: Tensor[]; dxs: Tensor[] } {
  const moments: Moments[] = layers.map((l, i) => l.localMoments(xs[i]!, ctx));
  const merged = mergeMoments(moments);
  const ys = layers.map((l) => copy(l.normalize({ normalize: merged, running: merged }, ctx)));
  if (!dys) return { ys, dxs: [] };
  const reds: Reductions[] = layers.map((l, i) => l.localReductions(dys[i]!, ctx));
  const summed = sumReductions(reds);
  const dxs = layers.map((l) => copy(l.inputGradient(summed, ctx)));
  return { ys, dxs };
}
