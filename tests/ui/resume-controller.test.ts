import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { CheckpointRecord, LoadedMetrics, RunRecord } from '../../src/store/index.ts';
import { ResumeController, resumePlan } from '../../src/ui/app/resume-controller.ts';
import type { PlannedRun } from '../../src/ui/session/session-controller.ts';
import { fakeHost, makeTelemetry } from './helpers.ts';

const run: RunRecord = {
  id: 'r1',
  name: 'local BN',
  config: parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' }, steps: 100 }),
  status: 'interrupted',
  createdAt: 1,
  updatedAt: 2,
  summary: { stepsDone: 60, steps: 100, lastLoss: 0.5, testAcc: null, testLoss: null },
};

const checkpoint: CheckpointRecord = {
  runId: 'r1',
  step: 50,
  savedAt: 3,
  params: new Float32Array([1, 2]),
  buffers: new Float32Array([3]),
  optimizer: { kind: 'sgd', step: 50, buffers: {} },
};

const rows = (steps: number[]) => steps.map((step) => ({ step, loss: 1 / step, acc: step / 100 }));
const metrics: LoadedMetrics = {
  train: rows([10, 25, 50, 55, 60]),
  eval: rows([25, 50, 60]),
  telemetry: makeTelemetry(0, 60),
};

/** A library holding `run` (with or without its checkpoint) and a session that records starts. */
function deps(options: { busy?: boolean; checkpoint?: CheckpointRecord | null } = {}) {
  const started: PlannedRun[][] = [];
  const asked: string[] = [];
  return {
    started,
    asked,
    getRun: async (id: string) => {
      asked.push(`run ${id}`);
      return id === run.id ? run : undefined;
    },
    latestCheckpoint: async (id: string) => {
      asked.push(`checkpoint ${id}`);
      return options.checkpoint === undefined ? checkpoint : options.checkpoint;
    },
    loadMetrics: async (id: string) => {
      asked.push(`metrics ${id}`);
      return metrics;
    },
    busy: () => options.busy ?? false,
    start: (plans: PlannedRun[]) => {
      started.push(plans);
    },
  };
}

describe('resumePlan', () => {
  it('continues the saved run from its checkpoint with its curves cut at that step', () => {
    const plan = resumePlan('r1', run, checkpoint, metrics);
    expect(plan.name).toBe('local BN');
    expect(plan.label).toBe('local BN');
    expect(plan.config).toBe(run.config);
    expect(plan.resume?.storeId).toBe('r1');
    expect(plan.resume?.checkpoint).toEqual({
      step: 50,
      params: checkpoint.params,
      buffers: checkpoint.buffers,
      optimizer: checkpoint.optimizer,
    });
    const history = plan.resume!.history;
    expect(history.fromStep).toBe(50);
    expect(history.train.map((r) => r.step)).toEqual([10, 25, 50]);
    expect(history.eval.map((r) => r.step)).toEqual([25, 50]);
    expect(history.telemetry?.step.at(-1)).toBe(50);
  });

  it('a run without saved metrics continues with empty curves', () => {
    const history = resumePlan('r1', run, checkpoint, null).resume!.history;
    expect(history).toEqual({ train: [], eval: [], telemetry: null, fromStep: 50 });
  });
});

describe('ResumeController', () => {
  it('starts the run from its latest checkpoint', async () => {
    const d = deps();
    const resumer = new ResumeController(fakeHost(), d);
    expect(await resumer.resume('r1')).toBe(true);
    expect(d.started).toHaveLength(1);
    expect(d.started[0]![0]!.resume?.checkpoint.step).toBe(50);
    expect(resumer.problem).toBeNull();
  });

  it('a run with no checkpoint yet is not started, and the library says why in its name', async () => {
    const d = deps({ checkpoint: null });
    const host = fakeHost();
    const resumer = new ResumeController(host, d);
    expect(await resumer.resume('r1')).toBe(false);
    expect(d.started).toEqual([]);
    expect(resumer.problem).toMatch(/“local BN” stopped before its first checkpoint/);
    expect(resumer.problem).toMatch(/Edit settings/);
    expect(d.asked).not.toContain('metrics r1');
    expect(host.updates).toBe(1);
    // A new run (or another resume) clears the message.
    resumer.clear();
    expect(resumer.problem).toBeNull();
  });

  it('does nothing while a run trains, or for a run that is gone', async () => {
    const busy = deps({ busy: true });
    expect(await new ResumeController(fakeHost(), busy).resume('r1')).toBe(false);
    expect(busy.asked).toEqual([]);
    const gone = deps();
    const resumer = new ResumeController(fakeHost(), gone);
    expect(await resumer.resume('deleted')).toBe(false);
    expect(gone.started).toEqual([]);
    expect(resumer.problem).toBeNull();
  });

  it('a second try clears the last problem first', async () => {
    const d = deps({ checkpoint: null });
    const resumer = new ResumeController(fakeHost(), d);
    await resumer.resume('r1');
    expect(resumer.problem).not.toBeNull();
    await resumer.resume('deleted');
    expect(resumer.problem).toBeNull();
  });
});
