import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { DeviceHost } from '../../src/coordinator/hosts/host.ts';
import {
  TELEMETRY_MAX_STEPS,
  type Telemetry,
  TelemetryRecorder,
} from '../../src/coordinator/telemetry.ts';
import { joinTelemetry, telemetryAfterStep } from '../../src/coordinator/telemetry-columns.ts';
import type { GroupStepReport } from '../../src/workers/reports.ts';

const config = parseConfig({
  dataset: { name: 'spiral' },
  model: { preset: 'mlp' },
  devices: 2,
  steps: 100_000,
});
const host = { transport: 'local', devices: 2, workers: 1 } as DeviceHost;

/** One worker's report for two devices and one BN layer of 3 channels. */
function report(step: number): GroupStepReport[] {
  const moments = (k: number) => ({
    groups: 1,
    channels: 3,
    count: Float64Array.of(4),
    mean: Float64Array.of(step + k, 1, 2),
    m2: Float64Array.of(4, 4, 4),
  });
  return [
    {
      devices: [0, 1].map((rank) => ({
        rank,
        lossSum: 4,
        correct: 2,
        count: 4,
        computeMs: 1,
      })),
      waitMs: 0,
      collectiveCalls: 3,
      bytes: 100,
      bnMoments: [0, 1].map((rank) => ({
        layer: 'bn1',
        rank,
        moments: moments(rank),
        used: moments(rank),
      })),
      running: [
        { layer: 'bn1', mean: Float32Array.of(0, 0, 0), variance: Float32Array.of(1, 1, 1) },
      ],
      transport: 'local',
    },
  ];
}

function run(steps: number, recorder: TelemetryRecorder): void {
  for (let step = 1; step <= steps; step++)
    if (recorder.wants(step)) recorder.record(step, report(step));
}

describe('telemetry is bounded, whatever the number of steps', () => {
  it('keeps at most TELEMETRY_MAX_STEPS evenly spaced steps, halving its resolution when full', () => {
    const recorder = new TelemetryRecorder(config, host);
    const live = recorder.result();
    run(50_000, recorder);
    const t = recorder.result();
    expect(t).toBe(live); // the same object a session or the CLI holds from onStart
    expect(t.step.length).toBeLessThan(TELEMETRY_MAX_STEPS);
    expect(t.step.length).toBeGreaterThan(TELEMETRY_MAX_STEPS / 2);
    const stride = recorder.everySteps;
    expect(stride).toBe(32);
    expect(t.step[0]).toBe(1);
    expect(t.step.slice(1)).toEqual(
      Array.from({ length: t.step.length - 1 }, (_, i) => (i + 1) * stride),
    );
    // Every column of the run and of each layer stays aligned with `step`.
    for (const column of [t.deviceLoss, t.computeMs, t.waitMs, t.bytes])
      expect(column).toHaveLength(t.step.length);
    const bn = t.bn.bn1!;
    expect(bn.step).toEqual(t.step);
    expect(bn.deviceMean).toHaveLength(t.step.length);
    const last = t.step.at(-1)!;
    expect(last).toBe(49_984);
    expect(bn.deviceMean.at(-1)).toEqual([
      [last, 1, 2],
      [last + 1, 1, 2],
    ]);
  });

  it('starts from telemetryEvery and keeps its multiples', () => {
    const recorder = new TelemetryRecorder({ ...config, telemetryEvery: 3 }, host, 10);
    run(100, recorder);
    expect(recorder.result().step).toEqual([1, 12, 24, 36, 48, 60, 72, 84, 96]);
  });

  it('a live reader that takes the steps after the last one it saw gets each kept step once', () => {
    const recorder = new TelemetryRecorder(config, host, 50);
    let received: Telemetry | null = null;
    let sentTo = 0;
    for (let step = 1; step <= 1000; step++) {
      if (recorder.wants(step)) recorder.record(step, report(step));
      if (step % 7 === 0) {
        const t = recorder.result();
        received = joinTelemetry(received, telemetryAfterStep(t, sentTo));
        sentTo = t.step.at(-1) ?? sentTo;
      }
    }
    const steps = received!.step;
    expect(new Set(steps).size).toBe(steps.length);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // What the recorder still holds is a subset of what the reader got.
    for (const s of recorder.result().step) expect(steps).toContain(s);
  });
});
