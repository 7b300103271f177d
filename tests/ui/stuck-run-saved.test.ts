import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import { type SessionOptions, TrainingSession } from '../../src/coordinator/session.ts';
import type { CoordinatorHandle } from '../../src/platform/browser/coordinator-client.ts';
import { SessionController } from '../../src/ui/session/session-controller.ts';
import type { StuckFault } from '../coordinator/fixtures/stuck-device-worker.ts';
import { stuckPlatform } from '../helpers/stuck-platform.ts';
import { openTestStore } from '../store/helpers.ts';

/**
 * The app's side of a stuck device worker: the coordinator (a real TrainingSession over real
 * worker_threads, one of them blocked) fails the run within the deadline, and the session
 * controller saves it as failed with the rows it had (IndexedDB through fake-indexeddb).
 */
function coordinatorWithStuckWorker(fault: StuckFault): () => CoordinatorHandle {
  return () => {
    let session: TrainingSession | null = null;
    const api = {
      async run(
        config: Parameters<TrainingSession['run']>[0],
        options: SessionOptions,
        onEvent: (e: RunEvent) => void,
      ) {
        session = new TrainingSession(stuckPlatform(fault), onEvent);
        await session.run(config, { ...options, emitEveryMs: 0 });
      },
      prepare: async () => {},
      pause: () => session?.pause(),
      resume: () => session?.resume(),
      stop: () => session?.stop(),
    };
    return {
      api: api as unknown as CoordinatorHandle['api'],
      died: new Promise<never>(() => {}),
      terminate: () => {},
    };
  };
}

const host = {
  addController: () => {},
  removeController: () => {},
  requestUpdate: () => {},
  updateComplete: Promise.resolve(true),
};

describe('a run whose device worker gets stuck, in the app', () => {
  it('is saved as failed, with its rows kept', async () => {
    const { store } = await openTestStore();
    const config = parseConfig({
      seed: 3,
      dataset: { name: 'mnist', train: 512, test: 128, downsample: true },
      model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
      devices: 4,
      perDeviceBatch: 8,
      bnSync: 'sync',
      steps: 20,
      evalEvery: 10,
      collectiveTimeoutMs: 1000,
    });
    const s = new SessionController(host, {
      spawn: coordinatorWithStuckWorker({ how: 'wait', at: { trainStep: 5 } }),
      store: () => store,
    });
    await s.start([{ label: 'SyncBN', name: 'stuck', config }]);
    const live = s.view.runs[0]!;
    expect(live.status).toBe('failed');
    expect(live.failure?.detail).toMatch(/devices 2–3 \(worker 1\) did not answer train step 6/);

    const [saved] = await store.listRuns();
    expect(saved?.status).toBe('failed');
    expect(saved?.summary.stepsDone).toBe(5);
    expect(saved?.summary.error).toBeTruthy();
    const metrics = await store.loadMetrics(saved!.id);
    expect(metrics.train.map((r) => r.step)).toEqual([1, 2, 3, 4, 5]);
    expect(metrics.telemetry?.step).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });
});
