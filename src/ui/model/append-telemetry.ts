import type { BnLayerTelemetry, Telemetry } from '../../coordinator/telemetry.ts';

/**
 * One growing Telemetry from the slices a run sends with its `steps` events. Pure: returns new
 * objects and arrays (the inputs are left alone), so components see a new value each time and
 * nothing a chart holds changes under it. The latest slice's transport and sizes win.
 */
export function appendTelemetry(into: Telemetry | null, slice: Telemetry): Telemetry {
  if (!into) return copyTelemetry(slice);
  const bn: Record<string, BnLayerTelemetry> = { ...into.bn };
  for (const [layer, s] of Object.entries(slice.bn)) {
    const prev = bn[layer];
    bn[layer] = prev ? appendLayer(prev, s) : copyLayer(s);
  }
  return {
    transport: slice.transport,
    devices: slice.devices,
    workers: slice.workers,
    step: into.step.concat(slice.step),
    deviceLoss: into.deviceLoss.concat(slice.deviceLoss),
    deviceAcc: into.deviceAcc.concat(slice.deviceAcc),
    deviceCount: into.deviceCount.concat(slice.deviceCount),
    computeMs: into.computeMs.concat(slice.computeMs),
    waitMs: into.waitMs.concat(slice.waitMs),
    collectiveCalls: into.collectiveCalls.concat(slice.collectiveCalls),
    bytes: into.bytes.concat(slice.bytes),
    bn,
  };
}

function appendLayer(a: BnLayerTelemetry, b: BnLayerTelemetry): BnLayerTelemetry {
  return {
    channels: b.channels.slice(),
    step: a.step.concat(b.step),
    deviceMean: a.deviceMean.concat(b.deviceMean),
    deviceVar: a.deviceVar.concat(b.deviceVar),
    globalMean: a.globalMean.concat(b.globalMean),
    globalVar: a.globalVar.concat(b.globalVar),
    runningMean: a.runningMean.concat(b.runningMean),
    runningVar: a.runningVar.concat(b.runningVar),
    meanNoise: a.meanNoise.concat(b.meanNoise),
    varNoise: a.varNoise.concat(b.varNoise),
  };
}

function copyLayer(l: BnLayerTelemetry): BnLayerTelemetry {
  return appendLayer({ ...l, ...emptyLayerColumns() }, l);
}

function emptyLayerColumns(): Omit<BnLayerTelemetry, 'channels'> {
  return {
    step: [],
    deviceMean: [],
    deviceVar: [],
    globalMean: [],
    globalVar: [],
    runningMean: [],
    runningVar: [],
    meanNoise: [],
    varNoise: [],
  };
}

function copyTelemetry(t: Telemetry): Telemetry {
  return appendTelemetry(
    {
      transport: t.transport,
      devices: t.devices,
      workers: t.workers,
      step: [],
      deviceLoss: [],
      deviceAcc: [],
      deviceCount: [],
      computeMs: [],
      waitMs: [],
      collectiveCalls: [],
      bytes: [],
      bn: {},
    },
    t,
  );
}

/** The columns of the steps after `afterStep` (a resumed run re-sends what was already saved). */
export function telemetryAfter(t: Telemetry, afterStep: number): Telemetry {
  return keepSteps(t, (s) => s > afterStep);
}

/** The columns of the steps up to and including `step` (what a checkpoint covers). */
export function telemetryUpTo(t: Telemetry, step: number): Telemetry {
  return keepSteps(t, (s) => s <= step);
}

function keepSteps(t: Telemetry, keep: (step: number) => boolean): Telemetry {
  const idx = indicesWhere(t.step, keep);
  const pick = <T>(col: readonly T[]): T[] => idx.map((i) => col[i]!);
  const bn: Record<string, BnLayerTelemetry> = {};
  for (const [layer, l] of Object.entries(t.bn)) {
    const li = indicesWhere(l.step, keep);
    const lp = <T>(col: readonly T[]): T[] => li.map((i) => col[i]!);
    bn[layer] = {
      channels: l.channels.slice(),
      step: lp(l.step),
      deviceMean: lp(l.deviceMean),
      deviceVar: lp(l.deviceVar),
      globalMean: lp(l.globalMean),
      globalVar: lp(l.globalVar),
      runningMean: lp(l.runningMean),
      runningVar: lp(l.runningVar),
      meanNoise: lp(l.meanNoise),
      varNoise: lp(l.varNoise),
    };
  }
  return {
    transport: t.transport,
    devices: t.devices,
    workers: t.workers,
    step: pick(t.step),
    deviceLoss: pick(t.deviceLoss),
    deviceAcc: pick(t.deviceAcc),
    deviceCount: pick(t.deviceCount),
    computeMs: pick(t.computeMs),
    waitMs: pick(t.waitMs),
    collectiveCalls: pick(t.collectiveCalls),
    bytes: pick(t.bytes),
    bn,
  };
}

function indicesWhere(steps: readonly number[], keep: (step: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps.length; i++) if (keep(steps[i]!)) out.push(i);
  return out;
}
