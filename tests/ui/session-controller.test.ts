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
 * A coordinator that plays scripted runs, several at once like the real one: one `steps` event per
 * step, a checkpoint every 2. A run of 13 steps fails. Pause, resume and stop apply to every run
 * in progress on it; each run starts with no stop or pause pending.
 */
function fakeSpawn(log: string[]) {
  let spawned = 0;
  return (): CoordinatorHandle => {
    const id = ++spawned;
    log.push(`spawn ${id}`);
    interface Control {
      stop: boolean;
      pauseWanted: boolean;
      paused: (() => void) | null;
    }
    const inProgress = new Set<Control>();
    const api = {
      async run(
        c: RunConfig,
        options: { checkpointEvery?: number },
        onEvent: (e: RunEvent) => void,
      ) {
        const me: Control = { stop: false, pauseWanted: false, paused: null };
        inProgress.add(me);
        log.push(`run ${c.bnSync} every ${options.checkpointEvery} on ${id}`);
        try {
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
          for (; s < c.steps && !me.stop; s++) {
            if (me.pauseWanted) {
              onEvent({ type: 'paused', step: s });
              await new Promise<void>((r) => (me.paused = r));
              onEvent({ type: 'resumed', step: s });
            }
            await tick();
            log.push(`step ${c.bnSync} ${s + 1}`);
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
            status: me.stop ? 'stopped' : 'completed',
            final: { testAcc: 0.8, testLoss: 0.5 },
          });
        } finally {
          inProgress.delete(me);
        }
      },
      prepare: async (devices: number, runs = 1) => {
        log.push(`prepare ${id} for ${runs}×${devices}`);
      },
      pause: () => {
        for (const me of inProgress) me.pauseWanted = true;
      },
      resume: () => {
        for (const me of inProgress) {
          me.pauseWanted = false;
          me.paused?.();
          me.paused = null;
        }
      },
      stop: () => {
        for (const me of inProgress) {
          me.stop = true;
          me.pauseWanted = false;
          me.paused?.();
          me.paused = null;
        }
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
  it('trains the planned runs at the same time in one coordinator, saving each, to 100%', async () => {
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
    // Their steps interleave: the second run starts before the first has finished.
    expect(log.indexOf('step sync 1')).toBeLessThan(log.indexOf('step local 4'));
    expect(log.indexOf('step local 1')).toBeLessThan(log.indexOf('step sync 4'));
    // Each run's writes in order, its record first.
    for (const [bn, id] of [
      ['local', 'id1'],
      ['sync', 'id2'],
    ] as const) {
      const own = log.filter((l) => l === `create ${bn}` || l.includes(` ${id} `));
      expect(own).toEqual([
        `create ${bn}`,
        `checkpoint ${id} 2`,
        `checkpoint ${id} 4`,
        `update ${id} completed`,
      ]);
    }
    // One coordinator worker for both (it loads the digits once); both ended cleanly, so it
    // stays idle and the next study starts warm on it.
    expect(log.filter((l) => /^(spawn|dispose|run)/.test(l))).toEqual([
      'spawn 1',
      'run local every 25 on 1',
      'run sync every 25 on 1',
    ]);
    await s.start(plans);
    expect(log.filter((l) => /^(spawn|dispose)/.test(l))).toEqual(['spawn 1']);
    expect(s.view.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('at most maxConcurrent runs at once: the others wait for a slot, in order', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), {
      spawn: fakeSpawn(log),
      store: () => null,
      maxConcurrent: 2,
    });
    const three = [...plans, { label: 'groups', name: 'groups', config: config('group:3') }];
    const done = s.start(three);
    await tick();
    expect(s.view.runs.map((r) => r.status === 'queued')).toEqual([false, false, true]);
    await done;
    expect(s.view.runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    // The third starts once one of the first two has finished.
    expect(log.indexOf('step group:3 1')).toBeGreaterThan(
      Math.min(log.indexOf('step local 4'), log.indexOf('step sync 4')),
    );
    expect(log.filter((l) => l.startsWith('spawn'))).toEqual(['spawn 1']);
  });

  it('prewarm starts the coordinator ahead of the first run, which then uses it', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    s.prewarm(8);
    s.prewarm(8); // one is enough
    await s.start([plans[0]!]);
    expect(log.filter((l) => /^(spawn|prepare|run|dispose)/.test(l))).toEqual([
      'spawn 1',
      'prepare 1 for 1×8',
      'run local every 25 on 1',
    ]);
  });

  it('prewarm for a study of two prepares one coordinator for both runs; both start on it', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    s.prewarm(8, 2);
    await s.start(plans);
    expect(log.filter((l) => /^(spawn|prepare|run|dispose)/.test(l))).toEqual([
      'spawn 1',
      'prepare 1 for 2×8',
      'run local every 25 on 1',
      'run sync every 25 on 1',
    ]);
  });

  it('a failed run does not stop the others; the coordinator is not kept after such a study', async () => {
    const log: string[] = [];
    const store = fakeStore(log);
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => store });
    await s.start([{ ...plans[0]!, config: config('local', 13) }, plans[1]!]);
    expect(s.view.runs.map((r) => r.status)).toEqual(['failed', 'completed']);
    expect(s.view.runs[1]!.step).toBe(4);
    expect(log.filter((l) => /^(spawn|dispose|run)/.test(l))).toEqual([
      'spawn 1',
      'run local every 25 on 1',
      'run sync every 25 on 1',
      'dispose 1',
    ]);
    // The next study gets a fresh one.
    await s.start([plans[1]!]);
    expect(log.filter((l) => /^(spawn|dispose)/.test(l))).toEqual([
      'spawn 1',
      'dispose 1',
      'spawn 2',
    ]);
    expect(log).toContain('update id1 failed');
    expect(log).toContain('update id2 completed');
  });

  it('full storage stops every run cleanly, cancels those waiting and says what was kept', async () => {
    const log: string[] = [];
    const store = fakeStore(log, 4);
    const s = new SessionController(host(), {
      spawn: fakeSpawn(log),
      store: () => store,
      maxConcurrent: 2,
    });
    const long = (bn: string) => ({ label: bn, name: bn, config: config(bn, 40) });
    await s.start([long('local'), long('sync'), long('group:3')]);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.view.runs.map((r) => r.status)).toEqual(['stopped', 'stopped', 'cancelled']);
    expect(s.view.notice).toMatch(/storage for this site is full/);
    expect(s.view.notice).toMatch(/up to step 2/);
    expect(s.view.notice!.match(/storage for this site is full/g)).toHaveLength(1);
    expect(log).toContain('update id1 stopped');
    expect(log).toContain('update id2 stopped');
    expect(log).not.toContain('create group:3');
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

  it('stop ends every run in progress and cancels those waiting for a slot', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    const done = s.start(plans.map((p) => ({ ...p, config: config(p.config.bnSync, 40) })));
    await new Promise((r) => setTimeout(r, 20));
    s.stop();
    await done;
    expect(s.view.runs.map((r) => r.status)).toEqual(['stopped', 'stopped']);
    expect(s.view.percent).toBeLessThan(100);

    const one = new SessionController(host(), {
      spawn: fakeSpawn([]),
      store: () => null,
      maxConcurrent: 1,
    });
    const first = one.start(plans);
    await tick();
    one.stop();
    await first;
    expect(one.view.runs.map((r) => r.status)).toEqual(['stopped', 'cancelled']);
  });

  it('pause and resume apply to every run training', async () => {
    const log: string[] = [];
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => null });
    const done = s.start(plans.map((p) => ({ ...p, config: config(p.config.bnSync, 40) })));
    await new Promise((r) => setTimeout(r, 20));
    s.pause();
    expect(s.view.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.view.runs.map((r) => r.status)).toEqual(['paused', 'paused']);
    const held = s.view.runs.map((r) => r.step);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.view.runs.map((r) => r.step)).toEqual(held);
    expect(held.every((step) => step > 0 && step < 40)).toBe(true);
    s.resume();
    await done;
    expect(s.view.runs.map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  it('a store write that fails in the background stops saving every run training', async () => {
    const log: string[] = [];
    const store = fakeStore(log);
    const s = new SessionController(host(), { spawn: fakeSpawn(log), store: () => store });
    const done = s.start(plans.map((p) => ({ ...p, config: config(p.config.bnSync, 40) })));
    await new Promise((r) => setTimeout(r, 20));
    s.storeWriteFailed(new StoreQuotaError('full'));
    await done;
    expect(s.view.runs.map((r) => r.status)).toEqual(['stopped', 'stopped']);
    expect(s.view.notice).toMatch(/storage for this site is full/);
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
