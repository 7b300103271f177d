import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfig } from '../../src/config/schema.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import { StoreQuotaError } from '../../src/store/index.ts';
import type { CoordinatorHandle } from '../../src/platform/browser/coordinator-client.ts';
import type { RecorderStore } from '../../src/ui/session/run-recorder.ts';
import { SessionController } from '../../src/ui/session/session-controller.ts';
import { makeTelemetry } from './helpers.ts';

const config = (bnSync: string, steps = 4): RunConfig =>
  parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' }, devices: 3, steps, bnSync });

const tick = () => new Promise((r) => setTimeout(r, 1));

/**
 * A coordinator that plays a scripted run: one `steps` event per step, a checkpoint every 2. A run
 * of 13 steps fails. Like the real one, each run starts with no stop or pause pending.
 */
function fakeSpawn(log: string[]) {
  let spawned = 0;
  return (): CoordinatorHandle => {
    const id = ++spawned;
    log.push(`spawn ${id}`);
    let stop = false;
    let paused: (() => void) | null = null;
    let pauseWanted = false;
    const api = {
      async run(
        c: RunConfig,
        options: { checkpointEvery?: number },
        onEvent: (e: RunEvent) => void,
      ) {
        stop = false;
        pauseWanted = false;
        log.push(`run ${c.bnSync} every ${options.checkpointEvery} on ${id}`);
        await tick(); // the worker loads its data and starts the devices
        if (c.steps === 13) {
          onEvent({ type: 'failed', message: 'replica drift at step 1' });
          return;
        }
        onEvent({
          type: 'started',
          config: c,
          transport: 'shared-memory',
          workers: 2,
          devices: 3,
          fromStep: 0,
        });
        let s = 0;
        for (; s < c.steps && !stop; s++) {
          if (pauseWanted) {
            onEvent({ type: 'paused', step: s });
            await new Promise<void>((r) => (paused = r));
            onEvent({ type: 'resumed', step: s });
          }
          await tick();
          onEvent({
            type: 'steps',
            rows: [{ step: s + 1, loss: 1, acc: 0.5 }],
            telemetry: makeTelemetry(s, s + 1),
            step: s + 1,
            steps: c.steps,
            stepsPerSec: 50,
            etaMs: 10,
          });
          if ((s + 1) % 2 === 0) {
            onEvent({
              type: 'checkpoint',
              checkpoint: {
                step: s + 1,
                params: new Float32Array(1),
                buffers: new Float32Array(0),
                optimizer: { kind: 'sgd', step: s + 1, buffers: {} },
              },
            });
          }
        }
        onEvent({
          type: 'finished',
          status: stop ? 'stopped' : 'completed',
          final: { testAcc: 0.8, testLoss: 0.5 },
        });
      },
      prepare: async (devices: number) => {
        log.push(`prepare ${id} for ${devices}`);
      },
      pause: () => {
        pauseWanted = true;
      },
      resume: () => {
        pauseWanted = false;
        paused?.();
      },
      stop: () => {
        stop = true;
        pauseWanted = false;
        paused?.();
      },
    };
    return {
      api: api as unknown as CoordinatorHandle['api'],
      died: new Promise<never>(() => {}),
      terminate: () => log.push(`dispose ${id}`),
    };
  };
}

function fakeStore(log: string[], quotaAtCheckpoint: number | null = null): RecorderStore {
  let n = 0;
  return {
    createRun: async (c) => {
      log.push(`create ${c.bnSync}`);
      return { id: `id${++n}` } as Awaited<ReturnType<RecorderStore['createRun']>>;
    },
    updateRun: async (id, p) => {
      log.push(`update ${id} ${p.status}`);
      return { id } as Awaited<ReturnType<RecorderStore['updateRun']>>;
    },
    appendMetrics: () => {},
    flush: async () => {},
    saveCheckpoint: async (id, ck) => {
      if (ck.step === quotaAtCheckpoint) throw new StoreQuotaError('full');
      log.push(`checkpoint ${id} ${ck.step}`);
    },
  };
}

function host() {
  let updates = 0;
  return {
    addController: () => {},
    removeController: () => {},
    requestUpdate: () => {
      updates++;
    },
    get updates() {
      return updates;
    },
    updateComplete: Promise.resolve(true),
  };
}

const plans = [
  { label: 'local BN', name: 'local', config: config('local') },
  { label: 'SyncBN', name: 'sync', config: config('sync') },
];

describe('SessionController', () => {
  it('trains the planned runs one after another, saving each, and reaches 100%', async () => {
    const log: string[] = [];
    const store = fakeStore(log);
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => store });
    await s.start(plans);
    expect(s.view.percent).toBe(100);
    expect(s.view.busy).toBe(false);
    expect(
      s.view.runs.map((r) => [r.status, r.storeId, r.train.length, r.telemetry?.step.length]),
    ).toEqual([
      ['completed', 'id1', 4, 4],
      ['completed', 'id2', 4, 4],
    ]);
    // Store writes in order, each run's record first; the next run starts once the last is saved.
    expect(
      log.filter((l) => !l.startsWith('run') && !l.startsWith('spawn') && !l.startsWith('dispose')),
    ).toEqual([
      'create local',
      'checkpoint id1 2',
      'checkpoint id1 4',
      'update id1 completed',
      'create sync',
      'checkpoint id2 2',
      'checkpoint id2 4',
      'update id2 completed',
    ]);
    expect(log.indexOf('run sync every 25 on 1')).toBeGreaterThan(
      log.indexOf('update id1 completed'),
    );
    // One coordinator worker for both runs: the second starts warm. It stays idle for the next.
    expect(log.filter((l) => l.startsWith('spawn') || l.startsWith('dispose'))).toEqual([
      'spawn 1',
    ]);
  });

  it('prewarm starts the coordinator ahead of the first run, which then uses it', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    s.prewarm(8);
    s.prewarm(8); // one is enough
    await s.start([plans[0]!]);
    expect(log.filter((l) => /^(spawn|prepare|run|dispose)/.test(l))).toEqual([
      'spawn 1',
      'prepare 1 for 8',
      'run local every 25 on 1',
    ]);
  });

  it('a failed run ends its coordinator worker; the next run gets a fresh one', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    await s.start([{ ...plans[0]!, config: config('local', 13) }, plans[1]!]);
    expect(s.view.runs.map((r) => r.status)).toEqual(['failed', 'completed']);
    expect(log.filter((l) => /^(spawn|dispose|run)/.test(l))).toEqual([
      'spawn 1',
      'run local every 25 on 1',
      'dispose 1',
      'spawn 2',
      'run sync every 25 on 2',
    ]);
  });

  it('full storage stops the run cleanly, cancels the queue and says what was kept', async () => {
    const log: string[] = [];
    const store = fakeStore(log, 4);
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => store });
    await s.start(plans.map((p) => ({ ...p, config: config(p.config.bnSync, 40) })));
    await new Promise((r) => setTimeout(r, 150));
    expect(s.view.runs.map((r) => r.status)).toEqual(['stopped', 'cancelled']);
    expect(s.view.notice).toMatch(/storage for this site is full/);
    expect(s.view.notice).toMatch(/up to step 2/);
    expect(log).toContain('update id1 stopped');
    expect(log).not.toContain('create sync');
  });

  it('a pause asked for while the worker starts pauses before the first step; resume continues', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    const done = s.start([plans[0]!]);
    s.pause();
    expect(s.view.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 150)); // renders are throttled to ~10/s
    expect(s.view.runs[0]!.status).toBe('paused');
    expect(s.view.runs[0]!.step).toBe(0);
    s.resume();
    await done;
    expect(s.view.runs[0]!.status).toBe('completed');
  });

  it('stop ends the current run and cancels the rest', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    const done = s.start(plans);
    await tick();
    s.stop();
    await done;
    expect(s.view.runs.map((r) => r.status)).toEqual(['stopped', 'cancelled']);
  });

  it('a worker that fails to start is a failed run with the reason', async () => {
    const s = new SessionController(host(), {
      spawn: () => ({
        api: { run: () => new Promise(() => {}) } as unknown as CoordinatorHandle['api'],
        died: Promise.reject(new Error('the coordinator worker crashed: script error')),
        terminate: () => {},
      }),
      store: () => null,
    });
    await s.start([plans[0]!]);
    expect(s.view.runs[0]!.status).toBe('failed');
    expect(s.view.runs[0]!.failure?.summary).toMatch(/crashed/);
  });
});
