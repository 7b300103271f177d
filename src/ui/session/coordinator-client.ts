import { handleWorker, type WorkerHandle } from './worker-handle.ts';
import type { CoordinatorApi } from '../../coordinator/coordinator-worker.browser.ts';

/** One coordinator Web Worker: the page talks to it through Comlink; it starts the device workers. */
export type CoordinatorHandle = WorkerHandle<CoordinatorApi>;

export type CoordinatorFactory = () => CoordinatorHandle;

/** A fresh worker per run: a crashed or stuck run never leaves state behind for the next one. */
export const startCoordinatorWorker: CoordinatorFactory = () => {
  const worker = new Worker(
    new URL('../../coordinator/coordinator-worker.browser.ts', import.meta.url),
    {
      type: 'module',
      name: 'coordinator',
    },
  );
  return handleWorker<CoordinatorApi>(worker, 'coordinator');
};
