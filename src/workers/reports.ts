import type { Moments } from '../core/norm/moments.ts';
import type { NonFiniteParam } from '../core/non-finite.ts';
import type { PassStats } from './device.ts';

export type PassKind = 'train' | 'precise';

export interface DevicePassReport extends PassStats {
  readonly rank: number;
  /** Time this device spent computing (its share of the update included). */
  readonly computeMs: number;
}

/** One device's local BN moments in a training forward (telemetry). */
/** Channels of each BN layer whose per-device statistics telemetry keeps step by step. */
export const TRACKED_CHANNELS = 4;

export interface BnMomentsReport {
  readonly layer: string;
  readonly rank: number;
  /**
   * The statistics of the device's own batch: every channel, or only the first TRACKED_CHANNELS
   * when `noise` is given (all the coordinator then needs).
   */
  readonly moments: Moments;
  /**
   * The device's statistic noise against the global batch over every channel
   * (`statisticNoise`), computed by the worker when the layer's merge spans every device (it then
   * holds the global moments), so the report need not carry every channel.
   */
  readonly noise?: { readonly mean: number; readonly var: number };
  /**
   * The statistics the device normalized with: its own batch's (local BN), its group's
   * (group:g) or the global batch's (sync), as the merge answered it.
   */
  readonly used: Moments;
}

/**
 * One device's share of the population statistics at an evaluation: each BN layer's input moments
 * over its chunks of the training subset, in 'eval-running' mode (weights frozen). Device 0 also
 * reports the running statistics the model would test with.
 */
export interface PopulationReport {
  readonly rank: number;
  readonly layers: { readonly layer: string; readonly moments: Moments }[];
  readonly running: RunningStatsReport[];
}

/** Device 0's running statistics of one BN layer after the step (telemetry; variance, not std). */
export interface RunningStatsReport {
  readonly layer: string;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/** What a device group (one worker) reports after a training step. */
export interface GroupStepReport {
  readonly devices: DevicePassReport[];
  /** Time the group spent waiting in collectives. */
  readonly waitMs: number;
  readonly collectiveCalls: number;
  readonly bytes: number;
  readonly bnMoments: BnMomentsReport[];
  /** Present from the group hosting device 0, on telemetry steps. */
  readonly running: RunningStatsReport[];
  readonly transport: string;
  /**
   * Only when one of this group's devices had a non-finite loss: the first non-finite parameter
   * the step's forward used (before its update), or null if they were all finite.
   */
  readonly nonFiniteParam?: NonFiniteParam | null;
}
