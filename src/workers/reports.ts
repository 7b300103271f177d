import type { Moments } from '../core/norm/moments.ts';
import type { PassStats } from './device.ts';

export type PassKind = 'train' | 'precise';

export interface DevicePassReport extends PassStats {
  readonly rank: number;
  /** Time this device spent computing (its share of the update included). */
  readonly computeMs: number;
}

/** One device's local BN moments in a training forward (telemetry). */
export interface BnMomentsReport {
  readonly layer: string;
  readonly rank: number;
  readonly moments: Moments;
}

/** What a device group (one worker) reports after a training step. */
export interface GroupStepReport {
  readonly devices: DevicePassReport[];
  /** Time the group spent waiting in collectives. */
  readonly waitMs: number;
  readonly collectiveCalls: number;
  readonly bytes: number;
  readonly bnMoments: BnMomentsReport[];
  readonly transport: string;
}
