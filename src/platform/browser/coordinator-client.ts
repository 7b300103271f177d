import type { WorkerHandle } from '../../coordinator/hosts/worker-handle.ts';
import { handleWorker } from './worker-handle.ts';
import type { CoordinatorApi } from './coordinator-worker.ts';

/** One coordinator Web Worker: the page talks to it through Comlink; it starts the device workers. */
export type CoordinatorHandle = WorkerHandle<CoordinatorApi>;

export type CoordinatorFactory = () => CoordinatorHandle;

/**
 * A new coordinator worker. The session reuses it for the next run only after a clean run (warm
 * code, idle device workers); after a failure or a crash it starts a fresh one, so a stuck run
 * never leaves state behind.
 */
export const startCoordinatorWorker: CoordinatorFactory = () => {
  const worker = new Worker(new URL('./coordinator-worker.ts', import.meta.url), {
    type: 'module',
    name: 'coordinator',
  });
  return handleWorker<CoordinatorApi>(
    worker,
    (detail) => `the coordinator worker crashed: ${detail || 'script error (it could not load)'}`,
  );
};
