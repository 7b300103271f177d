import type { OptimizerState } from '../core/optim/optimizer.ts';

/**
 * Everything needed to continue a run as if it had never stopped: replicas are identical, so one
 * copy of the parameters, buffers (running statistics, spectral norm's u) and optimizer state.
 * The data order is replayed from the seed up to `step`.
 */
export interface Checkpoint {
  /** Optimizer steps completed. */
  readonly step: number;
  readonly params: Float32Array;
  readonly buffers: Float32Array;
  readonly optimizer: OptimizerState;
}
