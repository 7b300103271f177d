import * as Comlink from 'comlink';
import type { CoordinatorApi } from '../../coordinator/coordinator-worker.browser.ts';

/** One coordinator Web Worker: the page talks to it through Comlink; it starts the device workers. */
export interface CoordinatorHandle {
  readonly api: Comlink.Remote<CoordinatorApi>;
  /** Rejects if the worker fails to load or crashes. */
  readonly crashed: Promise<never>;
  dispose(): void;
}

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
  const api = Comlink.wrap<CoordinatorApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      reject(
        new Error(
          `the coordinator worker crashed: ${e.message || 'script error (it could not load)'}`,
        ),
      );
    });
  });
  crashed.catch(() => {});
  return {
    api,
    crashed,
    dispose: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
};
