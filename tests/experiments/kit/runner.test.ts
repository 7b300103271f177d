import { describe, expect, it } from 'vitest';
import type { ExperimentEnv } from '../../../src/experiments/kit/env.ts';
import { type PlanProgress, runPlan } from '../../../src/experiments/kit/runner.ts';
import { fakeExperiment } from '../../helpers/fake-experiment.ts';

const env: ExperimentEnv = {
  train: () => Promise.reject(new Error('no training here')),
  loadData: () => Promise.reject(new Error('no data here')),
};

describe('runPlan', () => {
  it('runs every unit in order and assembles rows, finding and completeness', async () => {
    const partials: number[] = [];
    const result = await runPlan(fakeExperiment({ units: 3 }), {
      quick: true,
      env,
      onUnitDone: (p) => void partials.push(p.rows.length),
    });
    expect(result.complete).toBe(true);
    expect(result.rows.map((r) => r.value)).toEqual([0, 1, 10, 11, 20, 21]);
    expect(result.finding.checks[0]!.values.rows).toBe(6);
    expect(partials).toEqual([2, 4, 6]);
    expect(result).toMatchObject({ name: 'batch-size', quick: true, seeds: [1] });
  });

  it('resumes: units whose rows are stored are skipped, and rows keep the unit order', async () => {
    const runs: number[] = [];
    const result = await runPlan(fakeExperiment({ units: 3, runs }), {
      quick: false,
      env,
      previous: {
        rows: [
          { unit: 1, part: 0, value: 10 },
          { unit: 1, part: 1, value: 11 },
        ],
        elapsedMs: 5000,
      },
    });
    expect(runs).toEqual([0, 2]);
    expect(result.rows.map((r) => r.value)).toEqual([0, 1, 10, 11, 20, 21]);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(5000);
  });

  it('a stop request keeps the finished units and drops the one running', async () => {
    let stop = false;
    const result = await runPlan(fakeExperiment({ units: 4, stopAt: 2 }), {
      quick: true,
      env,
      shouldStop: () => stop,
      onUnitDone: (p) => {
        if (p.rows.length === 4) stop = true;
      },
    });
    expect(result.complete).toBe(false);
    expect(result.rows.map((r) => r.unit)).toEqual([0, 0, 1, 1]);
  });

  it('reports cost-weighted progress with an ETA', async () => {
    const seen: PlanProgress[] = [];
    let t = 0;
    await runPlan(fakeExperiment({ units: 2 }), {
      quick: true,
      env,
      now: () => (t += 100),
      onProgress: (p) => seen.push(p),
    });
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ done: 2, total: 2, fraction: 1, current: null });
    // Unit 0 costs 1 and unit 1 costs 2: halfway through unit 1 is (1 + 1) / 3 of the work.
    const mid = seen.find((p) => p.current === 'u1' && p.fraction > 1 / 3);
    expect(mid?.fraction).toBeCloseTo(2 / 3, 12);
    expect(Number.isFinite(mid?.etaMs)).toBe(true);
  });

  it('names the unit when one fails', async () => {
    const broken = fakeExperiment({ units: 1 });
    const failing = {
      ...broken,
      units: () => [{ key: 'bad', cost: 1, run: () => Promise.reject(new Error('boom')) }],
    };
    await expect(runPlan(failing, { quick: true, env })).rejects.toThrow('batch-size bad: boom');
  });
});
