import type { AllReduceAlgorithm } from './alpha-beta.ts';
import type { Fabric } from './links.ts';
import { type ModelSpec, summarize } from './model-spec.ts';

/** Everything that decides a step's cost. All numbers are plain values: override any of them. */
export interface CostSetting {
  readonly model: ModelSpec;
  /** K: data-parallel ranks (one per GPU). */
  readonly gpus: number;
  readonly gpusPerNode: number;
  readonly batchPerGpu: number;
  readonly fabric: Fabric;
  /**
   * Compute per step: either given (`computeMs`), or from FLOPs: training FLOPs per sample =
   * 3 × 2 × forward MACs (backward ≈ twice the forward), so
   *   T = 6 · MACs · batchPerGpu / (peakTflops · 10¹² · efficiency) seconds.
   */
  readonly compute:
    | { readonly computeMs: number }
    | { readonly peakTflops: number; readonly efficiency: number };
  /** NCCL's all_reduce algorithm (default auto: the faster of ring and tree). */
  readonly algorithm?: AllReduceAlgorithm;
  /** Bytes per BN statistic and per gradient value (default 4, float32). */
  readonly bytesPerValue?: number;
  readonly firstBucketMb?: number;
  readonly bucketMb?: number;
  /** Largest K of the scaling table (default 1024; powers of two from 1). */
  readonly maxScalingGpus?: number;
}

/** The problems of a setting, in its field names; empty when it can be costed. */
export function settingProblems(s: CostSetting): string[] {
  const problems: string[] = [];
  const positiveInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 1)
      problems.push(`${name} must be a whole number ≥ 1, got ${v}`);
  };
  positiveInt(s.gpus, 'gpus');
  positiveInt(s.gpusPerNode, 'gpusPerNode');
  positiveInt(s.batchPerGpu, 'batchPerGpu');
  const positive = (v: number, name: string): void => {
    if (!(Number.isFinite(v) && v > 0)) problems.push(`${name} must be a number > 0, got ${v}`);
  };
  const nonNegative = (v: number, name: string): void => {
    if (!(Number.isFinite(v) && v >= 0)) problems.push(`${name} must be a number ≥ 0, got ${v}`);
  };
  positive(s.fabric.intra.bandwidthGBps, 'fabric.intra.bandwidthGBps');
  positive(s.fabric.inter.bandwidthGBps, 'fabric.inter.bandwidthGBps');
  nonNegative(s.fabric.intra.alphaUs, 'fabric.intra.alphaUs');
  nonNegative(s.fabric.inter.alphaUs, 'fabric.inter.alphaUs');
  nonNegative(s.fabric.baseUs, 'fabric.baseUs');
  if ('computeMs' in s.compute) nonNegative(s.compute.computeMs, 'compute.computeMs');
  else {
    positive(s.compute.peakTflops, 'compute.peakTflops');
    if (!(s.compute.efficiency > 0 && s.compute.efficiency <= 1)) {
      problems.push(`compute.efficiency must be in (0, 1], got ${s.compute.efficiency}`);
    }
  }
  return problems;
}

/** Compute time of one step on one GPU, ms. */
export function computeMsOf(s: CostSetting): number {
  if ('computeMs' in s.compute) return s.compute.computeMs;
  const flops = 6 * summarize(s.model).macsPerSample * s.batchPerGpu;
  return (flops / (s.compute.peakTflops * 1e12 * s.compute.efficiency)) * 1e3;
}
