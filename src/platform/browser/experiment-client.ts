import type { WorkerHandle } from '../../coordinator/hosts/worker-handle.ts';
import { handleWorker } from './worker-handle.ts';
import type { ExperimentWorkerApi } from './experiment-worker.ts';

/** One experiment Web Worker; a fresh one per session, so a stopped run leaves nothing behind. */
export type ExperimentWorkerHandle = WorkerHandle<ExperimentWorkerApi>;

export type ExperimentWorkerFactory = () => ExperimentWorkerHandle;

export const startExperimentWorker: ExperimentWorkerFactory = () => {
  const worker = new Worker(new URL('./experiment-worker.ts', import.meta.url), {
    type: 'module',
    name: 'experiment',
  });
  return handleWorker<ExperimentWorkerApi>(
    worker,
    (detail) => `the experiment worker crashed: ${detail || 'script error (it could not load)'}`,
  );
};
