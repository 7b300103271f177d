import type { Rng } from '../../core/rng.ts';

/**
 * Writes `count` labelled 2-D points into `x` ([count, 2]) and `y`. Labels cycle through the classes
 * (sample i has label i mod classes), so every class gets the same count, ±1.
 * `noise` is the standard deviation of Gaussian noise added to each coordinate.
 */
export type PointGenerator = (
  rng: Rng,
  count: number,
  noise: number,
  classes: number,
  x: Float32Array,
  y: Int32Array,
) => void;
