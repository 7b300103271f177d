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
  /**
   * Set when one pass runs the joined batch of several simulated devices: each device's parameter
   * gradients are written separately (see GradSegments). Absent: gradients go to `param.grad`.
   */
  readonly segments?: GradSegments;
}

/**
 * The devices whose samples one joined batch holds, one after another: segment k is samples
 * [offsets[k], offsets[k + 1]). A layer that acts per sample and honours segments
 * (`segmentedGradients`) writes segment k's parameter gradient into `grads(param)[k]` (not
 * `param.grad`), summed over that segment's samples alone in sample order: the exact bits that
 * segment would give run on its own. Summing the segments is left to the caller (in device order,
 * so the result never depends on how devices are grouped).
 */
export interface GradSegments {
  readonly offsets: readonly number[];
  grads(param: Param): readonly Float32Array[];
  /**
   * true: `grads(param)` holds ONE array, which receives the segments' gradients summed as an
   * all-reduce in device order sums them (each element added in float64 in segment order,
   * rounded once; `SegmentFold`): for a worker hosting every device, whose sum is the step's.
   */
  readonly summed?: boolean;
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
  /**
   * True for a layer with parameters that acts on each sample alone and writes per-segment
   * gradients when `ctx.segments` is set (so one pass can run several devices' samples).
   */
  readonly segmentedGradients?: boolean;
}

export function isLayerWithParams(layer: Layer): boolean {
  return layer.params().length > 0;
}
