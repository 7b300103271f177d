import type { Tensor } from '../tensor.ts';
import { isPreciseStatsLayer } from '../norm/precise-bn.ts';
import type { Sequential } from './sequential.ts';
import { runPass, type SyncReply, type SyncRequest } from './sync.ts';

export interface PreciseResult {
  readonly batches: number;
  readonly samples: number;
}

/**
 * Recompute every PreciseBN-capable norm of `model` from `batches` (weights frozen: forward only).
 * Each batch is one forward pass in mode 'precise-collect'; `answer` merges the statistics the way
 * the caller wants (default: this device alone). The caller chooses the number of samples by the
 * batches it passes (the paper uses ~10³–10⁴ samples).
 */
export function recomputePreciseStats(
  model: Sequential,
  batches: Iterable<Tensor>,
  answer?: (request: SyncRequest) => SyncReply,
): PreciseResult {
  const layers = model.layers.filter(isPreciseStatsLayer);
  for (const layer of layers) layer.beginPrecise();
  let count = 0;
  let samples = 0;
  for (const x of batches) {
    runPass(model.forward(x, { mode: 'precise-collect', step: 0 }), answer);
    count++;
    samples += x.shape[0] ?? 0;
  }
  for (const layer of layers) layer.endPrecise();
  return { batches: count, samples };
}
