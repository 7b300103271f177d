import { describe, expect, it } from 'vitest';
import { channelLayout } from '../../../src/core/norm/channel-layout.ts';
import { computeLocalMoments } from '../../../src/core/norm/local-moments.ts';
import { mergeMoments } from '../../../src/core/norm/merge.ts';
import { emptyMoments, type Moments } from '../../../src/core/norm/moments.ts';
import { Rng } from '../../../src/core/rng.ts';
import { type Tensor, tensor } from '../../../src/core/tensor.ts';
import { slice } from './helpers.ts';

function moments(x: Tensor, channels: number): Moments {
  return computeLocalMoments(
    x.data,
    channelLayout(x, channels, 'test'),
    Math.max(1, x.shape[0]!),
    emptyMoments(1, channels),
  );
}

/** Independent float64 two-pass mean and unbiased variance per channel of [N, C, ...]. */
function exact(x: Tensor, channels: number): { mean: number[]; varUnbiased: number[] } {
  const n = x.shape[0]!;
  const per = x.data.length / n / channels;
  const mean: number[] = [];
  const varUnbiased: number[] = [];
  for (let c = 0; c < channels; c++) {
    const vals: number[] = [];
    for (let i = 0; i < n; i++)
      for (let s = 0; s < per; s++) vals.push(x.data[(i * channels + c) * per + s]!);
    const mu = vals.reduce((a, b) => a + b, 0) / vals.length;
    mean.push(mu);
    varUnbiased.push(vals.reduce((a, b) => a + (b - mu) ** 2, 0) / (vals.length - 1));
  }
  return { mean, varUnbiased };
}

/** Cut [0, n) at random points, with empty and one-sample shards on purpose. */
function randomCuts(n: number, rng: Rng): number[] {
  const cuts = [0, 0, 1]; // an empty shard, then a one-sample shard
  while (cuts[cuts.length - 1]! < n) {
    const last = cuts[cuts.length - 1]!;
    const r = rng.uniform();
    cuts.push(Math.min(n, last + (r < 0.2 ? 0 : r < 0.4 ? 1 : 1 + rng.int(5))));
  }
  cuts.push(n); // a trailing empty shard
  return cuts;
}

function mergedFromShards(x: Tensor, channels: number, cuts: number[]): Moments {
  const parts: Moments[] = [];
  for (let i = 0; i + 1 < cuts.length; i++)
    parts.push(moments(slice(x, cuts[i]!, cuts[i + 1]!), channels));
  return mergeMoments(parts);
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('mergeMoments over shards', () => {
  it('random shards (empty and one-sample ones included) give the whole batch mean and unbiased variance', () => {
    const rng = Rng.stream(3, 'merge');
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rng.int(30);
      const shape = trial % 2 === 0 ? [n, 4] : [n, 4, 2, 3];
      const x = tensor(
        shape,
        rng.fillNormal(new Float32Array(n * 4 * (trial % 2 === 0 ? 1 : 6)), 3, -2),
      );
      const cuts = randomCuts(n, rng);
      const merged = mergedFromShards(x, 4, cuts);
      const ref = exact(x, 4);
      const per = trial % 2 === 0 ? 1 : 6;
      expect(merged.count[0]).toBe(n * per);
      for (let c = 0; c < 4; c++) {
        // float64 throughout: differences are rounding of a different summation order (~1e-15).
        expect(relErr(merged.mean[c]!, ref.mean[c]!)).toBeLessThan(1e-12);
        expect(relErr(merged.m2[c]! / (merged.count[0]! - 1), ref.varUnbiased[c]!)).toBeLessThan(
          1e-12,
        );
      }
    }
  });

  it('mean 1e3, std 1e-2: Chan merge keeps the variance; E[x²] − E[x]² in float32 loses it', () => {
    const rng = Rng.stream(5, 'big-mean');
    const n = 4096;
    const x = tensor([n, 1], rng.fillNormal(new Float32Array(n), 1e-2, 1e3));
    const ref = exact(x, 1);
    const cuts = randomCuts(n, rng);
    const merged = mergedFromShards(x, 1, cuts);
    const chanVar = merged.m2[0]! / (n - 1);
    const chanErr = relErr(chanVar, ref.varUnbiased[0]!);

    // The naive formula, accumulated in float32 as float32 frameworks do.
    let s = Math.fround(0);
    let s2 = Math.fround(0);
    for (const v of x.data) {
      s = Math.fround(s + v);
      s2 = Math.fround(s2 + Math.fround(v * v));
    }
    const m = Math.fround(s / n);
    const naiveVar = Math.fround(Math.fround(s2 / n) - Math.fround(m * m)) * (n / (n - 1));
    const naiveErr = relErr(naiveVar, ref.varUnbiased[0]!);

    console.info(
      `variance of N(1e3, 1e-2²), n=${n}, ${cuts.length - 1} shards: exact ${ref.varUnbiased[0]!.toExponential(4)}, ` +
        `Chan ${chanVar.toExponential(4)} (rel err ${chanErr.toExponential(1)}), ` +
        `float32 E[x²]−E[x]² ${naiveVar.toExponential(4)} (rel err ${naiveErr.toExponential(1)})`,
    );
    expect(chanErr).toBeLessThan(1e-9);
    // float32 E[x²] ≈ 1e6 has an ulp of 0.0625, 600× the variance (1e-4): nothing survives.
    expect(naiveErr).toBeGreaterThan(1);
  });

  it('groups merge group-wise (Ghost BN layout), empty parts skipped', () => {
    const rng = Rng.stream(9, 'groups');
    const a = tensor([6, 2], rng.fillNormal(new Float32Array(12)));
    const b = tensor([6, 2], rng.fillNormal(new Float32Array(12)));
    const layoutA = channelLayout(a, 2, 'test');
    const ma = computeLocalMoments(a.data, layoutA, 3, emptyMoments(2, 2));
    const mb = computeLocalMoments(b.data, layoutA, 3, emptyMoments(2, 2));
    const merged = mergeMoments([ma, emptyMoments(2, 2), mb]);
    for (let g = 0; g < 2; g++) {
      const joint = tensor(
        [6, 2],
        Float32Array.from([...a.data.slice(g * 6, g * 6 + 6), ...b.data.slice(g * 6, g * 6 + 6)]),
      );
      const ref = exact(joint, 2);
      expect(merged.count[g]).toBe(6);
      for (let c = 0; c < 2; c++) {
        expect(relErr(merged.mean[g * 2 + c]!, ref.mean[c]!)).toBeLessThan(1e-12);
        expect(relErr(merged.m2[g * 2 + c]! / 5, ref.varUnbiased[c]!)).toBeLessThan(1e-12);
      }
    }
  });
});
