import { errorMessage } from '../core/error-message.ts';
import { buildModel } from '../core/model/build.ts';
import { makeOptimizer } from '../core/optim/make-optimizer.ts';
import { Rng } from '../core/rng.ts';
import { modelInputOf } from '../data/model-input.ts';
import { ConfigError, type RunConfig } from './schema.ts';

/**
 * Build the model and its optimizer once, before any data is loaded or worker started, so that a model the config
 * cannot describe (a CNN on 2-D points, groups that do not divide a width) is reported as bad
 * input (ConfigError) rather than a failure halfway through starting the run.
 */
export function checkModelBuilds(config: RunConfig): void {
  try {
    const model = buildModel(
      config.model,
      modelInputOf(config.dataset),
      Rng.stream(config.seed, 'preflight'),
    );
    makeOptimizer(config.optimizer, model.params());
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // Nothing has run yet: whatever stops the model from being built is a problem of the config.
    throw new ConfigError(`model: ${errorMessage(err)}`);
  }
}
