/**
 * The statistics a batch-statistic norm exchanges between devices, per group and channel.
 * `groups` > 1 only for Ghost BN (one set of moments per virtual batch); plain BN has one group.
 * Moments are (count, mean, M2 = Σ(x−mean)²) in float64 so that merging is exact (Chan), never
 * E[x²] − E[x]², which loses everything for data with a large mean and a small spread.
 */
export interface Moments {
  readonly groups: number;
  readonly channels: number;
  /** Values per channel in each group, [groups]. */
  readonly count: Float64Array;
  /** [groups × channels] */
  readonly mean: Float64Array;
  /** [groups × channels] */
  readonly m2: Float64Array;
}

/**
 * Backward reductions of a batch-statistic norm, per group and channel: Σdy and Σdy·x̂, where x̂
 * is the input normalized with the statistics used in forward. Summed over devices (all-reduce).
 */
export interface Reductions {
  readonly groups: number;
  readonly channels: number;
  /** [groups × channels] */
  readonly sumDy: Float64Array;
  /** [groups × channels] */
  readonly sumDyXhat: Float64Array;
}

export function emptyMoments(groups: number, channels: number): Moments {
  return {
    groups,
    channels,
    count: new Float64Array(groups),
    mean: new Float64Array(groups * channels),
    m2: new Float64Array(groups * channels),
  };
}

export function emptyReductions(groups: number, channels: number): Reductions {
  return {
    groups,
    channels,
    sumDy: new Float64Array(groups * channels),
    sumDyXhat: new Float64Array(groups * channels),
  };
}
