import type { OptimizerState } from '../core/optim/optimizer.ts';
import type { Device } from './device.ts';

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

/** The checkpoint of a group's replicas after `step` steps (they are identical: `device`'s). */
export function checkpointOf(device: Device, step: number): Checkpoint {
  return {
    step,
    params: device.copyParams(),
    buffers: device.copyBuffers(),
    optimizer: device.optimizer.state(),
  };
}

/** Every replica takes the checkpoint's parameters, buffers and optimizer state. */
export function restoreCheckpoint(devices: readonly Device[], checkpoint: Checkpoint): void {
  for (const d of devices) {
    if (checkpoint.params.length !== d.paramCount || checkpoint.buffers.length !== d.bufferCount) {
      throw new Error(
        `the checkpoint holds ${checkpoint.params.length} parameters and ${checkpoint.buffers.length} buffer values, but this model has ${d.paramCount} and ${d.bufferCount}: it was saved from a different model`,
      );
    }
    d.loadParams(checkpoint.params);
    d.loadBuffers(checkpoint.buffers);
    d.optimizer.loadState(checkpoint.optimizer);
  }
}
