import type { Tensor } from '../tensor.ts';
import { type BatchStatLayer, isBatchStatLayer } from '../norm/batch-stat-layer.ts';
import type { Sequential } from './sequential.ts';
import { runPass, type SyncReply, type SyncRequest } from './sync.ts';

export interface PreciseResult {
  readonly batches: number;
  readonly samples: number;
}

/**
 * PreciseBN over the given batch-statistic norms (of one model or of every replica a worker
 * hosts): starts collecting on each and returns the function that writes their population
 * statistics. Every PreciseBN recomputation, single-device or distributed, goes through it.
 */
export function beginPreciseCollection(layers: Iterable<BatchStatLayer>): () => void {
  const started = [...layers];
  for (const layer of started) layer.beginPrecise();
  return () => {
    for (const layer of started) layer.endPrecise();
  };
}

/**
 * Recompute every batch-statistic norm of `model` from `batches` (weights frozen: forward only).
 * Each batch is one forward pass in mode 'precise-collect'; `answer` merges the statistics the way
 * the caller wants (default: this device alone). The caller chooses the number of samples by the
 * batches it passes (the paper uses ~10³–10⁴ samples).
 */
export function recomputePreciseStats(
  model: Sequential,
  batches: Iterable<Tensor>,
  answer?: (request: SyncRequest) => SyncReply,
): PreciseResult {
  const end = beginPreciseCollection(model.layers.filter(isBatchStatLayer));
  let count = 0;
  let samples = 0;
  for (const x of batches) {
    runPass(model.forward(x, { mode: 'precise-collect', step: 0 }), answer);
    count++;
    samples += x.shape[0] ?? 0;
  }
  end();
  return { batches: count, samples };
}
