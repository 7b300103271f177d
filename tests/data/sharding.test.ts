import { describe, expect, it } from 'vitest';
import { shardSizes } from '../../src/config/schema.ts';
import { dirichletProportions } from '../../src/data/dirichlet.ts';
import { EpochSampler } from '../../src/data/sampler.ts';
import { makeSharder, type ShardingPolicy } from '../../src/data/sharding.ts';

const CLASSES = 10;
// 2,000 samples, labels balanced (i mod 10), like a shuffled class-balanced training set.
const LABELS = Int32Array.from({ length: 2000 }, (_, i) => i % CLASSES);
const POLICIES: ShardingPolicy[] = ['iid', 'label-sorted', { dirichlet: 0.1 }, { dirichlet: 100 }];

function distinctLabels(shard: Int32Array): number {
  return new Set(Array.from(shard, (i) => LABELS[i])).size;
}

/** Mean over devices and steps of the number of distinct labels a device sees in one step. */
function meanDistinct(policy: ShardingPolicy, devices: number, batch: number, steps = 50): number {
  const shard = makeSharder(policy, { devices, classes: CLASSES, seed: 4 });
  const sampler = new EpochSampler(LABELS.length, batch, 4);
  const sizes = shardSizes(batch, devices);
  let total = 0;
  for (let s = 0; s < steps; s++) {
    for (const part of shard(sampler.next(), LABELS, sizes)) total += distinctLabels(part);
  }
  return total / (steps * devices);
}

/**
 * Label skew: mean over devices and steps of the total-variation distance between a device's
 * label histogram and the whole batch's (0: every shard looks like the batch).
 */
function meanSkew(policy: ShardingPolicy, devices: number, batch: number, steps = 50): number {
  const shard = makeSharder(policy, { devices, classes: CLASSES, seed: 4 });
  const sampler = new EpochSampler(LABELS.length, batch, 4);
  const sizes = shardSizes(batch, devices);
  let total = 0;
  for (let s = 0; s < steps; s++) {
    const indices = sampler.next();
    const all = new Float64Array(CLASSES);
    for (const i of indices) all[LABELS[i]!]! += 1 / indices.length;
    for (const part of shard(indices, LABELS, sizes)) {
      const h = new Float64Array(CLASSES);
      for (const i of part) h[LABELS[i]!]! += 1 / part.length;
      let tv = 0;
      for (let c = 0; c < CLASSES; c++) tv += Math.abs(h[c]! - all[c]!) / 2;
      total += tv;
    }
  }
  return total / (steps * devices);
}

describe.each(POLICIES)('sharding %j', (policy) => {
  it('honours the sizes exactly and partitions the batch', () => {
    for (const [batch, devices] of [
      [64, 4],
      [70, 8], // uneven: the first devices take the remainder
      [3, 5], // two devices get nothing
      [1, 1],
    ] as const) {
      const shard = makeSharder(policy, { devices, classes: CLASSES, seed: 11 });
      const sampler = new EpochSampler(LABELS.length, batch, 11);
      const sizes = shardSizes(batch, devices);
      for (let step = 0; step < 20; step++) {
        const indices = sampler.next();
        const parts = shard(indices, LABELS, sizes);
        expect(parts.map((p) => p.length)).toEqual(sizes);
        const merged = parts.flatMap((p) => Array.from(p)).sort((a, b) => a - b);
        expect(merged).toEqual(Array.from(indices).sort((a, b) => a - b));
      }
    }
  });

  it('honours arbitrary sizes, including zeros in the middle', () => {
    const shard = makeSharder(policy, { devices: 4, classes: CLASSES, seed: 2 });
    const indices = new EpochSampler(LABELS.length, 30, 2).next();
    const parts = shard(indices, LABELS, [0, 25, 0, 5]);
    expect(parts.map((p) => p.length)).toEqual([0, 25, 0, 5]);
  });

  it('is deterministic', () => {
    const a = makeSharder(policy, { devices: 4, classes: CLASSES, seed: 3 });
    const b = makeSharder(policy, { devices: 4, classes: CLASSES, seed: 3 });
    const indices = new EpochSampler(LABELS.length, 64, 3).next();
    expect(b(indices, LABELS, [16, 16, 16, 16])).toEqual(a(indices, LABELS, [16, 16, 16, 16]));
  });

  it('rejects sizes that do not add up to the batch', () => {
    const shard = makeSharder(policy, { devices: 2, classes: CLASSES, seed: 1 });
    expect(() => shard(Int32Array.of(0, 1, 2), LABELS, [1, 1])).toThrow(RangeError);
    expect(() => shard(Int32Array.of(0, 1, 2), LABELS, [3])).toThrow(RangeError);
  });
});

describe('label skew', () => {
  it('iid slices see (almost) every class; label-sorted slices see few', () => {
    // 8 devices × 32 samples from 10 balanced classes.
    const iid = meanDistinct('iid', 8, 256);
    const sorted = meanDistinct('label-sorted', 8, 256);
    // iid: a shard of 32 misses a given class with probability ≈ 0.9^32 ≈ 3%, so ≈ 9.7 classes.
    expect(iid).toBeGreaterThan(9);
    // sorted: ~25.6 samples per class, so a 32-sample slice spans 2–3 classes.
    expect(sorted).toBeLessThanOrEqual(3);
  });

  it('label-sorted shards are sorted slices of the batch', () => {
    const shard = makeSharder('label-sorted', { devices: 3, classes: CLASSES, seed: 1 });
    const indices = new EpochSampler(LABELS.length, 30, 1).next();
    const labels = shard(indices, LABELS, [10, 10, 10]).flatMap((p) =>
      Array.from(p, (i) => LABELS[i]!),
    );
    expect(labels).toEqual([...labels].sort((a, b) => a - b));
  });

  it('small Dirichlet α is far more skewed than large α; large α is no more skewed than iid', () => {
    const iid = meanSkew('iid', 8, 256);
    const small = meanSkew({ dirichlet: 0.1 }, 8, 256);
    const medium = meanSkew({ dirichlet: 1 }, 8, 256);
    const large = meanSkew({ dirichlet: 1000 }, 8, 256);
    // iid: the TV distance of a 32-sample shard from its batch is pure sampling noise (≈ 0.2).
    // α = 0.1 concentrates each device on one or two classes (TV ≳ 0.5). α = 1000 gives every
    // device the batch's own class mix, up to whole-sample rounding: less skewed than iid slices.
    expect(iid).toBeGreaterThan(0.1);
    expect(small).toBeGreaterThan(0.5);
    expect(small).toBeGreaterThan(2 * iid);
    expect(large).toBeLessThan(iid);
    expect(small).toBeGreaterThan(medium);
    expect(medium).toBeGreaterThan(large);
  });

  it('Dirichlet shards follow each device’s own drawn proportions', () => {
    const devices = 4;
    const p = dirichletProportions(0.3, devices, CLASSES, 8);
    const shard = makeSharder({ dirichlet: 0.3 }, { devices, classes: CLASSES, seed: 8 });
    const sampler = new EpochSampler(LABELS.length, 400, 8);
    const got = Array.from({ length: devices }, () => new Float64Array(CLASSES));
    const steps = 5;
    for (let s = 0; s < steps; s++) {
      shard(sampler.next(), LABELS, [100, 100, 100, 100]).forEach((part, k) => {
        for (const i of part) got[k]![LABELS[i]!]! += 1 / (100 * steps);
      });
    }
    // The batch's class counts bind (each class must go somewhere), so a device need not get most
    // of its favourite class; but its label mix resembles its own draw more than any other's.
    const cosine = (u: ArrayLike<number>, v: ArrayLike<number>) => {
      let uv = 0;
      let uu = 0;
      let vv = 0;
      for (let c = 0; c < CLASSES; c++) {
        uv += u[c]! * v[c]!;
        uu += u[c]! * u[c]!;
        vv += v[c]! * v[c]!;
      }
      return uv / Math.sqrt(uu * vv);
    };
    for (let k = 0; k < devices; k++) {
      for (let j = 0; j < devices; j++) {
        if (j !== k) expect(cosine(got[k]!, p[k]!)).toBeGreaterThan(cosine(got[k]!, p[j]!));
      }
    }
  });

  it('dirichletProportions are seeded distributions', () => {
    const a = dirichletProportions(0.5, 3, CLASSES, 1);
    expect(dirichletProportions(0.5, 3, CLASSES, 1)).toEqual(a);
    expect(dirichletProportions(0.5, 3, CLASSES, 2)).not.toEqual(a);
    for (const p of a) {
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(p.every((v) => v >= 0)).toBe(true);
    }
    // Tiny α: gamma draws underflow, each device still gets a valid one-hot distribution.
    for (const p of dirichletProportions(0.001, 5, CLASSES, 1)) {
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    }
  });
});
