import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import { applyEvent, appendRows, newLiveRun } from '../../src/ui/session/live-run.ts';
import { buildView } from '../../src/ui/session/session-controller.ts';
import { makeTelemetry } from './helpers.ts';

const config = parseConfig({
  dataset: { name: 'spiral' },
  model: { preset: 'mlp' },
  devices: 3,
  steps: 8,
});

const stepsEvent = (from: number, to: number): RunEvent => ({
  type: 'steps',
  rows: Array.from({ length: to - from }, (_, i) => ({
    step: from + i + 1,
    loss: 1 / (from + i + 1),
    acc: 0.5,
  })),
  telemetry: makeTelemetry(from, to),
  step: to,
  steps: 8,
  stepsPerSec: 100,
  etaMs: ((8 - to) / 100) * 1000,
});

function play(events: RunEvent[], start = newLiveRun('k', 'local BN', config)) {
  return events.reduce(applyEvent, start);
}

describe('applyEvent', () => {
  const started: RunEvent = {
    type: 'started',
    config,
    transport: 'shared-memory',
    workers: 2,
    devices: 3,
    fromStep: 0,
  };

  it('accumulates rows, one growing telemetry and progress', () => {
    const run = play([
      started,
      stepsEvent(0, 3),
      { type: 'eval', row: { step: 3, loss: 0.4, acc: 0.8 } },
      stepsEvent(3, 8),
    ]);
    expect(run.status).toBe('running');
    expect(run.train.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.eval).toEqual([{ step: 3, loss: 0.4, acc: 0.8 }]);
    expect(run.telemetry).toEqual(makeTelemetry(0, 8));
    expect(run.step).toBe(8);
    expect(run.transport).toBe('shared-memory');
  });

  it('a resumed run replaces what it re-sends after the checkpoint', () => {
    const saved = play([started, stepsEvent(0, 6)]);
    const history = {
      train: saved.train.filter((r) => r.step <= 4),
      eval: [],
      telemetry: makeTelemetry(0, 4),
      fromStep: 4,
    };
    // History may hold rows past the checkpoint too: they must be replaced, not duplicated.
    const withExtra = { ...history, train: saved.train, telemetry: makeTelemetry(0, 6) };
    for (const h of [history, withExtra]) {
      const run = play(
        [{ ...started, fromStep: 4 }, stepsEvent(4, 8)],
        newLiveRun('k2', 'x', config, h),
      );
      expect(run.train.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(run.telemetry).toEqual(makeTelemetry(0, 8));
    }
  });

  it('finishing and failing', () => {
    const done = play([
      started,
      stepsEvent(0, 8),
      { type: 'finished', status: 'completed', final: { testAcc: 0.9, testLoss: 0.3 } },
    ]);
    expect(done.status).toBe('completed');
    expect(done.final?.testAcc).toBe(0.9);
    const failed = play([
      started,
      {
        type: 'failed',
        message:
          'bn1: Expected more than 1 value per channel when training, got input size [1, 64]',
      },
    ]);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.summary).toMatch(/at least two values per channel/);
    expect(failed.failure?.advice).toMatch(/SyncBN/);
  });

  it('pause and resume', () => {
    const paused = play([started, { type: 'paused', step: 2 }]);
    expect(paused.status).toBe('paused');
    expect(applyEvent(paused, { type: 'resumed', step: 2 }).status).toBe('running');
  });
});

describe('appendRows', () => {
  it('appends in order and replaces from a restarted step on', () => {
    const rows = (...s: number[]) => s.map((step) => ({ step }));
    expect(appendRows(rows(1, 2), rows(3))).toEqual(rows(1, 2, 3));
    expect(appendRows(rows(1, 2, 3, 4), rows(3, 4, 5))).toEqual(rows(1, 2, 3, 4, 5));
    expect(appendRows(rows(1), [])).toEqual(rows(1));
  });
});

describe('buildView', () => {
  it('progress over all planned runs, ETA at the current speed', () => {
    const a = { ...newLiveRun('a', 'a', config), status: 'completed' as const, step: 8 };
    const b = {
      ...newLiveRun('b', 'b', config),
      status: 'running' as const,
      step: 2,
      stepsPerSec: 2,
    };
    const c = newLiveRun('c', 'c', config);
    const view = buildView([a, b, c], true, null);
    expect(view.percent).toBe(41); // 10 of 24 steps
    expect(view.etaMs).toBe(((6 + 8) / 2) * 1000);
    expect(buildView([{ ...a }, { ...b, status: 'completed', step: 8 }], false, null).percent).toBe(
      100,
    );
  });

  it('runs training together: their speeds add up, and the ETA covers every unfinished step', () => {
    const running = (key: string, step: number, stepsPerSec: number) => ({
      ...newLiveRun(key, key, config),
      status: 'running' as const,
      step,
      stepsPerSec,
    });
    const view = buildView([running('a', 2, 3), running('b', 4, 1)], true, null);
    expect(view.stepsPerSec).toBe(4);
    expect(view.etaMs).toBe(((6 + 4) / 4) * 1000);
    expect(view.paused).toBe(false);
    expect(buildView([running('a', 2, 3), running('b', 4, 1)], true, null, true).paused).toBe(true);
  });
});
