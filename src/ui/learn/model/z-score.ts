/** Per-feature mean and population variance of n × f row-major values, in float64 (two passes). */
export interface FeatureStats {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

export function featureStats(x: ArrayLike<number>, count: number, features: number): FeatureStats {
  const mean = new Float64Array(features);
  const variance = new Float64Array(features);
  if (count === 0) return { mean, variance };
  for (let i = 0; i < count; i++)
    for (let j = 0; j < features; j++) mean[j]! += x[i * features + j]!;
  for (let j = 0; j < features; j++) mean[j]! /= count;
  for (let i = 0; i < count; i++)
    for (let j = 0; j < features; j++) {
      const d = x[i * features + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  for (let j = 0; j < features; j++) variance[j]! /= count;
  return { mean, variance };
}

/**
 * Z-score normalization (Z 值归一化): every feature minus its mean, divided by its population
 * standard deviation, so each ends with mean 0 and variance 1. A constant feature is only centred.
 * The same rule as a run config's `dataset.standardize` (src/data/dataset.ts), kept in float64.
 */
export function zScore(x: ArrayLike<number>, count: number, features: number): Float64Array {
  const { mean, variance } = featureStats(x, count, features);
  const z = new Float64Array(count * features);
  for (let j = 0; j < features; j++) {
    const std = Math.sqrt(variance[j]!);
    const divisor = std > 0 ? std : 1;
    for (let i = 0; i < count; i++)
      z[i * features + j] = (x[i * features + j]! - mean[j]!) / divisor;
  }
  return z;
}

/**
 * A histogram of one feature (column `feature` of n × f values): `bins` equal bins over `range`
 * (default: the feature's own range; a shared range puts several features on one axis).
 */
export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: Int32Array;
}

export function histogram(
  x: ArrayLike<number>,
  count: number,
  features: number,
  feature: number,
  bins: number,
  range: { readonly min: number; readonly max: number } = valueRange(x, count, features, [feature]),
): Histogram {
  const { min, max } = range;
  const counts = new Int32Array(bins);
  if (count === 0) return { min: 0, max: 0, counts };
  const width = max > min ? (max - min) / bins : 1;
  for (let i = 0; i < count; i++) {
    const v = x[i * features + feature]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)));
    counts[b]! += 1;
  }
  return { min, max, counts };
}

/** The smallest and largest value of the given features (columns of n × f values). */
export function valueRange(
  x: ArrayLike<number>,
  count: number,
  features: number,
  which: readonly number[],
): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++)
    for (const j of which) {
      const v = x[i * features + j]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return count > 0 ? { min, max } : { min: 0, max: 0 };
}
