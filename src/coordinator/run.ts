import type { RunConfig } from '../config/schema.ts';
import type { SplitDataset } from '../data/dataset.ts';
import type { DeviceHost } from './hosts/host.ts';
import type { RunHooks, RunResult } from './run-types.ts';
import { train } from './trainer.ts';

/** What differs between the browser and Node: where data comes from and where devices run. */
export interface Platform {
  loadData(config: RunConfig): Promise<SplitDataset>;
  createHost(config: RunConfig, data: SplitDataset): Promise<DeviceHost>;
}

/** Load the data, start the devices, train, and always release the workers (for reuse if clean). */
export async function runExperiment(
  config: RunConfig,
  hooks: RunHooks,
  platform: Platform,
): Promise<RunResult> {
  const data = await platform.loadData(config);
  const host = await platform.createHost(config, data);
  let clean = false;
  try {
    const result = await train(config, data, host, hooks);
    clean = true;
    return result;
  } finally {
    await host.close(clean);
  }
}
