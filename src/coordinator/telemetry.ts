import type { RunConfig } from '../config/schema.ts';
import { mergeMoments } from '../core/norm/merge.ts';
import { emptyMoments, type Moments } from '../core/norm/moments.ts';
import { statisticNoise } from '../core/norm/statistic-noise.ts';
import type { GroupStepReport, RunningStatsReport } from '../workers/reports.ts';
import type { DeviceHost } from './hosts/host.ts';
import { keepStepsInPlace } from './telemetry-columns.ts';
import type { Telemetry } from './telemetry-types.ts';
import { TRACKED_CHANNELS } from './telemetry-types.ts';

export type { BnLayerTelemetry, Telemetry } from './telemetry-types.ts';
export { TRACKED_CHANNELS } from './telemetry-types.ts';

/**
 * Recorded steps kept at most (~5 KB each with 8 devices and two BN layers), so a run's memory
 * does not grow with its length.
 */
export const TELEMETRY_MAX_STEPS = 2000;

const round = (v: number, digits = 6): number => Number(v.toPrecision(digits));

type Noise = { readonly mean: number; readonly var: number };

/**
 * Collects the per-step reports into compact columns. Decimation is the config's telemetryEvery;
 * per channel detail only for the first TRACKED_CHANNELS channels, summaries over all of them.
 * Bounded: once `maxSteps` steps are held, every other one is dropped and the stride doubles
 * (step 1 always stays), so a long run keeps evenly spaced steps over its whole length.
 */
export class TelemetryRecorder {
  private readonly t: Telemetry;
  /** Steps recorded are step 1 and the multiples of this (telemetryEvery, doubled when full). */
  private stride: number;
  /** Scratch: a layer's moments merged over every device. */
  private merged: Moments | null = null;
  /** Scratch: a layer's global variance + ε per channel. */
  private spread = new Float64Array(0);

  constructor(
    private readonly config: RunConfig,
    host: DeviceHost,
    private readonly maxSteps = TELEMETRY_MAX_STEPS,
  ) {
    this.stride = config.telemetryEvery;
    this.t = {
      transport: host.transport,
      devices: host.devices,
      workers: host.workers,
      step: [],
      deviceLoss: [],
      deviceAcc: [],
      deviceCount: [],
      computeMs: [],
      waitMs: [],
      collectiveCalls: [],
      bytes: [],
      bn: {},
    };
  }

  /** Whether `step` is to be recorded (the workers then measure it). */
  wants(step: number): boolean {
    return step === 1 || step % this.stride === 0;
  }

  /** The current spacing of recorded steps (telemetryEvery until the buffer first fills). */
  get everySteps(): number {
    return this.stride;
  }

  record(step: number, reports: readonly GroupStepReport[]): void {
    this.append(step, reports);
    while (this.t.step.length >= Math.max(2, this.maxSteps)) {
      const stride = 2 * this.stride;
      this.stride = stride;
      keepStepsInPlace(this.t, (s) => s === 1 || s % stride === 0);
    }
  }

  private append(step: number, reports: readonly GroupStepReport[]): void {
    const K = this.config.devices;
    const loss = new Array<number>(K).fill(0);
    const acc = new Array<number>(K).fill(0);
    const count = new Array<number>(K).fill(0);
    const compute = new Array<number>(K).fill(0);
    const wait = new Array<number>(K).fill(0);
    let calls = 0;
    let bytes = 0;
    for (const r of reports) {
      calls = Math.max(calls, r.collectiveCalls);
      bytes += r.bytes;
      for (const d of r.devices) {
        loss[d.rank] = d.count ? round(d.lossSum / d.count) : 0;
        acc[d.rank] = d.count ? round(d.correct / d.count) : 0;
        count[d.rank] = d.count;
        compute[d.rank] = round(d.computeMs, 4);
        wait[d.rank] = round(r.waitMs, 4);
      }
    }
    this.t.step.push(step);
    this.t.deviceLoss.push(loss);
    this.t.deviceAcc.push(acc);
    this.t.deviceCount.push(count);
    this.t.computeMs.push(compute);
    this.t.waitMs.push(wait);
    this.t.collectiveCalls.push(calls);
    this.t.bytes.push(bytes);

    const byLayer = new Map<string, { own: Moments[]; used: Moments[]; noise: Noise[] }>();
    for (const r of reports) {
      for (const m of r.bnMoments) {
        const lists = byLayer.get(m.layer) ?? {
          own: new Array<Moments>(K),
          used: new Array<Moments>(K),
          noise: new Array<Noise>(K),
        };
        lists.own[m.rank] = m.moments;
        lists.used[m.rank] = m.used;
        if (m.noise) lists.noise[m.rank] = m.noise;
        byLayer.set(m.layer, lists);
      }
    }
    const running = new Map(reports.flatMap((r) => r.running).map((r) => [r.layer, r]));
    for (const [layer, { own, used, noise }] of byLayer)
      this.recordLayer(layer, step, own, used, noise, running.get(layer));
  }

  private recordLayer(
    layer: string,
    step: number,
    perDevice: readonly Moments[],
    usedPerDevice: readonly Moments[],
    /** Each device's noise where its worker computed it (its moments then hold only the tracked channels). */
    noisePerDevice: readonly Noise[],
    running: RunningStatsReport | undefined,
  ): void {
    // Ghost BN reports one set of moments per virtual batch: telemetry shows each device's whole batch.
    perDevice = perDevice.map((m) => m && collapseGroups(m));
    usedPerDevice = usedPerDevice.map((m) => m && collapseGroups(m));
    const first = perDevice.find(Boolean);
    if (!first) return;
    const C = first.channels;
    const tracked = Array.from({ length: Math.min(TRACKED_CHANNELS, C) }, (_, c) => c);
    let entry = this.t.bn[layer];
    if (!entry) {
      entry = {
        channels: tracked,
        step: [],
        deviceMean: [],
        deviceVar: [],
        usedMean: [],
        usedVar: [],
        globalMean: [],
        globalVar: [],
        runningMean: [],
        runningVar: [],
        meanNoise: [],
        varNoise: [],
      };
      this.t.bn[layer] = entry;
    }
    if (this.merged?.channels !== C) this.merged = emptyMoments(1, C);
    const global = mergeMoments(perDevice.filter(Boolean), this.merged);
    const gN = global.count[0]!;
    const gVar = (c: number): number => (gN > 0 ? global.m2[c]! / gN : 0);
    entry.step.push(step);
    entry.globalMean.push(tracked.map((c) => round(global.mean[c]!)));
    entry.globalVar.push(tracked.map((c) => round(gVar(c))));
    entry.runningMean.push(tracked.map((c) => round(running?.mean[c] ?? Number.NaN)));
    entry.runningVar.push(tracked.map((c) => round(running?.variance[c] ?? Number.NaN)));
    entry.deviceMean.push(
      perDevice.map((m) => tracked.map((c) => (m.count[0]! > 0 ? round(m.mean[c]!) : 0))),
    );
    entry.deviceVar.push(
      perDevice.map((m) =>
        tracked.map((c) => (m.count[0]! > 0 ? round(m.m2[c]! / m.count[0]!) : 0)),
      ),
    );
    entry.usedMean.push(
      usedPerDevice.map((m) => tracked.map((c) => (m.count[0]! > 0 ? round(m.mean[c]!) : 0))),
    );
    entry.usedVar.push(
      usedPerDevice.map((m) =>
        tracked.map((c) => (m.count[0]! > 0 ? round(m.m2[c]! / m.count[0]!) : 0)),
      ),
    );
    // Over every channel: from the workers where they computed it, else here (the same function).
    const noise = perDevice.map((m, k) => {
      const given = noisePerDevice[k];
      if (given) return given;
      if (this.spread.length < C) this.spread = new Float64Array(C);
      return statisticNoise(m, global, this.spread);
    });
    entry.meanNoise.push(noise.map((x) => round(x.mean, 4)));
    entry.varNoise.push(noise.map((x) => round(x.var, 4)));
  }

  result(): Telemetry {
    return this.t;
  }
}

/** One device's moments over all its virtual batches (a merge of its groups). */
function collapseGroups(m: Moments): Moments {
  if (m.groups === 1) return m;
  const C = m.channels;
  const parts: Moments[] = [];
  for (let g = 0; g < m.groups; g++) {
    parts.push({
      groups: 1,
      channels: C,
      count: m.count.subarray(g, g + 1),
      mean: m.mean.subarray(g * C, (g + 1) * C),
      m2: m.m2.subarray(g * C, (g + 1) * C),
    });
  }
  return mergeMoments(parts);
}
