import { ConfigError } from '../config-error.ts';
import type { Param } from '../layer.ts';
import { Adam } from './adam.ts';
import { AdamW } from './adamw.ts';
import type { OptimizerOptions } from './options.ts';
import type { Optimizer } from './optimizer.ts';
import { Sgd } from './sgd.ts';

/** The optimizer a run config names, over `params` (in the model's fixed parameter order). */
export function makeOptimizer(cfg: OptimizerOptions, params: readonly Param[]): Optimizer {
  switch (cfg.name) {
    case 'sgd':
      if (cfg.nesterov && cfg.momentum <= 0) {
        throw new ConfigError(
          'optimizer.nesterov: Nesterov momentum needs optimizer.momentum > 0 (got 0); set a momentum or nesterov: false',
          { code: 'nesterov-needs-momentum', path: 'optimizer.nesterov' },
        );
      }
      return new Sgd(params, {
        momentum: cfg.momentum,
        nesterov: cfg.nesterov,
        weightDecay: cfg.weightDecay,
      });
    case 'adam':
    case 'adamw': {
      const options = {
        beta1: cfg.beta1,
        beta2: cfg.beta2,
        eps: cfg.eps,
        weightDecay: cfg.weightDecay,
      };
      return cfg.name === 'adam' ? new Adam(params, options) : new AdamW(params, options);
    }
  }
}

/** How many flat state vectors the optimizer a run config names keeps (Optimizer.stateVectors). */
export function optimizerStateVectors(cfg: OptimizerOptions): number {
  return cfg.name === 'sgd' ? (cfg.momentum > 0 ? 1 : 0) : 2;
}
