import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BnLayerTelemetry, Telemetry } from '../../src/coordinator/telemetry.ts';

/**
 * Deterministic telemetry for steps [from, to) as a recorder would produce it: K devices, one BN
 * layer "bn1" recorded every step and a second one "bn2" only on even steps (unless `sparseBn2` is
 * false), to check that layers are cut by their own steps.
 */
export function makeTelemetry(from: number, to: number, devices = 3, sparseBn2 = true): Telemetry {
  const steps = Array.from({ length: to - from }, (_, i) => from + i + 1);
  const perDevice = (s: number, salt: number) =>
    Array.from({ length: devices }, (_, k) => s * 10 + k + salt);
  const layer = (ss: number[]): BnLayerTelemetry => ({
    channels: [0, 1],
    step: ss,
    deviceMean: ss.map((s) => perDevice(s, 0).map((v) => [v, -v])),
    deviceVar: ss.map((s) => perDevice(s, 1).map((v) => [v, v + 1])),
    usedMean: ss.map((s) => perDevice(s, 0).map((v) => [v, -v])),
    usedVar: ss.map((s) => perDevice(s, 1).map((v) => [v, v + 1])),
    globalMean: ss.map((s) => [s, -s]),
    globalVar: ss.map((s) => [s + 1, s + 2]),
    runningMean: ss.map((s) => [s / 2, -s / 2]),
    runningVar: ss.map((s) => [s / 3, s / 4]),
    meanNoise: ss.map((s) => perDevice(s, 2)),
    varNoise: ss.map((s) => perDevice(s, 3)),
  });
  return {
    transport: 'shared-memory',
    devices,
    workers: 2,
    step: steps,
    deviceLoss: steps.map((s) => perDevice(s, 4)),
    deviceAcc: steps.map((s) => perDevice(s, 5)),
    deviceCount: steps.map(() => Array.from({ length: devices }, () => 4)),
    computeMs: steps.map((s) => perDevice(s, 6)),
    waitMs: steps.map((s) => perDevice(s, 7)),
    collectiveCalls: steps.map(() => 4),
    bytes: steps.map((s) => s * 100),
    bn: { bn1: layer(steps), bn2: layer(sparseBn2 ? steps.filter((s) => s % 2 === 0) : steps) },
  };
}

/** A Lit host without a DOM: counts update requests and connects its controllers on demand. */
export function fakeHost(): ReactiveControllerHost & {
  updates: number;
  connect(): void;
  disconnect(): void;
} {
  const controllers: ReactiveController[] = [];
  return {
    updates: 0,
    addController(c) {
      controllers.push(c);
    },
    removeController(c) {
      controllers.splice(controllers.indexOf(c), 1);
    },
    requestUpdate() {
      this.updates++;
    },
    updateComplete: Promise.resolve(true),
    connect() {
      for (const c of controllers) c.hostConnected?.();
    },
    disconnect() {
      for (const c of controllers) c.hostDisconnected?.();
    },
  };
}
