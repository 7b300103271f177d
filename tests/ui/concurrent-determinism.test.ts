import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfig } from '../../src/config/schema.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import { type SessionOptions, TrainingSession } from '../../src/coordinator/session.ts';
import type { CoordinatorHandle } from '../../src/platform/browser/coordinator-client.ts';
import { nodePlatform } from '../../src/platform/node/platform.ts';
import type { LiveRun } from '../../src/ui/session/live-run.ts';
import { SessionController } from '../../src/ui/session/session-controller.ts';

/*
 * The runs of a study train at the same time; the engine is deterministic per config, so each
 * run must end with exactly the numbers it reaches alone. The session controller drives real
 * training sessions here (the coordinator's engine with its devices on real worker_threads), once
 * with both runs at once and once one after another.
 */

const config = (bnSync: string): RunConfig =>
  parseConfig({
    seed: 5,
    dataset: { name: 'mnist', train: 512, test: 128, downsample: true },
    model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
    devices: 4,
    perDeviceBatch: 2,
    workers: 1,
    bnSync,
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
    steps: 60,
    evalEvery: 20,
  });

const plans = [
  { label: 'local BN', name: 'local', config: config('local') },
  { label: 'SyncBN', name: 'sync', config: config('sync') },
];

/**
 * A coordinator "worker" in this process, as the browser's coordinator worker does it: one real
 * TrainingSession per run, several at once; every event noted in order.
 */
function realSpawn(timeline: string[]) {
  return (): CoordinatorHandle => {
    const sessions = new Set<TrainingSession>();
    const api = {
      async run(c: RunConfig, options: SessionOptions, onEvent: (e: RunEvent) => void) {
        const session = new TrainingSession(nodePlatform({ host: 'workers' }), (e) => {
          timeline.push(`${e.type} ${c.bnSync}`);
          onEvent(e);
        });
        sessions.add(session);
        try {
          await session.run(c, { ...options, emitEveryMs: 0 });
        } finally {
          sessions.delete(session);
        }
      },
      prepare: async () => {},
      pause: () => {
        for (const session of sessions) session.pause();
      },
      resume: () => {
        for (const session of sessions) session.resume();
      },
      stop: () => {
        for (const session of sessions) session.stop();
      },
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

async function study(maxConcurrent: number): Promise<{ runs: LiveRun[]; timeline: string[] }> {
  const timeline: string[] = [];
  const s = new SessionController(host, {
    spawn: realSpawn(timeline),
    store: () => null,
    maxConcurrent,
  });
  await s.start(plans);
  return { runs: [...s.view.runs], timeline };
}

const numbers = (r: LiveRun) => ({
  status: r.status,
  train: r.train.map((row) => [row.step, row.loss, row.acc]),
  eval: r.eval.map((row) => [row.step, row.loss, row.acc]),
  final: r.final,
});

describe('runs trained together', () => {
  it('end with exactly the numbers they reach one after another', async () => {
    const together = await study(2);
    const apart = await study(1);
    // Together they did overlap: the second run stepped before the first finished.
    const t = together.timeline;
    expect(t.indexOf('steps sync')).toBeLessThan(t.indexOf('finished local'));
    // Apart they did not.
    const a = apart.timeline;
    expect(a.indexOf('started sync')).toBeGreaterThan(a.indexOf('finished local'));
    for (const i of [0, 1]) {
      const run = together.runs[i]!;
      expect(run.status).toBe('completed');
      expect(run.train).toHaveLength(60);
      expect(numbers(run)).toEqual(numbers(apart.runs[i]!));
    }
    // And the comparison means something: local and sync differ.
    expect(together.runs[0]!.final).not.toEqual(together.runs[1]!.final);
  }, 120_000);
});
