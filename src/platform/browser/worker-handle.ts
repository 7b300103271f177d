import * as Comlink from 'comlink';
import type { WorkerHandle } from '../../coordinator/hosts/worker-handle.ts';

/**
 * Wrap a Web Worker the caller created (the `new Worker(new URL(…), …)` expression must stay at
 * the call site, where Vite finds and bundles it) as a WorkerHandle, watched for crashes.
 * `crashMessage` words the error from the event's message (empty when the script could not load).
 * `releaseProxy`: page-owned workers release their Comlink proxy before they are terminated.
 */
export function handleWorker<Api>(
  worker: Worker,
  crashMessage: (detail: string) => string,
  releaseProxy = true,
): WorkerHandle<Api> {
  const api = Comlink.wrap<Api>(worker);
  const died = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(crashMessage(e.message))));
  });
  died.catch(() => {});
  return {
    api,
    died,
    terminate: () => {
      if (releaseProxy) api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
