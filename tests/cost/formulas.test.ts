import { describe, expect, it } from 'vitest';
import {
  placeGroup,
  ringAllGatherUs,
  ringAllReduceUs,
  treeAllReduceUs,
} from '../../src/cost/alpha-beta.ts';
import { estimateCost } from '../../src/cost/estimate.ts';
import type { ModelSpec } from '../../src/cost/model-spec.ts';
import { bnCollectives, bytesOf, gradientBuckets } from '../../src/cost/step-collectives.ts';

// α_intra 1 µs, 100 GB/s (β = 1e-5 µs/B); α_inter 10 µs, 10 GB/s (β = 1e-4 µs/B); α₀ 5 µs.
const fabric = {
  intra: { id: 'i', label: 'i', alphaUs: 1, bandwidthGBps: 100 },
  inter: { id: 'e', label: 'e', alphaUs: 10, bandwidthGBps: 10 },
  baseUs: 5,
};

describe('α–β collective times (hand-computed)', () => {
  it('ring all_reduce inside one node: α₀ + 2(P−1)α + 2(P−1)/P·n·β', () => {
    // P = 4, n = 1e6 B: 5 + 6·1 + 1.5·1e6·1e-5 = 26 µs
    expect(ringAllReduceUs(1e6, { nodes: 1, perNode: 4 }, fabric)).toBeCloseTo(26, 9);
  });
  it('ring all_reduce over 2 nodes × 4: intra hops 2(P−m), inter 2(m−1), β of the network', () => {
    // 5 + 2·6·1 + 2·1·10 + (14/8)·1e6·1e-4 = 5 + 12 + 20 + 175 = 212
    expect(ringAllReduceUs(1e6, { nodes: 2, perNode: 4 }, fabric)).toBeCloseTo(212, 9);
  });
  it('tree all_reduce over 4 nodes × 8: chain in the node, log₂ across', () => {
    // 5 + 2·(7·1 + 2·10) + 2·1000·1e-4 = 5 + 54 + 0.2
    expect(treeAllReduceUs(1000, { nodes: 4, perNode: 8 }, fabric)).toBeCloseTo(59.2, 9);
  });
  it('ring all_gather: (P−1) hops and (P−1)·b bytes', () => {
    // P = 8 in one node, b = 1000: 5 + 7 + 7·1000·1e-5
    expect(ringAllGatherUs(1000, { nodes: 1, perNode: 8 }, fabric)).toBeCloseTo(12.07, 9);
  });
  it('one rank costs nothing', () => {
    expect(ringAllReduceUs(1e6, { nodes: 1, perNode: 1 }, fabric)).toBe(0);
    expect(ringAllGatherUs(1e6, { nodes: 1, perNode: 1 }, fabric)).toBe(0);
  });
  it('places groups: inside a node when they fit, else over whole nodes; straddling counts', () => {
    expect(placeGroup(8, 8)).toEqual({ nodes: 1, perNode: 8 });
    expect(placeGroup(4, 8)).toEqual({ nodes: 1, perNode: 4 });
    expect(placeGroup(64, 8)).toEqual({ nodes: 8, perNode: 8 });
    expect(placeGroup(4, 6)).toEqual({ nodes: 2, perNode: 2 });
  });
});

/** conv (100 params) → BN C=3 → conv (1000) → BN C=5 → fc (10): 2 BN layers, 1126 params. */
const tiny: ModelSpec = {
  label: 'tiny',
  layers: [
    { name: 'c1', params: 100, macs: 1000 },
    { name: 'b1', params: 6, macs: 0, bnChannels: 3 },
    { name: 'c2', params: 1000, macs: 1000 },
    { name: 'b2', params: 10, macs: 0, bnChannels: 5 },
    { name: 'fc', params: 10, macs: 0 },
  ],
};

describe('the collectives of one step', () => {
  it('per BN layer: one all_gather of 2C+1 and one all_reduce of 2C in the group; none for local', () => {
    const plan = bnCollectives(tiny, 4);
    expect(plan.map((c) => [c.kind, c.op, c.values, c.ranks])).toEqual([
      ['bnForward', 'all_gather', 7, 4],
      ['bnBackward', 'all_reduce', 6, 4],
      ['bnForward', 'all_gather', 11, 4],
      ['bnBackward', 'all_reduce', 10, 4],
    ]);
    expect(bnCollectives(tiny, 1)).toEqual([]);
  });
  it('bytes per rank: all_gather receives g × its payload; ring wire traffic', () => {
    const [fwd, bwd] = bnCollectives(tiny, 4);
    expect(bytesOf(fwd!, 4)).toEqual({ sent: 28, received: 112, wire: 84 });
    expect(bytesOf(bwd!, 4)).toEqual({ sent: 24, received: 24, wire: 36 });
  });
  it('DDP buckets: reverse layer order, the first closes at ≥ 1 MB, the next ones at ≥ 25 MB', () => {
    const mb = 1024 * 1024;
    const model: ModelSpec = {
      label: 'buckets',
      layers: [
        { name: 'a', params: (30 * mb) / 4, macs: 0 },
        { name: 'b', params: (20 * mb) / 4, macs: 0 },
        { name: 'c', params: (10 * mb) / 4, macs: 0 },
        { name: 'd', params: (0.5 * mb) / 4, macs: 0 },
        { name: 'e', params: (0.6 * mb) / 4, macs: 0 },
      ],
    };
    const buckets = gradientBuckets(model, 8);
    // e+d = 1.1 MB (≥ 1 MB closes), c+b = 30 MB (≥ 25), then a = 30 MB.
    expect(buckets.map((b) => (b.values * 4) / mb)).toEqual([1.1, 30, 30]);
    expect(buckets.map((b) => b.layerIndex)).toEqual([3, 1, 0]);
    expect(gradientBuckets(model, 1)).toEqual([]);
  });
});

describe('the step timeline', () => {
  const setting = {
    model: tiny,
    gpusPerNode: 8,
    batchPerGpu: 2,
    fabric,
    compute: { computeMs: 3 },
    maxScalingGpus: 16,
  };
  it('local BN: compute, plus the gradient buckets not hidden behind backward', () => {
    const r = estimateCost({ ...setting, gpus: 4 });
    const local = r.modes[0]!;
    // One bucket of 1126·4 B over ring 4 in one node: 5 + 6 + 1.5·4504·1e-5 µs, ready only when
    // backward has passed layer 0 (the end): fully exposed.
    const bucketMs = (5 + 6 + 1.5 * 4504 * 1e-5) / 1000;
    expect(local.times.exposedGradientMs).toBeCloseTo(bucketMs, 12);
    expect(local.times.stepMs).toBeCloseTo(3 + bucketMs, 12);
  });
  it('a bucket ready early in backward is hidden behind the rest of it', () => {
    // The last layer holds ≥ 1 MB of parameters and no MACs, so its bucket is ready at once; the
    // first layer (all the MACs) keeps backward busy.
    const model: ModelSpec = {
      label: 'overlap',
      layers: [
        { name: 'conv', params: 10, macs: 1e9 },
        { name: 'fc', params: 300_000, macs: 0 },
      ],
    };
    const r = estimateCost({ ...setting, model, gpus: 4, compute: { computeMs: 30 } });
    const local = r.modes[0]!;
    expect(r.collectivesPerStep.gradients).toBe(2);
    // Bucket 1 (fc, 1.2 MB): 11 + 1.5·1.2e6·1e-5 = 29 µs, done long before backward's 20 ms end;
    // bucket 2 (conv, 40 B) starts at the end: only it is exposed.
    const lastMs = (5 + 6 + 1.5 * 40 * 1e-5) / 1000;
    expect(local.times.gradientMs).toBeCloseTo((5 + 6 + 1.5 * 1.2e6 * 1e-5) / 1000 + lastMs, 12);
    expect(local.times.exposedGradientMs).toBeCloseTo(lastMs, 12);
    expect(local.times.stepMs).toBeCloseTo(30 + lastMs, 12);
  });

  it('sync adds every BN collective to the critical path', () => {
    const r = estimateCost({ ...setting, gpus: 4 });
    const sync = r.modes[1]!;
    const gather = (b: number) => (5 + 3 + 3 * b * 1e-5) / 1000;
    const reduce = (n: number) => (5 + 6 + 1.5 * n * 1e-5) / 1000;
    expect(sync.times.bnForwardMs).toBeCloseTo(gather(28) + gather(44), 12);
    expect(sync.times.bnBackwardMs).toBeCloseTo(reduce(24) + reduce(40), 12);
    expect(r.overheadMs).toBeCloseTo(sync.times.bnForwardMs + sync.times.bnBackwardMs, 12);
    expect(r.collectivesPerStep).toEqual({ bnForward: 2, bnBackward: 2, gradients: 1, total: 5 });
    expect(r.bytesPerRank.bnForward.sent).toBe(72);
    expect(r.bytesPerRank.bnForward.received).toBe(4 * 72);
  });
  it('lists local, sync and every power-of-two group below K; scales K = 1…max', () => {
    const r = estimateCost({ ...setting, gpus: 16 });
    expect(Object.keys(r.stepMs)).toEqual(['local', 'sync', 'group:2', 'group:4', 'group:8']);
    expect(r.scaling.map((s) => s.gpus)).toEqual([1, 2, 4, 8, 16]);
    expect(r.scaling[0]!.syncMs).toBe(3);
  });
  it('computes from FLOPs: 6 · MACs · batch / (peak · efficiency)', () => {
    const r = estimateCost({
      ...setting,
      gpus: 2,
      compute: { peakTflops: 1e-6, efficiency: 0.5 },
    });
    // 6 · 2000 · 2 / (1e6 · 0.5) s = 0.048 s
    expect(r.computeMs).toBeCloseTo(48, 9);
  });
  it('refuses a setting it cannot cost, naming the field', () => {
    expect(() => estimateCost({ ...setting, gpus: 0 })).toThrow(/gpus must be a whole number/);
  });
});
