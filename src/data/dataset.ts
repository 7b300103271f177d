/**
 * An in-memory labelled dataset: `count` samples stored back to back in `x` (each of
 * `sampleSize(ds)` floats, laid out as `sampleShape`, images CHW), integer labels in `y`.
 */
export interface Dataset {
  name: string;
  x: Float32Array;
  y: Int32Array;
  count: number;
  /** Per-sample shape: [2] for the 2-D sets, [1, 28, 28] or [1, 14, 14] for MNIST. */
  sampleShape: number[];
  classes: number;
}

export interface SplitDataset {
  train: Dataset;
  test: Dataset;
  /** Present when the features were z-scored (with the training set's statistics). */
  standardization?: Standardization;
}

/** The per-feature statistics used to z-score a split: x' = (x − mean) / std. */
export interface Standardization {
  mean: Float32Array;
  std: Float32Array;
}

export interface Batch {
  x: Float32Array;
  y: Int32Array;
}

/** Floats per sample. */
export function sampleSize(ds: Dataset): number {
  let n = 1;
  for (const d of ds.sampleShape) n *= d;
  return n;
}

/**
 * Copy the samples at `indices` into `outX`/`outY` (allocated when not given; given buffers must
 * hold at least indices.length samples and are returned as they are, filled from the start).
 */
export function gatherBatch(
  ds: Dataset,
  indices: Int32Array | readonly number[],
  outX?: Float32Array,
  outY?: Int32Array,
): Batch {
  const f = sampleSize(ds);
  const n = indices.length;
  const x = outX ?? new Float32Array(n * f);
  const y = outY ?? new Int32Array(n);
  if (x.length < n * f || y.length < n) {
    throw new RangeError(`gatherBatch: buffers hold fewer than the ${n} samples requested`);
  }
  const src = ds.x;
  const labels = ds.y;
  checkStorage(ds, f);
  for (let i = 0; i < n; i++) {
    const idx = indices[i]!; // i < indices.length
    if (!(idx >= 0 && idx < ds.count)) {
      throw new RangeError(`gatherBatch: index ${idx} outside ${ds.name}'s ${ds.count} samples`);
    }
    // In range: 0 ≤ idx < count, and checkStorage saw count samples in x and y.
    const from = idx * f;
    const to = i * f;
    for (let j = 0; j < f; j++) x[to + j] = src[from + j]!;
    y[i] = labels[idx]!;
  }
  return { x, y };
}

/** A dataset whose arrays hold fewer than `count` samples would read past their end. */
function checkStorage(ds: Dataset, f: number): void {
  if (ds.x.length < ds.count * f || ds.y.length < ds.count) {
    throw new RangeError(
      `${ds.name}: ${ds.count} samples of ${f} floats need ${ds.count * f} floats and ${ds.count} labels, ` +
        `the dataset holds ${ds.x.length} and ${ds.y.length}`,
    );
  }
}

/**
 * z-score every feature of `train` and `test` in place with the TRAINING set's mean and population
 * standard deviation (so the training set ends with mean 0, std 1 exactly up to float rounding).
 * A constant feature (std 0, e.g. an always-black MNIST border pixel) is only centred.
 */
export function standardize(train: Dataset, test: Dataset): Standardization {
  const f = sampleSize(train);
  if (sampleSize(test) !== f) throw new Error('standardize: train and test samples differ in size');
  const sum = new Float64Array(f);
  const sumSq = new Float64Array(f);
  checkStorage(train, f);
  checkStorage(test, f);
  // Every index below is < count·f (checked above) or < f (the arrays made here).
  const xs = train.x;
  for (let i = 0; i < train.count; i++) {
    const base = i * f;
    for (let j = 0; j < f; j++) sum[j]! += xs[base + j]!;
  }
  const mean = new Float32Array(f);
  for (let j = 0; j < f; j++) mean[j] = sum[j]! / Math.max(1, train.count);
  // Two-pass variance: features like featureScale 100 would lose digits in E[x²] − E[x]².
  for (let i = 0; i < train.count; i++) {
    const base = i * f;
    for (let j = 0; j < f; j++) {
      const d = xs[base + j]! - mean[j]!;
      sumSq[j]! += d * d;
    }
  }
  const std = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    const s = Math.sqrt(sumSq[j]! / Math.max(1, train.count));
    std[j] = s > 0 ? s : 1;
  }
  applyStandardization(train, mean, std);
  applyStandardization(test, mean, std);
  return { mean, std };
}

function applyStandardization(ds: Dataset, mean: Float32Array, std: Float32Array): void {
  const f = mean.length;
  const xs = ds.x;
  for (let i = 0; i < ds.count; i++) {
    const base = i * f;
    for (let j = 0; j < f; j++) xs[base + j] = (xs[base + j]! - mean[j]!) / std[j]!;
  }
}
