import { Rng } from '../core/rng.ts';

/**
 * Per-device class proportions p[k] ~ Dir(alpha, …, alpha), drawn once per run from
 * Rng.stream(seed, 'data/dirichlet') (device 0's classes first, then device 1's, …). Small alpha:
 * each device favours a few classes; large alpha: close to uniform. If every gamma draw of a device
 * underflows to 0 (alpha ≲ 0.005), the device gets the α → 0 limit, one class drawn uniformly.
 */
export function dirichletProportions(
  alpha: number,
  devices: number,
  classes: number,
  seed: number,
): Float64Array[] {
  if (!(alpha > 0)) throw new RangeError(`dirichlet: alpha must be positive, got ${alpha}`);
  const rng = Rng.stream(seed, 'data/dirichlet');
  const out: Float64Array[] = [];
  for (let k = 0; k < devices; k++) {
    const p = new Float64Array(classes);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const g = rng.gamma(alpha);
      p[c] = g;
      sum += g;
    }
    if (sum > 0) {
      for (let c = 0; c < classes; c++) p[c]! /= sum;
    } else {
      p[rng.int(classes)] = 1;
    }
    out.push(p);
  }
  return out;
}
