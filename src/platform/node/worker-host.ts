import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { RunConfig } from '../../config/schema.ts';
import { type DeviceWorkerHandle, WorkerPoolHost } from '../../coordinator/hosts/worker-pool.ts';
import type { SplitDataset } from '../../data/dataset.ts';
import type { DeviceWorkerApi } from '../../workers/device-worker-api.ts';

const BOOT = new URL('./ts-worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./device-worker.ts', import.meta.url).href;
const WORKER_YOUNG_GENERATION_MB = 6;

/** Start a Node worker_thread hosting a device group, watched for an unexpected exit. */
export interface NodeWorkerHandle extends DeviceWorkerHandle {
  /** The thread itself (tests kill it to check that a dead device is reported, not waited for). */
  readonly thread: Worker;
}

export function spawnNodeDeviceWorker(index: number): NodeWorkerHandle {
  return spawnNodeWorker(index, ENTRY);
}

/**
 * A worker_thread running `entry` (a module that exposes a DeviceWorkerApi through Comlink).
 * Production always runs ENTRY; tests pass an entry of their own (with `extra` in its workerData)
 * to host a device worker that misbehaves on purpose.
 */
export function spawnNodeWorker(
  index: number,
  entry: string,
  extra: Record<string, unknown> = {},
): NodeWorkerHandle {
  const worker = new Worker(BOOT, {
    workerData: { ...extra, entry },
    name: `devices-${index}`,
    // V8 grows a busy thread's young generation to ~48 MB; a device worker's garbage is small
    // and short-lived (per-step reports and messages), and 6 MB keeps a long run's RSS ~30 MB per
    // worker lower at no measured cost in speed (bench --only memory).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let terminating = false;
  const died = new Promise<never>((_, reject) => {
    worker.on('error', (e) => reject(new Error(`worker ${index} crashed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!terminating)
        reject(new Error(`worker ${index} stopped unexpectedly (exit code ${code})`));
    });
  });
  died.catch(() => {});
  return {
    api: Comlink.wrap<DeviceWorkerApi>(nodeEndpoint(worker)),
    died,
    thread: worker,
    terminate: () => {
      terminating = true;
      void worker.terminate();
    },
  };
}

export function createNodeWorkerHost(
  config: RunConfig,
  data: SplitDataset,
  workers: number,
): Promise<WorkerPoolHost> {
  return WorkerPoolHost.start(config, data, spawnNodeDeviceWorker, workers);
}
