import type { RunConfig } from '../config/schema.ts';
import { buildModel } from '../core/model/build.ts';
import { Rng } from '../core/rng.ts';
import type { Dataset } from '../data/dataset.ts';

/**
 * A flat parameter vector (as hosts copy it, in model order) split back into the model's named
 * parameters. Builds the model once to learn the names and sizes: for messages, not for steps.
 */
export function namedParams(
  config: RunConfig,
  train: Dataset,
  flat: Float32Array,
): { name: string; value: Float32Array }[] {
  const model = buildModel(
    config.model,
    { sampleShape: train.sampleShape, classes: train.classes },
    Rng.stream(config.seed, 'init'),
  );
  const out: { name: string; value: Float32Array }[] = [];
  let at = 0;
  for (const p of model.params()) {
    out.push({ name: p.name, value: flat.subarray(at, at + p.value.length) });
    at += p.value.length;
  }
  return out;
}
