import type { CovariateProbe } from '../../../experiments/covariate-shift.ts';

export const PERCENTILES = ['p15', 'p50', 'p85'] as const;
export type PercentileKey = (typeof PERCENTILES)[number];

/** One y range for both panels (with and without BN), so their spreads compare by eye. */
export function sharedRange(curves: readonly (readonly CovariateProbe[])[]): [number, number] {
  const values = curves.flatMap((c) => c.flatMap((p) => PERCENTILES.map((k) => p[k])));
  if (values.length === 0) return [-1, 1];
  const lo = Math.min(...values, -1);
  const hi = Math.max(...values, 1);
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** The last step any curve reaches (1 when there are none, so the x axis is never empty). */
export function lastStep(curves: readonly (readonly CovariateProbe[])[]): number {
  return Math.max(1, ...curves.flatMap((c) => c.map((p) => p.step)));
}

/** An SVG polyline's points for one percentile, through the given pixel maps, 0.1 px rounding. */
export function percentilePoints(
  curve: readonly CovariateProbe[],
  key: PercentileKey,
  x: (step: number) => number,
  y: (value: number) => number,
): string {
  return curve.map((p) => `${x(p.step).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ');
}

/** How far the percentiles move over training: max − min per percentile, averaged (NaN if empty). */
export function percentileDrift(curve: readonly CovariateProbe[]): number {
  if (curve.length === 0) return Number.NaN;
  const ranges = PERCENTILES.map((k) => {
    const v = curve.map((p) => p[k]);
    return Math.max(...v) - Math.min(...v);
  });
  return ranges.reduce((a, b) => a + b, 0) / ranges.length;
}
