import { describe, expect, it } from 'vitest';
import { type GemmBackend, gemmBackend, setGemmBackend } from '../../../src/core/kernels/gemm.ts';
import type { RunContext } from '../../../src/core/layer.ts';
import { BatchNorm } from '../../../src/core/norm/batch-norm.ts';
import { type ChannelLayout, groupCount } from '../../../src/core/norm/channel-layout.ts';
import { GhostBatchNorm } from '../../../src/core/norm/ghost-batch-norm.ts';
import { computeInputGradient } from '../../../src/core/norm/input-gradient.ts';
import { computeLocalMoments } from '../../../src/core/norm/local-moments.ts';
import { computeLocalReductions } from '../../../src/core/norm/local-reductions.ts';
import { emptyMoments, emptyReductions } from '../../../src/core/norm/moments.ts';
import { applyNormalization, normalizingStats } from '../../../src/core/norm/normalize.ts';
import { Rng } from '../../../src/core/rng.ts';
import { tensor } from '../../../src/core/tensor.ts';

/**
 * Batch norm's four passes (local moments, normalize, local reductions, input gradient) on the
 * WebAssembly kernels must give the bits of the JS loops: the sums in each channel's order, the
 * elementwise passes op for op. Data with a large mean and channels of different spreads, so a
 * sum taken in another order or in another precision changes the last bits.
 */

const f32Bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const f64Bits = (a: Float64Array) => new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);

/** "same" or where the bits first differ (a readable failure, fast on 400k values). */
function sameBits(got: Uint32Array, want: Uint32Array): string {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) return `word ${i}: ${got[i]} want ${want[i]}`;
  }
  return 'same';
}

function activations(size: number, channels: number, spatial: number, seed: number) {
  const x = Rng.stream(seed, 'bn-passes-wasm').fillNormal(new Float32Array(size), 1.7, 0);
  for (let i = 0; i < size; i++) {
    const c = Math.floor(i / spatial) % channels;
    x[i] = x[i]! * (1 + c) + 100 * (c - 1.5);
  }
  return x;
}

interface PassResults {
  readonly bits: Record<string, Uint32Array>;
}

/** All four passes on one backend, as BatchNorm chains them (a merge of one). */
function runPasses(
  backend: GemmBackend,
  layout: ChannelLayout,
  samplesPerGroup: number,
  affine: boolean,
): PassResults {
  const prev = gemmBackend();
  setGemmBackend(backend);
  try {
    const { batch, channels, spatial } = layout;
    const size = batch * channels * spatial;
    const groups = groupCount(batch, samplesPerGroup);
    const x = activations(size, channels, spatial, 1 + size);
    const dy = Rng.stream(2 + size, 'dy').fillNormal(new Float32Array(size), 0.3, 0.05);
    const rng = Rng.stream(3, 'affine');
    const scale = affine ? Float64Array.from({ length: channels }, () => rng.normal()) : null;
    const shift = affine ? Float64Array.from({ length: channels }, () => rng.normal()) : null;

    const moments = computeLocalMoments(x, layout, samplesPerGroup, emptyMoments(groups, channels));
    const mean = new Float64Array(groups * channels);
    const invstd = new Float64Array(groups * channels);
    normalizingStats(moments, 1e-5, mean, invstd);
    const xhat = new Float32Array(size).fill(Number.NaN);
    const y = new Float32Array(size).fill(Number.NaN);
    applyNormalization(x, layout, samplesPerGroup, mean, invstd, scale, shift, xhat, y);
    const red = computeLocalReductions(
      dy,
      xhat,
      layout,
      samplesPerGroup,
      emptyReductions(groups, channels),
    );
    const dx = new Float32Array(size).fill(Number.NaN);
    computeInputGradient(dy, xhat, layout, samplesPerGroup, red, moments.count, invstd, scale, dx);
    return {
      bits: {
        count: f64Bits(moments.count),
        mean: f64Bits(moments.mean),
        m2: f64Bits(moments.m2),
        xhat: f32Bits(xhat),
        y: f32Bits(y),
        sumDy: f64Bits(red.sumDy),
        sumDyXhat: f64Bits(red.sumDyXhat),
        dx: f32Bits(dx),
      },
    };
  } finally {
    setGemmBackend(prev);
  }
}

// [label, batch, channels, spatial, samplesPerGroup]
const CASES: [string, number, number, number, number][] = [
  ['the CNN first BN: 32 × 16 × 28·28', 32, 16, 784, 32],
  ['the CNN second BN: 32 × 32 × 14·14', 32, 32, 196, 32],
  ['[N, C] input (spatial 1), 256 channels', 32, 256, 1, 32],
  ['[N, C] input, 13 channels (8 + 4 + 1 chains)', 9, 13, 1, 9],
  ['7 channels, 3·3 values (a remainder of 1 past each 4)', 5, 7, 9, 5],
  ['19 channels, 5 values per row', 3, 19, 5, 3],
  ['one sample, one channel, 2·2', 1, 1, 4, 1],
  ['an empty batch', 0, 5, 16, 1],
  ['ghost layout: 8 samples in groups of 3 (3, 3, 2)', 8, 6, 6, 3],
  ['ghost layout: 10 samples in groups of 4, 11 channels, spatial 7', 10, 11, 7, 4],
  ['ghost layout on [N, C]: 9 samples in groups of 2', 9, 10, 1, 2],
];

describe('batch norm passes: WebAssembly SIMD = JS, bit for bit', () => {
  it.each(CASES)('%s', (_, batch, channels, spatial, samplesPerGroup) => {
    const layout = { batch, channels, spatial };
    for (const affine of [true, false]) {
      const js = runPasses('js', layout, samplesPerGroup, affine);
      const wasm = runPasses('wasm-simd', layout, samplesPerGroup, affine);
      for (const key of Object.keys(js.bits)) {
        expect(sameBits(wasm.bits[key]!, js.bits[key]!), `${key} (affine ${affine})`).toBe('same');
      }
    }
  });

  it('keeps −0 where the JS sums give +0, and signed zeros of the elementwise passes', () => {
    // Σdy of a row of −0 values starts from +0 and stays +0; x = mean gives x̂ = +0 or −0 by the
    // sign of (x − mean)·invstd; y = 1·x̂ + 0 turns −0 into +0.
    const layout = { batch: 2, channels: 3, spatial: 5 };
    const size = 30;
    const results = (['js', 'wasm-simd'] as const).map((backend) => {
      const prev = gemmBackend();
      setGemmBackend(backend);
      try {
        const x = new Float32Array(size).fill(2);
        const dy = new Float32Array(size).fill(-0);
        const m = computeLocalMoments(x, layout, 2, emptyMoments(1, 3));
        const mean = new Float64Array(3);
        const invstd = new Float64Array(3);
        normalizingStats(m, 1e-5, mean, invstd);
        const xhat = new Float32Array(size);
        const y = new Float32Array(size);
        applyNormalization(x, layout, 2, mean, invstd, null, null, xhat, y);
        const red = computeLocalReductions(dy, xhat, layout, 2, emptyReductions(1, 3));
        const dx = new Float32Array(size);
        computeInputGradient(dy, xhat, layout, 2, red, m.count, invstd, null, dx);
        return [f32Bits(xhat), f32Bits(y), f64Bits(red.sumDy), f64Bits(red.sumDyXhat), f32Bits(dx)];
      } finally {
        setGemmBackend(prev);
      }
    });
    for (let i = 0; i < 5; i++) expect(sameBits(results[1]![i]!, results[0]![i]!)).toBe('same');
    expect(Array.from(results[0]![2]!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('BatchNorm and GhostBatchNorm layers: forward, backward and γ/β gradients', () => {
    const ctx: RunContext = { mode: 'training', step: 0 };
    const shape = [12, 5, 3, 3];
    const size = 12 * 5 * 9;
    const x = tensor(shape, activations(size, 5, 9, 7));
    const dy = tensor(shape, Rng.stream(8, 'dy').fillNormal(new Float32Array(size), 1, 0));
    const run = (backend: GemmBackend, make: () => BatchNorm) => {
      const prev = gemmBackend();
      setGemmBackend(backend);
      try {
        const bn = make();
        bn.gamma!.value.set([0.7, 1.4, -0.5, 2, 0.1]);
        bn.beta!.value.set([0.1, -0.3, 0.2, 0, 5]);
        const y = Float32Array.from(bn.forward(x, ctx).data);
        const dx = Float32Array.from(bn.backward(dy, ctx).data);
        return [y, dx, bn.gamma!.grad, bn.beta!.grad].map((a) => Array.from(f32Bits(a)));
      } finally {
        setGemmBackend(prev);
      }
    };
    const makers = [
      () => new BatchNorm({ name: 'bn', channels: 5 }),
      () => new GhostBatchNorm({ name: 'ghost', channels: 5, virtualBatch: 5 }),
    ];
    for (const make of makers) expect(run('wasm-simd', make)).toEqual(run('js', make));
  });
});
