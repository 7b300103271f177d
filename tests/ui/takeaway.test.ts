import { describe, expect, it } from 'vitest';
import type { Telemetry } from '../../src/coordinator/telemetry-types.ts';
import {
  deviceNoise,
  runningMeanGap,
  type TakeawayRun,
  takeaway,
} from '../../src/ui/model/takeaway.ts';
import {
  type RunNumbers,
  takeawayLayer,
  takeawayRun,
  takeawayTelemetry,
} from '../helpers/takeaway-runs.ts';

/** The first layer's numbers as given; a second layer far off, which the takeaway must ignore. */
const telemetry = (noise: number, runningMean: number): Telemetry =>
  takeawayTelemetry(noise, runningMean, { bn2: takeawayLayer(9, 9) });

const run = (label: string, over: RunNumbers): TakeawayRun =>
  takeawayRun(label, over, { telemetry: () => telemetry(0.5, 0.3), testLoss: 0.4 });

describe('takeaway', () => {
  it('reads the first BN layer: mean per-device noise and the running mean gap in σ', () => {
    expect(deviceNoise(telemetry(0.5, 0.3))).toBeCloseTo(0.5);
    expect(runningMeanGap(telemetry(0.5, 0.3))).toBeCloseTo(0.3, 4);
    expect(deviceNoise(null)).toBeNull();
  });

  it('sync beats local: winner, margin in points, the noise and the running-mean reasons', () => {
    const t = takeaway([
      run('bnSync = local', { acc: 0.874, t: telemetry(0.52, 0.31) }),
      run('bnSync = sync', { bnSync: 'sync', acc: 0.912, t: telemetry(0.51, 0.08) }),
    ])!;
    expect(t.headline).toBe(
      '“bnSync = sync” did best: 91.2% test accuracy, 3.8 percentage points ahead of “bnSync = local” (87.4%).',
    );
    const why = t.reasons.join(' ');
    expect(why).toContain('own 4 examples');
    expect(why).toContain('0.52 σ from the global batch’s');
    expect(why).toContain('all 32 examples of the step, so that noise was 0');
    expect(why).toContain(
      'running mean, which the test uses, ended 0.31 σ from the global batch mean',
    );
    expect(why).toContain('SyncBN’s: 0.08 σ');
    expect(why).toContain('train/test mismatch');
  });

  it('no normalization beats local BN: says local BN’s statistics were too noisy, with the number', () => {
    const t = takeaway([
      run('model.norm = none', { norm: 'none', acc: 0.888, t: telemetry(0, 0) }),
      run('model.norm = batch', { acc: 0.874, t: telemetry(0.52, 0.31) }),
    ])!;
    expect(t.headline).toMatch(
      /^“model\.norm = none” did best: 88\.8% .* 1\.4 percentage points ahead/,
    );
    expect(t.reasons.join(' ')).toContain(
      'At 4 examples per device, local BN’s statistics were too noisy to help (0.52 σ off on average)',
    );
  });

  it('the default (8 × 2): local BN hardly learned, and why (two values normalize to ±1)', () => {
    const t = takeaway([
      run('local BN', { acc: 0.33, perDeviceBatch: 2, trainAcc: 0.229, t: telemetry(0.67, 0.21) }),
      run('SyncBN', {
        bnSync: 'sync',
        acc: 0.894,
        perDeviceBatch: 2,
        trainAcc: 0.865,
        t: telemetry(0.67, 0.19),
      }),
    ])!;
    expect(t.headline).toBe(
      '“SyncBN” did best: 89.4% test accuracy, 56.4 percentage points ahead of “local BN” (33.0%).',
    );
    const why = t.reasons.join(' ');
    expect(why).toContain('−1 or +1, whatever its size, so almost no gradient gets back');
    expect(why).toContain(
      'Local BN hardly learned: on its own training batches it reached 22.9% accuracy over the last 30 steps, against SyncBN’s 86.5%',
    );
    // Running means about as close as each other: not called a train/test mismatch.
    expect(why).toContain(
      'ended 0.21 σ from the global batch mean (SyncBN’s: 0.19 σ), about the same',
    );
    expect(why).not.toContain('that is the train/test mismatch');
  });

  it('at 4 per device: names worse training only when it was clearly worse', () => {
    const at = (localTrain: number) =>
      takeaway([
        run('local BN', { acc: 0.874, trainAcc: localTrain }),
        run('SyncBN', { bnSync: 'sync', acc: 0.916, trainAcc: 0.961 }),
      ])!.reasons.join(' ');
    expect(at(0.759)).toContain(
      'Local BN also trained worse, not only tested worse: on its own training batches it reached 75.9% accuracy over the last 30 steps, against SyncBN’s 96.1%.',
    );
    expect(at(0.93)).not.toContain('trained worse');
    expect(at(0.93)).not.toContain('−1 or +1');
  });

  it('runs within the seed-to-seed noise are too close to call, and name no winner', () => {
    const t = takeaway([
      run('bnSync = local', { acc: 0.884 }),
      run('bnSync = sync', { bnSync: 'sync', acc: 0.888 }),
    ])!;
    expect(t.headline).toMatch(/^Too close to call: .* 0\.4 percentage points apart/);
    expect(t.headline).not.toContain('did best');
    expect(t.reasons.join(' ')).not.toContain('too noisy to help');
  });

  it('a single run: a one-line summary, no comparison', () => {
    const t = takeaway([run('local', { acc: 0.874 })])!;
    expect(t.headline).toMatch(
      /^“local” reached 87\.4% test accuracy \(test loss 0\.400\) after 300 steps\./,
    );
    expect(t.headline).not.toContain('\n');
    expect(t.reasons).toEqual([]);
  });

  it('nothing finished: no takeaway; unfinished runs are left out', () => {
    const unfinished = { ...run('x', { acc: 0.5 }), final: null };
    expect(takeaway([unfinished])).toBeNull();
    expect(takeaway([unfinished, run('y', { acc: 0.9 })])!.headline).toMatch(/^“y” reached/);
  });
});
