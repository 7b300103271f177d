import type { BnLayerTelemetry } from '../../../src/coordinator/telemetry.ts';

/**
 * A small telemetry with values that encode their position: device statistic = 100·step +
 * 10·device + tracked channel, global = 1000·step + channel, running = −(1000·step + channel),
 * so a test can tell which [step][device][channel] entry landed where.
 */
export function layerTelemetry(
  steps: number[],
  devices: number,
  tracked: number,
): BnLayerTelemetry {
  const dev = (scale: number) =>
    steps.map((s) =>
      Array.from({ length: devices }, (_, k) =>
        Array.from({ length: tracked }, (_, c) => scale * (100 * s + 10 * k + c)),
      ),
    );
  const glob = (scale: number) =>
    steps.map((s) => Array.from({ length: tracked }, (_, c) => scale * (1000 * s + c)));
  return {
    channels: Array.from({ length: tracked }, (_, c) => c * 2), // ids differ from indices on purpose
    step: steps.slice(),
    deviceMean: dev(1),
    deviceVar: dev(2),
    usedMean: dev(1),
    usedVar: dev(2),
    globalMean: glob(1),
    globalVar: glob(2),
    runningMean: glob(-1),
    runningVar: glob(-2),
    meanNoise: steps.map((s) => Array.from({ length: devices }, (_, k) => s + k / 10)),
    varNoise: steps.map((s) => Array.from({ length: devices }, (_, k) => -(s + k / 10))),
  };
}
