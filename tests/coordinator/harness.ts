import { parseConfig, type RunConfig, type RunConfigInput } from '../../src/config/schema.ts';
import type { DeviceHost } from '../../src/coordinator/hosts/host.ts';
import { InProcessHost } from '../../src/coordinator/hosts/in-process.ts';
import type { RunResult } from '../../src/coordinator/run-types.ts';
import { train } from '../../src/coordinator/trainer.ts';
import type { SplitDataset } from '../../src/data/dataset.ts';
import { makeDataset } from '../../src/data/make-dataset.ts';
import { loadMnistNode } from '../../src/platform/node/mnist.ts';
import { createNodeWorkerHost } from '../../src/platform/node/worker-host.ts';

export interface Trained {
  readonly config: RunConfig;
  readonly result: RunResult;
  readonly params: Float32Array;
  readonly buffers: Float32Array;
}

export async function loadData(config: RunConfig): Promise<SplitDataset> {
  return makeDataset(
    config.dataset,
    config.seed,
    config.dataset.name === 'mnist' ? await loadMnistNode() : undefined,
  );
}

/** Train with real worker_threads (`workers` ≥ 1) or all devices in this thread ('in-process'). */
export async function trainWith(
  input: RunConfigInput,
  where: 'in-process' | { workers: number },
): Promise<Trained> {
  return trainResolved(parseConfig(input), where);
}

/**
 * The same with a config that skipped the schema: to test the engine's own checks, which stay as a
 * backstop for configs the schema now rejects before the first step.
 */
export async function trainResolved(
  config: RunConfig,
  where: 'in-process' | { workers: number },
): Promise<Trained> {
  const data = await loadData(config);
  const host: DeviceHost =
    where === 'in-process'
      ? new InProcessHost(config, data)
      : await createNodeWorkerHost(config, data, where.workers);
  try {
    const result = await train(config, data, host);
    return { config, result, params: await host.copyParams(), buffers: await host.copyBuffers() };
  } finally {
    await host.close();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A small MNIST experiment; override what a test varies. */
export function mnistConfig(
  overrides: Partial<RunConfigInput> & { model?: RunConfigInput['model'] },
): RunConfigInput {
  return {
    seed: 3,
    dataset: { name: 'mnist', train: 512, test: 128, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
    steps: 20,
    evalEvery: 10,
    checksumEvery: 5,
    ...overrides,
  };
}
