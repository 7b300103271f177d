import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { DeviceHost } from '../../src/coordinator/hosts/host.ts';
import { TelemetryRecorder } from '../../src/coordinator/telemetry.ts';
import { mergeMoments } from '../../src/core/norm/merge.ts';
import { computeLocalMoments } from '../../src/core/norm/local-moments.ts';
import { emptyMoments, type Moments } from '../../src/core/norm/moments.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Device } from '../../src/workers/device.ts';
import type { GroupStepReport } from '../../src/workers/reports.ts';
import { MomentsTelemetry } from '../../src/workers/step-telemetry.ts';
import { mnistConfig } from './harness.ts';

/** A batch's moments over `channels` channels (the BN layer's own computation). */
function momentsOf(batch: number, channels: number, seed: number): Moments {
  const x = Rng.stream(seed, 'telemetry-noise').fillUniform(
    new Float32Array(batch * channels),
    -2,
    3,
  );
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * (1 + (i % channels) / 7);
  return computeLocalMoments(x, { batch, channels, spatial: 1 }, batch, emptyMoments(1, channels));
}

/** One step's report of `devices` devices whose BN layer merged over all of them (sync). */
function report(own: Moments[], global: boolean): GroupStepReport {
  const merged = mergeMoments(own);
  const telemetry = new MomentsTelemetry();
  telemetry.beginStep(true);
  const devices = own.map((_, rank) => ({ rank }) as Device);
  telemetry.record(
    'bn1',
    devices,
    own,
    own.map(() => merged),
    global,
  );
  return {
    devices: own.map((_, rank) => ({ rank, lossSum: 1, correct: 1, count: 4, computeMs: 1 })),
    waitMs: 0,
    collectiveCalls: 0,
    bytes: 0,
    bnMoments: structuredClone(telemetry.captured()),
    running: [],
    transport: 'local',
  };
}

/**
 * Where a layer's merge spans every device, each worker computes its devices' statistic noise over
 * all channels itself and sends only the tracked channels; the coordinator's telemetry must be
 * exactly what it computed from every channel before.
 */
describe('statistic noise computed by the workers', () => {
  it('gives the telemetry the coordinator computes from every channel, to the bit', () => {
    const config = parseConfig(mnistConfig({ devices: 3, telemetryEvery: 1 }));
    const host = { transport: 'local', devices: 3, workers: 1 } as DeviceHost;
    const own = [momentsOf(4, 256, 1), momentsOf(4, 256, 2), momentsOf(2, 256, 3)];
    const byWorkers = new TelemetryRecorder(config, host);
    const byCoordinator = new TelemetryRecorder(config, host);
    const fromWorkers = report(own, true);
    const fromCoordinator = report(own, false);
    // The workers' reports are small: the tracked channels and two numbers per device.
    expect(fromWorkers.bnMoments.every((m) => m.moments.channels === 4 && m.noise)).toBe(true);
    expect(fromCoordinator.bnMoments.every((m) => m.moments.channels === 256 && !m.noise)).toBe(
      true,
    );
    byWorkers.record(1, [fromWorkers]);
    byCoordinator.record(1, [fromCoordinator]);
    const a = byWorkers.result().bn.bn1!;
    const b = byCoordinator.result().bn.bn1!;
    expect(a).toEqual(b);
    expect(a.meanNoise[0]!.every((v) => v > 0)).toBe(true);
    expect(a.varNoise[0]!.every((v) => v > 0)).toBe(true);
  });
});
