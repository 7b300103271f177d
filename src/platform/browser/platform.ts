import type { RunConfig } from '../../config/schema.ts';
import type { SplitDataset } from '../../data/dataset.ts';
import { makeDataset } from '../../data/make-dataset.ts';
import { loadMnistBrowser } from './mnist.ts';
import type { DeviceWorkerApi } from '../../workers/device-worker-api.ts';
import { browserWorkerCount } from './browser-workers.ts';
import { handleWorker } from './worker-handle.ts';
import { WarmWorkerPool } from '../../coordinator/hosts/warm-worker-pool.ts';
import { type DeviceWorkerHandle, WorkerPoolHost } from '../../coordinator/hosts/worker-pool.ts';
import type { Platform } from '../../coordinator/run.ts';

/** Start a module Web Worker hosting a device group (bundled by Vite from this URL pattern). */
function spawnBrowserDeviceWorker(index: number): DeviceWorkerHandle {
  const worker = new Worker(new URL('./device-worker.ts', import.meta.url), {
    type: 'module',
    name: `devices-${index}`,
  });
  return handleWorker<DeviceWorkerApi>(
    worker,
    (detail) => `worker ${index} crashed: ${detail || 'script error'}`,
    false,
  );
}

/** Device workers of this context (the coordinator's or an experiment's worker), kept warm between runs. */
const warmWorkers = new WarmWorkerPool(
  spawnBrowserDeviceWorker,
  Math.max(1, navigator.hardwareConcurrency || 2),
);

/**
 * Before any run: fetch and decode MNIST and start the device workers `runs` runs of `devices`
 * devices side by side would use, so that pressing Run starts training at once instead of loading
 * while the page draws.
 */
export async function prepareBrowserRuns(
  mnistUrl: string,
  devices: number,
  runs = 1,
): Promise<void> {
  warmWorkers.prewarm(runs * browserWorkerCount(navigator.hardwareConcurrency, devices));
  await loadMnistBrowser(mnistUrl);
}

/** The browser's edges: MNIST fetched lazily from the app's own server, devices in Web Workers. */
export function browserPlatform(mnistUrl: string): Platform {
  return {
    loadData: async (config: RunConfig): Promise<SplitDataset> =>
      makeDataset(
        config.dataset,
        config.seed,
        config.dataset.name === 'mnist' ? await loadMnistBrowser(mnistUrl) : undefined,
      ),
    createHost: (config, data) =>
      WorkerPoolHost.start(
        config,
        data,
        (index) => warmWorkers.take(index),
        browserWorkerCount(navigator.hardwareConcurrency, config.devices, config.workers),
      ),
  };
}
