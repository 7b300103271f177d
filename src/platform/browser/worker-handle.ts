import * as Comlink from 'comlink';

/** A page-owned Web Worker behind Comlink, watched for crashes. */
export interface WorkerHandle<Api> {
  readonly api: Comlink.Remote<Api>;
  /** Rejects if the worker fails to load or crashes. */
  readonly crashed: Promise<never>;
  dispose(): void;
}

/**
 * Wrap a worker the caller created (the `new Worker(new URL(…), …)` expression must stay at the
 * call site, where Vite finds and bundles it).
 */
export function handleWorker<Api>(worker: Worker, label: string): WorkerHandle<Api> {
  const api = Comlink.wrap<Api>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) =>
      reject(
        new Error(
          `the ${label} worker crashed: ${e.message || 'script error (it could not load)'}`,
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
}
