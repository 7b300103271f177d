import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { CALL_MARGIN_MS, WorkerPoolHost } from '../../src/coordinator/hosts/worker-pool.ts';
import type { TrainRow } from '../../src/coordinator/run-types.ts';
import { train } from '../../src/coordinator/trainer.ts';
import {
  type NodeWorkerHandle,
  spawnNodeDeviceWorker,
  spawnNodeWorker,
} from '../../src/platform/node/worker-host.ts';
import type { StuckFault } from './fixtures/stuck-device-worker.ts';
import { loadData, mnistConfig } from './harness.ts';

const STUCK_ENTRY = new URL('./fixtures/stuck-device-worker.ts', import.meta.url).href;
const TIMEOUT_MS = 1000;
/** The pool's deadline for one call, plus room for a loaded machine. */
const NAMED_WITHIN_MS = TIMEOUT_MS + CALL_MARGIN_MS + 8000;

/**
 * A worker that blocks or spins inside a step (rather than dying) used to hang the run forever:
 * the pool waited for every worker. Now the run fails within the deadline naming the worker and
 * its devices, the stuck worker is terminated, and the rows so far are kept.
 */
describe.each(['shared-memory', 'message-port'] as const)('a stuck worker over %s', (transport) => {
  const cases: { how: StuckFault['how']; where: 'train' | 'eval' }[] = [
    { how: 'wait', where: 'train' },
    { how: 'spin', where: 'train' },
    { how: 'wait', where: 'eval' },
    { how: 'spin', where: 'eval' },
  ];
  it.each(cases)('$how during $where is named within the deadline', async ({ how, where }) => {
    const config = parseConfig(
      mnistConfig({
        devices: 4,
        perDeviceBatch: 8,
        bnSync: 'sync',
        steps: 20,
        evalEvery: 6,
        transport,
        collectiveTimeoutMs: TIMEOUT_MS,
      }),
    );
    const data = await loadData(config);
    // Worker 1 gets stuck at step 4 (0-based 3) or in the first evaluation (after step 6).
    const fault: StuckFault = {
      how,
      at: where === 'train' ? { trainStep: 3 } : { evaluation: 1 },
    };
    const handles: NodeWorkerHandle[] = [];
    const host = await WorkerPoolHost.start(
      config,
      data,
      (i) => {
        const h = i === 1 ? spawnNodeWorker(i, STUCK_ENTRY, { fault }) : spawnNodeDeviceWorker(i);
        handles.push(h);
        return h;
      },
      2,
    );
    const stuckExited = new Promise<void>((resolve) =>
      handles[1]!.thread.once('exit', () => resolve()),
    );
    const rows: TrainRow[] = [];
    const started = performance.now();
    try {
      const run = train(config, data, host, { onProgress: (p) => rows.push(p) });
      const what = where === 'train' ? 'train step 4' : 'evaluation';
      await expect(run).rejects.toThrow(
        new RegExp(`devices 2–3 \\(worker 1\\) did not answer ${what} .*stuck`),
      );
      expect(performance.now() - started).toBeLessThan(NAMED_WITHIN_MS);
      // The stuck thread was ended (not left running) before close().
      await stuckExited;
      expect(rows.map((r) => r.step)).toEqual(where === 'train' ? [1, 2, 3] : [1, 2, 3, 4, 5, 6]);
    } finally {
      await host.close();
    }
  });
});
