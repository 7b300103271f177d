import type { IntraNodeLinkId } from './links.ts';

/**
 * GPU presets: dense half-precision tensor-core peak (FP16 for V100, BF16 for A100/H100 SXM), the
 * NVLink generation of its usual 8-GPU node. Sustained training throughput is peak × an explicit
 * efficiency (DEFAULT_EFFICIENCY, overridable): convolutional networks in mixed precision reach
 * roughly a fifth to a third of peak; tiny per-GPU batches reach less (the model does not know).
 */
export interface GpuSpec {
  readonly id: string;
  readonly label: string;
  readonly peakTflops: number;
  readonly nodeLink: IntraNodeLinkId;
}

export const DEFAULT_EFFICIENCY = 0.25;

export const GPUS = [
  { id: 'v100', label: 'V100 SXM2 (125 TFLOP/s FP16)', peakTflops: 125, nodeLink: 'nvlink2' },
  { id: 'a100', label: 'A100 SXM (312 TFLOP/s BF16)', peakTflops: 312, nodeLink: 'nvlink3' },
  { id: 'h100', label: 'H100 SXM (989 TFLOP/s BF16)', peakTflops: 989, nodeLink: 'nvlink4' },
] as const satisfies readonly GpuSpec[];

export type GpuId = (typeof GPUS)[number]['id'];

export function gpuPreset(id: GpuId): GpuSpec {
  return GPUS.find((g) => g.id === id)!;
}
