import { errorMessage } from '../core/error-message.ts';
import { buildModel, type ModelInput } from '../core/model/build.ts';
import { makeOptimizer } from '../core/optim/make-optimizer.ts';
import { Rng } from '../core/rng.ts';
import { syntheticClasses } from '../data/synthetic.ts';
import { ConfigError, type RunConfig } from './schema.ts';

/**
 * The sample shape and class count a dataset config will produce, known without loading it
 * (MNIST: 1 × 28 × 28, or 14 × 14 downsampled, 10 classes; the synthetic sets: 2-D points).
 */
export function expectedInput(dataset: RunConfig['dataset']): ModelInput {
  if (dataset.name === 'mnist') {
    const side = dataset.downsample ? 14 : 28;
    return { sampleShape: [1, side, side], classes: 10 };
  }
  return { sampleShape: [2], classes: syntheticClasses(dataset.name, dataset.classes) };
}

/**
 * Build the model and its optimizer once, before any data is loaded or worker started, so that a model the config
 * cannot describe (a CNN on 2-D points, groups that do not divide a width) is reported as bad
 * input (ConfigError) rather than a failure halfway through starting the run.
 */
export function checkModelBuilds(config: RunConfig): void {
  try {
    const model = buildModel(
      config.model,
      expectedInput(config.dataset),
      Rng.stream(config.seed, 'preflight'),
    );
    makeOptimizer(config.optimizer, model.params());
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Nothing has run yet: whatever stops the model from being built is a problem of the config.
    throw new ConfigError(`model: ${errorMessage(err)}`);
  }
}
