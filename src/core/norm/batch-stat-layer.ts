import type { Layer, RunContext } from '../layer.ts';
import type { Tensor } from '../tensor.ts';
import type { Moments, Reductions } from './moments.ts';

/**
 * The statistics a norm normalizes with after the merge, and the statistics its running averages
 * learn from. They differ when, say, a device normalizes with its own batch (local BN) but the
 * run's running-statistics policy updates from the global batch.
 */
export interface MergedMoments {
  readonly normalize: Moments;
  /** null: leave running statistics untouched this pass. */
  readonly running: Moments | null;
}

/**
 * A norm whose statistics span the batch (BatchNorm, Ghost BN, Batch Renorm), split into the
 * phases the distributed engine plugs into. Which devices a merge spans ("local", "sync",
 * "group") is decided by whoever answers the sync requests, never by the layer.
 *
 * Forward:  localMoments(x) → [merge across devices] → normalize(merged)
 * Backward: localReductions(dy) → [sum across devices] → inputGradient(summed)
 */
export interface BatchStatLayer extends Layer {
  readonly batchStats: true;
  readonly channels: number;
  /** True when this pass needs batch statistics (and so a merge); false in eval with running stats. */
  needsSync(ctx: RunContext): boolean;
  /** Phase 1: this device's moments of x (kept for normalize). May have count 0. */
  localMoments(x: Tensor, ctx: RunContext): Moments;
  /** Phase 3: normalize the x given to localMoments with the merged statistics. */
  normalize(merged: MergedMoments, ctx: RunContext): Tensor;
  /** Backward phase 1: Σdy and Σdy·x̂ on this device; also writes this device's γ/β gradients. */
  localReductions(dy: Tensor, ctx: RunContext): Reductions;
  /** Backward phase 3: input gradient from the reductions summed over the merge's devices. */
  inputGradient(summed: Reductions, ctx: RunContext): Tensor;
  /**
   * PreciseBN, start: passes in mode 'precise-collect' accumulate population statistics from
   * MergedMoments.running (`precise-bn.ts`), the weights frozen.
   */
  beginPrecise(): void;
  /** PreciseBN, end: write the population statistics into the running buffers, stop collecting. */
  endPrecise(): void;
}

export function isBatchStatLayer(layer: Layer): layer is BatchStatLayer {
  return (layer as Partial<BatchStatLayer>).batchStats === true;
}
