import type { RunConfig } from '../config/schema.ts';
import { buildModel } from '../core/model/build.ts';
import { isBatchStatLayer } from '../core/norm/batch-stat-layer.ts';
import { Rng } from '../core/rng.ts';
import { sizeOf } from '../core/tensor.ts';
import { modelInputOf } from '../data/model-input.ts';
import type { LayerSpec, ModelSpec } from './model-spec.ts';

/**
 * The simulator's own model for a run config, built by src/core exactly as a run builds it, as
 * the cost model's layer list: every batch-statistic norm (batch, ghost, renorm: what a run merges
 * across devices) with its channels; parameters per layer; MACs per sample as Σ over a layer's
 * weight tensors (2-D and up) of weight size × output positions (H·W for a conv, 1 for a dense).
 */
export function simulatedModel(config: RunConfig): ModelSpec {
  const input = modelInputOf(config.dataset);
  const model = buildModel(config.model, input, Rng.stream(config.seed, 'cost'));
  let shape: readonly number[] = input.sampleShape;
  const layers: LayerSpec[] = model.layers.map((layer) => {
    shape = layer.outputShape(shape);
    const params = layer.params();
    const count = params.reduce((s, p) => s + sizeOf(p.shape), 0);
    const positions = shape.length === 3 ? shape[1]! * shape[2]! : 1;
    const macs = params
      .filter((p) => p.shape.length >= 2)
      .reduce((s, p) => s + sizeOf(p.shape) * positions, 0);
    return {
      name: layer.name,
      params: count,
      macs,
      ...(isBatchStatLayer(layer) ? { bnChannels: layer.channels } : {}),
    };
  });
  const { preset, norm } = config.model;
  return { label: `simulated ${preset} (${norm}) on ${config.dataset.name}`, layers };
}
