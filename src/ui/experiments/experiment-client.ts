import * as Comlink from 'comlink';
import type { ExperimentWorkerApi } from '../../coordinator/experiment-worker.browser.ts';

/** One experiment Web Worker; a fresh one per session, so a stopped run leaves nothing behind. */
export interface ExperimentWorkerHandle {
  readonly api: Comlink.Remote<ExperimentWorkerApi>;
  /** Rejects if the worker fails to load or crashes. */
  readonly crashed: Promise<never>;
  dispose(): void;
}

export type ExperimentWorkerFactory = () => ExperimentWorkerHandle;

export const startExperimentWorker: ExperimentWorkerFactory = () => {
  const worker = new Worker(
    new URL('../../coordinator/experiment-worker.browser.ts', import.meta.url),
    { type: 'module', name: 'experiment' },
  );
  const api = Comlink.wrap<ExperimentWorkerApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) =>
      reject(
        new Error(
          `the experiment worker crashed: ${e.message || 'script error (it could not load)'}`,
        ),
      ),
    );
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
