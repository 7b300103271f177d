import { mergeMoments } from '../core/norm/merge.ts';
import type { Moments } from '../core/norm/moments.ts';
import type { PopulationReport } from '../workers/reports.ts';
import { TRACKED_CHANNELS } from './telemetry-types.ts';

/**
 * Training samples the population statistics are computed over at each evaluation: a fixed
 * subset (evenly spaced through the training set, the same at every evaluation; the whole set
 * when it is smaller), because a pass over the whole training set at every evaluation would cost
 * more than the training itself (the default study: 12 evaluations of 2,000 digits against 300
 * steps of 32). The estimate's standard error is σ/32 for a mean and about 0.044 for a log
 * variance, below the mismatch local BN shows at a small per-device batch (0.2–0.6).
 */
export const POPULATION_SAMPLES = 1024;

/** Samples run through a device at once (any size gives the same moments up to rounding). */
const POPULATION_CHUNK = 256;

/**
 * One BN layer at one evaluation: the population statistics of its input (over the training
 * subset, in eval mode with the weights frozen) next to the running statistics the model tests
 * with. The per-channel values are the telemetry's tracked channels; the gaps summarize all.
 */
export interface PopulationStats {
  readonly channels: number[];
  /** Training samples the population statistics cover. */
  readonly samples: number;
  readonly mean: number[];
  readonly variance: number[];
  readonly runningMean: number[];
  readonly runningVar: number[];
  /** RMS over all channels of (running mean − population mean)/population σ. */
  readonly meanGap: number;
  /** RMS over all channels of ln(running var / population var). */
  readonly varGap: number;
}

/**
 * The training-set chunks each device runs: `samples` indices evenly spaced over 0…n−1 (all of
 * them when n ≤ samples), in chunks dealt to devices in turn, as the evaluation deals the test set.
 */
export function populationChunks(
  trainCount: number,
  devices: number,
  samples = POPULATION_SAMPLES,
): Int32Array[][] {
  const total = Math.min(trainCount, samples);
  const out: Int32Array[][] = Array.from({ length: devices }, () => []);
  for (let start = 0, j = 0; start < total; start += POPULATION_CHUNK, j++) {
    const end = Math.min(total, start + POPULATION_CHUNK);
    out[j % devices]!.push(
      Int32Array.from({ length: end - start }, (_, i) =>
        Math.floor(((start + i) * trainCount) / total),
      ),
    );
  }
  return out;
}

const round = (v: number, digits = 6): number => Number(v.toPrecision(digits));

/** The devices' reports merged in device order, per BN layer that keeps running statistics. */
export function populationStats(
  reports: readonly PopulationReport[],
  samples: number,
): Record<string, PopulationStats> {
  const sorted = [...reports].sort((a, b) => a.rank - b.rank);
  const running = new Map(sorted.flatMap((r) => r.running).map((r) => [r.layer, r]));
  const byLayer = new Map<string, Moments[]>();
  for (const r of sorted) {
    for (const { layer, moments } of r.layers) {
      const list = byLayer.get(layer) ?? [];
      list.push(moments);
      byLayer.set(layer, list);
    }
  }
  const out: Record<string, PopulationStats> = {};
  for (const [layer, parts] of byLayer) {
    const run = running.get(layer);
    if (!run) continue; // no running statistics: nothing stands in for the population at test time
    const pop = mergeMoments(parts);
    const n = pop.count[0]!;
    if (n === 0) continue;
    const C = pop.channels;
    const popVar = (c: number): number => pop.m2[c]! / n;
    const tracked = Array.from({ length: Math.min(TRACKED_CHANNELS, C) }, (_, c) => c);
    const eps = 1e-5;
    let meanSq = 0;
    let varSq = 0;
    for (let c = 0; c < C; c++) {
      meanSq += (run.mean[c]! - pop.mean[c]!) ** 2 / (popVar(c) + eps);
      varSq += Math.log((run.variance[c]! + eps) / (popVar(c) + eps)) ** 2;
    }
    out[layer] = {
      channels: tracked,
      samples,
      mean: tracked.map((c) => round(pop.mean[c]!)),
      variance: tracked.map((c) => round(popVar(c))),
      runningMean: tracked.map((c) => round(run.mean[c]!)),
      runningVar: tracked.map((c) => round(run.variance[c]!)),
      meanGap: round(Math.sqrt(meanSq / C), 4),
      varGap: round(Math.sqrt(varSq / C), 4),
    };
  }
  return out;
}
