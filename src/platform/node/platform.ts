import { availableParallelism } from 'node:os';
import type { RunConfig } from '../../config/schema.ts';
import { InProcessHost } from '../../coordinator/hosts/in-process.ts';
import type { Platform } from '../../coordinator/run.ts';
import { runExperiment } from '../../coordinator/run.ts';
import type { RunHooks, RunResult } from '../../coordinator/run-types.ts';
import { makeDataset } from '../../data/make-dataset.ts';
import { loadMnistNode } from './mnist.ts';

export interface NodePlatformOptions {
  /** 'workers' (default): devices in worker_threads; 'in-process': all in this thread. */
  host?: 'workers' | 'in-process';
}

export function nodePlatform(options: NodePlatformOptions = {}): Platform {
  return {
    loadData: async (config) =>
      makeDataset(
        config.dataset,
        config.seed,
        config.dataset.name === 'mnist' ? await loadMnistNode() : undefined,
      ),
    createHost: async (config, data) => {
      if (options.host === 'in-process') return new InProcessHost(config, data);
      const { createNodeWorkerHost } = await import('./worker-host.ts');
      return createNodeWorkerHost(
        config,
        data,
        config.workers ?? Math.min(availableParallelism(), config.devices),
      );
    },
  };
}

/** The headless runner's entry: a run in Node with real worker_threads unless told otherwise. */
export function runExperimentNode(
  config: RunConfig,
  hooks: RunHooks = {},
  options: NodePlatformOptions = {},
): Promise<RunResult> {
  return runExperiment(config, hooks, nodePlatform(options));
}
