import type { RunContext } from '../layer.ts';
import { isBatchStatLayer } from '../norm/batch-stat-layer.ts';
import { channelLayout } from '../norm/channel-layout.ts';
import { computeLocalMoments } from '../norm/local-moments.ts';
import { mergeMoments } from '../norm/merge.ts';
import { emptyMoments, type Moments } from '../norm/moments.ts';
import type { Tensor } from '../tensor.ts';
import type { Sequential } from './sequential.ts';

/**
 * The population statistics of each batch-statistic norm's INPUT, as the model sees it at test
 * time: a forward in 'eval-running' mode (every earlier norm normalizes with its running
 * statistics, the weights frozen), with each norm's input moments (count, mean, M2 per channel)
 * merged into `into` (Chan, in batch order). Comparing them with a layer's running statistics
 * shows the train/test mismatch: what the layer normalizes with at test time against what its
 * input really is over the data.
 */
export function accumulateInputMoments(
  model: Sequential,
  x: Tensor,
  step: number,
  into: Map<string, Moments>,
): void {
  const ctx: RunContext = { mode: 'eval-running', step };
  let h = x;
  for (const layer of model.layers) {
    if (isBatchStatLayer(layer)) {
      const layout = channelLayout(h, layer.channels, layer.name);
      const batch = computeLocalMoments(
        h.data,
        layout,
        Math.max(1, layout.batch),
        emptyMoments(1, layer.channels),
      );
      const before = into.get(layer.name);
      into.set(layer.name, before ? mergeMoments([before, batch]) : batch);
    }
    h = layer.forward(h, ctx);
  }
}
