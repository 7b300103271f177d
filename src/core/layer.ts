import type { Tensor } from './tensor.ts';

/** A trainable parameter. `grad` is overwritten (not accumulated) by each backward pass. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: Float32Array;
  readonly grad: Float32Array;
  /** Weight decay applies (weights) or not (biases, norm scales and shifts). */
  readonly decay: boolean;
}

/** State that is not trained by gradients: running statistics, spectral norm's u, counters. */
export interface Buffer {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: Float32Array;
}

/**
 * How batch-statistic norms behave in this pass.
 * - `training`: normalize with batch statistics and update running statistics.
 * - `eval-running`: normalize with running statistics (no messages between devices).
 * - `eval-batch`: normalize with the batch's statistics, leave running statistics alone.
 * - `precise-collect`: normalize with batch statistics and accumulate PreciseBN population
 *   statistics (weights frozen); see PreciseBN in the norm folder.
 */
export type NormMode = 'training' | 'eval-running' | 'eval-batch' | 'precise-collect';

export interface RunContext {
  readonly mode: NormMode;
  /** Optimizer steps taken so far; schedules such as Batch Renorm's rmax/dmax warm-up read it. */
  readonly step: number;
}

export interface Layer {
  /** Unique within a model (e.g. "bn1"); names parameters, buffers and sync messages. */
  readonly name: string;
  readonly kind: string;
  /** Per-sample output shape for a per-sample input shape. */
  outputShape(inputShape: readonly number[]): number[];
  params(): Param[];
  buffers(): Buffer[];
  forward(x: Tensor, ctx: RunContext): Tensor;
  /** Gradient w.r.t. the input of the last forward; writes parameter gradients. */
  backward(dy: Tensor, ctx: RunContext): Tensor;
}

export function isLayerWithParams(layer: Layer): boolean {
  return layer.params().length > 0;
}
