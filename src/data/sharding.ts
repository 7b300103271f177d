import { dirichletProportions } from './dirichlet.ts';

/** How a global batch is dealt to the devices (the run config's `sharding`). */
export type ShardingPolicy = 'iid' | 'label-sorted' | { readonly dirichlet: number };

/** Split a global batch over K devices as evenly as possible; the first devices take the remainder. */
export function shardSizes(globalBatch: number, devices: number): number[] {
  const base = Math.floor(globalBatch / devices);
  const extra = globalBatch % devices;
  return Array.from({ length: devices }, (_, k) => base + (k < extra ? 1 : 0));
}

/**
 * Splits one global batch (`indices` into the training set) over the devices: device k receives
 * exactly sizes[k] samples (possibly 0). `datasetLabels` is the WHOLE training set's label array
 * (indexed by the values of `indices`). Returns one new array per device, safe to transfer.
 */
export type Sharder = (
  indices: Int32Array,
  datasetLabels: Int32Array,
  sizes: readonly number[],
) => Int32Array[];

export interface SharderOptions {
  devices: number;
  classes: number;
  seed: number;
}

export function makeSharder(policy: ShardingPolicy, opts: SharderOptions): Sharder {
  const { devices, classes } = opts;
  if (policy === 'iid') return checked(opts, (indices, _labels, sizes) => slices(indices, sizes));
  if (policy === 'label-sorted') {
    return checked(opts, (indices, labels, sizes) =>
      slices(sortByLabel(indices, labels, classes), sizes),
    );
  }
  const proportions = dirichletProportions(policy.dirichlet, devices, classes, opts.seed);
  return checked(opts, dirichletSharder(proportions, devices, classes));
}

function checked(opts: SharderOptions, sharder: Sharder): Sharder {
  return (indices, labels, sizes) => {
    if (sizes.length !== opts.devices) {
      throw new RangeError(`sharding: ${sizes.length} sizes for ${opts.devices} devices`);
    }
    let total = 0;
    for (const s of sizes) {
      if (!Number.isInteger(s) || s < 0) throw new RangeError(`sharding: bad shard size ${s}`);
      total += s;
    }
    if (total !== indices.length) {
      throw new RangeError(`sharding: sizes add up to ${total}, the batch has ${indices.length}`);
    }
    for (const sample of indices) {
      const label = labels[sample];
      if (label === undefined) {
        throw new RangeError(
          `sharding: sample ${sample} is outside the training set's ${labels.length} labels`,
        );
      }
      if (!(label >= 0 && label < opts.classes)) {
        throw new RangeError(`sharding: label ${label} of sample ${sample} is not a class`);
      }
    }
    // From here every labels[indices[i]] exists and is a class in [0, classes), and sizes has one
    // entry per device: the sharders index with them without further checks.
    return sharder(indices, labels, sizes);
  };
}

/** 'iid': the batch is already shuffled, so consecutive slices are i.i.d. shards. */
function slices(indices: Int32Array, sizes: readonly number[]): Int32Array[] {
  const out: Int32Array[] = [];
  let at = 0;
  for (const s of sizes) {
    out.push(indices.slice(at, at + s));
    at += s;
  }
  return out;
}

/** Stable counting sort of the batch by label (for 'label-sorted'). */
function sortByLabel(indices: Int32Array, labels: Int32Array, classes: number): Int32Array {
  const start = new Int32Array(classes + 1);
  for (const sample of indices) start[labels[sample]! + 1]!++;
  for (let c = 0; c < classes; c++) start[c + 1]! += start[c]!;
  const out = new Int32Array(indices.length);
  for (const sample of indices) out[start[labels[sample]!]!++] = sample;
  return out;
}

const FIT_ITERATIONS = 100;
const FIT_TOLERANCE = 1e-9;
const MIN_WEIGHT = 1e-12;

/**
 * '{ dirichlet: alpha }', each step:
 * 1. Targets: fit T[k][c] ≥ 0 with row sums sizes[k] and column sums n_c (the batch's class counts)
 *    by iterative proportional fitting from T = sizes[k]·p_k[c] (p floored at 1e-12 so every
 *    class can go anywhere); the last pass fixes the columns exactly. So a device gets each class in
 *    proportion to its Dirichlet draw, as far as the batch's class counts allow.
 * 2. Integer counts A = floor(T) (a row still over its size after the fit loses units from its
 *    most over-target classes), then the remaining units one at a time to the (device, class)
 *    pair with free capacity and samples left whose target exceeds its count the most (ties: lower
 *    device, then lower class). Totals are equal, so this always ends with every row at sizes[k].
 * 3. Each class's samples, in batch order, fill devices 0, 1, … up to A[k][c]; a shard keeps
 *    batch order. No randomness per step: the same batch gives the same shards.
 */
function dirichletSharder(p: Float64Array[], devices: number, classes: number): Sharder {
  const target = new Float64Array(devices * classes);
  const count = new Int32Array(devices * classes);
  const classTotal = new Int32Array(classes);
  const classLeft = new Int32Array(classes);
  const room = new Int32Array(devices);
  // Indices below: k < devices = sizes.length = p.length, c < classes, k·classes + c < target.length,
  // labels already checked to be classes (see checked()); the fill at the end finds a device for
  // every sample because the counts add up to each class's total.
  return (indices, labels, sizes) => {
    classTotal.fill(0);
    for (const sample of indices) classTotal[labels[sample]!]!++;
    fitTargets(target, p, sizes, classTotal);

    for (let k = 0; k < devices; k++) {
      let assigned = 0;
      for (let c = 0; c < classes; c++) {
        const floor = Math.floor(target[k * classes + c]!);
        count[k * classes + c] = floor;
        assigned += floor;
      }
      for (; assigned > sizes[k]!; assigned--) {
        let worst = -1;
        for (let c = 0; c < classes; c++) {
          const at = k * classes + c;
          if (count[at] === 0) continue;
          if (worst < 0 || count[at]! - target[at]! > count[worst]! - target[worst]!) worst = at;
        }
        count[worst]!--;
      }
      room[k] = sizes[k]! - assigned;
    }
    for (let c = 0; c < classes; c++) {
      let used = 0;
      for (let k = 0; k < devices; k++) used += count[k * classes + c]!;
      classLeft[c] = classTotal[c]! - used;
    }
    for (;;) {
      let best = -1;
      for (let k = 0; k < devices; k++) {
        if (room[k] === 0) continue;
        for (let c = 0; c < classes; c++) {
          if (classLeft[c] === 0) continue;
          const at = k * classes + c;
          if (best < 0 || target[at]! - count[at]! > target[best]! - count[best]!) best = at;
        }
      }
      if (best < 0) break;
      count[best]!++;
      room[Math.floor(best / classes)]!--;
      classLeft[best % classes]!--;
    }

    const out = sizes.map((s) => new Int32Array(s));
    const filled = new Int32Array(devices);
    const nextDevice = new Int32Array(classes);
    for (const sample of indices) {
      const c = labels[sample]!;
      let k = nextDevice[c]!;
      while (count[k * classes + c] === 0) k++;
      count[k * classes + c]!--;
      nextDevice[c] = k;
      out[k]![filled[k]!++] = sample;
    }
    return out;
  };
}

function fitTargets(
  target: Float64Array,
  p: Float64Array[],
  sizes: readonly number[],
  classTotal: Int32Array,
): void {
  // k < devices = p.length = sizes.length, c < classes: every index below is in range.
  const devices = p.length;
  const classes = classTotal.length;
  for (let k = 0; k < devices; k++) {
    const pk = p[k]!;
    const size = sizes[k]!;
    for (let c = 0; c < classes; c++) target[k * classes + c] = size * Math.max(pk[c]!, MIN_WEIGHT);
  }
  let total = 0;
  for (let c = 0; c < classes; c++) total += classTotal[c]!;
  for (let iter = 0; iter < FIT_ITERATIONS; iter++) {
    let worst = 0;
    for (let k = 0; k < devices; k++) {
      let row = 0;
      for (let c = 0; c < classes; c++) row += target[k * classes + c]!;
      worst = Math.max(worst, Math.abs(row - sizes[k]!));
      if (row > 0) {
        const scale = sizes[k]! / row;
        for (let c = 0; c < classes; c++) target[k * classes + c]! *= scale;
      }
    }
    for (let c = 0; c < classes; c++) {
      let col = 0;
      for (let k = 0; k < devices; k++) col += target[k * classes + c]!;
      if (col > 0) {
        const scale = classTotal[c]! / col;
        for (let k = 0; k < devices; k++) target[k * classes + c]! *= scale;
      }
    }
    if (worst <= FIT_TOLERANCE * (1 + total)) break;
  }
}
