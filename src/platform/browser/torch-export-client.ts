import type { RunConfig } from '../../config/schema.ts';
import type { TorchExportWorkerApi } from './torch-export-worker.ts';
import { handleWorker } from './worker-handle.ts';

/**
 * Build a run's PyTorch bundle as .zip bytes in a worker of its own (the page's thread stays free),
 * then end the worker. Rejects with the worker's error (a ConfigError's message names the field).
 */
export async function buildTorchZipInWorker(
  config: RunConfig,
  folder: string,
): Promise<Uint8Array> {
  const worker = new Worker(new URL('./torch-export-worker.ts', import.meta.url), {
    type: 'module',
    name: 'torch-export',
  });
  const handle = handleWorker<TorchExportWorkerApi>(
    worker,
    (detail) =>
      `the PyTorch export worker crashed: ${detail || 'script error (it could not load)'}`,
  );
  try {
    return await Promise.race([handle.api.zip(config, folder), handle.died]);
  } finally {
    handle.terminate();
  }
}
