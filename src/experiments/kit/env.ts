import type { RunConfig } from '../../config/schema.ts';
import { type Platform, runExperiment } from '../../coordinator/run.ts';
import type { RunHooks, RunResult } from '../../coordinator/run-types.ts';
import type { SplitDataset } from '../../data/dataset.ts';

/**
 * What experiments need from their host (Node CLI, tests, later the app): data-parallel training
 * runs, and the datasets themselves for the experiments that drive a model directly.
 */
export interface ExperimentEnv {
  train(config: RunConfig, hooks?: RunHooks): Promise<RunResult>;
  loadData(config: RunConfig): Promise<SplitDataset>;
}

/**
 * An environment over a platform, loading each distinct dataset once. Training never writes to
 * the data, so runs can share it (MNIST does not depend on the seed, synthetic sets do).
 */
export function platformEnv(platform: Platform): ExperimentEnv {
  const cache = new Map<string, Promise<SplitDataset>>();
  const loadData = (config: RunConfig): Promise<SplitDataset> => {
    const d = config.dataset;
    const key = JSON.stringify([d, d.name === 'mnist' ? 0 : config.seed]);
    let data = cache.get(key);
    if (!data) {
      data = platform.loadData(config);
      cache.set(key, data);
      data.catch(() => cache.delete(key));
    }
    return data;
  };
  const cached: Platform = {
    loadData,
    createHost: (config, data) => platform.createHost(config, data),
  };
  return {
    loadData,
    train: (config, hooks = {}) => runExperiment(config, hooks, cached),
  };
}
